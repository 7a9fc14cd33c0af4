#!/usr/bin/env node
// gen.js - a seeded generator of Cedar corpora for the differential test:
// varied policy sets (every construct aivalue implements, including ones
// that error at run time), entity stores with hierarchies, and requests.
//
//   node gen.js --seed N --sets S --requests R --out DIR
// writes DIR/NN/{policies.cedar, entities.json, requests.json}.
'use strict';
const fs = require('fs');
const path = require('path');

function arg(name, def) {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 ? process.argv[i + 1] : def;
}

// mulberry32: small, fast, reproducible
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeSet(R, nPolicies, nUsers) {
  const pick = (a) => a[Math.floor(R() * a.length)];
  const int = (lo, hi) => lo + Math.floor(R() * (hi - lo + 1));
  const chance = (p) => R() < p;
  const strs = ['alpha', 'beta', 'a*b', 'ab', 'x"y', 'tab\there', 'café', ''];
  const tags = ['red', 'green', 'blue', 'admin', 'ops'];
  const users = [], groups = [], docs = [], folders = [];
  for (let i = 0; i < 6; i++) groups.push('g' + i);
  for (let i = 0; i < 5; i++) folders.push('f' + i);
  for (let i = 0; i < nUsers; i++) users.push(i === 1 ? 'u"q' : i === 2 ? 'ü2' : 'u' + i);
  for (let i = 0; i < nUsers; i++) docs.push('d' + i);
  const actions = ['read', 'write', 'delete', 'share', 'approve'];
  const ent = (t, id) => ({ __entity: { type: t, id } });
  const dec = () => ({ __extn: { fn: 'decimal', arg: (int(-200, 200) / 100).toFixed(int(1, 4)) } });
  const entities = [];
  for (const g of groups) {
    const parents = [];
    const gi = +g.slice(1);
    if (gi > 0 && chance(0.6)) parents.push({ type: 'Org::Group', id: 'g' + int(0, gi - 1) });
    entities.push({ uid: { type: 'Org::Group', id: g }, attrs: { name: g }, parents });
  }
  for (const f of folders) {
    const parents = [];
    const fi = +f.slice(1);
    if (fi > 0 && chance(0.7)) parents.push({ type: 'Folder', id: 'f' + int(0, fi - 1) });
    entities.push({ uid: { type: 'Folder', id: f }, attrs: {}, parents });
  }
  users.forEach((u, i) => {
    if (chance(0.1)) return; // some principals have no entity record
    const attrs = { level: int(0, 10), name: pick(strs), tags: tags.filter(() => chance(0.4)) };
    if (chance(0.8)) attrs.dept = ent('Org::Group', pick(groups));
    if (chance(0.5)) attrs.score = dec();
    if (chance(0.5)) attrs.manager = ent('User', pick(users));
    if (chance(0.3)) attrs.profile = { age: int(18, 70), city: pick(strs) };
    const parents = groups.filter(() => chance(0.25)).map((g) => ({ type: 'Org::Group', id: g }));
    entities.push({ uid: { type: 'User', id: u }, attrs, parents });
  });
  docs.forEach((d) => {
    if (chance(0.1)) return;
    const attrs = { size: int(0, 1000), public: chance(0.5), owner: ent('User', pick(users)) };
    if (chance(0.7)) attrs.title = pick(strs);
    if (chance(0.3)) attrs.labels = tags.filter(() => chance(0.4));
    const parents = chance(0.8) ? [{ type: 'Folder', id: pick(folders) }] : [];
    entities.push({ uid: { type: 'Doc', id: d }, attrs, parents });
  });
  entities.push({ uid: { type: 'Action', id: 'write' }, attrs: {}, parents: [{ type: 'Action', id: 'modify' }] });
  entities.push({ uid: { type: 'Action', id: 'delete' }, attrs: {}, parents: [{ type: 'Action', id: 'modify' }] });

  const lit = (t, id) => `${t}::${JSON.stringify(id)}`;
  const qs = (s) => JSON.stringify(s).replace(/\\u00e9/g, '\\u{e9}');
  const longExpr = (d) => {
    const opts = [
      () => String(int(-5, 1000)),
      () => 'principal.level',
      () => 'resource.size',
      () => 'context.amount',
      () => `(${longExpr(d + 1)} + ${longExpr(d + 1)})`,
      () => `(${longExpr(d + 1)} - ${longExpr(d + 1)})`,
      () => `(${longExpr(d + 1)} * ${int(0, 3)})`,
      () => 'context.amount * 9223372036854775807',
      () => '(-9223372036854775807 - context.amount)',
      () => 'principal.profile.age',
      () => `(if ${boolExpr(d + 1)} then ${longExpr(d + 1)} else ${int(0, 9)})`,
    ];
    return d > 2 ? pick(opts.slice(0, 4))() : pick(opts)();
  };
  const strExpr = () => pick(['principal.name', 'resource.title', 'context.s', qs(pick(strs))]);
  const entExpr = () => pick(['principal', 'resource', 'resource.owner', 'principal.manager',
    'principal.dept', lit('User', pick(users)), lit('Org::Group', pick(groups)), 'context.who']);
  const setExpr = () => pick(['principal.tags', 'resource.labels', 'context.tags',
    `[${tags.filter(() => chance(0.4)).map(qs).join(', ')}]`, '[1, 2, 3]']);
  const decExpr = () => pick(['principal.score', 'context.conf', `decimal("${(int(-100, 100) / 100).toFixed(2)}")`,
    'decimal(context.s)']);
  const boolExpr = (d) => {
    const opts = [
      () => pick(['true', 'false']),
      () => `${longExpr(d + 1)} ${pick(['<', '<=', '>', '>=', '==', '!='])} ${longExpr(d + 1)}`,
      () => `${entExpr()} ${pick(['==', '!='])} ${entExpr()}`,
      () => `${entExpr()} in ${pick([lit('Org::Group', pick(groups)), lit('Folder', pick(folders)), entExpr(),
        `[${lit('Org::Group', pick(groups))}, ${lit('Folder', pick(folders))}]`])}`,
      () => `${pick(['principal', 'resource', 'context', 'principal.profile', 'resource.owner'])} has ${pick(['title', 'score', 'manager', 'labels', 'age', 'amount', '"tags"', 'conf'])}`,
      () => `${strExpr()} like ${pick(['"a*"', '"*b"', '"a\\*b"', '"*"', '"al*ha"', '"x*y*"', '""'])}`,
      () => `${setExpr()}.contains(${pick([qs(pick(tags)), '1', 'context.s'])})`,
      () => `${setExpr()}.${pick(['containsAll', 'containsAny'])}(${setExpr()})`,
      () => `${setExpr()}.isEmpty()`,
      () => `${decExpr()}.${pick(['lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual'])}(${decExpr()})`,
      () => `${decExpr()} == ${decExpr()}`,
      () => `${entExpr()} is ${pick(['User', 'Doc', 'Org::Group'])}`,
      () => `${entExpr()} is ${pick(['User', 'Doc'])} in ${lit('Org::Group', pick(groups))}`,
      () => `!(${boolExpr(d + 1)})`,
      () => `(${boolExpr(d + 1)} && ${boolExpr(d + 1)})`,
      () => `(${boolExpr(d + 1)} || ${boolExpr(d + 1)})`,
      () => `(if ${boolExpr(d + 1)} then ${boolExpr(d + 1)} else ${boolExpr(d + 1)})`,
      () => `{a: ${longExpr(d + 1)}, b: ${qs(pick(strs))}}.a > ${int(0, 50)}`,
      () => `{a: 1, b: [2]} == {b: [2], a: ${int(0, 1)}}`,
      () => `context.flag`,
      () => `resource.public`,
      () => `principal.nope == 1`,
      () => `${strExpr()} == ${strExpr()}`,
      () => `${longExpr(d + 1)} == ${strExpr()}`,
    ];
    return d > 2 ? pick(opts.slice(0, 13))() : pick(opts)();
  };
  const scope = (v) => {
    const k = int(0, 9);
    if (v === 'principal') {
      if (k < 4) return 'principal';
      if (k < 6) return `principal == ${lit('User', pick(users))}`;
      if (k < 8) return `principal in ${lit('Org::Group', pick(groups))}`;
      if (k < 9) return 'principal is User';
      return `principal is User in ${lit('Org::Group', pick(groups))}`;
    }
    if (v === 'action') {
      if (k < 4) return 'action';
      if (k < 7) return `action == ${lit('Action', pick(actions))}`;
      if (k < 8) return 'action in Action::"modify"';
      return `action in [${actions.filter(() => chance(0.4)).map((a) => lit('Action', a)).join(', ')}]`;
    }
    if (k < 4) return 'resource';
    if (k < 6) return `resource == ${lit('Doc', pick(docs))}`;
    if (k < 8) return `resource in ${lit('Folder', pick(folders))}`;
    if (k < 9) return 'resource is Doc';
    return `resource is Doc in ${lit('Folder', pick(folders))}`;
  };
  const policies = [];
  for (let i = 0; i < nPolicies; i++) {
    let p = '';
    if (chance(0.2)) p += '@escalate("q") ';
    const forbid = chance(0.3);
    p += `${forbid ? 'forbid' : 'permit'}(${scope('principal')}, ${scope('action')}, ${scope('resource')})`;
    const nc = forbid ? int(1, 2) : int(0, 2);
    for (let c = 0; c < nc; c++) p += `\n  ${chance(0.7) ? 'when' : 'unless'} { ${boolExpr(0)} }`;
    policies.push(p + ';');
  }
  return { policies: policies.join('\n') + '\n', entities, users, docs, actions, dec, pick, int, chance, strs, tags, ent, groups };
}

