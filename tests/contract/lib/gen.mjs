// gen.mjs - fast-check arbitraries driven by openapi.yaml: values from JSON Schemas, and whole
// requests for an operation, valid and invalid (wrong types, missing and unknown fields, huge
// strings, odd Unicode, malformed JSON, bad path and query parameters, bad or missing tokens,
// wrong content types). Nothing here knows a particular operation: everything comes from the
// spec, so a new operation is fuzzed without new test code.
import fc from 'fast-check';
import { escapePointer } from './spec.mjs';

// Strings that have broken servers before: control characters, NUL, lone surrogates, BOM,
// right-to-left override, combining marks, emoji sequences, non-characters, SQL and format
// string bait, path tricks.
export const ODD_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\t\r\n', '\ud800', '\udfff', 'x\ud83d', '\ufeffstart', '\u202egnp.exe',
  'e\u0301\u0301\u0301', '\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67', '\uffff', '\ufffe', '\u00ff\u0100',
  'Å', 'ÅÄÖ åäö', '日本語', '%s%s%n%x', "' OR 1=1 --", '"; DROP TABLE t; --', '../../etc/passwd', '%00',
  '${jndi:ldap://x}', '<script>alert(1)</script>', '\\', '"', '{}', '[]', 'null', 'true', '-1', '0', '1e309',
  '9223372036854775808', 'NaN', 'Infinity', '\u2028\u2029', '\u0085',
];

const ODD_NUMBERS = [0, -1, 1, -2147483649, 2147483648, 9007199254740991, -9007199254740991, 1e308, -1e308, 0.5, -0.0, 1e-300];

// Keys in the pools of ids and values seen in responses (see Pools below).
export function pluralKey(field) {
  const base = field.replace(/_id$/, '');
  return base.endsWith('y') ? `${base.slice(0, -1)}ies` : base.endsWith('s') ? base : `${base}s`;
}

// Values the server has handed out (ids of created resources, corporate IDs, invitation
// tokens ...), keyed by collection ('customers') or by property name ('prop:corporate_id').
// Generators read them lazily, so values found during the run are used at once.
export class Pools {
  constructor() {
    this.map = new Map();
  }

  add(key, value) {
    if (typeof value !== 'string' || value === '' || value.length > 200) return;
    let s = this.map.get(key);
    if (!s) this.map.set(key, (s = []));
    if (!s.includes(value)) {
      s.push(value);
      if (s.length > 200) s.shift();
    }
  }

  pick(key, i) {
    const s = this.map.get(key);
    return s && s.length > 0 ? s[Math.abs(i) % s.length] : undefined;
  }

  // The pool a path parameter or a body field draws real values from.
  keysFor(name, collection) {
    const keys = [];
    if (name === 'id' && collection) keys.push(collection);
    if (/_id$/.test(name)) keys.push(pluralKey(name));
    keys.push(`prop:${name}`);
    return keys;
  }

  // ETags by the path that answered them; etagFor(path) finds the one of the longest prefix
  // (an action /v1/x/{id}/approve goes with the ETag of /v1/x/{id}).
  setEtag(path, etag) {
    if (!this.etags) this.etags = new Map();
    if (typeof etag === 'string' && etag) this.etags.set(path, etag);
  }

  etagFor(path) {
    for (let p = path; p.length > 1; p = p.slice(0, p.lastIndexOf('/'))) {
      const e = this.etags?.get(p);
      if (e) return e;
    }
    return undefined;
  }

  pickFor(name, collection, i) {
    for (const k of this.keysFor(name, collection)) {
      const v = this.pick(k, i);
      if (v !== undefined) return v;
    }
    return undefined;
  }
}

// The collection a path template's {param} belongs to: the literal segment before it.
export function collectionOf(template, paramName) {
  const segs = template.split('/');
  const i = segs.indexOf(`{${paramName}}`);
  return i > 0 && !segs[i - 1].startsWith('{') ? segs[i - 1] : undefined;
}

// The collection whose members an operation's 2xx body is (for harvesting ids).
export function resultCollection(spec, template) {
  const segs = template.split('/').filter(Boolean);
  const last = segs[segs.length - 1];
  if (last && !last.startsWith('{')) {
    const isCollection = spec.operations.some((o) => o.template.includes(`/${last}/{`));
    if (isCollection) return last;
  }
  for (let i = segs.length - 1; i > 0; i--) if (segs[i].startsWith('{') && !segs[i - 1].startsWith('{')) return segs[i - 1];
  return last;
}

