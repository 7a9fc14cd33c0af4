#!/usr/bin/env node
// gen.js - a seeded generator of Cedar corpora for the differential test.
//
// Each corpus is a policy set, an entity store and requests.  Conditions
// are typed expression trees up to depth 7 (Bool, Long, String, Entity,
// Set, Record, Decimal), with a share of ill-typed operands so that run-
// time errors are common.  It reaches: every string escape (\n \r \t \0
// \\ \' \" \xHH \u{..} with underscores) and in `like` patterns also
// \* against \x2a / \u{2a}; `is T in E`; Long and decimal extremes;
// whitespace and comment variants (CR, CRLF, FF, VT, NBSP, U+2028,
// U+3000, `// ..` ended by LF or a bare CR); non-reserved keywords as
// names (permit, when, principal as a type); namespaces, action groups
// (Action and Ns::Action) and entity hierarchies several levels deep.
//
//   node gen.js --seed N --sets S --requests R --out DIR
// writes DIR/NNN/{policies.cedar, entities.json, requests.json, effects.json}.
'use strict';
const fs = require('fs');
const path = require('path');
const { rng } = require('./lib');

const SEP = '\u0001'; // "whitespace may go here"; replaced by spacing()

// Whitespace between tokens: mostly a space, sometimes the rarer kinds.
function spacing(R, text) {
  const kinds = [' ', ' ', ' ', ' ', ' ', ' ', '\n', '\t', '\r\n', '\r', '\f', '\v',
    '\u00a0', '\u2028', '\u3000', '  ', ' // note\n', ' // note\r', ' // x\u2028y\r\n', ''];
  const parts = text.split(SEP);
  let out = parts[0];
  for (let i = 1; i < parts.length; i++) {
    let k = R.pick(kinds);
    // an empty separator must not glue two tokens into one
    if (k === '' && /[A-Za-z0-9_!<>=&|:\-]$/.test(out) && /^[A-Za-z0-9_=&|:\-]/.test(parts[i])) k = ' ';
    out += k + parts[i];
  }
  return out;
}

// A string literal with escapes; the value is what Cedar unescapes it to.
function strLit(R, value) {
  let out = '"';
  for (const ch of value) {
    const c = ch.codePointAt(0);
    const k = R.int(0, 9);
    if (ch === '"') out += R.chance(0.5) ? '\\"' : '\\u{22}';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += R.pick(['\\n', '\\u{a}', '\\x0a']);
    else if (ch === '\r') out += R.pick(['\\r', '\\x0D']);
    else if (ch === '\t') out += R.pick(['\\t', '\t', '\\u{0_9}']);
    else if (ch === '\0') out += R.pick(['\\0', '\\x00']);
    else if (ch === "'") out += R.pick(["\\'", "'"]);
    else if (k === 0 && c < 0x80) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (k === 1) out += '\\u{' + c.toString(16) + '}';
    else if (k === 2 && c > 0xf) out += '\\u{' + c.toString(16).replace(/^(.)/, '$1_') + '}';
    else out += ch;
  }
  return out + '"';
}

// A like pattern: wildcards written *, \x2a, \u{2a} or \u{2_a}; literal
// stars only as \*.
function likeLit(R, parts) {
  let out = '"';
  for (const p of parts) {
    if (p === '*') out += R.pick(['*', '*', '\\x2a', '\\u{2a}', '\\u{2_a}', '\\u{00002a}']);
    else if (p === '\\*') out += '\\*';
    else out += strLit(R, p).slice(1, -1);
  }
  return out + '"';
}

