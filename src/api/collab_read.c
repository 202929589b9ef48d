/* collab_read.c - reading collaborations: GET /v1/collaborations (filtered, cursor-paginated,
 * scoped to the caller's office or company), GET /v1/customers/{id}/collaborations,
 * GET /v1/collaborations/{id}, its history GET /v1/collaborations/{id}/events, and what an
 * invitation link shows, GET /v1/invitations/{token}. */
#include "app.h"
#include "collab_api.h"
#include "handlers.h"
#include "resource.h"
#include "store_register.h"
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {"invited", "approved", "active", "declined",
                                          "cancelled", "expired", "ended", NULL};
static const char *const initiators[] = {"office", "customer", NULL};

static const char *uuid_check(const char *s)
{
  return util_is_uuid(s) ? NULL : "must be a UUID";
}

#define LIST_COMMON_FIELDS                                                                   \
  {.name = "state", .type = FIELD_ENUM, .allowed = state_names},                             \
      {.name = "variant", .type = FIELD_STRING, .min_len = 1, .max_len = 32},                \
      {.name = "task_id", .type = FIELD_STRING, .min_len = 36, .max_len = 36,                \
       .check = uuid_check},                                                                 \
      {.name = "initiated_by", .type = FIELD_ENUM, .allowed = initiators},                   \
      {.name = "cursor", .type = FIELD_STRING, .min_len = 1, .max_len = API_CURSOR_MAX},       \
      {.name = "limit", .type = FIELD_INT, .min = 1, .max = API_LIST_MAX_LIMIT}

static const struct field_spec list_fields[] = {
    LIST_COMMON_FIELDS,
    {.name = "customer_id", .type = FIELD_STRING, .min_len = 36, .max_len = 36,
     .check = uuid_check},
    {0},
};

static const struct field_spec customer_list_fields[] = {LIST_COMMON_FIELDS, {0}};

static const struct field_spec events_fields[] = {
    {.name = "cursor", .type = FIELD_STRING, .min_len = 1, .max_len = API_CURSOR_MAX},
    {.name = "limit", .type = FIELD_INT, .min = 1, .max = API_LIST_MAX_LIMIT},
    {0},
};

/* ---- lists ---- */

struct list_acc {
  struct store_conn *c;
  const struct principal *viewer;
  json_t *items;
  int64_t now_ms;
  char last_created[32];
  char last_id[COLLAB_ID_LEN];
  enum store_status st;
};

static void list_item(const struct collab *co, void *arg)
{
  struct list_acc *acc = arg;
  struct collab_mail_state mail;
  enum store_status st = store_collab_invitation_mail(acc->c, co->id, &mail);
  if (st != STORE_OK && st != STORE_NOT_FOUND)
    acc->st = st;
  json_array_append_new(acc->items, collab_json(co, st == STORE_OK ? &mail : NULL, acc->now_ms,
                                                   acc->viewer));
  snprintf(acc->last_created, sizeof acc->last_created, "%s", co->created_at);
  snprintf(acc->last_id, sizeof acc->last_id, "%s", co->id);
}

static enum MHD_Result list_reply(struct request *req, struct collab_filter *f)
{
  const char *cursor = http_query(req, "cursor");
  char key[2][1024];
  if (cursor) {
    if (!api_cursor_decode(cursor, 2, key) || !util_is_uuid(key[1]))
      return api_bad_cursor(req);
    f->after_created_at = key[0];
    f->after_id = key[1];
  }
  int limit = api_list_limit(req, API_LIST_DEFAULT_LIMIT);
  struct list_acc acc = {.c = store_conn(req->app->store), .viewer = &req->principal,
                         .items = json_array(),
                         .now_ms = util_now_ms(), .st = STORE_OK};
  f->now_ms = acc.now_ms;
  bool more = false;
  enum store_status st =
      acc.c ? store_collab_list(acc.c, f, limit, list_item, &acc, &more) : STORE_ERROR;
  if (st == STORE_OK)
    st = acc.st;
  if (st != STORE_OK) {
    json_decref(acc.items);
    return api_store_failure(req, st, "collaboration");
  }
  const char *next[] = {acc.last_created, acc.last_id};
  return api_page_reply(req, acc.items, more ? next : NULL, 2);
}

/* Reads the filters shared by both lists; false after answering 400 for a variant that does
 * not exist (variants are data, so the check asks the store). */
static bool filter_from_query(struct request *req, struct collab_filter *f, enum MHD_Result *r)
{
  f->state = http_query(req, "state");
  f->variant = http_query(req, "variant");
  f->task_id = http_query(req, "task_id");
  f->initiated_by = http_query(req, "initiated_by");
  struct variant v;
  return !f->variant || api_variant_lookup(req, f->variant, "variant", &v, r);
}

