// spec.mjs - openapi.yaml as a checker. Finds the operation a request addresses (method and
// path template, resolved as the server's router does), checks a response against what the
// operation documents (status, media type, body schema, headers), and tells why a request is
// invalid by the spec (used by the property test to demand a 4xx). Schemas are checked with
// Ajv in JSON Schema 2020-12 mode, the dialect of OpenAPI 3.1.
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;
const addFormats = addFormatsModule.default ?? addFormatsModule;

export const SPEC_ID = 'urn:advisord:openapi';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
// Keywords of the OpenAPI document and of OpenAPI 3.1 schemas that are not JSON Schema ones:
// Ajv must know them (strict mode refuses unknown keywords, which catches typos in schemas).
const OPENAPI_KEYWORDS = ['openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks',
  'components', 'security', 'tags', 'externalDocs', 'discriminator', 'xml', 'example'];

export function escapePointer(s) {
  return String(s).replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointer(s) {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

// Decodes %XX sequences the way libmicrohttpd does before routing: valid escapes become bytes,
// anything else is kept as it is; the bytes are read as UTF-8.
export function percentDecode(s) {
  const bytes = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(s[i], 'utf8')) bytes.push(b);
    }
  }
  // The server reads the decoded path as a C string: it ends at the first NUL.
  const nul = bytes.indexOf(0);
  return Buffer.from(nul >= 0 ? bytes.slice(0, nul) : bytes).toString('utf8');
}

// The media type of a Content-Type value, lower-case, without parameters ('' when absent).
export function mediaType(value) {
  return value ? String(value).split(';')[0].trim().toLowerCase() : '';
}

function shorten(s, n = 160) {
  s = String(s);
  return s.length > n ? `${s.slice(0, n)}... (${s.length} chars)` : s;
}

export class Spec {
  constructor(file) {
    this.file = file;
    this.doc = YAML.parse(readFileSync(file, 'utf8'), { uniqueKeys: true });
    this.ajv = new Ajv2020({
      allErrors: true,
      strict: true,
      strictTypes: false,
      strictTuples: false,
      // A choice of forms names its required members next to an allOf of the members
      // (CustomerPatch: {allOf: [CustomerPatchFields], required: [name]}), which ajv's check
      // does not follow; Redocly's no-required-schema-properties-undefined (an error in the
      // lint) does, and catches a misspelt required member there.
      strictRequired: false,
      allowUnionTypes: true,
    });
    addFormats(this.ajv);
    this.ajv.addVocabulary(OPENAPI_KEYWORDS);
    this.ajv.addSchema(this.doc, SPEC_ID);
    this.validators = new Map();
    this.operations = [];
    for (const [template, rawItem] of Object.entries(this.doc.paths ?? {})) {
      const { value: item, pointer: itemPtr } = this.deref(rawItem, `#/paths/${escapePointer(template)}`);
      for (const m of METHODS) {
        if (!item[m]) continue;
        const op = item[m];
        this.operations.push({
          id: op.operationId ?? `${m.toUpperCase()} ${template}`,
          method: m.toUpperCase(),
          template,
          segments: template.split('/').slice(1),
          op,
          item,
          pointer: `${itemPtr}/${m}`,
        });
      }
    }
  }

