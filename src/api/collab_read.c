/* collab_read.c - reading collaborations: GET /v1/collaborations (filtered, cursor-paginated,
 * scoped to the caller's office or company), GET /v1/customers/{id}/collaborations,
 * GET /v1/collaborations/{id}, its history GET /v1/collaborations/{id}/events, and what an
 * invitation link shows, GET /v1/invitations/{token}. */
#include "app.h"
#include "collab_api.h"
#include "handlers.h"
#include "json_text.h"
#include "resource.h"
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

/* A list's query: the use case's input and the cursor. */
struct list_query {
  struct collab_list_in in;
  const char *cursor;
};
#define IN(member) FIELD_TO(struct list_query, in.member)
#define LIST_COMMON_FIELDS                                                                   \
  {.name = "state", .type = FIELD_ENUM, .allowed = state_names, .to = IN(state)},            \
      {.name = "variant", .type = FIELD_STRING, .min_len = 1, .max_len = 32,                 \
       .to = IN(variant)},                                                                   \
      {.name = "task_id", .type = FIELD_STRING, .min_len = 36, .max_len = 36,                \
       .check = uuid_check, .to = IN(task_id)},                                              \
      {.name = "initiated_by", .type = FIELD_ENUM, .allowed = initiators,                    \
       .to = IN(initiated_by)},                                                              \
      {.name = "cursor", .type = FIELD_STRING, .min_len = 1, .max_len = API_CURSOR_MAX,      \
       .to = FIELD_TO(struct list_query, cursor)},                                           \
      {.name = "limit", .type = FIELD_INT, .min = 1, .max = API_LIST_MAX_LIMIT, .to = IN(limit)}

static const struct field_spec list_fields[] = {
    LIST_COMMON_FIELDS,
    {.name = "customer_id", .type = FIELD_STRING, .min_len = 36, .max_len = 36,
     .check = uuid_check, .to = IN(of_customer)},
    {0},
};

static const struct field_spec customer_list_fields[] = {LIST_COMMON_FIELDS, {0}};

/* The history's query. */
struct events_query {
  const char *cursor;
  int limit;
};

static const struct field_spec events_fields[] = {
    {.name = "cursor", .type = FIELD_STRING, .min_len = 1, .max_len = API_CURSOR_MAX,
     .to = FIELD_TO(struct events_query, cursor)},
    {.name = "limit", .type = FIELD_INT, .min = 1, .max = API_LIST_MAX_LIMIT,
     .to = FIELD_TO(struct events_query, limit)},
    {0},
};

/* ---- lists ---- */

struct list_acc {
  const struct principal *viewer;
  struct json_text page; /* {"items":[ and the items, written as they come */
  int64_t now_ms;
  char last_created[32];
  char last_id[COLLAB_ID_LEN];
};

static void list_item(const struct collab *co, const struct collab_mail_state *mail, void *arg)
{
  struct list_acc *acc = arg;
  collab_json_write(&acc->page, co, mail, acc->now_ms, acc->viewer);
  snprintf(acc->last_created, sizeof acc->last_created, "%s", co->created_at);
  snprintf(acc->last_id, sizeof acc->last_id, "%s", co->id);
}

/* Decodes the list's cursor into q->in and answers the page. */
static enum MHD_Result list_reply(struct request *req, struct list_query *q)
{
  struct collab_list_in *in = &q->in;
  in->caller = &req->principal;
  const char *cursor = q->cursor;
  char key[2][1024];
  if (cursor) {
    if (!api_cursor_decode(cursor, 2, key) || !util_is_uuid(key[1]))
      return api_bad_cursor(req);
    in->after_created_at = key[0];
    in->after_id = key[1];
  }
  struct list_acc acc = {.viewer = &req->principal, .now_ms = util_now_ms()};
  json_text_open(&acc.page, NULL, '{');
  json_text_open(&acc.page, "items", '[');
  bool more = false;
  struct refusal rf = {0};
  enum store_status st = collab_list(req->app, in, list_item, &acc, &more, &rf);
  if (st != STORE_OK || refused(&rf)) {
    free(json_text_take(&acc.page, NULL));
    return tx_reply(req, &rf, st == STORE_OK ? STORE_ABORT : st, "collaboration");
  }
  const char *next[] = {acc.last_created, acc.last_id};
  return api_page_reply_text(req, &acc.page, more ? next : NULL, 2);
}

enum MHD_Result api_collabs_list(struct request *req)
{
  enum MHD_Result r;
  struct list_query q = {.in = {.limit = API_LIST_DEFAULT_LIMIT}};
  if (!validate_query_into(req, list_fields, &q, &r))
    return r;
  return list_reply(req, &q);
}

enum MHD_Result api_customer_collabs_list(struct request *req)
{
  enum MHD_Result r;
  struct list_query q = {.in = {.customer_id = http_param(req, "id"),
                                .limit = API_LIST_DEFAULT_LIMIT}};
  if (!validate_query_into(req, customer_list_fields, &q, &r))
    return r;
  if (!util_is_uuid(q.in.customer_id))
    return reply_problem(req, ERR_BAD_PATH_PARAM, "The customer id must be a UUID");
  return list_reply(req, &q);
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
  /* on the stack (5.5 KB): from the heap it was a large request, and glibc merges its fast bins
   * (malloc_consolidate) before each one, so the small allocations after it (SQLite's, some 60
   * a GET) took malloc's slow path */
  enum MHD_Result r;
  struct collab_outcome out = {0};
  if (load_visible(req, &out, &r))
    r = collab_reply(req, 200, &out);
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
  struct events_query q = {.limit = API_LIST_MAX_LIMIT};
  if (!validate_query_into(req, events_fields, &q, &r))
    return r;
  int64_t after = 0;
  const char *cursor = q.cursor;
  if (cursor) {
    char seq[1][1024];
    char *end;
    if (!api_cursor_decode(cursor, 1, seq) || !seq[0][0])
      return api_bad_cursor(req);
    after = strtoll(seq[0], &end, 10);
    if (*end || after < 0)
      return api_bad_cursor(req);
  }
  int limit = q.limit;
  const char *id = http_param(req, "id");
  if (!util_is_uuid(id))
    return reply_problem(req, ERR_BAD_PATH_PARAM, "The collaboration id must be a UUID");
  struct events_acc acc = {.items = json_array()};
  bool more = false;
  struct refusal rf = {0};
  enum store_status st = collab_history(req->app, &req->principal, id, after, limit,
                                        event_item, &acc, &more, &rf);
  if (st != STORE_OK || refused(&rf)) {
    json_decref(acc.items);
    return tx_reply(req, &rf, st == STORE_OK ? STORE_ABORT : st, "collaboration");
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
