/* json_text.c - see json_text.h. */
#include "json_text.h"
#include "domain/decimal.h"
#include "util.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Nonzero in a byte's high bit of the word x (ones: 0x01 in each byte) where that byte is below
 * 0x20, a quote, a backslash, or 0x80 and above (a quote's or backslash's byte is zero in q, bs) */
#define NEEDS_LOOK(x, ones, q, bs)                                                            \
  ((((x) - (ones) * 0x20) & ~(x)) | (((q) - (ones)) & ~(q)) | (((bs) - (ones)) & ~(bs)) | (x))

/* True when none of the eight bytes at s needs an escape or a UTF-8 check. */
static bool plain_word(const unsigned char *s)
{
  const uint64_t ones = 0x0101010101010101ULL;
  uint64_t x;
  memcpy(&x, s, 8);
  uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
  return !(NEEDS_LOOK(x, ones, q, bs) & (ones * 0x80));
}

/* plain_word for the four bytes at s. */
static bool plain_word4(const unsigned char *s)
{
  const uint32_t ones = 0x01010101U;
  uint32_t x;
  memcpy(&x, s, 4);
  uint32_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
  return !(NEEDS_LOOK(x, ones, q, bs) & (ones * 0x80));
}

/* How many of the n bytes at s need no escape and no UTF-8 check (ASCII from 0x20 on, not a
 * quote or a backslash), eight at a time: a reply's strings are mostly ids, dates, states and
 * names of that kind, and a byte-by-byte test of each was the writer's main cost. A word with
 * any byte to look at ends the count at its start; the last bytes of a string of eight or
 * more are checked as the word that ends it (overlapping the one before). */
static size_t plain_prefix(const unsigned char *s, size_t n)
{
  if (n < 8) /* most keys: two 4-byte words, overlapping, for 4 to 7 bytes */
    return n >= 4 && plain_word4(s) && plain_word4(s + n - 4) ? n : 0;
  size_t i = 0;
  while (i + 8 <= n && plain_word(s + i))
    i += 8;
  if (i < n && n >= 8 && i + 8 > n && plain_word(s + n - 8))
    i = n;
  return i;
}

/* How many of the n bytes at s need no escape and no UTF-8 check: the words of plain_prefix,
 * then byte by byte (strings under four bytes, and from a byte that needs a look on). */
static size_t plain_len(const unsigned char *s, size_t n)
{
  /* 1: a byte that needs no look (one load and test a byte where four comparisons were) */
  static const unsigned char plain_byte[256] = {
      [0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7f] = 1, /* not '"' nor '\\' */
  };
  size_t i = plain_prefix(s, n);
  while (i < n && plain_byte[s[i]])
    i++;
  return i;
}

/* escaped() from p on, the first byte that needs a look (run: where the bytes not yet
 * written start). */
static void escaped_rest(struct json_text *w, const unsigned char *run, const unsigned char *p)
{
  static const char hex[] = "0123456789ABCDEF";
  struct mbuf *b = &w->buf;
  mbuf_addc(b, '"');
  while (*p) {
    if (*p >= 0x80) {
      size_t n = util_utf8_seq_len(p);
      if (!n) {
        w->bad = true;
        return;
      }
      p += n;
      continue;
    }
    if (*p >= 0x20 && *p != '"' && *p != '\\') {
      p++;
      continue;
    }
    mbuf_addn(b, (const char *)run, (size_t)(p - run));
    char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 0xF]};
    size_t n = 2;
    switch (*p) {
    case '"': esc[1] = '"'; break;
    case '\\': esc[1] = '\\'; break;
    case '\b': esc[1] = 'b'; break;
    case '\f': esc[1] = 'f'; break;
    case '\n': esc[1] = 'n'; break;
    case '\r': esc[1] = 'r'; break;
    case '\t': esc[1] = 't'; break;
    default: n = 6; /* \u00XX, upper-case hex as jansson writes it */
    }
    mbuf_addn(b, esc, n);
    run = ++p;
  }
  mbuf_addn(b, (const char *)run, (size_t)(p - run));
  mbuf_addc(b, '"');
}

/* s between quotes, escaped as jansson's json_dumps escapes it, then the byte after (':' after
 * a key; 0: none). A string with nothing to escape (nearly all: ids, dates, states, keys) is
 * written in one piece, one reservation for the quotes, the bytes and after (a reply's 22
 * strings and their keys, a few bytes at a time, were about 460 instructions each). */
static void escaped(struct json_text *w, const char *s, size_t n, char after)
{
  const unsigned char *u = (const unsigned char *)s;
  size_t plain = plain_len(u, n);
  struct mbuf *b = &w->buf;
  if (plain < n) {
    escaped_rest(w, u, u + plain);
    if (after)
      mbuf_addc(b, after);
    return;
  }
  /* the call only when the room is not there already (a reply writes some 70 strings) */
  if ((b->oom || b->len + n + 4 > b->cap) && !mbuf_reserve(b, n + 3))
    return;
  char *d = b->p + b->len;
  *d++ = '"';
  memcpy(d, s, n);
  d += n;
  *d++ = '"';
  if (after)
    *d++ = after;
  *d = '\0';
  b->len = (size_t)(d - b->p);
}

/* The comma before a member, and its key (klen bytes) inside an object. */
static void member(struct json_text *w, const char *key, size_t klen)
{
  if (w->items[w->depth]++)
    mbuf_addc(&w->buf, ',');
  if (key)
    escaped(w, key, klen, ':');
}

/* The values after a member's key (json_text_*_k and json_text_*_q): a bracket that opens, an
 * integer, a boolean. */
