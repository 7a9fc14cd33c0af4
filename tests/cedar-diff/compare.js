#!/usr/bin/env node
// compare.js - compare Cedar's answers (EXPECTED) with aivalue's (ACTUAL)
// line by line.  Decisions must agree exactly; reasons and erroring
// policy sets are compared too (sorted).  Prints a summary; exit 1 on any
// disagreement.   node compare.js EXPECTED ACTUAL [LABEL]
'use strict';
const fs = require('fs');
const norm = (l) => {
  const m = /^(allow|deny) reason=(\S*) errors=(\S*)$/.exec(l);
  if (!m) return { raw: l };
  const s = (x) => x.split(',').filter(Boolean).sort().join(',');
  return { decision: m[1], reason: s(m[2]), errors: s(m[3]) };
};
const [exp, act, label] = process.argv.slice(2);
const E = fs.readFileSync(exp, 'utf8').trimEnd().split('\n');
const A = fs.readFileSync(act, 'utf8').trimEnd().split('\n');
if (E.length !== A.length) {
  console.log(`not ok - ${label || act}: ${E.length} answers from cedar, ${A.length} from aivalue`);
  process.exit(1);
}
let dec = 0, rsn = 0, err = 0, allow = 0, errored = 0;
const shown = [];
for (let i = 0; i < E.length; i++) {
  const e = norm(E[i]), a = norm(A[i]);
  if (e.decision === 'allow') allow++;
  if (e.errors) errored++;
  if (e.decision !== a.decision) { dec++; if (shown.length < 5) shown.push(`request ${i}: cedar '${E[i]}' aivalue '${A[i]}'`); }
  else if (e.reason !== a.reason) { rsn++; if (shown.length < 5) shown.push(`request ${i}: reason: cedar '${E[i]}' aivalue '${A[i]}'`); }
  else if (e.errors !== a.errors) { err++; if (shown.length < 5) shown.push(`request ${i}: errors: cedar '${E[i]}' aivalue '${A[i]}'`); }
}
const ok = dec === 0 && rsn === 0 && err === 0;
console.log(`${ok ? 'ok' : 'not ok'} - ${label || act}: ${E.length} requests (${allow} allow, ${errored} with policy errors): ` +
  `${dec} decision, ${rsn} reason, ${err} error-set disagreements`);
for (const s of shown) console.log('#   ' + s);
process.exit(ok ? 0 : 1);
