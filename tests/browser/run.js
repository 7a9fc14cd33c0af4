#!/usr/bin/env node
/*
 * run.js - browser tests of the aivalue dashboard in Chromium (playwright-core
 * driving Debian's /usr/bin/chromium), with axe-core for accessibility.
 *
 *   node run.js --url http://127.0.0.1:PORT --tokens DIR --out DIR \
 *        [--routes FILE] [--keep-going]
 *
 * DIR holds viewer.tok, approver.tok (the token named after the approving
 * person), lead.tok.  --routes is a file of page route patterns (one per
 * line, e.g. /changes/{id}), derived by the caller from the route table:
 * every pattern must be reached by the crawl, so a new page that no link
 * leads to fails the test.
 *
 * What it checks, printing TAP:
 *  - signed in as a viewer, it crawls every same-origin link from the
 *    overview (detail pages included); each page answers 200, logs no
 *    console error or failed request, every chart is an SVG with data
 *    points (a titled bar, point, cell, node or area), and axe-core finds
 *    no serious or critical violation (WCAG 2 A/AA rules);
 *  - a full-page screenshot of every page goes to --out;
 *  - keyboard: the first Tab lands on a visible "skip to content" link;
 *    sortable tables sort on click; pages render without JavaScript;
 *  - flows by clicking: follow a finding from the overview to its evidence;
 *    sign an open change request as an approver; approve a pending
 *    exception as an approver.
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
const TOKENS = arg("tokens", ".");
const OUT = arg("out", "screenshots");
/* screenshots of the first N crawled pages (--shots N), or of all (default) */
const SHOTS = arg("shots", "all") === "all" ? Infinity : Number(arg("shots", "all"));
const ROUTES = arg("routes", null);
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const MAX_PAGES = 200;
const AXE_SRC = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

let n = 0, failed = 0;
function ok(cond, name, detail) {
	n++;
	if (cond) {
		console.log(`ok ${n} - ${name}`);
	} else {
		failed++;
		console.log(`not ok ${n} - ${name}`);
		if (detail)
			String(detail).split("\n").forEach((l) => console.log(`#   ${l}`));
	}
	return cond;
}
function tok(name) {
	return fs.readFileSync(path.join(TOKENS, name + ".tok"), "utf8").trim();
}
function slug(url) {
	const u = new URL(url);
	let s = (u.pathname + (u.search ? "_" + u.search.slice(1) : "")).replace(/[^A-Za-z0-9_.-]+/g, "_");
	s = s.replace(/^_+|_+$/g, "");
	return s || "overview";
}
/* Pages to visit: same origin, not the API, assets, sign-out or sign-in. */
function pageUrl(href) {
	let u;
	try {
		u = new URL(href, BASE);
	} catch (e) {
		return null;
	}
	if (u.origin !== new URL(BASE).origin)
		return null;
	/* /metrics is Prometheus text; /metrics/{id} are metric pages, a few suffice */
	if (/^\/(api|assets|healthz|logout|login)(\/|$)/.test(u.pathname) || u.pathname === "/metrics")
		return null;
	if (u.pathname.startsWith("/metrics/") && metricPages.size >= 3 && !metricPages.has(u.pathname))
		return null;
	if (u.pathname.startsWith("/metrics/"))
		metricPages.add(u.pathname);
	u.hash = "";
	return u.toString();
}

async function signIn(context, token) {
	const page = await context.newPage();
	await page.goto(BASE + "/login");
	await page.fill("#token", token);
	await Promise.all([page.waitForURL(BASE + "/"), page.click("button[type=submit]")]);
	await page.close();
}

/* Watch a page for console errors, uncaught exceptions and failed loads. */
function watch(page) {
	const errors = [];
	page.on("console", (m) => {
		if (m.type() === "error")
			errors.push("console: " + m.text());
	});
	page.on("pageerror", (e) => errors.push("exception: " + e.message));
	page.on("requestfailed", (r) => errors.push("failed: " + r.url()));
	page.on("response", (r) => {
		if (r.status() >= 400)
			errors.push(`status ${r.status()}: ${r.url()}`);
	});
	return errors;
}

