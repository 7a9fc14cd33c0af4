#!/usr/bin/env node
// campaign.js - the differential campaign of aivalue's Cedar against
// Cedar 4.13 itself (cedar-wasm), in three parts:
//
//   eval      generated policy sets x entity stores x requests (gen.js):
//             decision, reason and erroring policies must agree exactly
//   parse     token mutations of generated policies (delete, duplicate,
//             swap, replace or insert a token from a vocabulary of
//             keywords, reserved words, operators, escapes, whitespace and
//             comment kinds): accept/reject must agree; the mutants both
//             accept are then evaluated like the eval part
//   entities  mutated entity stores (cycles, reserved or malformed type
//             names, missing fields, duplicates, odd values): accept/reject
//             and then the answers must agree
//
// Differences that aivalue has on purpose (docs/control.md, "Designed
// differences") are counted by name and do not fail the run; any other
// disagreement does.  With --minimize DIR the first disagreements of each
// kind are shrunk into regression cases there (minimize.js).
//
//   node campaign.js --bin AIVALUE --seed N --sets S --requests R
//        [--mutants M] [--entity-mutants E] [--minimize DIR] [--max-cases K]
'use strict';
const lib = require('./lib');
const { generate } = require('./gen');
const mz = require('./minimize');

function arg(name, def) {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 ? process.argv[i + 1] : def;
}
const bin = arg('bin');
const seed = +arg('seed', 7), nsets = +arg('sets', 20), nreq = +arg('requests', 500);
const nmut = +arg('mutants', 1000), nent = +arg('entity-mutants', 40);
const minDir = arg('minimize', null), maxCases = +arg('max-cases', 5);
if (!bin) { console.error('usage: campaign.js --bin AIVALUE [...]'); process.exit(2); }
const version = lib.checkVersion();
const t0 = Date.now();

const fig = {
  sets: 0, requests: 0, allow: {}, withErrors: {}, failClosed: 0,
  parseSets: 0, corners: 0, mutants: 0, mutAccept: 0, mutReject: 0, mutSets: 0, mutRequests: 0,
  entitySets: 0, entityReject: 0, entityRequests: 0,
  undesigned: {}, designed: {}, examples: [],
};
const bump = (o, k, n = 1) => { o[k] = (o[k] || 0) + n; };
let cases = 0;

function note(kind, detail, shrink) {
  bump(fig.undesigned, kind);
  if (fig.examples.length < 12) fig.examples.push(`${kind}: ${detail}`);
  if (minDir && cases < maxCases && shrink) {
    cases++;
    try {
      const f = shrink();
      fig.examples.push(`  minimised into ${f}`);
    } catch (e) {
      fig.examples.push(`  could not minimise: ${e.message}`);
    }
  }
}

// Compare one corpus; tally requests.  effects: 'permit'|'forbid' per policy
function runCorpus(c, effects, label, part) {
  const ce = lib.cedarOutcome(c.policies, c.entities, c.requests);
  const av = lib.aivalueOutcome(bin, c.policies, c.entities, c.requests);
  const cmp = lib.compareOutcomes(ce, av, c.requests.length);
  if (cmp.kind === 'designed') { bump(fig.designed, cmp.designed); return { ce, cmp }; }
  if (cmp.kind === 'disagree' && cmp.what !== 'requests') {
    note(cmp.what, `${label}: ${cmp.detail}`, () => (cmp.what === 'parse'
      ? lib.writeCase(minDir, 'parse', 'parse verdicts differed', { policies: mz.minimizeParse(bin, c.policies), entities: [], requests: [] })
      : lib.writeCase(minDir, cmp.what, `${cmp.what} verdicts differed`, mz.minimizeEval(bin, c))));
    return { ce, cmp };
  }
  if (!ce.lines) return { ce, cmp };
  ce.lines.forEach((l, i) => {
    if (l.startsWith('allow')) bump(fig.allow, part);
    if (!/errors=$/.test(l)) bump(fig.withErrors, part);
    // the control layer's fail-closed rule: an erroring forbid denies
    if (effects && l.startsWith('allow')) {
      const errs = l.replace(/^.*errors=/, '').split(',').filter(Boolean);
      if (errs.some((id) => effects[+id.replace('policy', '')] === 'forbid')) fig.failClosed++;
    }
  });
  if (cmp.kind === 'disagree') {
    for (const i of cmp.bad) {
      const e = ce.lines[i], a = av.lines[i];
      const kind = e.split(' ')[0] !== a.split(' ')[0] ? 'decision'
        : e.split(' ')[1] !== a.split(' ')[1] ? 'reason' : 'errors';
      note(kind, `${label} request ${i}: cedar '${e}' aivalue '${a}'`,
        () => lib.writeCase(minDir, kind, `${kind} differed`, mz.minimizeEval(bin, { ...c, requests: [c.requests[i]] })));
    }
  }
  return { ce, cmp };
}

