// api.js - every call of the web app goes through here, to advisord's public REST API with the
// session cookie: JSON in and out, the CSRF token on every change, problems turned into
// ApiError (status, code, detail in words, errors per field). Every call names the page's
// language in Accept-Language, so the server's refusals come in the reader's words.
import { lang } from './i18n.js';

const CSRF_KEY = 'advisord.csrf';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code || 'network';
    this.errors = Array.isArray(problem?.errors) ? problem.errors : [];
    this.problem = problem || {};
  }
}

export function setCsrf(token) {
  if (token) localStorage.setItem(CSRF_KEY, token);
  else localStorage.removeItem(CSRF_KEY);
}

// One request. opts: {body (sent as JSON), raw and type (a Blob or text sent as is, with its
// Content-Type: a file), headers, etag (sent as If-Match)}. Returns {status, data, etag}.
export async function call(method, path, opts = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': lang(), ...(opts.headers || {}) };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.raw !== undefined) headers['Content-Type'] = opts.type;
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = localStorage.getItem(CSRF_KEY);
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  if (opts.etag) headers['If-Match'] = opts.etag;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.raw !== undefined ? opts.raw : opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
  } catch (e) {
    throw new ApiError(0, { detail: String(e.message || e) });
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return { status: res.status, data, etag: res.headers.get('ETag') };
}

export const get = (path) => call('GET', path).then((r) => r.data);
export const post = (path, body = {}) => call('POST', path, { body }).then((r) => r.data);

// The signed-in principal (GET /v1/me), or null when nobody is signed in.
export async function me() {
  try {
    return await get('/v1/me');
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

// Every item of a list, following next_cursor (at most `pages` pages).
export async function all(path, pages = 10) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < pages; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get(cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
    items.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return items;
}