static void open_value(struct json_text *w, char bracket)
{
  if (w->depth >= JSON_TEXT_DEPTH) {
    w->bad = true;
    return;
  }
  mbuf_addc(&w->buf, bracket);
  w->items[++w->depth] = 0;
}

static void int_value(struct json_text *w, int64_t v)
{
  char digits[DECIMAL_I64_LEN];
  mbuf_addn(&w->buf, digits, decimal_i64(v, digits));
}

static void bool_value(struct json_text *w, bool v)
{
  mbuf_addn(&w->buf, v ? "true" : "false", v ? 4 : 5);
}

void json_text_open_k(struct json_text *w, const char *key, size_t klen, char bracket)
{
  member(w, key, klen);
  open_value(w, bracket);
}

void json_text_close(struct json_text *w, char bracket)
{
  if (w->depth <= 0) {
    w->bad = true;
    return;
  }
  w->depth--;
  mbuf_addc(&w->buf, bracket);
}

void json_text_null_k(struct json_text *w, const char *key, size_t klen)
{
  member(w, key, klen);
  mbuf_addn(&w->buf, "null", 4);
}

/* A member whose key and string value need no escape (nearly all of a reply's: ids, dates,
 * states), comma, key and value in one reservation; false (nothing written) otherwise. */
static bool plain_member(struct json_text *w, const char *key, size_t klen, const char *s,
                         size_t n)
{
  if (!key || plain_len((const unsigned char *)key, klen) < klen ||
      plain_len((const unsigned char *)s, n) < n)
    return false;
  struct mbuf *b = &w->buf;
  size_t need = klen + n + 6; /* ,"key":"value" */
  if ((b->oom || b->len + need + 1 > b->cap) && !mbuf_reserve(b, need))
    return true; /* out of memory: oom set, the text fails */
  char *d = b->p + b->len;
  if (w->items[w->depth]++)
    *d++ = ',';
  *d++ = '"';
  memcpy(d, key, klen);
  d += klen;
  memcpy(d, "\":\"", 3);
  d += 3;
  memcpy(d, s, n);
  d += n;
  *d++ = '"';
  *d = '\0';
  b->len = (size_t)(d - b->p);
  return true;
}

void json_text_str_k(struct json_text *w, const char *key, size_t klen, const char *s)
{
  if (!s) {
    json_text_null_k(w, key, klen);
    return;
  }
  size_t n = strlen(s);
  if (plain_member(w, key, klen, s, n))
    return;
  member(w, key, klen);
  escaped(w, s, n, 0);
}

void json_text_int_k(struct json_text *w, const char *key, size_t klen, int64_t v)
{
  member(w, key, klen);
  int_value(w, v);
}

void json_text_bool_k(struct json_text *w, const char *key, size_t klen, bool v)
{
  member(w, key, klen);
  bool_value(w, v);
}

void json_text_raw_k(struct json_text *w, const char *key, size_t klen, const char *json)
{
  member(w, key, klen);
  mbuf_add(&w->buf, json);
}

/* ---- keys made by the compiler (json_text.h's _lit forms): qkey is "\"key\":", qlen bytes */

/* The comma before a member, and its quoted key. */
static void member_q(struct json_text *w, const char *qkey, size_t qlen)
{
  assert(qlen >= 3 && plain_len((const unsigned char *)qkey + 1, qlen - 3) == qlen - 3);
  if (w->items[w->depth]++)
    mbuf_addc(&w->buf, ',');
  mbuf_addn(&w->buf, qkey, qlen);
}

void json_text_open_q(struct json_text *w, const char *qkey, size_t qlen, char bracket)
{
  member_q(w, qkey, qlen);
  open_value(w, bracket);
}

void json_text_str_q(struct json_text *w, const char *qkey, size_t qlen, const char *s)
{
  if (!s) {
    member_q(w, qkey, qlen);
    mbuf_addn(&w->buf, "null", 4);
    return;
  }
  size_t n = strlen(s);
  struct mbuf *b = &w->buf;
  if (plain_len((const unsigned char *)s, n) < n) {
    member_q(w, qkey, qlen);
    escaped(w, s, n, 0);
    return;
  }
  /* the value needs no escape (nearly all): comma, key and value in one reservation */
  assert(qlen >= 3 && plain_len((const unsigned char *)qkey + 1, qlen - 3) == qlen - 3);
  size_t need = qlen + n + 3; /* ,"key":"value" */
  if ((b->oom || b->len + need + 1 > b->cap) && !mbuf_reserve(b, need))
    return; /* out of memory: oom set, the text fails */
  char *d = b->p + b->len;
  if (w->items[w->depth]++)
    *d++ = ',';
  memcpy(d, qkey, qlen);
  d += qlen;
  *d++ = '"';
  memcpy(d, s, n);
  d += n;
  *d++ = '"';
  *d = '\0';
  b->len = (size_t)(d - b->p);
}

void json_text_int_q(struct json_text *w, const char *qkey, size_t qlen, int64_t v)
{
  member_q(w, qkey, qlen);
  int_value(w, v);
}

void json_text_bool_q(struct json_text *w, const char *qkey, size_t qlen, bool v)
{
  member_q(w, qkey, qlen);
  bool_value(w, v);
}

char *json_text_take(struct json_text *w, size_t *len)
{
  bool ok = !w->bad && w->depth == 0 && w->items[0] == 1;
  size_t n = w->buf.len;
  char *text = mbuf_take(&w->buf);
  if (!ok) {
    free(text);
    text = NULL;
  }
  if (len)
    *len = text ? n : 0;
  w->depth = 0;
  w->items[0] = 0;
  w->bad = false;
  return text;
}
