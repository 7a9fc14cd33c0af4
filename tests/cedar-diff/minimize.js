#!/usr/bin/env node
// minimize.js - shrink a disagreement between aivalue and Cedar into a
// small regression case under tests/cedar/.
//
// A case is { policies, entities, requests }.  The shrinker keeps the case
// a disagreement (Cedar and aivalue answer differently, by the rules of
// lib.compareOutcomes, designed differences not counting) while it drops
// requests, policies, token spans of the policy text, entities, attributes
// and context keys.  Each step runs both engines, so it is bounded.
//
//   node minimize.js AIVALUE_BIN CORPUS_DIR REQUEST_INDEX OUT_DIR SLUG
//   node minimize.js AIVALUE_BIN --parse FILE OUT_DIR SLUG
'use strict';
const fs = require('fs');
const path = require('path');
const lib = require('./lib');

const TOKEN = /"(?:\\[^\n]|[^"\\])*"|\/\/[^\n\r]*|[A-Za-z_][A-Za-z0-9_]*|[0-9]+|::|==|!=|<=|>=|&&|\|\||\s+|[^]/gu;

function tokens(text) {
  return text.match(TOKEN) || [];
}
const isSpace = (t) => /^(\s+|\/\/.*)$/su.test(t);

// Split a policy text at top-level ';' (strings and comments are tokens).
function splitPolicies(text) {
  const out = [];
  let cur = '';
  for (const t of tokens(text)) {
    cur += t;
    if (t === ';') { out.push(cur); cur = ''; }
  }
  if (cur.trim()) out.push(cur);
  return out;
}

function disagrees(bin, c) {
  const ce = lib.cedarOutcome(c.policies, c.entities, c.requests);
  const av = lib.aivalueOutcome(bin, c.policies, c.entities, c.requests);
  return lib.compareOutcomes(ce, av, c.requests.length).kind === 'disagree';
}

function parseDisagrees(bin, text) {
  const a = lib.aivalueParseMany(bin, [text])[0];
  const c = lib.cedarParses(text);
  if (a.ok === c.ok) return false;
  return !(c.ok && lib.designedParse(a.msg));
}

// Replace bracketed groups and strings by small atoms while keep() holds.
function atoms(toks, keep, budget) {
  for (let i = 0; i < toks.length && budget.n > 0; i++) {
    let j = i;
    if (toks[i] === '(' || toks[i] === '[' || toks[i] === '{') {
      const open = toks[i], close = { '(': ')', '[': ']', '{': '}' }[open];
      let depth = 0;
      for (j = i; j < toks.length; j++) {
        if (toks[j] === open) depth++;
        else if (toks[j] === close && --depth === 0) break;
      }
      if (j >= toks.length) continue;
    } else if (toks[i][0] !== '"' || toks[i] === '""') {
      continue;
    }
    for (const atom of ['true', '1', '""', 'principal', '[]', '{}']) {
      if (budget.n <= 0) break;
      const cand = toks.slice(0, i).concat([atom], toks.slice(j + 1));
      budget.n--;
      if (keep(cand.join(''))) { toks = cand; break; }
    }
  }
  return toks;
}

// Shrink a policy text while keep(text) holds: groups and strings to
// atoms, then delete token spans (ddmin-like), then squeeze whitespace.
function shrinkTokens(text, keep, budget) {
  let toks = atoms(tokens(text), keep, budget);
  let chunk = Math.max(1, toks.length >> 1);
  while (chunk >= 1 && budget.n > 0) {
    let changed = false;
    for (let i = 0; i < toks.length && budget.n > 0; i += chunk) {
      const cand = toks.slice(0, i).concat(toks.slice(i + chunk));
      if (cand.every(isSpace)) continue;
      budget.n--;
      if (keep(cand.join(''))) { toks = cand; changed = true; i -= chunk; }
    }
    if (!changed) chunk >>= 1;
  }
  toks = atoms(toks, keep, budget);
  // whitespace runs that are not needed become one space
  for (let i = 0; i < toks.length && budget.n > 0; i++) {
    if (!isSpace(toks[i]) || toks[i] === ' ') continue;
    const cand = toks.slice();
    cand[i] = ' ';
    budget.n--;
    if (keep(cand.join(''))) toks = cand;
  }
  return toks.join('');
}

function dropItems(list, keep, budget) {
  let cur = list.slice();
  for (let i = cur.length - 1; i >= 0 && budget.n > 0; i--) {
    const cand = cur.slice(0, i).concat(cur.slice(i + 1));
    budget.n--;
    if (keep(cand)) cur = cand;
  }
  return cur;
}

function minimizeEval(bin, c, budgetN = 600) {
  const budget = { n: budgetN };
  let cur = { ...c };
  // one request that disagrees
  for (let i = 0; i < cur.requests.length; i++) {
    const one = { ...cur, requests: [cur.requests[i]] };
    if (disagrees(bin, one)) { cur = one; break; }
  }
  const pol = dropItems(splitPolicies(cur.policies), (ps) =>
    disagrees(bin, { ...cur, policies: ps.join('') }), budget);
  cur.policies = pol.join('');
  cur.policies = shrinkTokens(cur.policies, (t) => disagrees(bin, { ...cur, policies: t }), budget);
  cur.entities = dropItems(cur.entities, (es) => disagrees(bin, { ...cur, entities: es }), budget);
  cur.entities = cur.entities.map((e, i) => {
    let keys = Object.keys(e.attrs || {});
    keys = dropItems(keys, (ks) => {
      const es = cur.entities.slice();
      es[i] = { ...e, attrs: Object.fromEntries(ks.map((k) => [k, e.attrs[k]])) };
      return disagrees(bin, { ...cur, entities: es });
    }, budget);
    const ne = { ...e, attrs: Object.fromEntries(keys.map((k) => [k, e.attrs[k]])) };
    cur.entities[i] = ne;
    return ne;
  });
  const r = cur.requests[0];
  const ckeys = dropItems(Object.keys(r.context || {}), (ks) => disagrees(bin, { ...cur,
    requests: [{ ...r, context: Object.fromEntries(ks.map((k) => [k, r.context[k]])) }] }), budget);
  cur.requests = [{ ...r, context: Object.fromEntries(ckeys.map((k) => [k, r.context[k]])) }];
  return cur;
}

function minimizeParse(bin, text, budgetN = 800) {
  const budget = { n: budgetN };
  const pol = dropItems(splitPolicies(text), (ps) => ps.length > 0 && parseDisagrees(bin, ps.join('')), budget);
  return shrinkTokens(pol.join(''), (t) => parseDisagrees(bin, t), budget);
}

function main() {
  const [bin, a, b, c, d] = process.argv.slice(2);
  if (a === '--parse') {
    const text = minimizeParse(bin, fs.readFileSync(b, 'utf8'));
    console.log(lib.writeCase(c, d, 'parse verdicts differed', { policies: text, entities: [], requests: [] }));
    return;
  }
  const read = (f) => JSON.parse(fs.readFileSync(path.join(a, f), 'utf8'));
  const all = { policies: fs.readFileSync(path.join(a, 'policies.cedar'), 'utf8'),
    entities: read('entities.json'), requests: read('requests.json') };
  const start = { ...all, requests: [all.requests[+b]] };
  const m = minimizeEval(bin, disagrees(bin, start) ? start : all);
  console.log(lib.writeCase(c, d, 'decisions differed', m));
}

module.exports = { minimizeEval, minimizeParse, splitPolicies, tokens, isSpace };
if (require.main === module) main();
