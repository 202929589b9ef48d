/* json_text.h - JSON written straight as text into a buffer, for replies on hot paths where
 * building a jansson tree and serialising it cost more than the rest of the request. The text
 * is exactly what json_dumps(tree, JSON_COMPACT) gives for the same tree (keys in the order
 * written, strings escaped as jansson escapes them: quote, backslash and the control
 * characters; UTF-8 kept as it is): tests/unit/test_json_text.c compares the two. A string
 * that is not valid UTF-8 (jansson refuses those) makes the whole text fail, as the tree
 * would have. */
#ifndef ADVISORD_JSON_TEXT_H
#define ADVISORD_JSON_TEXT_H

#include "mbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_TEXT_DEPTH 8

struct json_text {
  struct mbuf buf;
  int depth;                           /* objects and arrays open */
  unsigned items[JSON_TEXT_DEPTH + 1]; /* members written so far at each depth */
  bool bad;                            /* a string was not UTF-8, or too deep */
};

/* Each call writes one member: key is its name inside an object, NULL inside an array or for
 * the outermost value. The calls are inline so that a key written as a literal has its length
 * counted by the compiler (a reply writes dozens of keys; strlen was 2% of the HTTP worker's
 * samples under the POST load); the _k forms take it (klen: strlen(key), 0 for NULL). */
void json_text_open_k(struct json_text *w, const char *key, size_t klen, char bracket);
void json_text_str_k(struct json_text *w, const char *key, size_t klen, const char *s);
void json_text_int_k(struct json_text *w, const char *key, size_t klen, int64_t v);
void json_text_bool_k(struct json_text *w, const char *key, size_t klen, bool v);
void json_text_null_k(struct json_text *w, const char *key, size_t klen);
void json_text_raw_k(struct json_text *w, const char *key, size_t klen, const char *json);
#define JSON_TEXT_KLEN(key) ((key) ? __builtin_strlen(key) : 0)

/* bracket '{' or '[' */
static inline void json_text_open(struct json_text *w, const char *key, char bracket)
{
  json_text_open_k(w, key, JSON_TEXT_KLEN(key), bracket);
}
void json_text_close(struct json_text *w, char bracket); /* '}' or ']' */
/* s NULL: null */
static inline void json_text_str(struct json_text *w, const char *key, const char *s)
{
  json_text_str_k(w, key, JSON_TEXT_KLEN(key), s);
}
/* s, or null when s is NULL or empty (the API's "not set") */
static inline void json_text_str_or_null(struct json_text *w, const char *key, const char *s)
{
  json_text_str_k(w, key, JSON_TEXT_KLEN(key), s && s[0] ? s : NULL);
}
static inline void json_text_int(struct json_text *w, const char *key, int64_t v)
{
  json_text_int_k(w, key, JSON_TEXT_KLEN(key), v);
}
static inline void json_text_bool(struct json_text *w, const char *key, bool v)
{
  json_text_bool_k(w, key, JSON_TEXT_KLEN(key), v);
}
static inline void json_text_null(struct json_text *w, const char *key)
{
  json_text_null_k(w, key, JSON_TEXT_KLEN(key));
}
/* json as it is: one complete JSON value written already (json_dumps with JSON_ENCODE_ANY);
 * not checked. */
static inline void json_text_raw(struct json_text *w, const char *key, const char *json)
{
  json_text_raw_k(w, key, JSON_TEXT_KLEN(key), json);
}
/* Members whose key is a string literal that needs no escape (letters, digits, '_': every
 * reply's own keys): the compiler makes the quoted key and its colon ("\"key\":"), and it is
 * written as it is, without the look every other key gets (a collaboration writes about 40
 * keys: some 2,000 instructions of a GET one's 80,000). The macros compile only with a string
 * literal as key; that it needs no escape is the caller's promise, checked by an assert in
 * builds without NDEBUG (tests/unit/test_json_text.c compares every form with jansson). A key
 * that may come from data goes through the forms above. */
#define JSON_TEXT_QKEY(key) ("\"" key "\":")
#define JSON_TEXT_QLEN(key) (sizeof JSON_TEXT_QKEY(key) - 1)
void json_text_open_q(struct json_text *w, const char *qkey, size_t qlen, char bracket);
void json_text_str_q(struct json_text *w, const char *qkey, size_t qlen, const char *s);
void json_text_int_q(struct json_text *w, const char *qkey, size_t qlen, int64_t v);
void json_text_bool_q(struct json_text *w, const char *qkey, size_t qlen, bool v);
#define json_text_lit_open(w, key, bracket)                                                  \
  json_text_open_q((w), JSON_TEXT_QKEY(key), JSON_TEXT_QLEN(key), (bracket))
/* s NULL: null */
#define json_text_lit_str(w, key, s)                                                         \
  json_text_str_q((w), JSON_TEXT_QKEY(key), JSON_TEXT_QLEN(key), (s))
/* s, or null when s is NULL or empty (the API's "not set") */
#define json_text_lit_str_or_null(w, key, s)                                                 \
  json_text_str_q((w), JSON_TEXT_QKEY(key), JSON_TEXT_QLEN(key), json_text_set_or_null(s))
#define json_text_lit_int(w, key, v)                                                         \
  json_text_int_q((w), JSON_TEXT_QKEY(key), JSON_TEXT_QLEN(key), (v))
#define json_text_lit_bool(w, key, v)                                                        \
  json_text_bool_q((w), JSON_TEXT_QKEY(key), JSON_TEXT_QLEN(key), (v))
#define json_text_lit_null(w, key)                                                           \
  json_text_str_q((w), JSON_TEXT_QKEY(key), JSON_TEXT_QLEN(key), NULL)
static inline const char *json_text_set_or_null(const char *s)
{
  return s && s[0] ? s : NULL;
}

/* The text (malloc'd, the caller frees it; *len set when len is not NULL), or NULL after a
 * failure (out of memory, a string not UTF-8, unbalanced brackets). w is empty afterwards. */
char *json_text_take(struct json_text *w, size_t *len);

#endif
