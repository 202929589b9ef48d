// coverage.mjs - requests.ts must try, for every operation of openapi.yaml, each request the
// spec says the server always refuses: a required header left out, a required body left out,
// each member every form of the body requires left out, and an empty body where the body is
// a choice of forms none of which may be empty (a PATCH: at least one member). Each case is a
// line `// @ts-expect-error <operationId>: <what>`; this lists the cases that are missing, so a
// new required member cannot go unchecked. tsc (typecheck.sh) proves that each case fails.
//
// Usage: node tests/contract/client/coverage.mjs [--spec openapi.yaml] [requests.ts]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Spec } from '../lib/spec.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

// The members every value of schema must have (an allOf adds up; a choice of forms keeps
// those all forms require), and whether the schema is a choice of object forms.
function requiredMembers(spec, raw, depth = 0) {
  const { value: s } = spec.deref(raw, '');
  if (!s || typeof s !== 'object' || depth > 8) return { members: new Set(), choice: false };
  const members = new Set(s.required ?? []);
  for (const part of s.allOf ?? []) for (const m of requiredMembers(spec, part, depth + 1).members) members.add(m);
  const alts = s.oneOf ?? s.anyOf;
  if (Array.isArray(alts) && alts.length > 0) {
    const sets = alts.map((a) => requiredMembers(spec, a, depth + 1).members);
    for (const m of sets[0]) if (sets.every((x) => x.has(m))) members.add(m);
    return { members, choice: true };
  }
  return { members, choice: false };
}

// The cases the spec calls for, as "operationId: what".
export function expectedCases(spec) {
  const out = [];
  for (const o of spec.operations) {
    for (const { param } of spec.parameters(o)) {
      if (param.required && param.in === 'header') out.push(`${o.id}: ${param.name}`);
    }
    const rb = spec.requestBody(o);
    if (!rb) continue;
    if (rb.body.required) out.push(`${o.id}: (no body)`);
    const json = Object.keys(rb.body.content ?? {}).find((m) => /json/.test(m));
    if (!json) continue;
    const { members, choice } = requiredMembers(spec, rb.body.content[json].schema);
    for (const m of members) out.push(`${o.id}: ${m}`);
    if (choice && members.size === 0) out.push(`${o.id}: (empty body)`);
  }
  return out;
}

// The cases a requests.ts text tries.
export function casesIn(text) {
  const out = new Set();
  for (const m of text.matchAll(/^\s*\/\/ @ts-expect-error (\w+): (\S+(?: body\))?)/gm)) out.add(`${m[1]}: ${m[2]}`);
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let specFile = path.resolve(here, '../../../openapi.yaml');
  const i = args.indexOf('--spec');
  if (i >= 0) {
    specFile = args[i + 1];
    args.splice(i, 2);
  }
  const file = args[0] ?? path.join(here, 'requests.ts');
  const expected = expectedCases(new Spec(specFile));
  const tried = casesIn(readFileSync(file, 'utf8'));
  const missing = expected.filter((c) => !tried.has(c));
  console.log(`contract: ${expected.length} requests the spec says the server refuses; ${expected.length - missing.length} tried in ${path.basename(file)}`);
  for (const c of missing) console.log(`  MISSING // @ts-expect-error ${c}`);
  if (expected.length === 0 || missing.length > 0) process.exit(1);
}