// Records every id and string property of a response body in the pools.
export function harvest(pools, collection, body) {
  const walk = (v, key, top) => {
    if (Array.isArray(v)) {
      v.forEach((x) => walk(x, key, top && key === 'items'));
      return;
    }
    if (v && typeof v === 'object') {
      if (typeof v.id === 'string' && (top || key === 'items') && collection) pools.add(collection, v.id);
      for (const [k, x] of Object.entries(v)) {
        if (typeof x === 'string') {
          pools.add(`prop:${k}`, x);
          if (/^next_/.test(k)) pools.add(`prop:${k.slice(5)}`, x); // next_cursor -> ?cursor=
          if (/_id$/.test(k)) pools.add(pluralKey(k), x);
        } else if (x && typeof x === 'object') {
          if (typeof x.id === 'string') pools.add(pluralKey(`${k}_id`), x.id);
          walk(x, k, false);
        }
      }
    }
  };
  walk(body, '', true);
}

function deref(spec, schema) {
  return schema && typeof schema === 'object' ? spec.deref(schema, '').value : schema;
}

// Merges allOf members into one object-ish schema (enough for generating values).
function flatten(spec, schema) {
  schema = deref(spec, schema);
  if (!schema || !Array.isArray(schema.allOf)) return schema;
  const out = { ...schema, allOf: undefined, properties: { ...(schema.properties ?? {}) }, required: [...(schema.required ?? [])] };
  for (const part of schema.allOf) {
    const p = flatten(spec, part);
    Object.assign(out.properties, p.properties ?? {});
    out.required.push(...(p.required ?? []));
    for (const k of ['type', 'enum', 'const', 'format', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'items']) {
      if (p[k] !== undefined && out[k] === undefined) out[k] = p[k];
    }
  }
  return out;
}

function typesOf(schema) {
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  if (schema.properties || schema.required) return ['object'];
  if (schema.items) return ['array'];
  return [];
}

const plainEmail = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9.]{0,12}[a-z0-9]$/), fc.stringMatching(/^[a-z]{2,10}\.(se|com|nu)$/))
  .map(([a, b]) => `${a}@${b}`);

function stringArb(spec, s, name, ctx) {
  const min = s.minLength ?? 0;
  const max = Math.max(min, Math.min(s.maxLength ?? 40, 200));
  const fits = (v) => [...v].length >= min && [...v].length <= (s.maxLength ?? Infinity);
  const options = [];
  if (s.format === 'uuid') options.push(fc.uuid());
  else if (s.format === 'email') options.push(plainEmail, fc.emailAddress());
  else if (s.format === 'date') options.push(fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)));
  else if (s.format === 'date-time') options.push(fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString()));
  else if (s.format === 'uri') options.push(fc.webUrl());
  else if (s.pattern) {
    let re;
    try {
      re = new RegExp(s.pattern, 'u');
    } catch {
      re = null;
    }
    if (re) options.push(fc.stringMatching(re).filter((v) => fits(v)));
  } else {
    options.push(fc.string({ minLength: min, maxLength: max }), fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }));
  }
  if (options.length === 0) options.push(fc.string({ minLength: min, maxLength: max }));
  let arb = fc.oneof(...options);
  // Hints from the property's name where the schema says no format: plausible values get
  // past the server's own checks more often, so requests reach deeper code.
  // Only where such a value can fit the length bounds (a filter that never passes would hang).
  const room = (lo, hi) => min <= hi && (s.maxLength ?? Infinity) >= lo;
  if (!s.format && !s.pattern && name) {
    let hint = null;
    if (/(^|_)e-?mail$/i.test(name) && room(12, 28)) hint = plainEmail.filter(fits);
    else if (/(^|_)id$/.test(name) && room(36, 36)) hint = fc.uuid();
    else if (/phone/.test(name) && room(17, 17)) hint = fc.stringMatching(/^\+46 7[0-9] [0-9]{3} [0-9]{2} [0-9]{2}$/);
    if (hint) arb = fc.oneof({ weight: 3, arbitrary: hint }, { weight: 1, arbitrary: arb });
  }
  // A value the server handed out for a field of this name is the likeliest valid one.
  if (name && ctx?.pools) {
    const pooled = fc.integer().map((i) => ctx.pools.pickFor(name, ctx.collection, i));
    arb = fc.oneof({ weight: 2, arbitrary: arb }, { weight: 3, arbitrary: fc.tuple(pooled, arb).map(([p, a]) => (p !== undefined ? p : a)) });
  }
  return arb;
}