  // The value at a '#/a/b' pointer of the document.
  at(pointer) {
    let v = this.doc;
    for (const part of pointer.replace(/^#\/?/, '').split('/').filter((p) => p !== '')) {
      if (v == null) return undefined;
      v = v[unescapePointer(part)];
    }
    return v;
  }

  // Follows local $refs; returns the object and the pointer it lives at.
  deref(obj, pointer) {
    let seen = 0;
    while (obj && typeof obj === 'object' && typeof obj.$ref === 'string' && obj.$ref.startsWith('#')) {
      if (++seen > 32) throw new Error(`$ref loop at ${pointer}`);
      pointer = obj.$ref;
      obj = this.at(pointer);
    }
    return { value: obj, pointer };
  }

  // A compiled validator for the schema at pointer (memoized). Throws when it cannot compile.
  validator(pointer) {
    let v = this.validators.get(pointer);
    if (!v) {
      v = this.ajv.getSchema(`${SPEC_ID}${pointer}`);
      if (!v) throw new Error(`no schema at ${pointer}`);
      this.validators.set(pointer, v);
    }
    return v;
  }

  // Checks value against the schema at pointer; returns a list of readable errors.
  schemaErrors(pointer, value) {
    let v;
    try {
      v = this.validator(pointer);
    } catch (e) {
      return [`the schema at ${pointer} does not compile: ${e.message}`];
    }
    if (v(value)) return [];
    return v.errors.map((e) => {
      const where = e.instancePath || '(root)';
      const extra = e.params && e.params.additionalProperty !== undefined
        ? ` '${e.params.additionalProperty}'`
        : e.params && e.params.allowedValues ? ` ${JSON.stringify(e.params.allowedValues)}` : '';
      return `${where} ${e.message}${extra}`;
    });
  }

  // Finds the operation for method and the path as sent (with its query). Returns
  // {kind: 'operation', operation, pathParams, query} | {kind: 'no-method', template} |
  // {kind: 'no-path'}.
  match(method, rawPath) {
    const q = rawPath.indexOf('?');
    const rawQuery = q >= 0 ? rawPath.slice(q + 1) : '';
    const path = percentDecode(q >= 0 ? rawPath.slice(0, q) : rawPath);
    if (!path.startsWith('/')) return { kind: 'no-path' };
    const segs = path.split('/').slice(1);
    const candidates = [];
    for (const o of this.operations) {
      if (o.segments.length !== segs.length) continue;
      let ok = true;
      const rank = [];
      for (let i = 0; i < segs.length && ok; i++) {
        const t = o.segments[i];
        const isParam = /^\{[^}]+\}$/.test(t);
        if (isParam) ok = segs[i].length > 0;
        else ok = t === segs[i];
        rank.push(isParam ? 1 : 0);
      }
      if (ok) candidates.push({ o, rank: rank.join('') });
    }
    if (candidates.length === 0) return { kind: 'no-path' };
    // A concrete path wins over a templated one (OpenAPI's rule), leftmost literal first.
    candidates.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
    const hit = candidates.find((c) => c.o.method === method.toUpperCase());
    if (!hit) return { kind: 'no-method', template: candidates[0].o.template };
    const pathParams = {};
    hit.o.segments.forEach((t, i) => {
      const m = /^\{([^}]+)\}$/.exec(t);
      if (m) pathParams[m[1]] = segs[i];
    });
    return { kind: 'operation', operation: hit.o, pathParams, query: new URLSearchParams(rawQuery) };
  }

  // The documented response for a status: exact code, then 4XX-style range, then default.
  responseFor(operation, status) {
    const rs = operation.op.responses ?? {};
    const base = `${operation.pointer}/responses`;
    for (const key of [String(status), `${String(status)[0]}XX`, `${String(status)[0]}xx`, 'default']) {
      if (rs[key]) {
        const { value, pointer } = this.deref(rs[key], `${base}/${escapePointer(key)}`);
        return { key, response: value, pointer };
      }
    }
    return null;
  }

  // Problems with a problem+json body answered for any request.
  // The internal names people must never read in a problem's detail: the snake_case names
  // of history events, actor kinds and e-mail templates (machine-readable members carry them;
  // plain English words such as "approve" are not counted).
  internalNames() {
    if (!this.internal) {
      const ev = '#/components/schemas/CollaborationEvent/properties';
      const lists = [this.at(`${ev}/event`)?.enum, this.at(`${ev}/actor/properties/kind`)?.enum,
        this.at('#/components/schemas/OutboxMessage/properties/template')?.examples];
      this.internal = [...new Set(lists.flat().filter((n) => typeof n === 'string' && n.includes('_')))];
    }
    return this.internal;
  }

  // A problem+json body whose detail names an internal name: one violation per name.
  detailErrors(ex) {
    if (mediaType(ex.response_headers?.['content-type']) !== 'application/problem+json') return [];
    let detail;
    try {
      detail = JSON.parse(ex.response_body ?? '')?.detail;
    } catch {
      return []; // reported elsewhere
    }
    if (typeof detail !== 'string') return [];
    return this.internalNames().filter((n) => new RegExp(`(^|[^A-Za-z0-9_])${n}($|[^A-Za-z0-9_])`).test(detail))
      .map((n) => `the problem's detail names the internal name '${n}' instead of saying it in plain words: ${shorten(JSON.stringify(detail))}`);
  }

  problemErrors(ex, what) {
    const out = [];
    const ct = mediaType(ex.response_headers?.['content-type']);
    if (ct !== 'application/problem+json') {
      out.push(`${what}: Content-Type is '${ex.response_headers?.['content-type'] ?? '(none)'}', expected application/problem+json`);
      return out;
    }
    if (String(ex.method).toUpperCase() === 'HEAD') return out;
    let body;
    try {
      body = JSON.parse(ex.response_body ?? '');
    } catch {
      out.push(`${what}: the body is not JSON: ${shorten(JSON.stringify(ex.response_body ?? ''))}`);
      return out;
    }
    const problemPtr = '#/components/schemas/Problem';
    if (this.at(problemPtr)) {
      for (const e of this.schemaErrors(problemPtr, body)) out.push(`${what}: body does not match Problem: ${e}`);
    }
    if (body && typeof body === 'object' && body.status !== ex.status) {
      out.push(`${what}: the problem's status ${JSON.stringify(body.status)} differs from the HTTP status ${ex.status}`);
    }
    return out;
  }

  // Checks one exchange {method, path, status, response_headers, response_body}. Returns
  // {operation (or null), violations: [string]}. Request-side problems are not looked at.
  checkResponse(ex) {
    const violations = [];
    const method = String(ex.method).toUpperCase();
    const headers = ex.response_headers ?? {};
    const status = Number(ex.status);
    if (!(status >= 100 && status <= 599)) {
      return { operation: null, violations: [`no valid HTTP status (${ex.status})`] };
    }
    if (!headers['x-request-id']) {
      violations.push('no X-Request-Id header (info.description promises one on every response)');
    }
    violations.push(...this.detailErrors(ex));
    if (method === 'OPTIONS') {
      // Not an operation of the spec: the server answers CORS preflights and Allow itself.
      const m = this.match('GET', ex.path);
      const known = m.kind !== 'no-path';
      if (status >= 400) {
        violations.push(...this.problemErrors(ex, `OPTIONS answered ${status}`));
      } else if (known) {
        if (status !== 204) violations.push(`OPTIONS on a known path answered ${status}, expected 204`);
        if (!headers.allow) violations.push('OPTIONS answer without an Allow header');
        if (ex.response_body) violations.push('OPTIONS answer with a body');
      } else {
        violations.push(...this.problemErrors(ex, `OPTIONS on a path the spec does not have answered ${status}`));
      }
      return { operation: null, violations };
    }
    const lookup = method === 'HEAD' ? 'GET' : method;
    const m = this.match(lookup, ex.path);
    if (m.kind !== 'operation') {
      const what = m.kind === 'no-path' ? 'a path the spec does not have' : `a method ${m.template} does not have`;
      if (status < 400) violations.push(`${method} on ${what} answered ${status}; only errors are expected there`);
      violations.push(...this.problemErrors(ex, `${method} on ${what}`));
      if (m.kind === 'no-method' && status === 405 && !headers.allow) violations.push('405 without an Allow header');
      return { operation: null, violations };
    }
    const { operation } = m;
    const doc = this.responseFor(operation, status);
    if (!doc) {
      const documented = Object.keys(operation.op.responses ?? {}).join(', ');
      violations.push(`status ${status} is not documented for ${operation.id} (documented: ${documented})`);
      if (status >= 400) violations.push(...this.problemErrors(ex, `undocumented ${status}`));
      return { operation, violations };
    }
    const { response, pointer } = doc;
    for (const [name, rawH] of Object.entries(response.headers ?? {})) {
      const { value: h } = this.deref(rawH, '');
      if (h?.required && headers[name.toLowerCase()] === undefined) {
        violations.push(`required header ${name} is missing`);
      }
    }
    // A Location must point at something a client can GET.
    const location = headers.location;
    if (location && status >= 200 && status < 300) {
      let where = location;
      try {
        where = new URL(location, 'http://server.invalid').pathname;
      } catch {
        // keep it as it is: the match below reports it
      }
      if (this.match('GET', where).kind !== 'operation') violations.push(`Location '${location}' is not the path of any GET operation`);
    }
    const content = response.content ?? {};
    const types = Object.keys(content);
    const ctHeader = headers['content-type'];
    const body = ex.response_body ?? '';
    if (types.length === 0) {
      if (body.length > 0) violations.push(`a body was sent, but ${operation.id} ${doc.key} documents none: ${shorten(body)}`);
      return { operation, violations };
    }
    const ct = mediaType(ctHeader);
    const key = types.find((t) => t.toLowerCase() === ct);
    if (!key) {
      violations.push(`Content-Type is '${ctHeader ?? '(none)'}', documented for ${doc.key}: ${types.join(', ')}`);
      return { operation, violations };
    }
    if (method === 'HEAD') return { operation, violations };
    if (!/json/.test(key)) return { operation, violations };
    let parsed;
    try {
      parsed = JSON.parse(body);
    } catch {
      violations.push(`the body is not JSON: ${shorten(JSON.stringify(body))}`);
      return { operation, violations };
    }
    if (content[key].schema) {
      for (const e of this.schemaErrors(`${pointer}/content/${escapePointer(key)}/schema`, parsed)) {
        violations.push(`body does not match the ${doc.key} schema: ${e}`);
      }
    }
    if (key === 'application/problem+json' && parsed && typeof parsed === 'object' && parsed.status !== status) {
      violations.push(`the problem's status ${JSON.stringify(parsed.status)} differs from the HTTP status ${status}`);
    }
    return { operation, violations };
  }

  // The parameters of an operation (path item's and operation's, the latter winning), each as
  // {param, pointer} with $refs followed.
  parameters(operation) {
    const byKey = new Map();
    const add = (list, base) => (list ?? []).forEach((raw, i) => {
      const { value, pointer } = this.deref(raw, `${base}/parameters/${i}`);
      byKey.set(`${value.in}:${value.name}`, { param: value, pointer });
    });
    add(operation.item.parameters, operation.pointer.replace(/\/[a-z]+$/, ''));
    add(operation.op.parameters, operation.pointer);
    return [...byKey.values()];
  }

  // The request body of an operation: {body, pointer} or null.
  requestBody(operation) {
    if (!operation.op.requestBody) return null;
    const { value, pointer } = this.deref(operation.op.requestBody, `${operation.pointer}/requestBody`);
    return { body: value, pointer };
  }

  // Why a request is invalid by the spec ([] when it is valid as far as the spec can tell),
  // each as {msg, strict}. strict: the server must refuse it with a 4xx. Not strict: a JSON
  // media type other than the documented one (a server may accept application/json and
  // application/merge-patch+json alike). req: {operation, pathParams, query
  // (URLSearchParams), headers (lower-case names), body (Buffer, string or undefined),
  // authValid (a real token was sent)}.
  requestProblems(req) {
    return this.requestProblemList(req).map((p) => (typeof p === 'string' ? { msg: p, strict: true } : p));
  }

  requestProblemList(req) {
    const out = [];
    const { operation } = req;
    const security = operation.op.security ?? this.doc.security ?? [];
    const needsAuth = security.length > 0 && !security.some((s) => Object.keys(s).length === 0);
    if (needsAuth && !req.authValid) out.push('no valid credential');
    for (const { param, pointer } of this.parameters(operation)) {
      let raw;
      if (param.in === 'path') raw = req.pathParams[param.name];
      else if (param.in === 'query') raw = req.query.has(param.name) ? req.query.getAll(param.name) : undefined;
      else if (param.in === 'header') raw = req.headers[param.name.toLowerCase()];
      else continue;
      if (raw === undefined) {
        if (param.required) out.push(`${param.in} parameter ${param.name} is missing`);
        continue;
      }
      if (!param.schema) continue;
      const schema = this.deref(param.schema, `${pointer}/schema`).value;
      const values = Array.isArray(raw) ? raw : [raw];
      if (schema?.type !== 'array' && values.length > 1) {
        out.push(`${param.in} parameter ${param.name} is repeated`);
        continue;
      }
      const value = coerce(schema, schema?.type === 'array' ? values : values[0]);
      for (const e of this.schemaErrors(`${pointer}/schema`, value)) {
        out.push(`${param.in} parameter ${param.name}: ${e}`);
      }
    }
    const rb = this.requestBody(operation);
    const body = req.body === undefined ? undefined : Buffer.from(req.body);
    const hasBody = body !== undefined && body.length > 0;
    if (!rb) {
      if (hasBody) out.push('a body was sent to an operation that takes none');
      return out;
    }
    if (!hasBody) {
      if (rb.body.required) out.push('the required body is missing');
      return out;
    }
    const ct = mediaType(req.headers['content-type']);
    const key = Object.keys(rb.body.content ?? {}).find((t) => t.toLowerCase() === ct);
    if (!key) {
      const msg = `Content-Type '${req.headers['content-type'] ?? '(none)'}' is not one of ${Object.keys(rb.body.content ?? {}).join(', ')}`;
      const jsonFamily = ct === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(ct);
      out.push(jsonFamily ? { msg, strict: false } : msg);
      if (!jsonFamily) return out;
    }
    const schemaKey = key ?? Object.keys(rb.body.content ?? {}).find((t) => /json/.test(t));
    let text;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      out.push('the body is not UTF-8');
      return out;
    }
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {
      out.push('the body is not JSON');
      return out;
    }
    if (schemaKey && rb.body.content[schemaKey].schema) {
      for (const e of this.schemaErrors(`${rb.pointer}/content/${escapePointer(schemaKey)}/schema`, parsed)) {
        out.push(`body: ${e}`);
      }
    }
    return out;
  }
}

// A query, path or header string as the JSON value the parameter's schema describes.
function coerce(schema, value) {
  const types = Array.isArray(schema?.type) ? schema.type : [schema?.type];
  if (Array.isArray(value)) {
    const items = schema?.items ?? {};
    return value.flatMap((v) => String(v).split(',')).map((v) => coerce(items, v));
  }
  if ((types.includes('integer') || types.includes('number')) && /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(value)) {
    return Number(value);
  }
  if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
