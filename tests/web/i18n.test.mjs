// i18n.test.mjs - every word the web app shows exists in Swedish and in English: each literal
// key passed to t() in src/web/*.js is in i18n.js's table, and each entry has both texts with
// the same {placeholders}. Keys built at run time (state.${...}) are covered by the browser
// tests, which would show the bare key.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { root } from './lib.mjs';

const dir = path.join(root, 'src', 'web');
const table = readFileSync(path.join(dir, 'i18n.js'), 'utf8');
const entries = new Map();
for (const m of table.matchAll(/^ {2}'?([a-z_.]+)'?: \[('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"), ('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\],$/gm)) {
  entries.set(m[1], [m[2].slice(1, -1), m[3].slice(1, -1)]);
}

test('the table has both languages for every entry, with the same placeholders', () => {
  assert.ok(entries.size > 150, `only ${entries.size} entries read from i18n.js`);
  const lines = table.split('\n').filter((l) => /^ {2}'?[a-z_.]+'?: \[/.test(l)).length;
  assert.equal(entries.size, lines, 'an entry of i18n.js is not ["Swedish", "English"] on one line');
  for (const [key, [sv, en]] of entries) {
    assert.ok(sv.trim() && en.trim(), `${key}: an empty text`);
    const holes = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
    assert.equal(holes(sv), holes(en), `${key}: placeholders differ`);
  }
});

test('every literal key the pages use is in the table', () => {
  const missing = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.js'))) {
    const src = readFileSync(path.join(dir, f), 'utf8');
    for (const m of src.matchAll(/\bt\('([a-z_.]+)'/g)) {
      if (!entries.has(m[1])) missing.push(`${f}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});