const metricPages = new Set();

/* Charts without data points, described; [] when all have some. */
async function emptyCharts(page) {
	return page.evaluate(() => {
		const bad = [];
		document.querySelectorAll("main svg").forEach((svg, i) => {
			/* a data point: a mark with its own tooltip, or a drawn shape of data */
			const marks = svg.querySelectorAll(
				"rect.bar, circle.point, rect.cell, g.node, polygon.area, path.line, " +
				"path.spark-line, " +
				":not(svg) > title");
			const t = svg.querySelector("title");
			/* a sparkline drawn as "nothing measured" says so beside it in words */
			if (svg.querySelector("path.spark-empty"))
				return;
			if (marks.length === 0 || svg.querySelector("text.no-data"))
				bad.push(`chart ${i + 1} '${t ? t.textContent : svg.id}' has no data points`);
		});
		return bad;
	});
}

async function axe(page) {
	await page.evaluate(AXE_SRC);
	return page.evaluate(async () => {
		/* eslint-disable-next-line no-undef */
		const r = await axe.run(document, {
			runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
			resultTypes: ["violations"],
		});
		return r.violations.map((v) => ({
			id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 3).map((x) => x.target.join(" ")),
		}));
	});
}

async function crawl(context) {
	const seen = new Set(), queue = [BASE + "/"], visited = [], axeAll = {};
	fs.mkdirSync(OUT, { recursive: true });
	seen.add(BASE + "/");
	/* one tab for the whole crawl: a new tab per page started a new
	   renderer process per page, a third of the file's CPU (docs/testing.md,
	   "Timing"); a navigation replaces the document all the same, and the
	   errors seen are emptied before each page */
	const page = await context.newPage();
	const errors = watch(page);
	while (queue.length && visited.length < MAX_PAGES) {
		const url = queue.shift();
		errors.length = 0;
		const res = await page.goto(url, { waitUntil: "load" });
		const status = res ? res.status() : 0;
		const rel = url.slice(BASE.length);
		visited.push(rel);
		ok(status === 200, `${rel} answers 200`, `status ${status}`);
		const links = await page.$$eval("a[href]", (as) => as.map((a) => a.getAttribute("href")));
		for (const h of links) {
			const u = pageUrl(h);
			if (u && !seen.has(u)) {
				seen.add(u);
				queue.push(u);
			}
		}
		const charts = await emptyCharts(page);
		const nsvg = await page.$$eval("main svg", (s) => s.length);
		ok(charts.length === 0, `${rel}: ${nsvg} chart(s), each with data points`, charts.join("\n"));
		const v = await axe(page);
		const serious = v.filter((x) => x.impact === "serious" || x.impact === "critical");
		v.forEach((x) => { axeAll[x.id] = axeAll[x.id] || { impact: x.impact, help: x.help, pages: [] }; axeAll[x.id].pages.push(rel); });
		ok(serious.length === 0, `${rel}: no serious or critical axe-core violation`,
		   serious.map((x) => `${x.impact} ${x.id}: ${x.help} at ${x.nodes.join(", ")}`).join("\n"));
		if (visited.length <= SHOTS)
			await page.screenshot({ path: path.join(OUT, slug(url) + ".png"), fullPage: true });
		ok(errors.length === 0, `${rel}: no console error or failed request`, errors.join("\n"));
	}
	await page.close();
	return { visited, axeAll };
}

/* Does a visited path match a route pattern like /changes/{id}? */
function matches(pattern, p) {
	const re = new RegExp("^" + pattern.replace(/[.*+?^$()|[\]\\]/g, "\\$&")
		.replace(/\\?\{[a-z_]+\\?\}/g, "[^/?]+").replace(/\{[a-z_]+\}/g, "[^/?]+") + "(\\?.*)?$");
	return re.test(p);
}