// An arbitrary of values valid for schema (as far as generation can tell: formats and
// patterns are honoured; the server may still refuse them for reasons of state).
export function arbFromSchema(spec, schema0, name, ctx, depth = 0) {
  const schema = flatten(spec, schema0);
  // The spec's own examples are the likeliest values to pass checks a schema cannot express
  // (a check digit, a real date); generated values keep the search wide.
  if (schema && typeof schema === 'object' && Array.isArray(schema.examples) && schema.examples.length > 0 && !schema.__examplesDone) {
    const rest = arbFromSchema(spec, { ...schema, __examplesDone: true }, name, ctx, depth);
    return fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...schema.examples) }, { weight: 2, arbitrary: rest });
  }
  if (schema === true || schema === undefined || schema === null) return fc.jsonValue({ maxDepth: 2 });
  if (schema === false) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  for (const k of ['oneOf', 'anyOf']) {
    if (Array.isArray(schema[k])) {
      const base = { ...schema };
      delete base[k];
      return fc.oneof(...schema[k].map((alt) => arbFromSchema(spec, { ...base, ...flatten(spec, alt) }, name, ctx, depth + 1)));
    }
  }
  const types = typesOf(schema);
  if (types.length === 0) return fc.jsonValue({ maxDepth: 2 });
  if (types.length > 1) return fc.oneof(...types.map((t) => arbFromSchema(spec, { ...schema, type: t }, name, ctx, depth + 1)));
  switch (types[0]) {
    case 'null': return fc.constant(null);
    case 'boolean': return fc.boolean();
    case 'integer': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000000);
      const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1000000);
      return fc.integer({ min, max: Math.max(min, max) });
    }
    case 'number': {
      const min = schema.minimum ?? -1e6;
      const max = schema.maximum ?? 1e6;
      return fc.double({ min, max: Math.max(min, max), noNaN: true, noDefaultInfinity: true });
    }
    case 'string': return stringArb(spec, schema, name, ctx);
    case 'array': {
      if (depth > 4) return fc.constant([]);
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 4, 6));
      return fc.array(arbFromSchema(spec, schema.items, name, ctx, depth + 1), { minLength, maxLength });
    }
    case 'object': {
      if (depth > 4) return fc.constant({});
      const props = schema.properties ?? {};
      const rec = {};
      for (const [k, v] of Object.entries(props)) rec[k] = arbFromSchema(spec, v, k, ctx, depth + 1);
      return fc.record(rec, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
    }
    default: return fc.jsonValue({ maxDepth: 2 });
  }
}

// A value of another JSON type than any the schema allows (or a wrong one when it allows all).
function wrongTypeArb(spec, schema0) {
  const schema = flatten(spec, schema0) ?? {};
  const allowed = new Set(typesOf(schema));
  if (allowed.has('integer')) allowed.add('number');
  const pool = [
    ['string', fc.constantFrom('x', '', '12', 'true', 'null')],
    ['number', fc.constantFrom(...ODD_NUMBERS)],
    ['integer', fc.constantFrom(0, -1, 7)],
    ['boolean', fc.boolean()],
    ['null', fc.constant(null)],
    ['array', fc.constantFrom([], [1], ['a', 'b'])],
    ['object', fc.constantFrom({}, { a: 1 })],
  ].filter(([t]) => !allowed.has(t) && !(t === 'integer' && allowed.has('number')));
  return pool.length > 0 ? fc.oneof(...pool.map(([, a]) => a)) : fc.constant({ unexpected: true });
}

const hugeString = fc.constantFrom(2000, 70000, 300000).chain((n) => fc.constantFrom('x', 'å', '😀').map((c) => c.repeat(n)));

