// parse_metrics.mjs - reads a Prometheus text exposition (0.0.4) on stdin with a real parser
// (parse-prometheus-text-format, pinned in package.json) and prints it as JSON:
// {"family": {"type": "COUNTER", "samples": [{"labels": {...}, "value": 1}, ...]}, ...};
// histograms as samples named family_bucket/_sum/_count with their labels. Besides what the
// parser refuses, it fails (exit 1, the reason on stderr) on a sample whose family has no
// # TYPE, or a family given twice. Histograms are listed without samples (see below).
// For tests/integration/test_metrics.c, which also runs promtool check metrics.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const parse = require('parse-prometheus-text-format');
const text = readFileSync(0, 'utf8');
const fail = (why) => {
  process.stderr.write(`parse_metrics: ${why}\n`);
  process.exit(1);
};

const typed = new Set();
for (const line of text.split('\n')) {
  const m = /^# TYPE (\S+) (\S+)$/.exec(line);
  if (m) {
    if (typed.has(m[1])) fail(`# TYPE ${m[1]} given twice`);
    typed.add(m[1]);
  } else if (line && !line.startsWith('#')) {
    const name = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line)?.[1];
    if (!name) fail(`not a sample line: ${line}`);
    const fam = name.replace(/_(bucket|sum|count)$/, '');
    if (!typed.has(name) && !typed.has(fam)) fail(`sample ${name} before or without its # TYPE`);
  }
}

let families;
try {
  families = parse(text);
} catch (e) {
  fail(`the parser refused it: ${e.message}`);
}
const out = {};
for (const f of families) {
  if (out[f.name]) fail(`family ${f.name} twice`);
  const samples = [];
  for (const m of f.metrics) {
    if (f.type === 'HISTOGRAM') {
      // This parser folds a histogram's series into one and drops their labels: the test
      // reads histogram lines itself, after promtool (the reference Go parser) passed them.
      continue;
    } else {
      const v = Number(m.value);
      if (Number.isNaN(v)) fail(`${f.name}: value ${m.value} is not a number`);
      samples.push({ name: f.name, labels: m.labels ?? {}, value: v });
    }
  }
  out[f.name] = { type: f.type, help: f.help, samples };
}
process.stdout.write(JSON.stringify(out));