function makeSet(R, nPolicies, nUsers) {
  const { pick, int, chance } = R;
  const S = (...t) => t.join(SEP);
  const strs = ['alpha', 'beta', 'a*b', 'ab', 'x"y', 'tab\there', 'café', '', 'line\nbreak', 'cr\rret',
    '/admin/users', '/admin/*', 'back\\slash', 'nul\0x', "it's", '😀', 'A', 'ü'];
  const tagsU = ['red', 'green', 'blue', 'admin', 'ops'];
  const groups = [], folders = [], users = [], docs = [];
  for (let i = 0; i < 7; i++) groups.push('g' + i);
  for (let i = 0; i < 6; i++) folders.push('f' + i);
  for (let i = 0; i < nUsers; i++) users.push(i === 1 ? 'u"q' : i === 2 ? 'ü2' : i === 3 ? 'a\\b*' : 'u' + i);
  for (let i = 0; i < nUsers; i++) docs.push(i === 1 ? '/admin/users' : 'd' + i);
  const actions = ['read', 'write', 'delete', 'share', 'approve', 'if', 'permit'];
  const nsActions = ['sync', 'export'];
  const ent = (t, id) => ({ __entity: { type: t, id } });
  const decText = () => pick([
    () => (int(-200, 200) / 100).toFixed(int(1, 4)),
    () => pick(['922337203685477.5807', '-922337203685477.5808', '-922337203685477.5807', '0.0', '-0.0',
      '00001.5000', '1.0001']),
  ])();
  const badDecText = () => pick(['1.23456', '922337203685477.5808', '-922337203685477.5809', '1.', '.5', '+1.0',
    '1.0 ', '1e3', 'abc', '']);
  const dec = () => ({ __extn: { fn: 'decimal', arg: decText() } });
  const entities = [];
  const parentsOf = (list, i, type, p) => {
    const ps = [];
    if (i > 0 && chance(p)) ps.push({ type, id: list[int(0, i - 1)] });
    if (i > 1 && chance(p / 3)) ps.push({ type, id: list[int(0, i - 1)] });
    return ps;
  };
  groups.forEach((g, i) => entities.push({ uid: { type: 'Org::Group', id: g }, attrs: { name: g }, parents: parentsOf(groups, i, 'Org::Group', 0.7) }));
  folders.forEach((f, i) => entities.push({ uid: { type: 'Folder', id: f }, attrs: {}, parents: parentsOf(folders, i, 'Folder', 0.8) }));
  const longVal = () => pick([int(0, 10), int(-5, 2000), 9007199254740991, -9007199254740991, 0, -1]);
  users.forEach((u) => {
    if (chance(0.1)) return; // some principals have no entity record
    const attrs = { level: longVal(), name: pick(strs), tags: tagsU.filter(() => chance(0.4)) };
    if (chance(0.9)) attrs.dept = ent('Org::Group', pick(groups));
    if (chance(0.8)) attrs.score = dec();
    if (chance(0.8)) attrs.manager = ent('User', pick(users));
    if (chance(0.8)) attrs.profile = chance(0.9) ? { age: int(18, 70), city: pick(strs), addr: { zip: pick(strs) } } : { age: pick(strs) };
    if (chance(0.3)) attrs.permit = chance(0.5);
    if (chance(0.8)) attrs.active = chance(0.5);
    const parents = groups.filter(() => chance(0.25)).map((g) => ({ type: 'Org::Group', id: g }));
    entities.push({ uid: { type: 'User', id: u }, attrs, parents });
  });
  docs.forEach((d) => {
    if (chance(0.1)) return;
    const attrs = { size: longVal(), public: chance(0.5), owner: ent('User', pick(users)) };
    if (chance(0.9)) attrs.title = pick(strs);
    if (chance(0.7)) attrs.labels = tagsU.filter(() => chance(0.4));
    if (chance(0.2)) attrs.when = { 'a b': int(0, 3) };
    const parents = chance(0.8) ? [{ type: 'Folder', id: pick(folders) }] : [];
    entities.push({ uid: { type: 'Doc', id: d }, attrs, parents });
  });
  // action groups: modify > write, delete; all > modify, read; Ns::Action group
  entities.push({ uid: { type: 'Action', id: 'write' }, attrs: {}, parents: [{ type: 'Action', id: 'modify' }] });
  entities.push({ uid: { type: 'Action', id: 'delete' }, attrs: {}, parents: [{ type: 'Action', id: 'modify' }] });
  entities.push({ uid: { type: 'Action', id: 'modify' }, attrs: {}, parents: [{ type: 'Action', id: 'all' }] });
  entities.push({ uid: { type: 'Action', id: 'read' }, attrs: {}, parents: [{ type: 'Action', id: 'all' }] });
  entities.push({ uid: { type: 'Ns::Action', id: 'sync' }, attrs: {}, parents: [{ type: 'Ns::Action', id: 'bulk' }] });

  const lit = (t, id) => S(t.split('::').join(SEP + '::' + SEP) + SEP + '::' + SEP + strLit(R, id)).replace(new RegExp(SEP + '::' + SEP + '"'), '::"');
  const anyUid = () => pick([() => lit('User', pick(users)), () => lit('Org::Group', pick(groups)),
    () => lit('Doc', pick(docs)), () => lit('Folder', pick(folders)), () => lit('Action', pick(actions.concat(['modify', 'all']))),
    () => lit('Ns::Action', pick(nsActions.concat(['bulk']))), () => lit('principal', 'x')])();

  const MAXD = 7;
  const TYPES = ['Bool', 'Long', 'String', 'Entity', 'Set', 'Record', 'Decimal'];
  // with probability `wrong`, ask for an arbitrary type instead (run-time type errors)
  const sub = (t, d, wrong = 0.02) => expr(chance(wrong) ? pick(TYPES) : t, d + 1);
  const paren = (x) => S('(', x, ')');
  const longLit = () => {
    const v = pick([() => String(int(0, 1000)), () => '9223372036854775807', () => '0', () => String(int(1, 5))])();
    return v;
  };
  const leaf = {
    Bool: () => pick(['true', 'false', 'context.flag', 'resource.public', 'principal.active', 'principal.permit',
      '(principal.profile.age == 30)']),
    Long: () => pick([longLit, () => '-9223372036854775808', () => '-' + int(1, 9), () => 'principal.level',
      () => 'resource.size', () => 'context.amount', () => 'principal.profile.age', () => 'resource.when["a b"]',
      () => S('{', 'principal', ':', String(int(0, 9)), '}', '.', 'principal')])(),
    String: () => pick([() => strLit(R, pick(strs)), () => 'principal.name', () => 'resource.title', () => 'context.s',
      () => 'principal.profile.city', () => 'principal["name"]'])(),
    Entity: () => pick([() => 'principal', () => 'resource', () => 'action', () => 'resource.owner',
      () => 'principal.manager', () => 'principal.dept', () => anyUid(), () => 'context.who'])(),
    Set: () => pick(['principal.tags', 'resource.labels', 'context.tags', '[]', S('[', '1', ',', '2', ']'),
      S('[', strLit(R, pick(tagsU)), ',', strLit(R, pick(tagsU)), ',', ']')]),
    Record: () => pick(['principal.profile', 'context.rec', S('{', '}'), S('{', 'a', ':', '1', '}'),
      S('{', '"b c"', ':', strLit(R, pick(strs)), ',', 'when', ':', 'true', '}')]),
    Decimal: () => pick([() => S('decimal', '(', strLit(R, decText()), ')'), () => 'principal.score', () => 'context.conf',
      () => S('decimal', '(', strLit(R, badDecText()), ')')])(),
  };
  const likePat = () => {
    const parts = [];
    const n = int(0, 4);
    for (let i = 0; i < n; i++) parts.push(pick(['*', '*', '\\*', Array.from(pick(strs)).slice(0, int(0, 4)).join(''), '/admin/', 'a', 'b', 'é']));
    return likeLit(R, parts);
  };
  const comp = {
    Bool: (d) => pick([
      () => S('!'.repeat(int(1, 4)) + paren(sub('Bool', d))),
      () => S(sub('Bool', d), '&&', sub('Bool', d)),
      () => S(sub('Bool', d), '||', sub('Bool', d)),
      () => S(sub('Long', d), pick(['<', '<=', '>', '>=', '==', '!=']), sub('Long', d)),
      () => S(sub(pick(TYPES), d), pick(['==', '!=']), sub(pick(TYPES), d)),
      () => S(sub('Entity', d), 'in', chance(0.6) ? sub('Entity', d) : sub('Set', d)),
      () => S(sub('Entity', d), 'in', S('[', anyUid(), ',', anyUid(), ']')),
      () => S(sub(pick(['Entity', 'Record']), d), 'has', pick(['title', 'score', 'manager', 'labels', 'age', 'amount',
        '"tags"', 'conf', 'profile.age', 'profile.addr.zip', 'when', 'permit', 'principal', '"a b"', 'profile.nope'])),
      () => S(sub('String', d), 'like', likePat()),
      () => S(sub('Entity', d), 'is', pick(['User', 'Doc', 'Org::Group', 'Action', 'Ns::Action', 'principal', 'Folder'])),
      () => S(sub('Entity', d), 'is', pick(['User', 'Doc', 'Org::Group', 'Folder']), 'in',
        chance(0.7) ? sub('Entity', d, 0.2) : sub('Set', d)),
      () => S(sub('Set', d), '.', 'contains', '(', sub(pick(TYPES), d), ')'),
      () => S(sub('Set', d), '.', pick(['containsAll', 'containsAny']), '(', sub('Set', d), ')'),
      () => S(sub('Set', d), '.', 'isEmpty', '(', ')'),
      () => S(sub('Decimal', d), '.', pick(['lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual']), '(', sub('Decimal', d), ')'),
      () => S('if', sub('Bool', d), 'then', sub('Bool', d), 'else', sub('Bool', d)),
    ])(),
    Long: (d) => pick([
      () => S(sub('Long', d), pick(['+', '-', '*']), sub('Long', d)),
      () => S('-'.repeat(int(1, 4)) + paren(sub('Long', d))),
      () => S('-'.repeat(int(1, 3)) + longLit()),
      () => S('if', sub('Bool', d), 'then', sub('Long', d), 'else', sub('Long', d)),
      () => S(sub('Record', d), '.', pick(['a', 'age', 'principal'])),
    ])(),
    String: (d) => pick([
      () => S('if', sub('Bool', d), 'then', sub('String', d), 'else', sub('String', d)),
      () => S(sub('Record', d), '[', '"b c"', ']'),
    ])(),
    Entity: (d) => S('if', sub('Bool', d), 'then', sub('Entity', d), 'else', sub('Entity', d)),
    Set: (d) => {
      const n = int(0, 3), els = [];
      const t = pick(TYPES);
      for (let i = 0; i < n; i++) els.push(sub(chance(0.8) ? t : pick(TYPES), d));
      return S('[', els.join(SEP + ',' + SEP), ']');
    },
    Record: (d) => {
      const keys = ['a', '"b c"', 'principal', 'when', '"if"', 'age'].filter(() => chance(0.4));
      return S('{', keys.map((k) => S(k, ':', sub(pick(TYPES), d))).join(SEP + ',' + SEP), chance(0.2) && keys.length ? ',' : '', '}');
    },
    Decimal: (d) => S('decimal', '(', sub('String', d, 0.1), ')'),
  };
  function expr(t, d) {
    if (d >= MAXD || chance(d / (MAXD + 1) + 0.2)) return leaf[t]();
    const x = comp[t](d);
    // parenthesise compound operands so precedence never reinterprets them
    return /^(Bool|Long)$/.test(t) || /^if/.test(x) ? paren(x) : x;
  }

  const scope = (v) => {
    const k = int(0, 9);
    if (v === 'principal') {
      if (k < 3) return 'principal';
      if (k < 5) return S('principal', '==', lit('User', pick(users)));
      if (k < 7) return S('principal', 'in', lit('Org::Group', pick(groups)));
      if (k < 8) return S('principal', 'is', 'User');
      return S('principal', 'is', 'User', 'in', lit('Org::Group', pick(groups)));
    }
    if (v === 'action') {
      if (k < 3) return 'action';
      if (k < 5) return S('action', '==', lit('Action', pick(actions)));
      if (k < 6) return S('action', 'in', lit('Action', pick(['modify', 'all'])));
      if (k < 7) return S('action', 'in', lit('Ns::Action', 'bulk'));
      const list = actions.filter(() => chance(0.3)).map((a) => lit('Action', a));
      if (chance(0.3)) list.push(lit('Ns::Action', pick(nsActions)));
      return S('action', 'in', '[', list.join(SEP + ',' + SEP), chance(0.2) && list.length ? ',' : '', ']');
    }
    if (k < 3) return 'resource';
    if (k < 5) return S('resource', '==', lit('Doc', pick(docs)));
    if (k < 7) return S('resource', 'in', lit('Folder', pick(folders)));
    if (k < 8) return S('resource', 'is', 'Doc');
    return S('resource', 'is', 'Doc', 'in', lit('Folder', pick(folders)));
  };
  const policies = [], effects = [];
  for (let i = 0; i < nPolicies; i++) {
    let p = '';
    if (chance(0.15)) p += S('@escalate', '(', strLit(R, pick(strs)), ')') + SEP;
    if (chance(0.05)) p += S('@when') + SEP;
    const forbid = chance(0.3);
    effects.push(forbid ? 'forbid' : 'permit');
    p += S(forbid ? 'forbid' : 'permit', '(', scope('principal'), ',', scope('action'), ',', scope('resource'), chance(0.1) ? ',' : '', ')');
    const nc = forbid ? int(1, 2) : int(0, 2);
    for (let c = 0; c < nc; c++) p += SEP + S(chance(0.7) ? 'when' : 'unless', '{', expr('Bool', 0), '}');
    policies.push(p + SEP + ';');
  }
  const text = spacing(R, policies.join(SEP)) + '\n';

  const requests = (nreq) => {
    const reqs = [];
    for (let i = 0; i < nreq; i++) {
      const ctx = {};
      const maybe = (p, k, v) => { if (chance(p)) ctx[k] = v(); };
      maybe(0.95, 'amount', () => (chance(0.9) ? int(-10, 2000) : pick([9007199254740991, -9007199254740991, 'x'])));
      maybe(0.9, 'conf', () => (chance(0.9) ? dec() : pick([1, 'x'])));
      maybe(0.9, 'flag', () => (chance(0.9) ? chance(0.5) : 1));
      maybe(0.85, 's', () => pick(['0.5', '1.25', 'alpha', 'ab', '-3.0', '/admin/users', '922337203685477.5807', '1.23456', 'a*b', '']));
      maybe(0.85, 'tags', () => tagsU.filter(() => chance(0.4)));
      maybe(0.75, 'who', () => ent('User', pick(users)));
      maybe(0.6, 'rec', () => ({ a: int(0, 3), 'b c': pick(strs), age: int(0, 80) }));
      const act = chance(0.9) ? { type: 'Action', id: pick(actions) } : { type: 'Ns::Action', id: pick(nsActions) };
      reqs.push({
        principal: { type: 'User', id: chance(0.95) ? pick(users) : 'ghost' },
        action: act,
        resource: { type: 'Doc', id: chance(0.95) ? pick(docs) : 'nodoc' },
        context: ctx,
      });
    }
    return reqs;
  };
  return { policies: text, entities, effects, requests };
}

