#!/usr/bin/env node
/*
 * overview_shot.js - the screenshot of the overview that the README shows
 * (docs/img/overview.png): one laptop-sized screen, signed in as a viewer.
 *
 *   node overview_shot.js --url URL --token FILE --out FILE [--width 1280] [--height 800]
 *
 * To retake it (from the repository root, with tests/browser/node_modules
 * installed by scripts/install-test-deps):
 *   d=$(mktemp -d) && AIVALUE_FAKE_TIME=2026-12-01T12:00:00Z build/aivalue --db $d/demo.db demo --size medium --dir $d/data >/dev/null &&
 *   build/aivalue --db $d/demo.db token create --name shot --role viewer >$d/tok &&
 *   (build/aivalue --db $d/demo.db serve --listen 127.0.0.1:8099 --quiet &) && sleep 2 &&
 *   node tests/browser/overview_shot.js --url http://127.0.0.1:8099 --token $d/tok --out docs/img/overview.png
 * then stop that server.
 */
"use strict";

const fs = require("fs");
const { chromium } = require("playwright-core");

function arg(name, dflt) {
	const i = process.argv.indexOf("--" + name);
	return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

(async () => {
	const base = arg("url");
	const token = fs.readFileSync(arg("token"), "utf8").trim();
	const out = arg("out");
	const width = Number(arg("width", "1280")), height = Number(arg("height", "800"));
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium" });
	const context = await browser.newContext({ viewport: { width, height } });
	const page = await context.newPage();
	await page.goto(base + "/login");
	await page.fill("#token", token);
	await Promise.all([page.waitForURL(base + "/"), page.click("button[type=submit]")]);
	await page.waitForLoadState("load");
	await page.screenshot({ path: out, fullPage: false });
	await browser.close();
	console.log(`wrote ${out} (${fs.statSync(out).size} bytes, ${width}x${height})`);
})().catch((e) => {
	console.error(e);
	process.exit(1);
});