async function keyboard(context) {
	const page = await context.newPage();
	await page.goto(BASE + "/");
	await page.keyboard.press("Tab");
	const f = await page.evaluate(() => {
		const a = document.activeElement;
		const r = a.getBoundingClientRect();
		return { text: a.textContent.trim(), href: a.getAttribute("href"),
			 visible: r.width > 0 && r.height > 0 && r.top >= 0,
			 outline: getComputedStyle(a).outlineStyle };
	});
	ok(/skip/i.test(f.text) && f.href === "#main" && f.visible,
	   "the first Tab reaches a visible skip link to the content", JSON.stringify(f));
	await page.screenshot({ path: path.join(OUT, "keyboard-skip-link.png") });
	await page.keyboard.press("Enter");
	await page.keyboard.press("Tab");
	const inMain = await page.evaluate(() => !!document.activeElement.closest("main"));
	ok(inMain, "after the skip link, Tab moves into the main content");
	const nav = await page.$eval("header.top", (h) => h.getBoundingClientRect().height);
	ok(nav < 80, `the header is one line at 1280 px (${Math.round(nav)} px high)`);

	/* a sortable table sorts on click, and with the keyboard */
	await page.goto(BASE + "/roadmap");
	const before = await page.$$eval("table.sortable tbody tr td:first-child", (c) => c.map((x) => x.textContent));
	await page.click("table.sortable thead th:first-child");
	await page.click("table.sortable thead th:first-child");
	const after = await page.$$eval("table.sortable tbody tr td:first-child", (c) => c.map((x) => x.textContent));
	const sorted = await page.$eval("table.sortable thead th:first-child", (t) => t.getAttribute("aria-sort"));
	ok(sorted === "descending" && after.length > 1 && after.join() === before.slice().reverse().join(),
	   "a sortable table sorts by a column on click (rank descending)", `${sorted} ${after.join(",")}`);
	await page.close();
}

async function noScript(browser, token) {
	const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
	await signIn(ctx, token);
	for (const p of ["/", "/roadmap", "/changes/CR-2", "/workflows/p2p"]) {
		const page = await ctx.newPage();
		const res = await page.goto(BASE + p);
		const h1 = await page.$eval("main h1", (h) => h.textContent).catch(() => "");
		ok(res.status() === 200 && h1.length > 0, `${p} renders without JavaScript (${h1.slice(0, 40)})`);
		await page.close();
	}
	await ctx.close();
}

async function flowFinding(context) {
	const page = await context.newPage();
	const errors = watch(page);
	await page.goto(BASE + "/");
	const link = page.locator("a.pb-fname").first();
	const name = (await link.textContent()).trim();
	await link.click();
	await page.waitForLoadState("load");
	const u = new URL(page.url());
	const target = u.hash ? await page.$(u.hash) : null;
	const text = target ? await target.textContent() : "";
	ok(u.pathname === "/findings" && target && text.includes(name) && /Evidence figures/.test(text),
	   `a finding on the overview leads to its evidence figures ('${name}')`, page.url());
	/* and from there to the page that holds the evidence */
	const ev = target ? await target.$("a.pb-evidence") : null;
	if (ok(!!ev, "the finding links to the page of its evidence")) {
		const href = await ev.getAttribute("href");
		await ev.click();
		await page.waitForLoadState("load");
		const h1 = await page.$eval("main h1", (h) => h.textContent);
		ok(new URL(page.url()).pathname === href.split("#")[0] && h1.length > 0,
		   `the evidence page opens: ${href} (${h1})`);
		await page.screenshot({ path: path.join(OUT, "flow-finding-evidence.png"), fullPage: true });
	}
	ok(errors.length === 0, "no console error while following a finding", errors.join("\n"));
	await page.close();
}

/* Fill the API form of `form`, with the approver's token, submit, wait for the answer. */
async function submitApiForm(page, form, fields, token) {
	for (const [k, v] of Object.entries(fields))
		await form.locator(`[name=${k}]`).fill(v);
	await form.locator("input[name=api_token]").fill(token);
	await form.locator("button[type=submit]").click();
	const out = form.locator("output");
	await out.filter({ hasText: /./ }).waitFor({ timeout: 5000 });
	return (await out.textContent()).trim();
}