// An object schema to mutate from: a choice of object forms (oneOf/anyOf) counts as one
// object with the members of all forms, requiring those that every form requires.
function objectView(spec, schema0, depth = 0) {
  const schema = flatten(spec, schema0) ?? {};
  const alts = schema.oneOf ?? schema.anyOf;
  if (schema.properties || !Array.isArray(alts) || alts.length === 0 || depth > 4) return schema;
  const views = alts.map((a) => objectView(spec, a, depth + 1));
  const properties = Object.assign({}, ...views.map((v) => v.properties ?? {}));
  const required = (views[0].required ?? []).filter((k) => views.every((v) => (v.required ?? []).includes(k)));
  return { ...schema, properties, required };
}

// Mutations of a valid object body: each yields a body that the schema refuses (most of the
// time; the property checks what the schema says, not what the mutation meant).
function mutatedBodyArb(spec, schema0, validArb) {
  const schema = objectView(spec, schema0);
  const props = Object.keys(schema.properties ?? {});
  const required = (schema.required ?? []).filter((k) => props.includes(k));
  const muts = [];
  if (props.length > 0) {
    muts.push(fc.tuple(validArb, fc.constantFrom(...props)).chain(([b, k]) =>
      wrongTypeArb(spec, schema.properties[k]).map((w) => ({ ...b, [k]: w }))));
    muts.push(fc.tuple(validArb, fc.constantFrom(...props), fc.oneof(fc.constantFrom(...ODD_STRINGS), hugeString))
      .map(([b, k, s]) => ({ ...b, [k]: s })));
  }
  if (required.length > 0) {
    muts.push(fc.tuple(validArb, fc.constantFrom(...required)).map(([b, k]) => {
      const c = { ...b };
      delete c[k];
      return c;
    }));
  }
  muts.push(fc.tuple(validArb, fc.constantFrom('unknown_field', 'ID', '__proto__x', '', 'é'), fc.jsonValue({ maxDepth: 1 }))
    .map(([b, k, v]) => ({ ...b, [props.includes(k) ? `${k}_unknown` : k]: v })));
  muts.push(fc.constantFrom([], 'a string', 42, null, true, [{}], {}));
  return fc.oneof(...muts);
}

