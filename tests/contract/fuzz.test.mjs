// fuzz.test.mjs - the property test: for EVERY operation in openapi.yaml, requests generated
// from the spec (valid and invalid, see lib/gen.mjs) are sent to the real server
// (build/advisord, one instance, temporary database, keep-alive connections), and every
// answer must: not be a 5xx; have a status documented for the operation; have a documented
// Content-Type and a body matching its schema (problem+json for errors); and be a 4xx when
// the request is invalid by the spec. Operations are driven by the spec alone.
//
// Environment: CONTRACT_RUNS (requests per operation; default 1000 when CI=true, else 200),
// CONTRACT_SEED (reproduce a run), CONTRACT_CONCURRENCY (operations fuzzed at once, default 4),
// CONTRACT_ONLY (comma-separated operationIds), ADVISORD_BIN (default build/advisord).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { Spec, mediaType } from './lib/spec.mjs';
import { Pools, harvest, requestArb, resultCollection, collectionOf } from './lib/gen.mjs';
import { Server, createPrincipals } from './lib/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const specFile = path.join(root, 'openapi.yaml');
const bin = process.env.ADVISORD_BIN ?? path.join(root, 'build/advisord');
const ci = process.env.CI === 'true' || process.env.CI === '1';
const runs = Number(process.env.CONTRACT_RUNS ?? (ci ? 1000 : 200));
const concurrency = Math.max(1, Number(process.env.CONTRACT_CONCURRENCY ?? 4));
const seed = process.env.CONTRACT_SEED !== undefined ? Number(process.env.CONTRACT_SEED) : (Date.now() % 2147483647);
const only = process.env.CONTRACT_ONLY ? new Set(process.env.CONTRACT_ONLY.split(',')) : null;
const SEED_REQUESTS = 15;

function show(r) {
  const body = r.body === undefined ? '' : r.body.length > 300 ? `${r.body.subarray(0, 300).toString('utf8')}... (${r.body.length} bytes)` : r.body.toString('utf8');
  const hdrs = Object.entries(r.headers).map(([k, v]) => `${k}: ${v.length > 80 ? `${v.slice(0, 80)}...` : v}`).join(' | ');
  return `${r.method} ${r.path.length > 300 ? `${r.path.slice(0, 300)}... (${r.path.length} chars)` : r.path} [${hdrs}] ${JSON.stringify(body)} (token: ${r.meta.auth}; ${r.meta.body}; broken: ${r.meta.broken})`;
}

// What is wrong with the answer res to the generated request r ([] when nothing).
function verdict(spec, r, res) {
  if (res.error) return [`no answer: ${res.error}`];
  const out = [];
  const ex = { method: r.method, path: r.path, status: res.status, response_headers: res.headers, response_body: res.body };
  if (res.status >= 500) out.push(`a ${res.status}: the server failed (${res.body.slice(0, 200)})`);
  const { violations } = spec.checkResponse(ex);
  out.push(...violations);
  const ct = mediaType(res.headers['content-type']);
  if (res.status >= 400 && ct !== 'application/problem+json' && !violations.some((v) => v.includes('Content-Type'))) {
    out.push(`an error answered as '${res.headers['content-type'] ?? '(none)'}', not application/problem+json`);
  }
  const m = spec.match(r.method === 'HEAD' ? 'GET' : r.method, r.path);
  if (m.kind === 'operation' && r.method !== 'OPTIONS') {
    const strict = spec.requestProblems({ operation: m.operation, pathParams: m.pathParams, query: m.query,
      headers: r.headers, body: r.body, authValid: r.meta.authValid }).filter((p) => p.strict);
    if (strict.length > 0 && !(res.status >= 400 && res.status < 500)) {
      out.push(`the request is invalid by the spec (${strict.map((p) => p.msg).join('; ')}) but was answered ${res.status}`);
    }
    if (strict.length > 0) r.meta.invalid = true;
  }
  return out;
}

// Adds the parameters of every link path that matches a template of the spec to the pools.
function harvestLinks(spec, pools, server) {
  for (const p of server.mailLinks()) {
    for (const o of spec.operations) {
      const m = spec.match(o.method, p);
      if (m.kind !== 'operation' || m.operation !== o) continue;
      for (const [name, v] of Object.entries(m.pathParams)) {
        pools.add(`prop:${name}`, v);
        const c = collectionOf(o.template, name);
        if (c) pools.add(c, v);
      }
    }
  }
}

async function pool(items, n, fn) {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(n, queue.length) }, async () => {
    while (queue.length > 0) await fn(queue.shift());
  }));
}

