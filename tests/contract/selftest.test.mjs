// selftest.test.mjs - the trace check must not go blind. Feeds check-trace.mjs doctored traces
// (a field of the wrong type, a missing required field, an unknown field, an undocumented
// status, a wrong Content-Type, a 200 on an unknown path, broken lines, an empty or missing
// directory) and asserts that each one fails; a clean trace must pass. When ADVISORD_TRACE_DIR
// holds the integration tests' real trace, every exchange of it is doctored too (another
// status, another Content-Type, each required header and each required field removed, each
// required field of another type).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTraceDir } from './check-trace.mjs';
import { Spec } from './lib/spec.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const specFile = path.resolve(here, '../../openapi.yaml');

function ex(method, p, status, body, ct = 'application/json', extraHeaders = {}) {
  const h = { 'x-request-id': 'selftest', ...extraHeaders };
  if (ct) h['content-type'] = ct;
  return { method, path: p, request_headers: {}, status, response_headers: h,
    ...(body === undefined ? {} : { response_body: typeof body === 'string' ? body : JSON.stringify(body) }) };
}

const VARIANT = { code: 'smart', name: 'Smart', description: 'All of it', rank: 4, features: ['a', 'b'] };
const PREVIEW = { from: 'start', to: 'pro', kind: 'upgrade', gained_features: ['x'], lost_features: [], requires_support: false };
function problem(status, code) {
  return { type: `urn:advisord:problem:${code}`, title: 'T', status, detail: 'd', code, instance: '/x', request_id: 'selftest' };
}

// A GET answered 200 carries its ETag and Cache-Control (openapi.yaml requires both).
const READ = { etag: 'W/"5b1d0c4e"', 'cache-control': 'no-store' };
const GOOD = [
  ex('GET', '/healthz', 200, { status: 'ok' }, 'application/json', READ),
  ex('HEAD', '/healthz', 200, undefined, 'application/json', READ),
  ex('GET', '/v1/variants/smart', 200, VARIANT, 'application/json', READ),
  ex('GET', '/v1/variants/smart', 304, undefined, null, READ),
  ex('GET', '/v1/variants/gold', 404, problem(404, 'not_found'), 'application/problem+json'),
  ex('POST', '/v1/variant-changes/preview', 200, PREVIEW, 'application/json; charset=utf-8'),
  ex('POST', '/v1/variant-changes/preview', 400, { ...problem(400, 'validation_failed'), errors: [{ field: 'to', message: 'm' }] }, 'application/problem+json'),
  ex('GET', '/v1/nowhere', 404, problem(404, 'route_not_found'), 'application/problem+json'),
  ex('DELETE', '/v1/variants', 405, problem(405, 'method_not_allowed'), 'application/problem+json', { allow: 'GET, HEAD, OPTIONS' }),
  ex('OPTIONS', '/v1/variants', 204, undefined, null, { allow: 'GET, HEAD, OPTIONS' }),
];

const BAD = {
  'a field of the wrong type': [ex('GET', '/v1/variants/smart', 200, { ...VARIANT, rank: '4' }), '/rank must be integer'],
  'a missing required field': [ex('POST', '/v1/variant-changes/preview', 200, (({ kind, ...rest }) => rest)(PREVIEW)), "must have required property 'kind'"],
  'an unknown field': [ex('GET', '/v1/variants/smart', 200, { ...VARIANT, price: 10 }), "must NOT have additional properties 'price'"],
  'a value outside the enum': [ex('POST', '/v1/variant-changes/preview', 200, { ...PREVIEW, kind: 'sideways' }), '/kind must be equal to one of the allowed values'],
  'an undocumented status': [ex('GET', '/healthz', 201, { status: 'ok' }), 'status 201 is not documented for getHealthz'],
  'an undocumented error status': [ex('POST', '/v1/variant-changes/preview', 409, problem(409, 'conflict'), 'application/problem+json'), 'status 409 is not documented'],
  'a wrong Content-Type on a success': [ex('GET', '/v1/variants/smart', 200, VARIANT, 'text/plain'), "Content-Type is 'text/plain'"],
  'a JSON error that is not problem+json': [ex('GET', '/v1/variants/gold', 404, problem(404, 'not_found')), "Content-Type is 'application/json'"],
  'no Content-Type at all': [ex('GET', '/healthz', 200, { status: 'ok' }, null), "Content-Type is '(none)'"],
  'a body that is not JSON': [ex('GET', '/healthz', 200, 'ok'), 'the body is not JSON'],
  'a 200 on a path the spec does not have': [ex('GET', '/v1/secret', 200, { a: 1 }), 'only errors are expected there'],
  'a non-problem error on an unknown path': [ex('GET', '/v1/secret', 404, '<html>no</html>', 'text/html'), 'expected application/problem+json'],
  'a problem whose status differs': [ex('GET', '/v1/variants/gold', 404, problem(400, 'not_found'), 'application/problem+json'), 'differs from the HTTP status 404'],
  'an internal name in a problem\'s detail': [ex('POST', '/v1/collaborations/00000000-0000-4000-8000-000000000001/variant-changes', 409, { ...problem(409, 'illegal_transition'), detail: 'The collaboration is invited; change_variant is possible only when it is active' }, 'application/problem+json'), "names the internal name 'change_variant'"],
  'a problem code outside the catalogue': [ex('GET', '/v1/variants/gold', 404, problem(404, 'nope'), 'application/problem+json'), '/code must be equal to one of the allowed values'],
  'a Location that leads nowhere': [ex('GET', '/v1/variants/smart', 200, VARIANT, 'application/json', { location: '/v1/nowhere/1' }), "Location '/v1/nowhere/1' is not the path of any GET operation"],
  'no X-Request-Id': [{ ...ex('GET', '/healthz', 200, { status: 'ok' }), response_headers: { 'content-type': 'application/json' } }, 'no X-Request-Id'],
};

