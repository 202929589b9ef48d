/* resource.h - what the register handlers share: ETags and If-Match, opaque list cursors,
 * Idempotency-Key handling for creating POSTs, and errors decided inside a transaction. */
#ifndef ADVISORD_API_RESOURCE_H
#define ADVISORD_API_RESOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "api.h"
#include "store_identity.h"

#define API_LIST_DEFAULT_LIMIT 50
#define API_LIST_MAX_LIMIT 200
#define API_CURSOR_MAX 2048

/* ---- ETag / If-Match ---- */
/* The strong ETag of a version: "\"<version>\"" into out (>= 32 bytes). */
void api_etag(int64_t version, char *out, size_t len);

enum if_match { IF_MATCH_ABSENT, IF_MATCH_OK, IF_MATCH_FAILED };
/* Compares the request's If-Match (a list of entity tags, or "*") with version. */
enum if_match api_if_match(const struct request *req, int64_t version);
/* The same for a header value h (NULL: absent). */
enum if_match api_if_match_value(const char *h, int64_t version);
/* Answers 428 when the request has no If-Match; returns true when it answered. */
bool api_require_if_match(struct request *req, enum MHD_Result *r);

/* ---- cursors: base64url of a JSON array of strings, opaque to clients ---- */
/* A cursor holding the strings parts[0..n). Caller frees. NULL on failure. */
char *api_cursor_encode(const char *const *parts, size_t n);
/* Decodes cursor into n strings (copied into bufs[i], each of len bytes). False when it is not
 * a cursor of this shape. */
bool api_cursor_decode(const char *cursor, size_t n, char bufs[][1024]);

/* ---- list pages ---- */
/* Answers 400 naming the query parameter cursor: not a cursor this server gave out. */
enum MHD_Result api_bad_cursor(struct request *req);
/* The list's ?limit= (already checked by validate_query), or dflt without one. */
int api_list_limit(const struct request *req, int dflt);
/* One page being collected from a store call asked for limit + 1 rows: the extra row only
 * says that a next page exists. keys hold the last row's cursor parts. */
struct api_page {
  json_t *items;
  int limit, seen;
  bool more;
  char keys[2][STORE_NAME_LEN];
};
/* Adds item (reference stolen) with its two cursor keys; returns false (dropping item) when it
 * is the extra row, so that the store's row callback can stop there. */
bool api_page_add(struct api_page *p, json_t *item, const char *key0, const char *key1);
/* Answers 200 {"items": items, "next_cursor": ...}, taking items. next_cursor holds the n
 * strings next[0..n) as a cursor; null when next is NULL (the last page). When there is a next
 * page, a Link header names it (rel="next": the same query with ?cursor=). */
enum MHD_Result api_page_reply(struct request *req, json_t *items, const char *const *next,
                               size_t n);

/* Fills one page: after[0..1] are the decoded cursor's parts (NULLs on the first page); asks
 * the store for p->limit + 1 rows, adding each with api_page_add. STORE_ABORT: the cursor's
 * parts are unusable (400). */
typedef enum store_status (*api_page_fill)(struct store_conn *c, const char *const *after,
                                           struct api_page *p, void *arg);
/* One list page: decodes ?cursor= (400 when it is not ours), runs fill with ?limit=, answers
 * the page, or the store's failure about what. The query must be validated already. */
enum MHD_Result api_list_run(struct request *req, api_page_fill fill, void *arg,
                             const char *what);

/* ---- errors decided inside a transaction callback ---- */
struct tx_error {
  enum err_code code; /* ERR_NONE: none */
  char detail[512];
  json_t *errors;     /* for ERR_VALIDATION: [{field, message}], owned */
};
/* Records an error and returns STORE_ABORT (the transaction rolls back). */
enum store_status tx_fail(struct tx_error *e, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Records a validation error for one field and returns STORE_ABORT. */
enum store_status tx_fail_field(struct tx_error *e, const char *field, const char *message);
/* Answers the recorded error, or api_store_failure(st) when none; frees e's members. */
enum MHD_Result tx_reply(struct request *req, struct tx_error *e, enum store_status st,
                         const char *what);
/* Frees e's members (when no reply is made from it). */
void tx_error_clear(struct tx_error *e);

/* Inside a PATCH transaction: STORE_OK when If-Match names version; otherwise records 412
 * (naming what and its current ETag) and returns STORE_ABORT. */
enum store_status tx_if_match(struct tx_error *e, const struct request *req, const char *what,
                              int64_t version);

/* ---- Idempotency-Key ---- */
struct idem {
  bool active; /* the request carried a key, now reserved for it */
  char key[256];
  char fingerprint[65];
};
/* Reads Idempotency-Key (quoted `"..."` or bare). Without one: returns false, ik inactive.
 * With one: reserves it, or answers the replay (same request), 422 (other request), 409
 * (still running), 400 (malformed key); returns true when it answered. */
bool api_idem_begin(struct request *req, struct idem *ik, enum MHD_Result *r);
/* Parses an Idempotency-Key header value h into out (len bytes, 256 in struct idem): an
 * sf-string `"..."` (with \" and \\ escapes) or a bare token of visible ASCII. Returns NULL
 * when fine, else why not (static). */
const char *api_idem_parse_key(const char *h, char *out, size_t len);
/* Inside the creating transaction: stores the response to replay (no-op when inactive). */
enum store_status api_idem_finish(struct store_conn *c, const struct request *req,
                                  const struct idem *ik, unsigned status, json_t *body,
                                  const char *location, const char *etag);
/* After a failure: releases the key (no-op when inactive). */
void api_idem_abandon(struct request *req, const struct idem *ik);

/* ---- one write of a register resource (a creating POST or a PATCH) ---- */
/* What the write's transaction leaves for the reply. A handler's context embeds it as its
 * first member `w`, so that the transaction callback gets at both. */
struct api_write {
  struct request *req;
  const struct idem *ik; /* creating POSTs: the reserved Idempotency-Key; else NULL */
  struct tx_error err;
  json_t *body;          /* the reply's body, owned until the reply */
  char location[96];     /* sent as Location when set */
  char etag[32];
};
/* At the start of every attempt of the transaction: drops what an earlier one left. */
void api_write_restart(struct api_write *w);
/* Runs tx(arg) in one transaction (arg embeds w), then answers: status with w->body, its ETag
 * and Location; or the recorded refusal / store failure about what, releasing the key. */
enum MHD_Result api_write_run(struct api_write *w, store_tx_fn tx, void *arg, unsigned status,
                              const char *what);
/* 400 for an empty PATCH body, which would change nothing (fields: what it may hold); returns
 * true when it answered. */
bool api_reject_empty_patch(struct request *req, const char *fields, enum MHD_Result *r);

#endif
