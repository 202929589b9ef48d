// check-trace.mjs - checks every HTTP exchange recorded by the integration tests
// ($ADVISORD_TRACE_DIR/trace-*.jsonl, one JSON object a line) against openapi.yaml: the status
// must be documented for the operation, the Content-Type must be a documented one, the body
// must match the documented schema; errors on paths or methods the spec does not have must be
// problem+json. Request-side violations (negative tests) are not looked at.
//
// Usage: node tests/contract/check-trace.mjs [--spec openapi.yaml] <trace dir>
// Exit status: 0 when every exchange passes, 1 on any violation, 2 when there is nothing to
// check (no directory, no trace files, no exchanges) or a trace line is not JSON.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Spec } from './lib/spec.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export function checkTraceDir(dir, specFile, log = console.log) {
  const spec = new Spec(specFile);
  if (!dir || !existsSync(dir) || !statSync(dir).isDirectory()) {
    log(`contract: trace directory '${dir ?? ''}' does not exist: nothing was traced, so nothing can be checked`);
    return { code: 2 };
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
  let exchanges = 0;
  let failures = 0;
  const broken = [];
  const perOp = new Map();
  const off = { count: 0 };
  for (const f of files) {
    const lines = readFileSync(path.join(dir, f), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let ex;
      try {
        ex = JSON.parse(line);
      } catch (e) {
        broken.push(`${f}:${i + 1}: not JSON (${e.message})`);
        return;
      }
      if (typeof ex.method !== 'string' || typeof ex.path !== 'string' || typeof ex.status !== 'number') {
        broken.push(`${f}:${i + 1}: not an exchange (needs method, path, status)`);
        return;
      }
      exchanges++;
      const { operation, violations } = spec.checkResponse(ex);
      if (operation) {
        const s = perOp.get(operation.id) ?? { n: 0, statuses: {} };
        s.n++;
        s.statuses[ex.status] = (s.statuses[ex.status] ?? 0) + 1;
        perOp.set(operation.id, s);
      } else {
        off.count++;
      }
      if (violations.length > 0) {
        failures++;
        log(`VIOLATION ${ex.method} ${ex.path.length > 200 ? `${ex.path.slice(0, 200)}...` : ex.path} -> ${ex.status}` +
            `${operation ? ` (${operation.id})` : ''} [${f}:${i + 1}]`);
        for (const v of violations) log(`    ${v}`);
      }
    });
  }
  for (const b of broken) log(`contract: broken trace line: ${b}`);
  log(`contract: ${exchanges} traced exchanges in ${files.length} files; ${off.count} on paths or methods outside the spec`);
  for (const o of spec.operations) {
    const s = perOp.get(o.id);
    log(`  ${o.id.padEnd(34)} ${String(s ? s.n : 0).padStart(5)}  ${s ? Object.entries(s.statuses).map(([k, v]) => `${k}x${v}`).join(' ') : '(not exercised by the integration tests)'}`);
  }
  if (broken.length > 0 || exchanges === 0) {
    if (exchanges === 0) log('contract: no exchanges were traced: a check that checks nothing must not pass');
    return { code: 2, exchanges, failures };
  }
  if (failures > 0) {
    log(`contract: ${failures} of ${exchanges} exchanges break openapi.yaml`);
    return { code: 1, exchanges, failures };
  }
  log(`contract: all ${exchanges} exchanges keep openapi.yaml`);
  return { code: 0, exchanges, failures };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let specFile = path.resolve(here, '../../openapi.yaml');
  const i = args.indexOf('--spec');
  if (i >= 0) {
    specFile = args[i + 1];
    args.splice(i, 2);
  }
  const { code } = checkTraceDir(args[0] ?? process.env.ADVISORD_TRACE_DIR, specFile);
  process.exit(code);
}
