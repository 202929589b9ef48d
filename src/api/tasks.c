/* tasks.c - an office's tasks (engagements) per customer: POST/GET
 * /v1/customers/{id}/tasks, GET/PATCH /v1/tasks/{id}. Scoped to the caller's office. */
#include "app.h"
#include "domain/contact.h"
#include "handlers.h"
#include "register_json.h"
#include "resource.h"
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const statuses[] = {"open", "closed", NULL};

static const char *user_id_check(const char *v)
{
  return util_is_uuid(v) ? NULL : "must be the id (a UUID) of a user of your office";
}

static const struct field_spec create_fields[] = {
    {.name = "name", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 200,
     .check = contact_name_check},
    {.name = "assignee_id", .type = FIELD_STRING, .nullable = true, .max_len = 36,
     .check = user_id_check},
    {.name = "status", .type = FIELD_ENUM, .allowed = statuses},
    {0},
};

static const struct field_spec patch_fields[] = {
    {.name = "name", .type = FIELD_STRING, .min_len = 1, .max_len = 200,
     .check = contact_name_check},
    {.name = "assignee_id", .type = FIELD_STRING, .nullable = true, .max_len = 36,
     .check = user_id_check},
    {.name = "status", .type = FIELD_ENUM, .allowed = statuses},
    {0},
};

static const struct field_spec list_query[] = {
    {.name = "status", .type = FIELD_ENUM, .allowed = statuses},
    {.name = "cursor", .type = FIELD_STRING, .min_len = 1, .max_len = API_CURSOR_MAX},
    {.name = "limit", .type = FIELD_INT, .min = 1, .max = API_LIST_MAX_LIMIT},
    {0},
};

struct write_ctx {
  struct api_write w; /* first: what the reply is made of */
  struct task t;
};

/* Applies name, assignee_id and status from body; checks that the assignee is a user of the
 * office (a validation error naming assignee_id otherwise). */
static enum store_status apply_fields(struct store_conn *c, struct write_ctx *w, json_t *body)
{
  const char *v;
  if ((v = json_str_member(body, "name")))
    snprintf(w->t.name, sizeof w->t.name, "%s", v);
  if ((v = json_str_member(body, "status")))
    snprintf(w->t.status, sizeof w->t.status, "%s", v);
  json_t *a = json_object_get(body, "assignee_id");
  if (json_is_null(a))
    w->t.assignee_id[0] = '\0';
  if (json_is_string(a)) {
    struct office_user u;
    enum store_status st =
        store_office_user_get(c, w->w.req->principal.office_id, json_string_value(a), &u);
    if (st == STORE_NOT_FOUND)
      return refuse_field(&w->w.err, "assignee_id", "is not a user of your office");
    if (st != STORE_OK)
      return st;
    memcpy(w->t.assignee_id, u.id, sizeof u.id);
  }
  return STORE_OK;
}

static enum store_status create_tx(struct store_conn *c, void *arg)
{
  struct write_ctx *w = arg;
  struct request *req = w->w.req;
  api_write_restart(&w->w);
  struct customer *cu = malloc(sizeof *cu);
  if (!cu)
    return STORE_ERROR;
  enum store_status st =
      store_customer_get(c, req->principal.office_id, http_param(req, "id"), cu);
  free(cu);
  if (st == STORE_NOT_FOUND)
    return refuse(&w->w.err, ERR_NOT_FOUND, "No such customer in your register");
  if (st != STORE_OK)
    return st;
  memset(&w->t, 0, sizeof w->t);
  snprintf(w->t.office_id, sizeof w->t.office_id, "%s", req->principal.office_id);
  snprintf(w->t.customer_id, sizeof w->t.customer_id, "%s", http_param(req, "id"));
  snprintf(w->t.status, sizeof w->t.status, "open");
  if ((st = apply_fields(c, w, req->json)) != STORE_OK)
    return st;
  if ((st = store_task_create(c, &w->t)) != STORE_OK)
    return st;
  w->w.body = api_task_json(&w->t);
  etag_of(w->t.version, w->w.etag, sizeof w->w.etag);
  snprintf(w->w.location, sizeof w->w.location, "/v1/tasks/%s", w->t.id);
  return api_idem_finish(c, req->principal.id, w->w.ik, 201, w->w.body, w->w.location, w->w.etag);
}

