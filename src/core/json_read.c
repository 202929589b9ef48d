/* json_read.c - see json_read.h. A recursive descent over the plain subset; each function
 * returns NULL ("not plain": json_read hands the text to jansson) at the first thing it does
 * not read exactly as jansson would. */
#include "json_read.h"
#include "util.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PLAIN_DEPTH 32 /* deeper nesting is left to jansson (its limit is 2048) */

struct reader {
  const unsigned char *p, *end;
};

static void skip_ws(struct reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
    r->p++;
}

/* The length of the UTF-8 sequence at p (before end), 0 when it is not well-formed. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
  if (end - p >= 4)
    return util_utf8_seq_len(p);
  unsigned char tail[5] = {0}; /* the last bytes, NUL-padded: the check stops at the NUL */
  memcpy(tail, p, (size_t)(end - p));
  return util_utf8_seq_len(tail);
}

/* The string whose opening quote r is on, its bytes decoded into *out (into buf when it has an
 * escape, else pointing into the text) and *n. False when it is not plain. */
static bool read_string(struct reader *r, char *buf, size_t cap, const char **out, size_t *n)
{
  const unsigned char *s = ++r->p;
  size_t o = 0;
  bool escaped = false;
  while (r->p < r->end) {
    unsigned char c = *r->p;
    if (c == '"') {
      *out = escaped ? buf : (const char *)s;
      *n = escaped ? o : (size_t)(r->p - s);
      r->p++;
      return true;
    }
    if (c < 0x20)
      return false;
    if (c == '\\') {
      if (!escaped) { /* the bytes so far, then the rest decoded after them */
        if ((size_t)(r->p - s) > cap)
          return false;
        memcpy(buf, s, (size_t)(r->p - s));
        o = (size_t)(r->p - s);
        escaped = true;
      }
      if (r->p + 1 >= r->end || o >= cap)
        return false;
      static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
      const char *e = r->p[1] ? strchr(from, r->p[1]) : NULL;
      if (!e) /* \u and anything else: jansson's */
        return false;
      buf[o++] = to[e - from];
      r->p += 2;
      continue;
    }
    size_t len = c < 0x80 ? 1 : utf8_len(r->p, r->end);
    if (len == 0)
      return false;
    if (escaped) {
      if (o + len > cap)
        return false;
      memcpy(buf + o, r->p, len);
      o += len;
    }
    r->p += len;
  }
  return false;
}

/* An integer as jansson reads one: no leading zeros, no fraction or exponent (a real is left to
 * jansson), at most 18 digits (no overflow to judge), "-0" left to jansson. */
static json_t *read_integer(struct reader *r)
{
  bool neg = *r->p == '-';
  const unsigned char *d = r->p + neg, *e = d;
  while (e < r->end && *e >= '0' && *e <= '9')
    e++;
  size_t digits = (size_t)(e - d);
  if (digits == 0 || digits > 18 || (*d == '0' && (digits > 1 || neg)))
    return NULL;
  if (e < r->end && (*e == '.' || *e == 'e' || *e == 'E'))
    return NULL;
  int64_t v = 0;
  for (const unsigned char *q = d; q < e; q++)
    v = v * 10 + (*q - '0');
  r->p = e;
  return json_integer(neg ? -v : v);
}

static bool word(struct reader *r, const char *w, size_t n)
{
  if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
    return false;
  r->p += n;
  return true;
}

static json_t *read_value(struct reader *r, int depth);

/* The members of the object whose '{' r is on. */
static json_t *read_object(struct reader *r, int depth)
{
  json_t *o = json_object();
  if (!o)
    return NULL;
  r->p++;
  skip_ws(r);
  if (r->p < r->end && *r->p == '}') {
    r->p++;
    return o;
  }
  char buf[256];
  for (size_t members = 1; r->p < r->end && *r->p == '"'; members++) {
    const char *key;
    size_t kn;
    if (!read_string(r, buf, sizeof buf, &key, &kn))
      break;
    skip_ws(r); /* key stays valid: a value's strings are decoded into buffers of their own */
    if (r->p >= r->end || *r->p != ':')
      break;
    r->p++;
    skip_ws(r);
    json_t *v = read_value(r, depth + 1);
    /* a duplicate key replaced the first value (the object did not grow): jansson refuses it
     * or keeps the last value, either is its (seen after the set, not by a lookup before it:
     * jansson hashed every key twice) */
    if (!v || json_object_setn_new_nocheck(o, key, kn, v) != 0 || json_object_size(o) != members)
      break;
    skip_ws(r);
    if (r->p < r->end && *r->p == '}') {
      r->p++;
      return o;
    }
    if (r->p >= r->end || *r->p != ',')
      break;
    r->p++;
    skip_ws(r);
  }
  json_decref(o);
  return NULL;
}

/* The items of the array whose '[' r is on. */
static json_t *read_array(struct reader *r, int depth)
{
  json_t *a = json_array();
  if (!a)
    return NULL;
  r->p++;
  skip_ws(r);
  if (r->p < r->end && *r->p == ']') {
    r->p++;
    return a;
  }
  for (;;) {
    json_t *v = read_value(r, depth + 1);
    if (!v || json_array_append_new(a, v) != 0)
      break;
    skip_ws(r);
    if (r->p < r->end && *r->p == ']') {
      r->p++;
      return a;
    }
    if (r->p >= r->end || *r->p != ',')
      break;
    r->p++;
    skip_ws(r);
  }
  json_decref(a);
  return NULL;
}

static json_t *read_value(struct reader *r, int depth)
{
  if (r->p >= r->end || depth > PLAIN_DEPTH)
    return NULL;
  switch (*r->p) {
  case '{':
    return read_object(r, depth);
  case '[':
    return read_array(r, depth);
  case '"': {
    char buf[256];
    const char *s;
    size_t n;
    return read_string(r, buf, sizeof buf, &s, &n) ? json_stringn_nocheck(s, n) : NULL;
  }
  case 't':
    return word(r, "true", 4) ? json_true() : NULL;
  case 'f':
    return word(r, "false", 5) ? json_false() : NULL;
  case 'n':
    return word(r, "null", 4) ? json_null() : NULL;
  default:
    return *r->p == '-' || (*r->p >= '0' && *r->p <= '9') ? read_integer(r) : NULL;
  }
}

json_t *json_read_plain(const char *text, size_t len)
{
  struct reader r = {(const unsigned char *)text, (const unsigned char *)text + len};
  skip_ws(&r);
  if (r.p >= r.end || (*r.p != '{' && *r.p != '['))
    return NULL; /* jansson wants an object or an array (no JSON_DECODE_ANY) */
  json_t *v = read_value(&r, 0);
  skip_ws(&r);
  if (v && r.p != r.end) { /* something after the value: jansson's error */
    json_decref(v);
    return NULL;
  }
  return v;
}

json_t *json_read(const char *text, size_t len, size_t flags, json_error_t *err)
{
  /* the plain subset's tree is the one jansson makes with these flags (duplicate keys, which
   * JSON_REJECT_DUPLICATES is about, are never in it); any other flag: jansson alone */
  json_t *v = (flags & ~(size_t)JSON_REJECT_DUPLICATES) == 0 ? json_read_plain(text, len) : NULL;
  return v ? v : json_loadb(text, len, flags, err);
}
