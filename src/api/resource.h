/* resource.h - what the register handlers share: ETags and If-Match, opaque list cursors,
 * Idempotency-Key handling for creating POSTs, and errors decided inside a transaction. */
#ifndef ADVISORD_API_RESOURCE_H
#define ADVISORD_API_RESOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "api.h"
#include "domain/etag.h"
#include "service/refusal.h"
#include "store_identity.h"

#define API_LIST_DEFAULT_LIMIT 50
#define API_LIST_MAX_LIMIT 200
#define API_CURSOR_MAX 2048

/* ---- ETag / If-Match ---- */
/* Compares the request's If-Match (a list of entity tags, or "*") with version. */
enum if_match api_if_match(const struct request *req, int64_t version);
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
/* The same for a page written as text (json_text.h): w holds the opened object and its
 * "items" array with the items in it (json_text_open(w, NULL, '{'), then
 * json_text_open(w, "items", '[')); this closes them, adds next_cursor, sends the text and
 * leaves w empty. */
struct json_text;
enum MHD_Result api_page_reply_text(struct request *req, struct json_text *w,
                                    const char *const *next, size_t n);

/* Fills one page: after[0..1] are the decoded cursor's parts (NULLs on the first page); asks
 * the use case for p->limit + 1 rows, adding each with api_page_add. STORE_ABORT: the cursor's
 * parts are unusable (400). */
typedef enum store_status (*api_page_fill)(const char *const *after, struct api_page *p,
                                           void *arg);
/* One list page: decodes ?cursor= (400 when it is not ours), runs fill with ?limit=, answers
 * the page, or the store's failure about what. The query must be validated already. */
enum MHD_Result api_list_run(struct request *req, api_page_fill fill, void *arg,
                             const char *what);

/* ---- refusals decided inside a transaction callback (service/refusal.h) ---- */
/* Answers a refusal as problem+json (with Retry-After when it says so): a field refusal
 * without words as 400 naming every field; clears r. */
enum MHD_Result api_reply_refusal(struct request *req, struct refusal *r);
/* Answers the refusal r after a transaction that ended with st, or api_store_failure(st) when
 * there is none; clears r. */
enum MHD_Result tx_reply(struct request *req, struct refusal *e, enum store_status st,
                         const char *what);

/* ---- Idempotency-Key ---- */
#define IDEM_KEY_LEN 256 /* a key's 255 characters and the NUL */
struct idem {
  bool active; /* the request carried a key, now reserved for it */
  char key[IDEM_KEY_LEN];
  char fingerprint[65];
};
/* Reads Idempotency-Key (quoted `"..."` or bare). Without one: returns false, ik inactive.
 * With one: reserves it, or answers the replay (same request), 422 (other request), 409
 * (still running), 400 (malformed key); returns true when it answered. */
bool api_idem_begin(struct request *req, struct idem *ik, enum MHD_Result *r);
/* True after answering 400 when the request carries a malformed Idempotency-Key (for a request
 * that reserves none, such as a dry run). */
bool api_idem_key_bad(struct request *req, enum MHD_Result *r);
/* Parses an Idempotency-Key header value h into out (len bytes, 256 in struct idem): an
 * sf-string `"..."` (with \" and \\ escapes) or a bare token of visible ASCII. Returns NULL
 * when fine, else why not (static). */
const char *api_idem_parse_key(const char *h, char *out, size_t len);
/* Inside the creating transaction: stores the response to replay for the principal (no-op when
 * inactive). */
enum store_status api_idem_finish(struct store_conn *c, const char *principal_id,
                                  const struct idem *ik, unsigned status, json_t *body,
                                  const char *location, const char *etag);
/* The same for a response already written as text (not taken). */
enum store_status api_idem_finish_text(struct store_conn *c, const char *principal_id,
                                       const struct idem *ik, unsigned status, const char *text,
                                       const char *location, const char *etag);
/* After a failure: releases the key (no-op when inactive). */
void api_idem_abandon(struct request *req, const struct idem *ik);

/* ---- the reply of a register use case (service/register.h) ---- */
/* A resource rendered for the reply (and, when created, for a replay of the Idempotency-Key). */
struct api_render {
  const char *principal_id;
  const struct idem *ik;  /* creating POSTs: the reserved Idempotency-Key; else NULL */
  /* renders resource into body, etag and (created) location */
  void (*render)(const void *resource, struct api_render *w);
  json_t *body;           /* owned until the reply */
  char location[96];      /* sent as Location when set */
  char etag[32];
};
/* A created_hook's fn (arg: struct api_render): renders what the use case created and keeps it
 * for a replay of the Idempotency-Key, inside the use case's transaction. */
enum store_status api_render_keep(struct store_conn *c, const void *created, void *arg);
/* Answers a use case that ended with st and rf: the store's failure about what, the refusal,
 * or status with resource rendered (the kept body, when api_render_keep made one; no body for
 * 204). Releases the Idempotency-Key after a failure or a refusal; frees w->body. */
enum MHD_Result api_render_reply(struct request *req, struct api_render *w,
                                 enum store_status st, struct refusal *rf,
                                 const void *resource, unsigned status, const char *what);

/* 400 for an empty PATCH body, which would change nothing (fields: what it may hold); returns
 * true when it answered. */
bool api_reject_empty_patch(struct request *req, const char *fields, enum MHD_Result *r);

#endif
