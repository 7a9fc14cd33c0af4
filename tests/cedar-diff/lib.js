// lib.js - what the differential tools share: the seeded random source,
// Cedar itself (cedar-wasm) and aivalue behind one calling convention,
// the comparison of their answers with the designed differences told
// apart, and the regression case format of tests/cedar/.
//
// An "outcome" is what one engine makes of a corpus:
//   { parse: 'ok' | 'reject', entities: 'ok' | 'reject', lines: [..], msg }
// where lines are "allow|deny reason=IDS errors=IDS", one per request.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync, spawnSync } = require('child_process');
const cedar = require('@cedar-policy/cedar-wasm/nodejs');

const PINNED = '4.13.0';

// mulberry32: small, fast, reproducible
function rng(seed) {
  let a = seed >>> 0;
  const R = () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  R.pick = (arr) => arr[Math.floor(R() * arr.length)];
  R.int = (lo, hi) => lo + Math.floor(R() * (hi - lo + 1));
  R.chance = (p) => R() < p;
  return R;
}

function checkVersion() {
  const v = cedar.getCedarVersion();
  if (v !== PINNED) throw new Error(`cedar-wasm is ${v}, the reference is ${PINNED} (npm install in tests/cedar-diff)`);
  return v;
}

const sortIds = (a) => [...a].sort().join(',');

// cedar-wasm converts the whole entity array on every call, which costs
// far more than evaluating.  Evaluation only ever looks up entities it can
// reach: the request's, those in the context, the policies' entity
// literals, and transitively the parents and entity-valued attributes of
// those; so each request gets exactly that part of the store
// (CEDAR_DIFF_NOPRUNE=1 passes the whole store, to check this).
const key = (u) => JSON.stringify([u.type, u.id]);
function uidsIn(v, out) {
  if (Array.isArray(v)) { v.forEach((x) => uidsIn(x, out)); return; }
  if (!v || typeof v !== 'object') return;
  if (typeof v.type === 'string' && typeof v.id === 'string') out.push(v);
  for (const k of Object.keys(v)) uidsIn(v[k], out);
}
function pruner(policies, entities) {
  const lits = [];
  const parts = cedar.policySetTextToParts(policies);
  if (parts.type !== 'success') return null;
  for (const p of parts.policies) {
    const j = cedar.policyToJson(p);
    if (j.type !== 'success') return null;
    uidsIn(j.json, lits);
  }
  const byKey = new Map();
  for (const e of entities) byKey.set(key(e.uid.__entity || e.uid), e);
  return (r) => {
    const frontier = [r.principal, r.action, r.resource, ...lits];
    uidsIn(r.context || {}, frontier);
    const seen = new Set(), out = [];
    while (frontier.length) {
      const u = frontier.pop(), k = key(u.__entity || u);
      if (seen.has(k)) continue;
      seen.add(k);
      const e = byKey.get(k);
      if (!e) continue;
      out.push(e);
      uidsIn(e.parents, frontier);
      uidsIn(e.attrs, frontier);
    }
    return out;
  };
}

// Cedar's answers.  Entities are checked once; requests use a preparsed set.
function cedarOutcome(policies, entities, requests) {
  const p = cedar.checkParsePolicySet({ staticPolicies: policies });
  if (p.type !== 'success') return { parse: 'reject', msg: p.errors.map((e) => e.message).join('; ') };
  const e = cedar.checkParseEntities({ entities });
  if (e.type !== 'success') return { parse: 'ok', entities: 'reject', msg: e.errors.map((x) => x.message).join('; ') };
  const id = 'set';
  cedar.preparsePolicySet(id, { staticPolicies: policies });
  const lines = [];
  const prune = entities.length > 8 && !process.env.CEDAR_DIFF_NOPRUNE ? pruner(policies, entities) : null;
  for (const r of requests) {
    const a = cedar.statefulIsAuthorized({
      principal: r.principal, action: r.action, resource: r.resource,
      context: r.context || {}, preparsedPolicySetId: id, entities: prune ? prune(r) : entities,
    });
    if (a.type !== 'success') {
      lines.push('request-error ' + a.errors.map((x) => x.message).join('; ').replace(/\s+/g, ' '));
      continue;
    }
    const d = a.response.diagnostics;
    lines.push(`${a.response.decision} reason=${sortIds(d.reason)} errors=${sortIds(new Set(d.errors.map((x) => x.policyId)))}`);
  }
  return { parse: 'ok', entities: 'ok', lines };
}

