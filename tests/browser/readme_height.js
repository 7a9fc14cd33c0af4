#!/usr/bin/env node
/*
 * readme_height.js - how tall README.md is when rendered, in Chromium.
 *
 *   node readme_height.js --readme FILE [--width 1280] [--html OUT.html]
 *
 * Renders the Markdown the README uses (headings, paragraphs, lists,
 * tables, fenced code, images, links, inline code, bold, HTML comments,
 * blocks of HTML such as an <img> with a width)
 * with GitHub-like type (16 px, line height 1.5, a 980 px column), loads it
 * from the README's folder so relative images resolve, and prints one JSON
 * line: {"height": px, "width": px, "images": n, "broken_images": [...]}.
 * No npm Markdown package is needed: this is the small subset the README
 * is allowed to use.
 */
"use strict";

const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

function arg(name, dflt) {
	const i = process.argv.indexOf("--" + name);
	return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

function esc(s) {
	return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function inline(s) {
	const codes = [];
	s = s.replace(/`([^`]+)`/g, (m, c) => { codes.push(c); return "\u0000" + (codes.length - 1) + "\u0000"; });
	s = esc(s);
	s = s.replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, '<img alt="$1" src="$2">');
	s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '<a href="$2">$1</a>');
	s = s.replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
	s = s.replace(/\*([^*]+)\*/g, "<em>$1</em>");
	return s.replace(/\u0000(\d+)\u0000/g, (m, i) => "<code>" + esc(codes[Number(i)]) + "</code>");
}

function render(md) {
	const lines = md.replace(/<!--[\s\S]*?-->/g, "").split("\n");
	const out = [];
	let i = 0;
	while (i < lines.length) {
		const l = lines[i];
		if (/^```/.test(l)) {
			const code = [];
			for (i++; i < lines.length && !/^```/.test(lines[i]); i++)
				code.push(lines[i]);
			out.push("<pre><code>" + esc(code.join("\n")) + "</code></pre>");
			i++;
		} else if (/^#{1,6} /.test(l)) {
			const n = l.match(/^#+/)[0].length;
			out.push(`<h${n}>${inline(l.slice(n + 1))}</h${n}>`);
			i++;
		} else if (/^\|/.test(l)) {
			const rows = [];
			for (; i < lines.length && /^\|/.test(lines[i]); i++)
				rows.push(lines[i].replace(/^\||\|$/g, "").split(/(?<!\\)\|/).map((c) => c.trim()));
			let h = "<table><thead><tr>" + rows[0].map((c) => `<th>${inline(c)}</th>`).join("") + "</tr></thead><tbody>";
			for (const r of rows.slice(2))
				h += "<tr>" + r.map((c) => `<td>${inline(c)}</td>`).join("") + "</tr>";
			out.push(h + "</tbody></table>");
		} else if (/^[-*] /.test(l)) {
			const items = [];
			for (; i < lines.length && (/^[-*] /.test(lines[i]) || /^  \S/.test(lines[i])); i++) {
				if (/^[-*] /.test(lines[i]))
					items.push(lines[i].slice(2));
				else
					items[items.length - 1] += " " + lines[i].trim();
			}
			out.push("<ul>" + items.map((t) => `<li>${inline(t)}</li>`).join("") + "</ul>");
		} else if (/^<[a-z]/.test(l)) {
			/* a block of HTML (an <img> with a width), as GitHub passes it */
			const block = [];
			for (; i < lines.length && !/^\s*$/.test(lines[i]); i++)
				block.push(lines[i]);
			out.push("<p>" + block.join("\n") + "</p>");
		} else if (/^\s*$/.test(l)) {
			i++;
		} else {
			const para = [];
			for (; i < lines.length && !/^\s*$/.test(lines[i]) && !/^(```|#{1,6} |\||[-*] )/.test(lines[i]); i++)
				para.push(lines[i]);
			out.push("<p>" + inline(para.join(" ")) + "</p>");
		}
	}
	return out.join("\n");
}

const CSS = `body { font: 16px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
  max-width: 980px; margin: 0 auto; padding: 45px; box-sizing: border-box; }
h1 { font-size: 2em; border-bottom: 1px solid #ddd; padding-bottom: .3em; margin: .67em 0 16px; }
h2 { font-size: 1.5em; border-bottom: 1px solid #ddd; padding-bottom: .3em; margin: 24px 0 16px; }
p, ul, table, pre { margin: 0 0 16px; }
table { border-collapse: collapse; display: block; width: max-content; max-width: 100%; overflow: auto; }
th, td { border: 1px solid #ddd; padding: 6px 13px; }
pre { background: #f6f8fa; padding: 16px; overflow: auto; font-size: 85%; line-height: 1.45; }
code { font-family: monospace; font-size: 85%; }
img { max-width: 100%; }`;

(async () => {
	const readme = arg("readme");
	const width = Number(arg("width", "1280"));
	const html = `<!doctype html><meta charset="utf-8"><style>${CSS}</style>\n` +
		render(fs.readFileSync(readme, "utf8"));
	const page_file = arg("html", path.join(path.dirname(path.resolve(readme)), ".readme-render.html"));
	fs.writeFileSync(page_file, html);
	const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
						args: ["--allow-file-access-from-files"] });
	try {
		const page = await browser.newPage({ viewport: { width, height: 900 } });
		/* the page sits beside the README, so relative images resolve */
		await page.goto("file://" + path.resolve(page_file), { waitUntil: "load" });
		const r = await page.evaluate(() => ({
			height: document.documentElement.scrollHeight,
			width: document.documentElement.scrollWidth,
			images: document.images.length,
			broken_images: Array.from(document.images).filter((i) => !i.complete || i.naturalWidth === 0)
				.map((i) => i.getAttribute("src")),
		}));
		console.log(JSON.stringify(r));
	} finally {
		await browser.close();
	}
})().catch((e) => {
	console.error(e);
	process.exit(1);
});
