#!/usr/bin/env node
// cedar-wasm-bench.js DIR [N] - time Cedar's own authorizer on the bench
// corpus in its fastest mode: policies preparsed once, then
// statefulIsAuthorized per request.  Entities are JSON on every call, so
// two figures: with the whole store (first N requests), and with a
// per-request slice (principal, resource, entities their attributes
// name, and every ancestor of those), over all requests in the file.
'use strict';
const fs = require('fs');
const path = require('path');
const cedar = require('@cedar-policy/cedar-wasm/nodejs');
const dir = process.argv[2];
const policies = fs.readFileSync(path.join(dir, 'policies.cedar'), 'utf8');
const entities = JSON.parse(fs.readFileSync(path.join(dir, 'entities.json'), 'utf8'));
const requests = JSON.parse(fs.readFileSync(path.join(dir, 'requests.json'), 'utf8'));
const nfull = Math.max(1, Math.floor(requests.length / 20));
const ok = cedar.preparsePolicySet('bench', { staticPolicies: policies });
if (ok.type !== 'success') { console.error(JSON.stringify(ok)); process.exit(1); }
const key = (u) => u.type + '::' + u.id;
const byKey = new Map(entities.map((e) => [key(e.uid), e]));
function slice(r) {
  const out = new Map();
  const add = (u, depth) => {
    const e = byKey.get(key(u));
    if (!e || out.has(key(u))) return;
    out.set(key(u), e);
    for (const p of e.parents) add(p, depth);
    if (depth > 0) for (const v of Object.values(e.attrs)) if (v && v.__entity) add(v.__entity, depth - 1);
  };
  add(r.principal, 1);
  add(r.resource, 1);
  return [...out.values()];
}
const call = (r, ents) => cedar.statefulIsAuthorized({ principal: r.principal, action: r.action,
  resource: r.resource, context: r.context, preparsedPolicySetId: 'bench', entities: ents });
function time(list, entsOf) {
  const lat = [];
  for (const r of list) {
    const ents = entsOf(r);
    const t0 = process.hrtime.bigint();
    const a = call(r, ents);
    lat.push(Number(process.hrtime.bigint() - t0) / 1000);
    if (a.type !== 'success') { console.error(JSON.stringify(a)); process.exit(1); }
  }
  lat.sort((x, y) => x - y);
  return `p50 ${lat[Math.floor(lat.length / 2)].toFixed(1)} p99 ${lat[Math.floor(lat.length * 0.99)].toFixed(1)} n ${lat.length}`;
}
call(requests[0], entities); // warm up
const slices = requests.map(slice);
let i = 0;
console.log('slice ' + time(requests, () => slices[i++]));
console.log('wasm ' + time(requests.slice(0, nfull), () => entities));
