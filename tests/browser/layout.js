#!/usr/bin/env node
/*
 * layout.js - the dashboard at a phone's width and a laptop's, in Chromium
 * (playwright-core driving Debian's /usr/bin/chromium).
 *
 *   node layout.js --url URL --token FILE [--empty-url URL --empty-token FILE]
 *        --out DIR [--max N]
 *
 * Signed in with the token, it crawls every same-origin page reached from
 * the overview (at most --max, default 120) and at 390 px and 1280 px
 * width checks, printing TAP:
 *  - no horizontal overflow: the document is no wider than the window
 *    (tables reflow; wide figures scroll inside their own card);
 *  - plain words: no raw operator (>=, <=, ==, !=) between words and no
 *    floating-point exponent (9.592e+04) in the visible text;
 *  - a figure that was not measured does not read "0 s";
 * and on /hypotheses that figures carry their units (days and hours, a
 * relative change with "faster", "lower" or "higher", an interval bar).
 * With --empty-url (a second server on an empty workspace) the overview
 * must show the setup checklist and not claim an earned phase.
 * Full-page screenshots go to DIR/390/ and DIR/1280/: of the first N
 * pages of each crawl with --shots N (make test takes a few: a full-page
 * PNG costs about as much CPU as the checks), of every page with
 * --shots all (the default; `make screenshots`).
 */
"use strict";

const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

function arg(name, dflt) {
	const i = process.argv.indexOf("--" + name);
	return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

const BASE = arg("url");
const TOKEN = fs.readFileSync(arg("token"), "utf8").trim();
const EMPTY = arg("empty-url", null);
const EMPTY_TOKEN = arg("empty-token", null);
const OUT = arg("out", "screenshots");
const MAX = Number(arg("max", "120"));
const SHOTS = arg("shots", "all") === "all" ? Infinity : Number(arg("shots", "all"));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const WIDTHS = [390, 1280];

let n = 0, failed = 0;
function ok(cond, name, detail) {
	n++;
	if (cond) {
		console.log(`ok ${n} - ${name}`);
	} else {
		failed++;
		console.log(`not ok ${n} - ${name}`);
		if (detail)
			String(detail).split("\n").slice(0, 12).forEach((l) => console.log(`#   ${l}`));
	}
	return cond;
}
function slug(url) {
	const u = new URL(url);
	let s = (u.pathname + (u.search ? "_" + u.search.slice(1) : "")).replace(/[^A-Za-z0-9_.-]+/g, "_");
	s = s.replace(/^_+|_+$/g, "");
	return s || "overview";
}
function pageUrl(base, href) {
	let u;
	try {
		u = new URL(href, base);
	} catch (e) {
		return null;
	}
	if (u.origin !== new URL(base).origin)
		return null;
	if (/^\/(api|assets|metrics|healthz|logout|login)(\/|$)/.test(u.pathname))
		return null;
	u.hash = "";
	return u.toString();
}

async function browserContext(browser, width, base, token) {
	const context = await browser.newContext({ viewport: { width, height: 900 } });
	const page = await context.newPage();
	await page.goto(base + "/login");
	await page.fill("#token", token);
	await Promise.all([page.waitForURL(base + "/"), page.click("button[type=submit]")]);
	await page.close();
	return context;
}

/* What is wrong with the page's layout and words; [] when nothing. */
async function problems(page) {
	return page.evaluate(() => {
		const bad = [];
		const doc = document.documentElement;
		if (doc.scrollWidth > window.innerWidth + 1) {
			/* name the widest elements that stick out, for the report */
			const out = [];
			document.querySelectorAll("main *").forEach((e) => {
				const r = e.getBoundingClientRect();
				if (r.right > window.innerWidth + 1 && r.width > 0) {
					let inScroller = false;
					for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
						const o = getComputedStyle(p).overflowX;
						if (o === "auto" || o === "scroll" || o === "hidden") { inScroller = true; break; }
					}
					if (!inScroller)
						out.push(`${e.tagName.toLowerCase()}${e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : ""} right edge ${Math.round(r.right)}`);
				}
			});
			bad.push(`horizontal overflow: document ${doc.scrollWidth} px wide in a ${window.innerWidth} px window; ` +
				 out.slice(0, 5).join("; "));
		}
		const text = document.querySelector("main") ? document.querySelector("main").innerText : document.body.innerText;
		const ops = text.match(/[^\n]{0,40}\s(>=|<=|==|!=)\s[^\n]{0,40}/g);
		if (ops)
			bad.push("raw operators in the text: " + ops.slice(0, 3).join(" | "));
		const exp = text.match(/[^\n]{0,30}\b\d(\.\d+)?e[+-]\d+\b[^\n]{0,30}/g);
		if (exp)
			bad.push("floating-point exponents in the text: " + exp.slice(0, 3).join(" | "));
		return bad;
	});
}