// JSON with BigInt written as plain integers (Long extremes)
function toJSON(v) {
  return JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? `__BIG${x}__` : x)).replace(/"__BIG(-?\d+)__"/g, '$1');
}

function generate(seed, sets, nreq) {
  const R = rng(seed);
  const out = [];
  for (let s = 0; s < sets; s++) {
    const g = makeSet(R, R.chance(0.5) ? R.int(1, 8) : R.int(5, 45), R.int(6, 17));
    out.push({ policies: g.policies, entities: g.entities, effects: g.effects, requests: g.requests(nreq) });
  }
  return out;
}

function main() {
  const arg = (name, def) => {
    const i = process.argv.indexOf('--' + name);
    return i >= 0 ? process.argv[i + 1] : def;
  };
  const seed = +arg('seed', 1), sets = +arg('sets', 20), nreq = +arg('requests', 500);
  const out = arg('out', 'corpus');
  generate(seed, sets, nreq).forEach((g, s) => {
    const dir = path.join(out, String(s).padStart(3, '0'));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'policies.cedar'), g.policies);
    fs.writeFileSync(path.join(dir, 'entities.json'), toJSON(g.entities));
    fs.writeFileSync(path.join(dir, 'requests.json'), toJSON(g.requests));
    fs.writeFileSync(path.join(dir, 'effects.json'), JSON.stringify(g.effects));
  });
}

module.exports = { generate, makeSet, toJSON, spacing, strLit, likeLit, SEP };
if (require.main === module) main();
