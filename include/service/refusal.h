/* service/refusal.h - the one way a use case says no: the problem type (errors.h), the words
 * people read, and for a refused field its name and message. A use case fills it inside or
 * outside its transaction; api/ turns it into problem+json (api_reply_refusal). */
#ifndef ADVISORD_SERVICE_REFUSAL_H
#define ADVISORD_SERVICE_REFUSAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "errors.h"
#include "store.h"

struct refusal {
  enum err_code code; /* ERR_NONE: not refused */
  char detail[700];   /* the words; "" for a field refusal: made from the fields' names */
  json_t *errors;     /* ERR_VALIDATION: [{"field", "message"}] (owned), or NULL */
  json_t *extra;      /* more members of the problem (owned), or NULL */
  long retry_after;   /* seconds for a Retry-After header; 0: none */
};

/* Refuses with code and printf-made words (an earlier refusal's words and extra go). Returns
 * STORE_ABORT, so that a transaction callback can `return refuse(...)` to roll back. */
enum store_status refuse(struct refusal *r, enum err_code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* STORE_OK when the If-Match value if_match (NULL: none sent) names version; otherwise refuses
 * 412 (naming what and its current ETag) and returns STORE_ABORT. */
enum store_status refuse_unless_match(struct refusal *r, const char *if_match, const char *what,
                                      int64_t version);
/* Refuses field (ERR_VALIDATION) with message; several calls name several fields. Returns
 * STORE_ABORT. */
enum store_status refuse_field(struct refusal *r, const char *field, const char *message);
/* Sets the problem's extra members (reference stolen; replaces earlier ones). */
void refusal_extra(struct refusal *r, json_t *extra);
/* True when r holds a refusal. */
bool refused(const struct refusal *r);
/* Runs tx(arg) in one write transaction of store, where tx refuses through r: STORE_OK when it
 * committed or refused (r says which), else the store's failure (r cleared: an earlier
 * attempt's refusal does not count). */
enum store_status refusal_write(struct store *store, store_tx_fn tx, void *arg,
                                struct refusal *r);
/* Back to "not refused", freeing what r owns: at the start of every attempt of a transaction. */
void refusal_clear(struct refusal *r);

#endif
