// words_sv.test.mjs - every refusal text the server writes has its Swedish (words_sv.h): the
// format of each refuse(), refuse_field(), reply_problem(), reply_problem_extra() and
// add_error() call in src/, and each api/auth.c detail, is a pattern of the catalog in
// src/http/words_sv_*.c (its %s, %d ... as {}). A new or changed text without its Swedish
// fails here; tests/unit/test_words_sv.c checks the texts the rules return and how a text is
// matched and filled in.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { root } from './lib.mjs';

const STR = String.raw`"(?:[^"\\]|\\.)*"`;
const literals = (run) => [...run.matchAll(new RegExp(STR, 'g'))].map((m) => JSON.parse(m[0])).join('');

function sources(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.c')) out.push(p);
  }
  return out;
}

// The catalog's English patterns, from {"en" "..." , "sv" "...", FLAGS} entries.
function catalog() {
  const entry = new RegExp(String.raw`\{\s*((?:${STR}\s*)+),\s*((?:${STR}\s*)+),\s*([A-Z_ |0]+)\}`, 'g');
  const patterns = new Set();
  for (const f of readdirSync(path.join(root, 'src', 'http')).filter((n) => /^words_sv_.*\.c$/.test(n))) {
    for (const m of readFileSync(path.join(root, 'src', 'http', f), 'utf8').matchAll(entry)) {
      patterns.add(literals(m[1]));
    }
  }
  return patterns;
}

// The arguments of a call starting at text[i] (just after its '('), split at top-level commas.
function args(text, i) {
  const out = [];
  let depth = 1, start = i;
  for (; i < text.length && depth; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      for (i++; text[i] !== c; i++) if (text[i] === '\\') i++;
    } else if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 1) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start, i - 1).trim());
  return out;
}

// The format argument of each call that writes a refusal, by its position.
const CALLS = { refuse: 2, refuse_field: 2, reply_problem: 2, reply_problem_extra: 3, add_error: 3 };
const pattern = (fmt) => fmt.replace(/%%/g, '\u0000').replace(/%[-+ #0]*\d*(?:\.\d+)?(?:hh|h|ll|l|z|j|t)?[diouxXsc]/g, '{}')
  .replace(/(\{\})+/g, '{}').replace(/\u0000/g, '%');

// Formats whose {} takes a few fixed words, each with its own entry.
const BY_WORDS = {
  'must be {}': ['must be a string', 'must be an integer', 'must be true or false', 'must be an object'],
  'Invalid field{}: {}': ['Invalid field: {}', 'Invalid fields: {}'],
  "{} {}; name another person to change it": [
    "{} already confirmed being the company's administrator; name another person to change it",
    '{} is named by another invitation too; name another person to change it'],
};

test('every refusal text written in src/ is in the Swedish catalog', () => {
  const known = catalog();
  assert.ok(known.size > 200, `only ${known.size} patterns read from src/http/words_sv_*.c`);
  const missing = [];
  let seen = 0;
  for (const file of sources(path.join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const rel = path.relative(root, file);
    const formats = [];
    for (const m of text.matchAll(/\b(refuse|refuse_field|reply_problem|reply_problem_extra|add_error)\s*\(/g)) {
      if (/^\s*(?:enum|static|void|bool)\b[^;{]*$/.test(text.slice(text.lastIndexOf('\n', m.index) + 1, m.index))) continue; // a definition
      const a = args(text, m.index + m[0].length)[CALLS[m[1]]];
      if (a && new RegExp(`^(?:${STR}\\s*)+$`).test(a)) formats.push(literals(a));
    }
    for (const m of text.matchAll(new RegExp(`auth_detail = ((?:[^;])*);`, 'g'))) {
      for (const run of m[1].matchAll(new RegExp(`(?:${STR}\\s*)+`, 'g'))) formats.push(literals(run[0]));
    }
    for (const fmt of formats) {
      const p = pattern(fmt);
      if (p === '{}') continue;
      seen++;
      const need = BY_WORDS[p] || [p];
      for (const n of need) if (!known.has(n)) missing.push(`${rel}: ${n}`);
    }
  }
  assert.ok(seen > 150, `only ${seen} refusal texts found in src/`);
  assert.deepEqual(missing, []);
});