enum MHD_Result api_collabs_list(struct request *req)
{
  enum MHD_Result r;
  if (!validate_query(req, list_fields, &r))
    return r;
  struct collab_filter f = {0};
  if (!filter_from_query(req, &f, &r))
    return r;
  f.customer_id = http_query(req, "customer_id");
  const struct principal *p = &req->principal;
  if (p->kind == PRINCIPAL_OFFICE_USER)
    f.office_id = p->office_id;
  else if (p->kind == PRINCIPAL_CUSTOMER_ADMIN)
    f.company_id = p->company_id;
  return list_reply(req, &f);
}

enum MHD_Result api_customer_collabs_list(struct request *req)
{
  enum MHD_Result r;
  if (!validate_query(req, customer_list_fields, &r))
    return r;
  const char *id = http_param(req, "id");
  if (!util_is_uuid(id))
    return reply_problem(req, ERR_BAD_PATH_PARAM, "The customer id must be a UUID");
  struct store_conn *c = store_conn(req->app->store);
  struct customer *cu = malloc(sizeof *cu);
  enum store_status st = c && cu ? store_customer_get(c, req->principal.office_id, id, cu)
                                 : STORE_ERROR;
  if (st != STORE_OK) {
    free(cu);
    if (st == STORE_NOT_FOUND)
      return reply_problem(req, ERR_NOT_FOUND, "No customer %s in your register", id);
    return api_store_failure(req, st, "customer");
  }
  /* by company, not customer_id: a customer's invitation may predate the register entry */
  struct collab_filter f = {.office_id = req->principal.office_id, .company_id = cu->company_id};
  if (filter_from_query(req, &f, &r))
    r = list_reply(req, &f);
  free(cu);
  return r;
}

/* ---- one collaboration, its history ---- */

/* The collaboration named by the path as the caller may see it into out; false after
 * answering. */
static bool load_visible(struct request *req, struct collab_outcome *out, enum MHD_Result *r)
{
  const char *id = http_param(req, "id");
  if (!util_is_uuid(id)) {
    *r = reply_problem(req, ERR_BAD_PATH_PARAM, "The collaboration id must be a UUID");
    return false;
  }
  enum store_status st = collab_read(req->app, &req->principal, id, out);
  if (st == STORE_OK && !refused(&out->refusal))
    return true;
  *r = collab_reply_outcome(req, st, out, false);
  return false;
}

enum MHD_Result api_collab_get(struct request *req)
{
  enum MHD_Result r;
  struct collab_outcome *out = calloc(1, sizeof *out);
  if (!out)
    return reply_problem(req, ERR_INTERNAL, "Out of memory");
  if (load_visible(req, out, &r))
    r = collab_reply(req, 200, out);
  free(out);
  return r;
}

struct events_acc {
  json_t *items;
  int64_t last_seq;
};

static void event_item(const struct collab_event_rec *e, void *arg)
{
  struct events_acc *acc = arg;
  json_array_append_new(acc->items, collab_event_json(e));
  acc->last_seq = e->seq;
}

enum MHD_Result api_collab_events(struct request *req)
{
  enum MHD_Result r;
  if (!validate_query(req, events_fields, &r))
    return r;
  int64_t after = 0;
  const char *cursor = http_query(req, "cursor");
  if (cursor) {
    char seq[1][1024];
    char *end;
    if (!api_cursor_decode(cursor, 1, seq) || !seq[0][0])
      return api_bad_cursor(req);
    after = strtoll(seq[0], &end, 10);
    if (*end || after < 0)
      return api_bad_cursor(req);
  }
  int limit = api_list_limit(req, API_LIST_MAX_LIMIT);
  struct collab_outcome *out = calloc(1, sizeof *out);
  if (!out)
    return reply_problem(req, ERR_INTERNAL, "Out of memory");
  if (!load_visible(req, out, &r)) {
    free(out);
    return r;
  }
  struct events_acc acc = {.items = json_array()};
  bool more = false;
  struct store_conn *c = store_conn(req->app->store);
  enum store_status st =
      c ? store_collab_events_list(c, out->co.id, after, limit, event_item, &acc, &more)
        : STORE_ERROR;
  free(out);
  if (st != STORE_OK) {
    json_decref(acc.items);
    return api_store_failure(req, st, "collaboration");
  }
  char seq[24];
  snprintf(seq, sizeof seq, "%lld", (long long)acc.last_seq);
  const char *next[] = {seq};
  return api_page_reply(req, acc.items, more ? next : NULL, 1);
}

/* ---- the link ---- */

enum MHD_Result api_invitation_get(struct request *req)
{
  struct collab_outcome *out = calloc(1, sizeof *out);
  if (!out)
    return reply_problem(req, ERR_INTERNAL, "Out of memory");
  enum store_status st = collab_read_by_link(req->app, http_param(req, "token"), out);
  enum MHD_Result r = st == STORE_OK ? collab_reply_outcome(req, st, out, true)
                                     : api_store_failure(req, st, "invitation");
  free(out);
  return r;
}
