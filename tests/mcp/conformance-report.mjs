// tests/mcp/conformance-report.mjs - count what the conformance suite wrote.
//
//   node conformance-report.mjs [--tap] [--expected FILE] OUTDIR
//
// OUTDIR holds one folder per scenario (server-<scenario>-<time>/checks.json).
// A scenario passes when none of its checks is FAILURE (WARNING and INFO
// are counted, not failed).  With --tap, one TAP line per scenario; a
// scenario named in FILE (the suite's expected-failures YAML: `server:` then
// `  - name  # reason`) that fails is `not ok ... # TODO reason`, so the
// harness shows it and the reason without failing, and one that passes
// says it is no longer expected to fail.  Without --tap, one line per
// scenario: `PASS name: K checks passed[, W warnings]` or
// `FAIL name: check: message; ...` (what tests/e2e/t8140 reads).  Last line, always:
//   conformance: P of T scenarios passed (C checks passed, F failed, W warnings); X expected failures
// Exit 0 when every failing scenario is expected, 1 otherwise (also when
// OUTDIR has no scenario at all).
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
let tap = false, expectedFile = null, dir = null;
for (let i = 0; i < args.length; i++) {
	if (args[i] === '--tap') tap = true;
	else if (args[i] === '--expected') expectedFile = args[++i];
	else dir = args[i];
}
if (!dir) {
	console.error('usage: conformance-report.mjs [--tap] [--expected FILE] OUTDIR');
	process.exit(2);
}

const expected = new Map();
if (expectedFile) {
	let mode = null;
	for (const line of fs.readFileSync(expectedFile, 'utf8').split('\n')) {
		const m = /^(\w+):\s*$/.exec(line);
		if (m) { mode = m[1]; continue; }
		const e = /^\s+-\s+([\w./-]+)\s*(?:#\s*(.*))?$/.exec(line);
		if (e && mode === 'server') expected.set(e[1], e[2] || 'listed in ' + path.basename(expectedFile));
	}
}

const rows = [];
for (const d of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
	const m = /^server-(.+)-\d{4}-\d\d-\d\dT[\d-]+Z$/.exec(d);
	if (!m) continue;
	let checks = [];
	try {
		checks = JSON.parse(fs.readFileSync(path.join(dir, d, 'checks.json'), 'utf8'));
	} catch (e) {
		checks = [{ status: 'FAILURE', id: 'checks.json', errorMessage: `unreadable: ${e.message}` }];
	}
	const n = (s) => checks.filter((c) => c.status === s).length;
	const fail = checks.filter((c) => c.status === 'FAILURE');
	rows.push({ name: m[1], ok: n('SUCCESS'), failed: fail.length, warn: n('WARNING'),
		why: fail.map((c) => `${c.id}: ${c.errorMessage || c.description}`).join('; ') });
}
// the suite's order is its own; keep a stable one
rows.sort((a, b) => a.name.localeCompare(b.name));

let unexpected = 0, n = 0;
if (tap) console.log(`1..${rows.length}`);
for (const r of rows) {
	n++;
	const exp = expected.get(r.name);
	const pass = r.failed === 0;
	if (!pass && !exp) unexpected++;
	const what = `${r.name}: ${r.ok} checks passed` + (r.warn ? `, ${r.warn} warnings` : '');
	const why = r.why.replace(/[\r\n#]+/g, ' ').slice(0, 300);
	if (!tap)
		console.log(pass ? `PASS ${what}` : `FAIL ${r.name}: ${why}`);
	else if (pass)
		console.log(`ok ${n} - ${what}` + (exp ? ` # TODO listed as an expected failure but passes now: ${exp}` : ''));
	else
		console.log(`not ok ${n} - ${r.name}: ${why}` +
			(exp ? ` # TODO ${exp}` : ''));
}
const sum = (k) => rows.reduce((a, r) => a + r[k], 0);
const passed = rows.filter((r) => r.failed === 0).length;
const expFailed = rows.filter((r) => r.failed > 0 && expected.has(r.name)).length;
console.log(`${tap ? '# ' : ''}conformance: ${passed} of ${rows.length} scenarios passed ` +
	`(${sum('ok')} checks passed, ${sum('failed')} failed, ${sum('warn')} warnings); ` +
	`${expFailed} expected failures`);
process.exit(rows.length > 0 && unexpected === 0 ? 0 : 1);