let tmpdir = null;
function tmp() {
  if (!tmpdir) {
    tmpdir = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), 'cedar-lib.'));
    process.on('exit', () => fs.rmSync(tmpdir, { recursive: true, force: true }));
  }
  return tmpdir;
}

// aivalue's answers, through `aivalue cedar eval` (pure Cedar semantics).
function aivalueOutcome(bin, policies, entities, requests) {
  const d = tmp();
  const pf = path.join(d, 'p.cedar'), ef = path.join(d, 'e.json'), rf = path.join(d, 'r.json');
  fs.writeFileSync(pf, policies);
  fs.writeFileSync(ef, JSON.stringify(entities));
  fs.writeFileSync(rf, JSON.stringify(requests));
  const r = spawnSync(bin, ['cedar', 'eval', '--policies', pf, '--entities', ef, '--requests', rf],
    { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status === 0) return { parse: 'ok', entities: 'ok', lines: r.stdout.trimEnd().split('\n').filter((l) => l !== '' || requests.length) };
  const msg = (r.stderr || '').trim();
  if (msg.includes(pf)) return { parse: 'reject', msg };
  if (/entit/.test(msg) && !msg.includes(rf)) return { parse: 'ok', entities: 'reject', msg };
  return { parse: 'ok', entities: 'ok', lines: null, msg };
}

// Parse many policy texts with one aivalue process: [{ok, msg}]
function aivalueParseMany(bin, texts) {
  const d = fs.mkdtempSync(path.join(tmp(), 'parse.'));
  const files = texts.map((t, i) => {
    const f = path.join(d, `${i}.cedar`);
    fs.writeFileSync(f, t);
    return f;
  });
  const out = [];
  for (let i = 0; i < files.length; i += 500) {
    const chunk = files.slice(i, i + 500);
    const r = spawnSync(bin, ['cedar', 'check', ...chunk, ...(chunk.length === 1 ? [chunk[0]] : [])],
      { encoding: 'utf8', maxBuffer: 1 << 28 });
    const lines = r.stdout.split('\n');
    for (const f of chunk) {
      const l = lines.find((x) => x.startsWith(f + ': '));
      if (!l) throw new Error('aivalue cedar check printed nothing for ' + f + ': ' + r.stderr);
      const rest = l.slice(f.length + 2);
      out.push(rest.startsWith('ok ') ? { ok: true } : { ok: false, msg: rest.replace(/^error /, '') });
    }
  }
  fs.rmSync(d, { recursive: true, force: true });
  return out;
}

function cedarParses(text) {
  const p = cedar.checkParsePolicySet({ staticPolicies: text });
  return p.type === 'success' ? { ok: true } : { ok: false, msg: p.errors.map((e) => e.message).join('; ') };
}

// ---- designed differences -------------------------------------------
// Each is a place where aivalue refuses what Cedar accepts (so it can only
// deny more), named by the message aivalue gives.  docs/control.md lists them.
const DESIGNED_PARSE = [
  ['unsupported-extension', /unknown extension function|unknown method '(isIpv4|isIpv6|isLoopback|isMulticast|isInRange|offset|durationSince|toDate|toTime|toMilliseconds|toSeconds|toMinutes|toHours|toDays|getTag|hasTag)'/],
  ['nul-byte', /contains a NUL byte/],
  ['nesting-limit', /nested too deeply|too many operators/],
  ['duplicate-@id', /duplicate policy id/],
];
const DESIGNED_ENTITIES = [
  ['duplicate-entity', /is defined twice/],
  ['unsupported-extension', /unsupported extension value/],
];

function designedParse(msg) {
  for (const [name, re] of DESIGNED_PARSE) if (re.test(msg || '')) return name;
  return null;
}
function designedEntities(msg) {
  for (const [name, re] of DESIGNED_ENTITIES) if (re.test(msg || '')) return name;
  return null;
}

// aivalue lists ids in policy order; Cedar's lines are sorted as strings
function normLine(l) {
  const m = /^(allow|deny) reason=(\S*) errors=(\S*)$/.exec(l || '');
  if (!m) return l;
  const s = (x) => x.split(',').filter(Boolean).sort().join(',');
  return `${m[1]} reason=${s(m[2])} errors=${s(m[3])}`;
}

// Compare two outcomes of the same corpus.  Returns { kind, n, designed,
// detail } where kind is 'agree', 'designed' or 'disagree' and n counts
// requests (or 1 for a parse or entity verdict).
function compareOutcomes(ce, av, nreq) {
  if (ce.parse !== av.parse) {
    const d = ce.parse === 'ok' ? designedParse(av.msg) : null;
    return { kind: d ? 'designed' : 'disagree', designed: d, what: 'parse', n: 1,
      detail: `cedar ${ce.parse} (${ce.msg || ''}), aivalue ${av.parse} (${av.msg || ''})` };
  }
  if (ce.parse === 'reject') return { kind: 'agree', what: 'parse', n: 1 };
  if (ce.entities !== av.entities) {
    const d = ce.entities === 'ok' ? designedEntities(av.msg) : null;
    return { kind: d ? 'designed' : 'disagree', designed: d, what: 'entities', n: 1,
      detail: `cedar entities ${ce.entities} (${ce.msg || ''}), aivalue ${av.entities} (${av.msg || ''})` };
  }
  if (ce.entities === 'reject') return { kind: 'agree', what: 'entities', n: 1 };
  if (!av.lines) return { kind: 'disagree', what: 'run', n: nreq, detail: 'aivalue failed: ' + av.msg };
  const bad = [];
  av.lines = av.lines.map(normLine);
  for (let i = 0; i < ce.lines.length; i++) if (ce.lines[i] !== av.lines[i]) bad.push(i);
  return { kind: bad.length ? 'disagree' : 'agree', what: 'requests', n: nreq, bad,
    detail: bad.length ? `request ${bad[0]}: cedar '${ce.lines[bad[0]]}' aivalue '${av.lines[bad[0]]}'` : '' };
}

// ---- regression cases (tests/cedar/*.json) --------------------------
// { about, policies, entities, requests, expect } where expect is
// "reject-policies", "reject-entities" or Cedar's lines for the requests.
function expectOf(ce) {
  if (ce.parse === 'reject') return 'reject-policies';
  if (ce.entities === 'reject') return 'reject-entities';
  return ce.lines;
}

function writeCase(dir, slug, about, c) {
  fs.mkdirSync(dir, { recursive: true });
  const ce = cedarOutcome(c.policies, c.entities, c.requests);
  const body = { about, cedar: checkVersion(), policies: c.policies, entities: c.entities,
    requests: c.requests, expect: expectOf(ce) };
  const existing = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).length;
  const file = path.join(dir, `${String(existing + 1).padStart(3, '0')}-${slug}.json`);
  fs.writeFileSync(file, JSON.stringify(body, null, 1) + '\n');
  return file;
}

module.exports = {
  rng, checkVersion, cedarOutcome, aivalueOutcome, aivalueParseMany, cedarParses,
  compareOutcomes, normLine, designedParse, designedEntities, expectOf, writeCase, PINNED, cedar,
};