// Body texts that are not valid JSON objects at all (as Buffers: some are not even UTF-8).
const brokenBodyArb = fc.oneof(
  fc.constantFrom('{', '{"a":', '{"a":1,}', "{'a':1}", '{"a":1}{"b":2}', 'nul', '{"a":1 "b":2}', '\u0000', '{"a":"\\ud800"}',
    '{"a":1,"a":2}', '{"a":"\\u0000"}', '  ', '{"a":01}', '{"a":1e999}', '{"a":-}').map((s) => Buffer.from(s)),
  fc.constantFrom(Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), Buffer.from('{"a":"\xc3\x28"}', 'latin1'), Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d])),
  fc.constantFrom(3000, 5000).map((n) => Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`)),
  fc.constantFrom(3000).map((n) => Buffer.from(`{"a":${'{"a":'.repeat(n)}1${'}'.repeat(n + 1)}`)),
  fc.constant(null).map(() => Buffer.alloc(1024 * 1024 + 10, 0x20)),
);

const CONTENT_TYPES_OK = ['application/json', 'application/json; charset=utf-8', 'Application/JSON'];
const CONTENT_TYPES_BAD = ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x',
  'text/json', 'application/jsonx', '', 'application/octet-stream'];

// Percent-encodes every byte of the UTF-8 form except unreserved characters (lone
// surrogates become U+FFFD, as any UTF-8 encoder makes them).
export function encodeComponent(v) {
  let out = '';
  for (const b of Buffer.from(String(v), 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
const encodeSegment = encodeComponent;

// Path parameter values: {valid: real (pooled) or schema-valid ones, bad: others}. raw: sent
// as is, without percent-encoding, to probe the server's decoding.
function pathParamArbs(spec, operation, param, ctx) {
  const collection = collectionOf(operation.template, param.name);
  const schemaValid = arbFromSchema(spec, param.schema, param.name, { pools: ctx.pools, collection })
    .map((v) => ({ text: encodeSegment(String(v)) }));
  const pooled = fc.integer().map((i) => ctx.pools.pickFor(param.name, collection, i))
    .map((v) => (v === undefined ? { text: 'no-such-thing' } : { text: encodeSegment(v) }));
  const bad = fc.oneof(
    fc.constantFrom(...ODD_STRINGS.filter((v) => v !== '')).map((v) => ({ text: encodeSegment(v) })),
    fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }).map((v) => ({ text: encodeSegment(v) })),
    fc.constantFrom('%ZZ', '%', '%0', '..', '.', '%2e%2e', '%2F', 'a%2Fb', '%00', 'a%00b', '%C3', '%FF%FE', '~', ';a=b', '0', '-1', '00000000-0000-0000-0000-000000000000')
      .map((v) => ({ text: v, raw: true })),
    fc.constantFrom(300, 9000, 20000).map((n) => ({ text: 'a'.repeat(n) })),
  );
  return { valid: fc.oneof({ weight: 4, arbitrary: pooled }, { weight: 1, arbitrary: schemaValid }), bad };
}

function queryParamArbs(spec, param, ctx) {
  const valid = arbFromSchema(spec, param.schema, param.name, { pools: ctx.pools })
    .map((v) => (Array.isArray(v) ? v.map(String) : [typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)]));
  const bad = fc.oneof(
    fc.constantFrom(...ODD_STRINGS).map((v) => [v]),
    fc.constantFrom('-1', '0', '1.5', '1e3', 'true', '99999999999999999999', 'abc', '').map((v) => [v]),
    fc.constantFrom(['a', 'b'], ['1', '1']),
    fc.constantFrom(10000).map((n) => ['q'.repeat(n)]),
  );
  return { valid: fc.option(valid, { freq: 2 }), bad };
}

// The Authorization header: {valid: a real token of some kind (none when there are none),
// bad: none, malformed, tampered or revoked}.
function authArbs(ctx) {
  const kinds = Object.keys(ctx.tokens);
  const revoked = (ctx.revoked ?? []).map((tok) => fc.constant({ header: `Bearer ${tok}`, valid: false, what: 'revoked token' }));
  const tampered = kinds.length === 0 ? [] : [fc.constantFrom(...kinds).map((k) => ({
    header: `Bearer ${ctx.tokens[k].slice(0, -1)}${ctx.tokens[k].endsWith('A') ? 'B' : 'A'}`, valid: false, what: 'tampered token' }))];
  const bad = fc.oneof(
    fc.constant({ header: undefined, valid: false, what: 'no token' }),
    fc.constantFrom('Bearer ', 'Bearer', 'Basic dXNlcjpwYXNz', 'Bearer x', 'Bearer  ', 'Token abc', 'Bearer ' + 'A'.repeat(5000),
      'Bearer \u00ff\u00fe', 'Bearer a b c', 'Bearer ../../../etc/passwd', "Bearer ' OR 1=1 --")
      .map((h) => ({ header: h, valid: false, what: 'bad token' })),
    fc.string({ minLength: 1, maxLength: 64 }).map((v) => ({ header: `Bearer ${v.replace(/[^\x21-\x7e]/g, 'x')}`, valid: false, what: 'bad token' })),
    ...tampered,
    ...revoked,
  );
  const token = (k) => ({ header: `Bearer ${ctx.tokens[k]}`, valid: true, what: k });
  // Kinds that got past authorization while seeding are preferred, so that valid requests
  // mostly reach the handler; the others still come (each must get a documented 403).
  const allowed = (ctx.allowedKinds ?? []).filter((k) => kinds.includes(k));
  let valid;
  if (kinds.length === 0) valid = fc.constant({ header: undefined, valid: false, what: 'no token (none could be made)' });
  else if (allowed.length === 0 || allowed.length === kinds.length) valid = fc.constantFrom(...kinds).map(token);
  else valid = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...allowed).map(token) }, { weight: 1, arbitrary: fc.constantFrom(...kinds).map(token) });
  return { valid, bad };
}

const requestIdArb = fc.option(fc.oneof(
  fc.constantFrom('abc-123', 'x'.repeat(64), 'x'.repeat(65), 'a b', 'ÅÄÖ', '', '<x>', '-_.:'),
  fc.string({ maxLength: 80 }).map((v) => v.replace(/[^\x20-\x7e]/g, '')),
), { freq: 4 });

// Stands for "the ETag last seen for this resource" in generated If-Match headers.
const ETAG = '\u0000etag';

// Replaces element i of a tuple value.
function withAt(values, i, v) {
  const c = [...values];
  c[i] = v;
  return c;
}

// Whole requests for one operation: {method, path, headers, body (Buffer|undefined), meta}.
// A request is built valid in every part (path and query parameters, header parameters,
// token, body), then usually one part is broken: so each kind of bad input reaches the code
// that must refuse it, rather than every request stopping at the first check (401). Some
// requests stay valid, and some ("chaos") break any number of parts at once.
// ctx: {tokens, revoked, pools, validOnly}.
export function requestArb(spec, operation, ctx) {
  const params = spec.parameters(operation);
  const pathParams = params.filter((p) => p.param.in === 'path');
  const queryParams = params.filter((p) => p.param.in === 'query');
  const headerParams = params.filter((p) => p.param.in === 'header');
  const rb = spec.requestBody(operation);

  const paths = pathParams.map(({ param }) => pathParamArbs(spec, operation, param, ctx));
  const queries = queryParams.map(({ param }) => queryParamArbs(spec, param, ctx));
  const hdrs = headerParams.map(({ param }) => {
    const value = fc.oneof(
      ...(/^if-(none-)?match$/i.test(param.name) ? [{ weight: 3, arbitrary: fc.constant(ETAG) }] : []),
      { weight: 1, arbitrary: arbFromSchema(spec, param.schema, param.name, { pools: ctx.pools }).map((v) => String(v).replace(/[^\x20-\x7e]/g, '')) },
    );
    // A required header is always there in a valid request (leaving it out is a mutation).
    return {
      valid: param.required ? value : fc.option(value, { freq: 2 }),
      bad: fc.constantFrom('', '*', '"x"', 'W/"1"', '1', 'nonsense', 'x'.repeat(300), ...(param.required ? [null] : [])),
    };
  });
  const auth = authArbs(ctx);
  const unknownQuery = fc.option(fc.tuple(fc.constantFrom('unknown', 'limit', 'cursor', 'q', '', 'a[b]', 'Å'), fc.constantFrom('1', '', 'x', '%')), { freq: 8 });

  let body = { valid: fc.constant({ body: undefined, contentType: undefined, what: 'no body' }), bad: null };
  if (rb) {
    const media = Object.keys(rb.body.content ?? {});
    const jsonMedia = media.find((m) => /json/.test(m)) ?? media[0];
    const schema = spec.at(`${rb.pointer}/content/${escapePointer(jsonMedia)}/schema`);
    const validValue = arbFromSchema(spec, schema, undefined, { pools: ctx.pools });
    const okType = fc.oneof({ weight: 6, arbitrary: fc.constant(jsonMedia) }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES_OK) });
    const json = (v) => Buffer.from(JSON.stringify(v));
    body = {
      valid: fc.tuple(validValue, okType).map(([v, ct]) => ({ body: json(v), contentType: ct, what: 'valid body' })),
      bad: fc.oneof(
        { weight: 6, arbitrary: fc.tuple(mutatedBodyArb(spec, schema, validValue), okType).map(([v, ct]) => ({ body: json(v), contentType: ct, what: 'mutated body' })) },
        { weight: 2, arbitrary: fc.tuple(brokenBodyArb, okType).map(([b, ct]) => ({ body: b, contentType: ct, what: 'broken JSON' })) },
        { weight: 2, arbitrary: fc.tuple(validValue, fc.constantFrom(...CONTENT_TYPES_BAD)).map(([v, ct]) => ({ body: json(v), contentType: ct || undefined, what: 'wrong content type' })) },
        { weight: 1, arbitrary: okType.map((ct) => ({ body: undefined, contentType: ct, what: 'no body' })) },
      ),
    };
  }
  const otherMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].filter((m) => m !== operation.method);

  const base = fc.record({
    method: fc.constant(operation.method),
    pathValues: fc.tuple(...paths.map((a) => a.valid)),
    queryValues: fc.tuple(...queries.map((a) => a.valid)),
    unknownQuery: fc.constant(null),
    headerValues: fc.tuple(...hdrs.map((a) => a.valid)),
    auth: auth.valid,
    body: body.valid,
    requestId: requestIdArb,
    broken: fc.constant('nothing'),
  });

  // One broken part, chosen among those the operation has.
  const index = (n) => fc.nat({ max: n - 1 });
  const mutations = [{ weight: 2, arbitrary: fc.constant((g) => g) }];
  const add = (weight, arb) => mutations.push({ weight, arbitrary: arb });
  add(2, auth.bad.map((a) => (g) => ({ ...g, auth: a, broken: a.what })));
  if (paths.length) add(2, index(paths.length).chain((i) => paths[i].bad.map((v) => (g) => ({ ...g, pathValues: withAt(g.pathValues, i, v), broken: `path parameter ${pathParams[i].param.name}` }))));
  if (queries.length) add(2, index(queries.length).chain((i) => queries[i].bad.map((v) => (g) => ({ ...g, queryValues: withAt(g.queryValues, i, v), broken: `query parameter ${queryParams[i].param.name}` }))));
  if (hdrs.length) add(1, index(hdrs.length).chain((i) => hdrs[i].bad.map((v) => (g) => ({ ...g, headerValues: withAt(g.headerValues, i, v), broken: `header ${headerParams[i].param.name}` }))));
  if (body.bad) add(4, body.bad.map((b) => (g) => ({ ...g, body: b, broken: b.what })));
  add(1, fc.constantFrom(...otherMethods).map((m) => (g) => ({ ...g, method: m, broken: `method ${m}` })));
  add(1, unknownQuery.map((u) => (g) => ({ ...g, unknownQuery: u, broken: 'an unknown or repeated query parameter' })));
  const chaos = fc.record({
    method: fc.oneof({ weight: 9, arbitrary: fc.constant(operation.method) }, { weight: 1, arbitrary: fc.constantFrom(...otherMethods) }),
    pathValues: fc.tuple(...paths.map((a) => fc.oneof(a.valid, a.bad))),
    queryValues: fc.tuple(...queries.map((a) => fc.oneof(a.valid, a.bad.map((v) => v)))),
    unknownQuery,
    headerValues: fc.tuple(...hdrs.map((a) => fc.oneof(a.valid, a.bad))),
    auth: fc.oneof(auth.valid, auth.bad),
    body: body.bad ? fc.oneof(body.valid, body.bad) : body.valid,
    requestId: requestIdArb,
    broken: fc.constant('chaos'),
  });
  const generated = ctx.validOnly
    ? base
    : fc.oneof({ weight: 9, arbitrary: fc.tuple(base, fc.oneof(...mutations)).map(([g, f]) => f(g)) }, { weight: 1, arbitrary: chaos });

  return generated.map((g) => {
    let path = operation.template;
    pathParams.forEach(({ param }, i) => {
      path = path.replace(`{${param.name}}`, g.pathValues[i].text);
    });
    const q = [];
    queryParams.forEach(({ param }, i) => {
      const vals = g.queryValues[i];
      if (vals) for (const v of vals) q.push(`${encodeComponent(param.name)}=${encodeComponent(v)}`);
    });
    if (g.unknownQuery) q.push(`${encodeComponent(g.unknownQuery[0])}=${g.unknownQuery[1] === '%' ? '%' : encodeComponent(g.unknownQuery[1])}`);
    if (q.length > 0) path += `?${q.join('&')}`;
    const headers = {};
    if (g.auth.header !== undefined) headers.authorization = g.auth.header;
    if (g.requestId !== null) headers['x-request-id'] = g.requestId;
    headerParams.forEach(({ param }, i) => {
      let v = g.headerValues[i];
      if (v === ETAG) v = ctx.pools.etagFor(path.split('?')[0]) ?? '"none-seen"';
      if (v !== null) headers[param.name.toLowerCase()] = v;
    });
    // A body goes only with the operation's own method (bodies on bodiless operations are
    // outside the contract: see README).
    const own = g.method === operation.method;
    if (own && g.body.contentType !== undefined) headers['content-type'] = g.body.contentType;
    return {
      method: g.method,
      path,
      headers,
      body: own ? g.body.body : undefined,
      meta: { auth: g.auth.what, authValid: g.auth.valid, body: g.body.what, broken: g.broken },
    };
  });
}
