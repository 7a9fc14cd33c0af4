#!/usr/bin/env node
/*
 * report_pdf.js - the HTML report as Chromium prints it to PDF.
 *
 *   node report_pdf.js --html REPORT.html --out DIR [--min-pages N] [--max-pages N]
 *
 * Prints TAP.  Checks:
 *  - page.pdf() (A4, the report's own @page margins) gives between
 *    --min-pages and --max-pages pages (counted from the PDF's page objects);
 *  - in the print layout (print media, the viewport as wide as A4 less the
 *    14 mm margins: 688 CSS px), no element's box runs past the printable
 *    width, and no element clips its text (scrollWidth beyond clientWidth
 *    on an element that hides its overflow);
 *  - the report carries no raw JSON (no '{"' in its text);
 *  - page images: the print layout cut into A4-high slices, DIR/page-N.png,
 *    and the PDF itself, DIR/report.pdf.
 */
"use strict";

const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");
const { chromium } = require("playwright-core");

function arg(name, dflt) {
	const i = process.argv.indexOf("--" + name);
	return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

const HTML = path.resolve(arg("html"));
const OUT = path.resolve(arg("out", "report-pages"));
const MIN_PAGES = Number(arg("min-pages", "1"));
const MAX_PAGES = Number(arg("max-pages", "40"));
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
/* A4 at 96 CSS px per inch, less the report's @page margin of 14 mm each side */
const MM = 96 / 25.4;
const PRINT_W = Math.floor((210 - 2 * 14) * MM);
const PRINT_H = Math.floor((297 - 2 * 14) * MM);

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

/* Page objects of a PDF: "/Type /Page" not followed by "s" (that is /Pages). */
function pdfPages(buf) {
	const s = buf.toString("latin1");
	const m = s.match(/\/Type\s*\/Page(?![a-zA-Z])/g);
	return m ? m.length : 0;
}

(async () => {
	fs.mkdirSync(OUT, { recursive: true });
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
	try {
		const page = await browser.newPage({ viewport: { width: PRINT_W, height: PRINT_H } });
		await page.goto("file://" + HTML);
		await page.emulateMedia({ media: "print" });

		const pdf = await page.pdf({ format: "A4", printBackground: true,
					     preferCSSPageSize: true });
		fs.writeFileSync(path.join(OUT, "report.pdf"), pdf);
		const pages = pdfPages(pdf);
		ok(pages >= MIN_PAGES && pages <= MAX_PAGES,
		   `the PDF has ${MIN_PAGES} to ${MAX_PAGES} pages`, `it has ${pages}`);
		console.log(`# ${pages} pages`);

		const over = await page.evaluate((width) => {
			const bad = [];
			for (const el of document.body.querySelectorAll("*")) {
				const r = el.getBoundingClientRect();
				if (!r.width && !r.height)
					continue;
				const name = el.tagName.toLowerCase() +
					(el.className && typeof el.className === "string" ? "." + el.className : "");
				const text = (el.textContent || "").trim().slice(0, 60);
				if (r.right > width + 1 || r.left < -1)
					bad.push(`${name} spans ${Math.round(r.left)}..${Math.round(r.right)} px: ${text}`);
				const st = getComputedStyle(el);
				if (st.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1 &&
				    el.tagName !== "svg")
					bad.push(`${name} clips its text (${el.scrollWidth} of ${el.clientWidth} px): ${text}`);
			}
			return bad;
		}, PRINT_W);
		ok(over.length === 0, `no element runs past the printable width (${PRINT_W} px)`,
		   over.slice(0, 20).join("\n"));

		const text = await page.evaluate(() => document.body.innerText);
		ok(!text.includes('{"'), "the report carries no raw JSON",
		   text.slice(Math.max(0, text.indexOf('{"') - 80), text.indexOf('{"') + 80));
		ok(!/ (>=|<=|==) /.test(text), "no operator in the report's sentences",
		   (text.match(/.{0,60} (>=|<=|==) .{0,60}/) || [""])[0]);
		ok(!/\d\.\d+e[+-]\d/.test(text), "no floating-point exponent in the report",
		   (text.match(/.{0,40}\d\.\d+e[+-]\d.{0,40}/) || [""])[0]);

		/*
		 * page images: the PDF's pages through pdftoppm (poppler-utils)
		 * when it is installed, else the print layout in A4-high slices
		 */
		for (const f of fs.readdirSync(OUT))
			if (/^page-\d+\.png$/.test(f))
				fs.unlinkSync(path.join(OUT, f));
		if (spawnSync("pdftoppm", ["-v"]).status === 0) {
			const r = spawnSync("pdftoppm", ["-png", "-r", "80", path.join(OUT, "report.pdf"),
							 path.join(OUT, "page")]);
			const imgs = fs.readdirSync(OUT).filter((f) => /^page-\d+\.png$/.test(f));
			ok(r.status === 0 && imgs.length === pages,
			   `page images of the PDF saved to ${OUT}`, `${imgs.length} images for ${pages} pages`);
		} else {
			await sliceShots(page);
		}
	} finally {
		await browser.close();
	}
	console.log(`1..${n}`);
	process.exit(failed ? 1 : 0);
})().catch((e) => {
	console.log(`not ok ${n + 1} - report_pdf.js: ${e.message}`);
	console.log(`1..${n + 1}`);
	process.exit(1);
});

/* Without pdftoppm: the print layout cut into A4-high slices. */
async function sliceShots(page) {
		const full = await page.evaluate(() => document.documentElement.scrollHeight);
		const shots = Math.min(Math.ceil(full / PRINT_H), 60);
		for (let i = 0; i < shots; i++) {
			await page.screenshot({
				path: path.join(OUT, `page-${String(i + 1).padStart(2, "0")}.png`),
				fullPage: true,
				clip: { x: 0, y: i * PRINT_H, width: PRINT_W,
					height: Math.min(PRINT_H, full - i * PRINT_H) },
			});
		}
		ok(shots >= 1, `page images saved to ${OUT}`, `${shots} images`);
}