test('every operation of openapi.yaml, fuzzed against the real server', { timeout: 30 * 60 * 1000 }, async (t) => {
  assert.ok(existsSync(bin), `no server binary at ${bin}: build first (cmake --build build)`);
  const spec = new Spec(specFile);
  const operations = spec.operations.filter((o) => !only || only.has(o.id));
  assert.ok(operations.length > 0, 'openapi.yaml has no operations to fuzz');
  const server = new Server(bin);
  await server.start();
  const started = Date.now();
  const stats = new Map(operations.map((o) => [o.id, { n: 0, seeded: 0, invalid: 0, statuses: {}, failure: null, allowed: new Set() }]));
  let sent = 0;
  try {
    const principals = createPrincipals(server);
    const kinds = Object.keys(principals.tokens);
    t.diagnostic(`seed ${seed}; ${runs} requests per operation; ${operations.length} operations; ${concurrency} at a time; server on port ${server.port}`);
    t.diagnostic(`tokens: ${kinds.length ? kinds.join(', ') : 'none'}`);
    for (const why of principals.missing) t.diagnostic(`NOTE: ${why}`);
    if (principals.noAdmin || kinds.length === 0) {
      t.diagnostic('NOTE: NO TOKENS: the authenticated variants are SKIPPED; operations that need a token are fuzzed with missing and bad tokens only');
    }
    const pools = new Pools();
    for (const [k, v] of principals.facts) pools.add(k, v);

    const send = async (o, r, seeding) => {
      const res = await server.request(r);
      sent++;
      const s = stats.get(o.id);
      if (seeding) s.seeded++;
      else s.n++;
      const key = res.error ? 'no-answer' : String(res.status);
      s.statuses[key] = (s.statuses[key] ?? 0) + 1;
      if (!res.error && r.meta.authValid && r.meta.auth && res.status !== 401 && res.status !== 403) {
        s.allowed.add(r.meta.auth);
      }
      if (!res.error && res.status >= 200 && res.status < 300 && res.headers.etag) {
        const p = r.path.split('?')[0];
        pools.setEtag(/\/[a-z-]+$/.test(p) && r.method === 'POST' && res.status !== 201 ? p.slice(0, p.lastIndexOf('/')) : p, res.headers.etag);
        if (res.status === 201 && res.headers.location) pools.setEtag(res.headers.location, res.headers.etag);
      }
      if (!res.error && res.status >= 200 && res.status < 300 && r.method === o.method) {
        try {
          harvest(pools, resultCollection(spec, o.template), JSON.parse(res.body));
        } catch {
          // not JSON: nothing to harvest (the verdict says whether that is allowed)
        }
      }
      if (sent % 500 === 0) harvestLinks(spec, pools, server);
      const v = verdict(spec, r, res);
      if (r.meta.invalid && !seeding) s.invalid++;
      return { res, v };
    };

    // Seeding: valid requests first, creating operations before the rest, so that real ids
    // (and invitation links in the mail spool) are there to be used.
    // Two rounds: what the first creates (customers, tasks) lets the second create more
    // (collaborations of those customers).
    const order = [...operations].sort((a, b) => (a.method === 'POST' ? 0 : 1) - (b.method === 'POST' ? 0 : 1));
    for (const [round, o] of [...order.map((x) => [0, x]), ...order.map((x) => [1, x])]) {
      const arb = requestArb(spec, o, { tokens: principals.tokens, pools, validOnly: true, allowedKinds: [...stats.get(o.id).allowed] });
      for (const r of fc.sample(arb, { numRuns: SEED_REQUESTS, seed: seed + 1 + round })) {
        const { res, v } = await send(o, r, true);
        if (v.length > 0 && !stats.get(o.id).failure) {
          stats.get(o.id).failure = `(while seeding with valid requests) ${show(r)}\n      -> ${res.status ?? ''} ${res.headers?.['content-type'] ?? ''} ${(res.body ?? '').slice(0, 400)}\n      ${v.join('\n      ')}`;
        }
      }
    }
    harvestLinks(spec, pools, server);

    await pool(operations, concurrency, async (o) => {
      const s = stats.get(o.id);
      if (s.failure) return;
      const arb = requestArb(spec, o, { tokens: principals.tokens, revoked: principals.revoked, pools, allowedKinds: [...s.allowed] });
      let last = null;
      const details = await fc.check(fc.asyncProperty(arb, async (r) => {
        const { res, v } = await send(o, r, false);
        if (v.length > 0) {
          last = `${show(r)}\n      -> ${res.status ?? ''} ${res.headers?.['content-type'] ?? ''} ${(res.body ?? '').slice(0, 400)}\n      ${v.join('\n      ')}`;
          return false;
        }
        return true;
      }), { numRuns: runs, seed: seed + operations.indexOf(o), maxSkipsPerRun: 0, endOnFailure: false });
      if (details.failed) {
        s.failure = `${last ?? ''}\n      (fast-check: counterexample after ${details.numRuns} runs and ${details.numShrinks} shrinks; seed ${details.seed}, path ${details.counterexamplePath})`;
      } else if (details.numRuns < runs) {
        s.failure = `only ${details.numRuns} of ${runs} runs were made`;
      }
    });
    harvestLinks(spec, pools, server);
  } finally {
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const lines = [`${sent} requests in ${secs} s (${(sent / Math.max(1, (Date.now() - started) / 1000)).toFixed(0)}/s)`];
    for (const o of operations) {
      const s = stats.get(o.id);
      const hist = Object.entries(s.statuses).sort().map(([k, v]) => `${k}x${v}`).join(' ');
      lines.push(`${o.id.padEnd(34)} ${String(s.n).padStart(5)} runs (+${s.seeded} seeding, ${s.invalid} invalid by the spec)  ${hist}${s.failure ? '  FAILED' : ''}`);
    }
    for (const l of lines) t.diagnostic(l);
    const exit = await server.stop();
    if (server.exited && exit !== 0 && server.exited.signal !== 'SIGTERM') t.diagnostic(`advisord exited with ${exit}`);
  }
  const failed = operations.filter((o) => stats.get(o.id).failure);
  for (const o of failed) {
    t.diagnostic(`FAILURE in ${o.id}:`);
    for (const l of stats.get(o.id).failure.split('\n')) t.diagnostic(`    ${l.trim()}`);
  }
  assert.equal(server.exited?.code, 0, `advisord did not stop cleanly: ${JSON.stringify(server.exited)}\n${server.tail()}`);
  assert.deepEqual(failed.map((o) => o.id), [], `operations that broke the contract (details above; reproduce with CONTRACT_SEED=${seed})`);
  for (const o of operations) assert.ok(stats.get(o.id).n >= runs, `${o.id}: only ${stats.get(o.id).n} of ${runs} requests were sent`);
});
