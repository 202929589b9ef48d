// yaml_to_json.mjs - writes openapi.yaml as JSON (the build embeds both; GET /openapi.json).
// Usage: node cmake/yaml_to_json.mjs IN.yaml OUT.json. Uses the pinned `yaml` package.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { parse } from 'yaml';

const [input, output] = process.argv.slice(2);
const doc = parse(readFileSync(input, 'utf8'), { uniqueKeys: true });
writeFileSync(`${output}.tmp`, `${JSON.stringify(doc, null, 1)}\n`);
renameSync(`${output}.tmp`, output);