// ---- eval part ----------------------------------------------------------
const corpora = generate(seed, nsets, nreq);
corpora.forEach((g, s) => {
  fig.sets++;
  fig.requests += g.requests.length;
  runCorpus(g, g.effects, `set ${s}`, 'eval');
});

// ---- parse part ---------------------------------------------------------
const R = lib.rng(seed ^ 0x5eed);
const VOCAB = ['if', 'then', 'else', 'in', 'is', 'has', 'like', 'true', 'false', '__cedar', 'permit', 'forbid',
  'when', 'unless', 'principal', 'action', 'resource', 'context', 'Action', 'User', 'Ns', '==', '!=', '<', '<=',
  '>', '>=', '&&', '||', '!', '-', '+', '*', '/', '%', '=', '.', ',', ';', ':', '::', '(', ')', '[', ']', '{',
  '}', '@', '?principal', '"s"', '"\\x2a"', '"\\u{2a}"', '"\\u{4_1}"', '"\\u{_41}"', '"\\x80"', '"a\rb"',
  '"\\*"', '"\\q"', '"a\\\nb"', '9223372036854775807', '9223372036854775808', '0', 'decimal', 'ip', 'datetime',
  'isIpv4', 'getTag', 'lessThan', 'contains', 'containsAll', 'isEmpty', '\f', '\v', '\u00a0', '\u2028', '\u0085',
  '\u200b', '\u3000', '// c\r', '// c\n', '\r', '"\u0000"', 'A::__cedar', 'a__cedar', 'Ns::Action'];
const MAXLEN = 1500;
const bases = [];
for (const g of corpora) {
  const ps = mz.splitPolicies(g.policies).filter((p) => p.length < MAXLEN);
  for (let i = 0; i < ps.length; i++) bases.push(ps.slice(i, i + R.int(1, 2)).join(''));
}
function mutate(text) {
  const toks = mz.tokens(text);
  const sig = () => { for (let k = 0; k < 20; k++) { const i = R.int(0, toks.length - 1); if (!mz.isSpace(toks[i])) return i; } return 0; };
  const n = R.pick([1, 1, 1, 2, 3]);
  const WS = ['\f', '\v', '\u00a0', '\u2028', '\u3000', '\r', '\r\n', '// c\r', '\u0085', '\u200b', '\t'];
  for (let m = 0; m < n && toks.length; m++) {
    const i = sig();
    const sp = toks.findIndex((t, k) => k >= i && mz.isSpace(t));
    switch (R.int(0, 8)) {
      case 6: if (sp >= 0) toks[sp] = R.pick(WS); break;
      case 7: if (/^[A-Za-z_]/.test(toks[i])) toks[i] = R.pick(VOCAB.filter((v) => /^[A-Za-z_]/.test(v))); break;
      case 8: if (toks[i][0] === '"') toks[i] = R.pick(VOCAB.filter((v) => v[0] === '"')); break;
      case 0: toks.splice(i, 1); break;
      case 1: toks.splice(i, 0, toks[i]); break;
      case 2: { const j = sig(); [toks[i], toks[j]] = [toks[j], toks[i]]; break; }
      case 3: toks[i] = R.pick(VOCAB); break;
      case 4: toks.splice(i, 0, ' ', R.pick(VOCAB), ' '); break;
      default: toks.splice(i, 0, R.pick(VOCAB)); break;
    }
  }
  return toks.join('');
}
const mutants = [];
for (let i = 0; i < nmut && bases.length; i++) mutants.push(mutate(R.pick(bases)));
const aParse = lib.aivalueParseMany(bin, mutants);
const accepted = [];
mutants.forEach((t, i) => {
  fig.mutants++;
  const c = lib.cedarParses(t), a = aParse[i];
  if (c.ok && a.ok) { fig.mutAccept++; accepted.push(t); return; }
  if (!c.ok && !a.ok) { fig.mutReject++; return; }
  const d = c.ok ? lib.designedParse(a.msg) : null;
  if (d) { bump(fig.designed, d); return; }
  note(c.ok ? 'parse (cedar accepts)' : 'parse (cedar rejects)',
    `${JSON.stringify(t.slice(0, 300))}: cedar ${c.ok ? 'ok' : c.msg}; aivalue ${a.ok ? 'ok' : a.msg}`,
    () => lib.writeCase(minDir, 'parse', 'parse verdicts differed', { policies: mz.minimizeParse(bin, t), entities: [], requests: [] }));
});
// the mutants both accept: evaluate them, 40 to a set, on 25 requests
for (let i = 0; i < accepted.length; i += 40) {
  const g = corpora[(i / 40) % corpora.length];
  const c = { policies: accepted.slice(i, i + 40).join('\n'), entities: g.entities, requests: g.requests.slice(0, 25) };
  fig.mutSets++;
  fig.mutRequests += c.requests.length;
  runCorpus(c, null, `mutant set ${i / 40}`, 'parse');
}

