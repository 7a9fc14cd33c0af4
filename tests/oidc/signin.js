#!/usr/bin/env node
/*
 * signin.js - the whole single sign-on in Chromium (playwright-core from
 * tests/browser, Debian's /usr/bin/chromium), against tests/oidc/provider.mjs.
 *
 *   node signin.js AIVALUE_URL PROVIDER_NAME
 *
 * Checks, in order, and stops at the first that fails (exit 1, saying
 * what it saw); prints one line per check that held:
 *  - the sign-in page offers "Sign in with NAME"; alice goes through the
 *    provider's login and consent and lands on the overview signed in as
 *    alice@example.com with the role analyst (her group's mapping);
 *  - "Sign out" ends the session: the overview sends her to /login again,
 *    and the old session cookie no longer opens it;
 *  - nina, in no mapped group, gets the "No access" page, HTTP 403, and
 *    no session.
 */
"use strict";

const path = require("path");
const { chromium } = require(path.join(__dirname, "../browser/node_modules/playwright-core"));

const [BASE, NAME] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

function check(cond, name, detail) {
	if (!cond)
		throw new Error(`${name}: no\n${detail}`);
	console.log(`held: ${name}`);
}

/* Through the provider's dev login and consent pages; returns the last response's status. */
async function signIn(page, login) {
	let last = 0;
	page.on("response", (r) => {
		if (r.url().startsWith(BASE + "/login/sso/callback"))
			last = r.status();
	});
	await page.goto(BASE + "/login");
	await page.click("#sso");
	await page.waitForSelector("input[name=login]");
	await page.fill("input[name=login]", login);
	await page.fill("input[name=password]", "any");
	await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
	/* the consent page, on the first sign-in of this account to this client */
	if (!page.url().startsWith(BASE))
		await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
	await page.waitForLoadState("load");
	return last;
}

async function main() {
	const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
	try {
		let ctx = await browser.newContext();
		let page = await ctx.newPage();
		await page.goto(BASE + "/login");
		const button = await page.textContent("#sso").catch(() => "");
		check(button === `Sign in with ${NAME}`, "the sign-in page offers the provider's button",
		   `button: ${JSON.stringify(button)}`);

		await signIn(page, "alice");
		await page.waitForURL(BASE + "/", { timeout: 10000 }).catch(() => {});
		const who = await page.textContent(".who, header").catch(() => "");
		check(page.url() === BASE + "/" && /Signed in as\s*alice@example\.com\s*\(analyst\)/.test(who),
		   "alice signs in through the provider and lands on the overview as analyst",
		   `url ${page.url()}\n${who}`);
		const cookies = await ctx.cookies(BASE);
		const session = cookies.find((c) => c.name === "aiv_session");
		check(session && session.httpOnly && session.sameSite === "Strict" &&
		   !cookies.find((c) => c.name === "aiv_sso"),
		   "the session cookie is HttpOnly and Strict; the sign-in state cookie is gone",
		   JSON.stringify(cookies));

		await Promise.all([page.waitForNavigation(), page.click("a[href='/logout']")]);
		await page.goto(BASE + "/");
		check(page.url() === BASE + "/login", "after sign-out the overview sends her to /login",
		   page.url());
		const stale = await fetch(BASE + "/", { redirect: "manual",
			headers: { Cookie: `aiv_session=${session ? session.value : ""}` } });
		check(stale.status === 303, "the old session cookie opens nothing (the session ended on the server)",
		   `status ${stale.status}`);
		await ctx.close();

		ctx = await browser.newContext();
		page = await ctx.newPage();
		const status = await signIn(page, "nina");
		const text = await page.textContent("main").catch(() => "");
		const c2 = await ctx.cookies(BASE);
		check(status === 403 && /No access/.test(text) && /nina@example\.com/.test(text) &&
		   !c2.find((c) => c.name === "aiv_session"),
		   "nina, in no mapped group, gets the No access page (403) and no session",
		   `status ${status}\n${text}`);
		await ctx.close();
	} finally {
		await browser.close();
	}
}

main().catch((e) => {
	console.log(`failed: ${e && e.message ? e.message : e}`);
	process.exit(1);
});