function main() {
  const seed = +arg('seed', 1), sets = +arg('sets', 20), nreq = +arg('requests', 500);
  const out = arg('out', 'corpus');
  const R = rng(seed);
  for (let s = 0; s < sets; s++) {
    const g = makeSet(R, 5 + Math.floor(R() * 40), 10 + Math.floor(R() * 30));
    const reqs = [];
    for (let i = 0; i < nreq; i++) {
      const ctx = {};
      if (g.chance(0.85)) ctx.amount = g.int(-10, 2000);
      if (g.chance(0.7)) ctx.conf = g.dec();
      if (g.chance(0.6)) ctx.flag = g.chance(0.5);
      if (g.chance(0.6)) ctx.s = g.pick(['0.5', '1.25', 'alpha', 'ab', '-3.0']);
      if (g.chance(0.5)) ctx.tags = g.tags.filter(() => g.chance(0.4));
      if (g.chance(0.4)) ctx.who = g.ent('User', g.pick(g.users));
      reqs.push({
        principal: { type: 'User', id: g.chance(0.95) ? g.pick(g.users) : 'ghost' },
        action: { type: 'Action', id: g.pick(g.actions) },
        resource: { type: 'Doc', id: g.chance(0.95) ? g.pick(g.docs) : 'nodoc' },
        context: ctx,
      });
    }
    const dir = path.join(out, String(s).padStart(2, '0'));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'policies.cedar'), g.policies);
    fs.writeFileSync(path.join(dir, 'entities.json'), JSON.stringify(g.entities));
    fs.writeFileSync(path.join(dir, 'requests.json'), JSON.stringify(reqs));
  }
}

main();