// hand-picked corner texts (corners.js): verdicts, then answers of those both accept
{
  const K = require('./corners');
  const av = lib.aivalueParseMany(bin, K.texts);
  const both = [];
  K.texts.forEach((t, i) => {
    fig.corners++;
    const c = lib.cedarParses(t);
    if (c.ok && av[i].ok) { both.push(t); return; }
    if (c.ok === av[i].ok) return;
    const d = c.ok ? lib.designedParse(av[i].msg) : null;
    if (d) bump(fig.designed, d);
    else note('parse (corner)', `${JSON.stringify(t)}: cedar ${c.ok ? 'ok' : c.msg}; aivalue ${av[i].ok ? 'ok' : av[i].msg}`, null);
  });
  fig.mutRequests += K.requests.length;
  runCorpus({ policies: both.join('\n'), entities: K.entities, requests: K.requests }, null, 'corner texts', 'parse');
}

// ---- entities part ------------------------------------------------------
const BADTYPES = ['if', 'in', 'A::__cedar', '__cedar::A', '1A', 'A ', 'A:: B', '', 'A::', '::A', 'true', 'Is', 'A::then::B', 'principal', 'A_1::b2'];
function mutateEntities(es) {
  const e = JSON.parse(JSON.stringify(es));
  const k = R.int(0, 9);
  const any = () => e[R.int(0, e.length - 1)];
  const t = any();
  switch (k) {
    case 0: { // a cycle through an existing parent edge, or a self loop
      const c = e.find((x) => x.parents.length) || t;
      const p = c.parents[0] || c.uid;
      const pe = e.find((x) => x.uid.type === p.type && x.uid.id === p.id);
      if (pe) pe.parents.push({ ...c.uid }); else c.parents.push({ ...c.uid });
      break;
    }
    case 1: t.uid.type = R.pick(BADTYPES); break;
    case 2: t.parents.push({ type: R.pick(BADTYPES), id: 'x' }); break;
    case 3: t.attrs.ref = { __entity: { type: R.pick(BADTYPES), id: 'x' } }; break;
    case 4: delete t[R.pick(['attrs', 'parents'])]; break;
    case 5: e.push(JSON.parse(JSON.stringify(t))); break;
    case 6: t.attrs.v = R.pick([null, 1.5, { __extn: { fn: 'decimal', arg: '1.23456' } }, { __extn: { fn: 'ip', arg: '1.2.3.4' } },
      { type: 'User', id: 'u0' }, { __entity: { type: 'User' } }, [1, 'a', [true]], { __extn: { fn: 'decimal', arg: '-922337203685477.5808' } }]); break;
    case 7: t.tags = { a: 1 }; break;
    case 8: t.parents.push({ __entity: { type: 'Org::Group', id: 'g0' } }); break;
    default: t.uid = { __entity: { ...t.uid } }; break;
  }
  return e;
}
for (let i = 0; i < nent && corpora.length; i++) {
  const g = corpora[i % corpora.length];
  const c = { policies: g.policies, entities: mutateEntities(g.entities), requests: g.requests.slice(0, 20) };
  fig.entitySets++;
  const { ce } = runCorpus(c, g.effects, `entity mutant ${i}`, 'entities');
  if (ce.entities === 'reject') fig.entityReject++;
  else fig.entityRequests += c.requests.length;
}

// ---- report -------------------------------------------------------------
const und = Object.values(fig.undesigned).reduce((a, b) => a + b, 0);
const des = Object.values(fig.designed).reduce((a, b) => a + b, 0);
const list = (o) => (Object.keys(o).length ? Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ') : 'none');
console.log(`# cedar-wasm ${version}, seed ${seed}, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`# eval: ${fig.sets} policy sets, ${fig.requests} requests (${fig.allow.eval || 0} allow, ${fig.withErrors.eval || 0} with an erroring policy)`);
console.log(`# parse: ${fig.mutants} mutants (${fig.mutAccept} both accept, ${fig.mutReject} both reject); ` +
  `accepted ones evaluated in ${fig.mutSets} sets; ${fig.corners} corner texts; ${fig.mutRequests} requests (${fig.allow.parse || 0} allow)`);
console.log(`# entities: ${fig.entitySets} mutated stores (${fig.entityReject} refused by both), ${fig.entityRequests} requests (${fig.allow.entities || 0} allow)`);
console.log(`# designed differences: ${des} (${list(fig.designed)}); fail-closed forbids in the control layer: ${fig.failClosed} requests`);
console.log(`# undesigned disagreements: ${und} (${list(fig.undesigned)})`);
for (const x of fig.examples) console.log('#   ' + x);
console.log(`${und ? 'not ok' : 'ok'} - ${fig.requests + fig.mutRequests + fig.entityRequests} requests, ` +
  `${fig.mutants} parse mutants, ${fig.entitySets} entity stores: ${und} undesigned disagreements`);
process.exit(und ? 1 : 0);