async function crawl(context, width, base) {
	const seen = new Set([base + "/"]), queue = [base + "/"];
	const dir = path.join(OUT, String(width));
	let visited = 0;
	fs.mkdirSync(dir, { recursive: true });
	/* one tab for the whole crawl: a new tab per page started a new
	   renderer process per page, half of the file's CPU (docs/testing.md,
	   "Timing"); a navigation replaces the document all the same */
	const page = await context.newPage();
	while (queue.length && visited < MAX) {
		const url = queue.shift();
		const res = await page.goto(url, { waitUntil: "load" });
		const rel = url.slice(base.length);
		visited++;
		const links = await page.$$eval("a[href]", (as) => as.map((a) => a.getAttribute("href")));
		for (const h of links) {
			const u = pageUrl(base, h);
			if (u && !seen.has(u)) {
				seen.add(u);
				queue.push(u);
			}
		}
		const bad = await problems(page);
		ok(res && res.status() === 200 && bad.length === 0,
		   `${width} px ${rel}: fits the width, plain words`,
		   (res ? "" : "no response\n") + bad.join("\n"));
		if (visited <= SHOTS)
			await page.screenshot({ path: path.join(dir, slug(url) + ".png"), fullPage: true });
	}
	await page.close();
	return visited;
}

async function hypotheses(context, base) {
	const page = await context.newPage();
	await page.goto(base + "/hypotheses");
	const t = await page.evaluate(() => ({
		text: document.querySelector("main").innerText,
		bars: document.querySelectorAll("svg.ci-bar").length,
		rows: document.querySelectorAll("tr.hyp").length,
	}));
	ok(/\d+ d \d\d h/.test(t.text), "/hypotheses: durations in days and hours", t.text.slice(0, 400));
	ok(/\d+ % (faster|slower|lower|higher)/.test(t.text), "/hypotheses: the relative change in words",
	   t.text.slice(0, 400));
	ok(/\d+(\.\d)? pp (lower|higher)/.test(t.text), "/hypotheses: rates in percentage points",
	   t.text.slice(0, 400));
	ok(t.rows > 0 && t.bars > 0, `/hypotheses: ${t.bars} interval bar(s) on ${t.rows} row(s)`);
	ok(!/\bclaims-cycle-time\b/.test(t.text.split("\n").filter((l) => !/initiative/.test(l)).join("\n")),
	   "/hypotheses: rows show titles, not slugs");
	await page.close();
}

async function emptyWorkspace(browser) {
	for (const width of WIDTHS) {
		const context = await browserContext(browser, width, EMPTY, fs.readFileSync(EMPTY_TOKEN, "utf8").trim());
		const page = await context.newPage();
		await page.goto(EMPTY + "/");
		const t = await page.evaluate(() => ({
			text: document.querySelector("main").innerText,
			steps: document.querySelectorAll("ol.setup-steps li").length,
		}));
		ok(t.steps === 6 && /Set up this workspace/.test(t.text),
		   `${width} px empty workspace: the setup checklist, ${t.steps} steps`);
		ok(!/Phase \d of \d earned/.test(t.text), `${width} px empty workspace: no phase claimed earned`,
		   t.text.slice(0, 300));
		const bad = await problems(page);
		ok(bad.length === 0, `${width} px empty workspace overview: fits the width, plain words`, bad.join("\n"));
		fs.mkdirSync(path.join(OUT, String(width)), { recursive: true });
		await page.screenshot({ path: path.join(OUT, String(width), "empty-overview.png"), fullPage: true });
		const r = await page.goto(EMPTY + "/no-such-page");
		ok(r.status() === 404 && /html/.test(r.headers()["content-type"] || ""),
		   `${width} px: an unknown page is an HTML 404`);
		await page.screenshot({ path: path.join(OUT, String(width), "not-found.png"), fullPage: true });
		await context.close();
	}
}

(async () => {
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
	try {
		for (const width of WIDTHS) {
			const context = await browserContext(browser, width, BASE, TOKEN);
			const pages = await crawl(context, width, BASE);
			ok(pages >= 20, `${width} px: ${pages} pages visited`);
			if (width === WIDTHS[0])
				await hypotheses(context, BASE);
			await context.close();
		}
		if (EMPTY)
			await emptyWorkspace(browser);
	} catch (e) {
		ok(false, "the browser run finished", e.stack);
	} finally {
		await browser.close();
	}
	console.log(`1..${n}`);
	process.exit(failed ? 1 : 0);
})();
