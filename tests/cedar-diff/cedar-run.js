#!/usr/bin/env node
// cedar-run.js - evaluate a corpus directory with Cedar itself
// (@cedar-policy/cedar-wasm), printing one line per request in the same
// format as `aivalue cedar eval`: "allow|deny reason=IDS errors=IDS".
//   node cedar-run.js DIR
'use strict';
const fs = require('fs');
const path = require('path');
const cedar = require('@cedar-policy/cedar-wasm/nodejs');

const dir = process.argv[2];
const policies = fs.readFileSync(path.join(dir, 'policies.cedar'), 'utf8');
const entities = JSON.parse(fs.readFileSync(path.join(dir, 'entities.json'), 'utf8'));
const requests = JSON.parse(fs.readFileSync(path.join(dir, 'requests.json'), 'utf8'));
const ok = cedar.preparsePolicySet('set', { staticPolicies: policies });
if (ok.type !== 'success') {
  console.error('cedar could not parse the policies:', JSON.stringify(ok.errors));
  process.exit(1);
}
const lines = [];
for (const r of requests) {
  const a = cedar.statefulIsAuthorized({
    principal: r.principal, action: r.action, resource: r.resource,
    context: r.context, preparsedPolicySetId: 'set', entities,
  });
  if (a.type !== 'success') {
    console.error('cedar failed on a request:', JSON.stringify(a.errors));
    process.exit(1);
  }
  const reason = [...a.response.diagnostics.reason].sort().join(',');
  const errors = [...new Set(a.response.diagnostics.errors.map((e) => e.policyId))].sort().join(',');
  lines.push(`${a.response.decision} reason=${reason} errors=${errors}`);
}
process.stdout.write(lines.join('\n') + '\n');