async function flowSign(context, token, person) {
	const page = await context.newPage();
	const errors = watch(page);
	await page.goto(BASE + "/changes");
	await page.click("a[href='/changes/CR-2']");
	await page.waitForURL(BASE + "/changes/CR-2");
	const form = page.locator("form.sign");
	const text = await submitApiForm(page, form, { meaning: "approved as SOP-12 owner",
		reason: "photos make the first assessment faster" }, token);
	ok(/signed|approved/i.test(text), `signing CR-2 by clicking answers: ${text}`);
	await page.waitForLoadState("load");
	await page.reload();
	const rows = page.locator("#signatures tbody tr", { hasText: person });
	const row = (await rows.count()) ? await rows.first().innerText() : "";
	ok(/\bvalid\b/i.test(row), `CR-2 shows ${person}'s valid signature after a reload`, row);
	await page.screenshot({ path: path.join(OUT, "flow-sign-change.png"), fullPage: true });
	ok(errors.length === 0, "no console error while signing", errors.join("\n"));
	await page.close();
}

async function flowException(context, token, person) {
	const page = await context.newPage();
	const errors = watch(page);
	await page.goto(BASE + "/workflows");
	await page.click("a[href='/workflows/p2p']");
	await page.waitForURL(BASE + "/workflows/p2p");
	const row = page.locator("tr.exc-pending").first();
	const id = (await row.getAttribute("id")).replace(/^exc-row-/, "");
	/* one approval form for the queue: pick the item, then decide */
	const form = page.locator("form#act-queue");
	await form.locator("select[name=item]").selectOption(id);
	const text = await submitApiForm(page, form, { as: person, reason: "PO matched, amount checked" }, token);
	ok(/approved/i.test(text), `approving exception ${id} by clicking answers: ${text}`);
	await page.goto(BASE + "/workflows/p2p?tab=resolved");
	const state = await page.locator(`#exc-row-${id}`).textContent();
	ok(/approved/.test(state), `${id} is approved after a reload`, state);
	await page.screenshot({ path: path.join(OUT, "flow-approve-exception.png"), fullPage: true });
	ok(errors.length === 0, "no console error while approving", errors.join("\n"));
	await page.close();
}

(async () => {
	const browser = await chromium.launch({ executablePath: CHROMIUM,
		args: ["--no-sandbox", "--disable-background-networking"] });
	try {
		const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		await signIn(ctx, tok("viewer"));
		const { visited, axeAll } = await crawl(ctx);
		console.log(`# visited ${visited.length} pages`);
		if (ROUTES) {
			const pats = fs.readFileSync(ROUTES, "utf8").split("\n").filter(Boolean);
			const missed = pats.filter((p) => !visited.some((v) => matches(p, v)));
			ok(missed.length === 0, `the crawl reached every page route of the route table (${pats.length})`,
			   "not reached: " + missed.join(", "));
		}
		Object.entries(axeAll).forEach(([id, x]) =>
			console.log(`# axe ${x.impact} ${id}: ${x.help} (${x.pages.length} pages)`));
		await keyboard(ctx);
		await flowFinding(ctx);
		await ctx.close();
		await noScript(browser, tok("viewer"));

		const actx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		await signIn(actx, tok("approver"));
		const person = fs.readFileSync(path.join(TOKENS, "approver.name"), "utf8").trim();
		await flowSign(actx, tok("approver"), person);
		await flowException(actx, tok("approver"), fs.readFileSync(path.join(TOKENS, "exception-approver.name"), "utf8").trim());
		await actx.close();
	} catch (e) {
		ok(false, "the browser run finished", e.stack);
	} finally {
		await browser.close();
	}
	console.log(`1..${n}`);
	process.exit(failed ? 1 : 0);
})();