function runOn(lines) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'contract-selftest-'));
  try {
    writeFileSync(path.join(dir, 'trace-1.jsonl'), lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
    const out = [];
    const r = checkTraceDir(dir, specFile, (s) => out.push(s));
    return { code: r.code, out: out.join('\n') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a clean trace passes', () => {
  const r = runOn(GOOD);
  assert.equal(r.code, 0, r.out);
});

for (const [name, [bad, expected]] of Object.entries(BAD)) {
  test(`fails on ${name}`, () => {
    const r = runOn([...GOOD, bad]);
    assert.equal(r.code, 1, `the check passed a trace with ${name}:\n${r.out}`);
    assert.ok(r.out.includes(expected), `expected '${expected}' in:\n${r.out}`);
    assert.ok(r.out.includes(`VIOLATION ${bad.method} ${bad.path} -> ${bad.status}`), r.out);
  });
}

test('fails on an empty trace directory', () => {
  const r = runOn([]);
  assert.equal(r.code, 2, r.out);
  assert.match(r.out, /no exchanges were traced/);
});

test('fails on a missing trace directory', () => {
  const r = checkTraceDir(path.join(os.tmpdir(), 'contract-no-such-dir-'), specFile, () => {});
  assert.equal(r.code, 2);
});

test('fails on a broken trace line', () => {
  const r = runOn([...GOOD, '{"method":"GET",']);
  assert.equal(r.code, 2, r.out);
  assert.match(r.out, /broken trace line/);
});

// Doctors every exchange of the integration tests' real trace, one at a time: each doctored
// copy must be caught. Covers every operation and status that the integration tests reach.
test('every exchange of the real trace, doctored, is caught', (t) => {
  const dir = process.env.ADVISORD_TRACE_DIR;
  if (!dir || !existsSync(dir)) {
    t.skip('ADVISORD_TRACE_DIR holds no trace (run.sh checks it separately)');
    return;
  }
  const spec = new Spec(specFile);
  const real = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.jsonl'))) {
    for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) if (line.trim()) real.push(JSON.parse(line));
  }
  let doctored = 0;
  const missed = [];
  const caught = (e) => spec.checkResponse(e).violations.length > 0;
  for (const e of real) {
    if (spec.checkResponse(e).violations.length > 0) continue; // already reported by the check
    const m = spec.match(e.method === 'HEAD' ? 'GET' : e.method, e.path);
    if (m.kind !== 'operation') continue;
    const variants = [];
    variants.push(['status 299', { ...e, status: 299 }]);
    if (e.response_headers['content-type']) {
      // a type no operation documents (text/plain is GET /metrics's own)
      variants.push(['Content-Type application/x-undocumented', { ...e, response_headers: { ...e.response_headers, 'content-type': 'application/x-undocumented' } }]);
    }
    const documented = spec.responseFor(m.operation, e.status)?.response;
    for (const [name, raw] of Object.entries(documented?.headers ?? {})) {
      if (!spec.deref(raw, '').value?.required) continue;
      const { [name.toLowerCase()]: gone, ...rest } = e.response_headers;
      variants.push([`no ${name} header`, { ...e, response_headers: rest }]);
    }
    let body;
    try {
      body = JSON.parse(e.response_body ?? '');
    } catch {
      body = undefined;
    }
    if (body && typeof body === 'object' && !Array.isArray(body) && e.method !== 'HEAD') {
      const doc = spec.responseFor(m.operation, e.status);
      const media = Object.keys(doc?.response?.content ?? {})[0];
      const schema = media ? spec.deref(doc.response.content[media].schema, '').value : undefined;
      for (const k of schema?.required ?? []) {
        const { [k]: gone, ...rest } = body;
        variants.push([`without '${k}'`, { ...e, response_body: JSON.stringify(rest) }]);
        const flipped = typeof body[k] === 'string' ? 12345 : typeof body[k] === 'number' ? 'x' : typeof body[k] === 'boolean' ? 'true' : 7;
        variants.push([`'${k}' as ${typeof flipped}`, { ...e, response_body: JSON.stringify({ ...body, [k]: flipped }) }]);
      }
    }
    for (const [what, d] of variants) {
      doctored++;
      if (!caught(d)) missed.push(`${e.method} ${e.path} -> ${e.status} with ${what}`);
    }
  }
  assert.ok(real.length === 0 || doctored > 0, 'nothing of the real trace could be doctored');
  assert.deepEqual(missed, [], `doctored exchanges that passed the check:\n${missed.join('\n')}`);
  t.diagnostic(`${doctored} doctored copies of ${real.length} real exchanges, all caught`);
});
