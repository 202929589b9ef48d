/* refusal.c - the one refusal of every use case (service/refusal.h). */
#include "service/refusal.h"
#include "domain/etag.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>

enum store_status refuse(struct refusal *r, enum err_code code, const char *fmt, ...)
{
  r->code = code;
  json_decref(r->extra);
  r->extra = NULL;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->detail, sizeof r->detail, fmt, ap);
  va_end(ap);
  util_utf8_cut_end(r->detail); /* a long name cut inside a character */
  return STORE_ABORT;
}

enum store_status refuse_unless_match(struct refusal *r, const char *if_match, const char *what,
                                      int64_t version)
{
  if (etag_if_match(if_match, version) == IF_MATCH_OK)
    return STORE_OK;
  return refuse(r, ERR_PRECONDITION_FAILED,
                "The %s has changed: its current ETag is \"%lld\"; GET it again", what,
                (long long)version);
}

enum store_status refuse_field(struct refusal *r, const char *field, const char *message)
{
  if (r->code != ERR_VALIDATION) {
    r->detail[0] = '\0';
    json_decref(r->extra);
    r->extra = NULL;
  }
  r->code = ERR_VALIDATION;
  if (!r->errors)
    r->errors = json_array();
  json_array_append_new(r->errors, json_pack("{s:s, s:s}", "field", field, "message", message));
  return STORE_ABORT;
}

void refusal_extra(struct refusal *r, json_t *extra)
{
  json_decref(r->extra);
  r->extra = extra;
}

bool refused(const struct refusal *r)
{
  return r->code != ERR_NONE;
}

void refusal_clear(struct refusal *r)
{
  r->code = ERR_NONE;
  r->detail[0] = '\0';
  json_decref(r->errors);
  r->errors = NULL;
  json_decref(r->extra);
  r->extra = NULL;
  r->retry_after = 0;
}

enum store_status refusal_write(struct store *store, store_tx_fn tx, void *arg, struct refusal *r)
{
  enum store_status st = store_write(store, tx, arg);
  if (refused(r) && (st == STORE_OK || st == STORE_ABORT))
    return STORE_OK;
  refusal_clear(r);
  return st;
}