enum MHD_Result api_tasks_create(struct request *req)
{
  enum MHD_Result r;
  if (!validate_body(req, create_fields, &r))
    return r;
  struct idem ik;
  if (api_idem_begin(req, &ik, &r))
    return r;
  struct write_ctx w = {.w = {.req = req, .ik = &ik}};
  return api_write_run(&w.w, create_tx, &w, 201, "task");
}

static bool list_row(const struct task *t, void *arg)
{
  return api_page_add(arg, api_task_json(t), t->created_at, t->id);
}

enum MHD_Result api_tasks_list(struct request *req)
{
  enum MHD_Result r;
  if (!validate_query(req, list_query, &r))
    return r;
  struct task_filter f = {.office_id = req->principal.office_id,
                          .customer_id = http_param(req, "id"),
                          .status = http_query(req, "status"),
                          .limit = api_list_limit(req, API_LIST_DEFAULT_LIMIT)};
  char parts[2][1024];
  const char *cursor = http_query(req, "cursor");
  if (cursor) {
    if (!api_cursor_decode(cursor, 2, parts))
      return api_bad_cursor(req);
    f.after_created = parts[0];
    f.after_id = parts[1];
  }
  struct store_conn *c = store_conn(req->app->store);
  struct customer *cu = malloc(sizeof *cu);
  enum store_status st = c && cu ? store_customer_get(c, f.office_id, f.customer_id, cu)
                                 : STORE_ERROR;
  free(cu);
  if (st != STORE_OK)
    return api_store_failure(req, st, "customer in your register");
  struct api_page *p = calloc(1, sizeof *p);
  if (!p)
    return api_store_failure(req, STORE_ERROR, "task");
  *p = (struct api_page){.items = json_array(), .limit = f.limit};
  f.limit += 1;
  st = store_tasks_list(c, &f, list_row, p);
  if (st != STORE_OK)
    r = api_store_failure(req, st, "task");
  else {
    const char *next[] = {p->keys[0], p->keys[1]};
    r = api_page_reply(req, json_incref(p->items), p->more ? next : NULL, 2);
  }
  json_decref(p->items);
  free(p);
  return r;
}

enum MHD_Result api_tasks_get(struct request *req)
{
  struct store_conn *c = store_conn(req->app->store);
  struct task t;
  enum store_status st =
      c ? store_task_get(c, req->principal.office_id, http_param(req, "id"), &t) : STORE_ERROR;
  if (st != STORE_OK)
    return api_store_failure(req, st, "task in your office");
  char etag[32];
  etag_of(t.version, etag, sizeof etag);
  return reply_json_etag(req, 200, api_task_json(&t), etag);
}

static enum store_status patch_tx(struct store_conn *c, void *arg)
{
  struct write_ctx *w = arg;
  struct request *req = w->w.req;
  api_write_restart(&w->w);
  enum store_status st =
      store_task_get(c, req->principal.office_id, http_param(req, "id"), &w->t);
  if (st == STORE_NOT_FOUND)
    return refuse(&w->w.err, ERR_NOT_FOUND, "No such task in your office");
  if (st != STORE_OK)
    return st;
  if ((st = tx_if_match(&w->w.err, req, "task", w->t.version)) != STORE_OK)
    return st;
  if ((st = apply_fields(c, w, req->json)) != STORE_OK)
    return st;
  if ((st = store_task_update(c, &w->t, w->t.version)) != STORE_OK)
    return st;
  w->w.body = api_task_json(&w->t);
  etag_of(w->t.version, w->w.etag, sizeof w->w.etag);
  return STORE_OK;
}

enum MHD_Result api_tasks_patch(struct request *req)
{
  enum MHD_Result r;
  if (!validate_body(req, patch_fields, &r) ||
      api_reject_empty_patch(req, "name, assignee_id, status", &r) ||
      api_require_if_match(req, &r))
    return r;
  struct write_ctx w = {.w = {.req = req}};
  return api_write_run(&w.w, patch_tx, &w, 200, "task");
}
