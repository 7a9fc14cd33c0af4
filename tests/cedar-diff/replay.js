#!/usr/bin/env node
// replay.js - replay the regression cases of tests/cedar/ (written by
// minimize.js): aivalue must give each case's expected answer, and Cedar
// itself (cedar-wasm) must still give it too, so an expectation cannot go
// stale when the reference version moves.  Prints TAP.
//   node replay.js AIVALUE_BIN CASE_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const lib = require('./lib');

const [bin, dir] = process.argv.slice(2);
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
console.log(`1..${files.length}`);
let bad = 0;
files.forEach((f, i) => {
  const c = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  const want = JSON.stringify(c.expect);
  const cedarGot = JSON.stringify(lib.expectOf(lib.cedarOutcome(c.policies, c.entities, c.requests)));
  const av = lib.aivalueOutcome(bin, c.policies, c.entities, c.requests);
  if (av.lines) av.lines = av.lines.map(lib.normLine);
  const avGot = JSON.stringify(av.parse === 'ok' && av.entities === 'ok' && !av.lines
    ? 'failed' : lib.expectOf(av));
  const ok = cedarGot === want && avGot === want;
  if (!ok) bad++;
  console.log(`${ok ? 'ok' : 'not ok'} ${i + 1} - ${f}: ${c.about}`);
  if (!ok) console.log(`#   expected ${want}\n#   cedar    ${cedarGot}\n#   aivalue  ${avGot} ${av.msg || ''}`);
});
process.exit(bad ? 1 : 0);
