/* tasks.c - an office's tasks (engagements) per customer: POST/GET
 * /v1/customers/{id}/tasks, GET/PATCH /v1/tasks/{id}. Scoped to the caller's office. */
#include "app.h"
#include "domain/contact.h"
#include "handlers.h"
#include "register_json.h"
#include "resource.h"
#include "service/register.h"
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

#define IN(member) FIELD_TO(struct task_in, member)

static const struct field_spec create_fields[] = {
    {.name = "name", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 200,
     .check = contact_name_check, .to = IN(name)},
    {.name = "assignee_id", .type = FIELD_STRING, .nullable = true, .max_len = 36,
     .check = user_id_check, .to = IN(assignee_id), .given = IN(assignee_given)},
    {.name = "status", .type = FIELD_ENUM, .allowed = statuses, .to = IN(status)},
    {0},
};

static const struct field_spec patch_fields[] = {
    {.name = "name", .type = FIELD_STRING, .min_len = 1, .max_len = 200,
     .check = contact_name_check, .to = IN(name)},
    {.name = "assignee_id", .type = FIELD_STRING, .nullable = true, .max_len = 36,
     .check = user_id_check, .to = IN(assignee_id), .given = IN(assignee_given)},
    {.name = "status", .type = FIELD_ENUM, .allowed = statuses, .to = IN(status)},
    {0},
};

/* The list's query: the filter and the cursor. */
struct list_in {
  struct task_filter f;
  const char *cursor;
};
#define Q(member) FIELD_TO(struct list_in, member)

static const struct field_spec list_query[] = {
    {.name = "status", .type = FIELD_ENUM, .allowed = statuses, .to = Q(f.status)},
    {.name = "cursor", .type = FIELD_STRING, .min_len = 1, .max_len = API_CURSOR_MAX,
     .to = Q(cursor)},
    {.name = "limit", .type = FIELD_INT, .min = 1, .max = API_LIST_MAX_LIMIT, .to = Q(f.limit)},
    {0},
};

/* Renders a task, its ETag and, once created, its Location. */
static void render(const void *resource, struct api_render *w)
{
  const struct task *t = resource;
  w->body = api_task_json(t);
  etag_of(t->version, w->etag, sizeof w->etag);
  if (w->ik)
    snprintf(w->location, sizeof w->location, "/v1/tasks/%s", t->id);
}

/* Runs the use case fn with in and answers status. */
static enum MHD_Result call(struct request *req, struct task_in *in, const struct idem *ik,
                            enum store_status (*fn)(const struct app *, const struct task_in *,
                                                    struct task_out *),
                            unsigned status)
{
  struct api_render w = {.principal_id = req->principal.id, .ik = ik, .render = render};
  in->caller = &req->principal;
  in->if_match = http_header(req, "If-Match");
  in->created = (struct created_hook){.fn = api_render_keep, .arg = &w};
  struct task_out *out = calloc(1, sizeof *out);
  enum store_status st = out ? fn(req->app, in, out) : STORE_ERROR;
  struct refusal none = {0};
  enum MHD_Result r = api_render_reply(req, &w, st, out ? &out->refusal : &none,
                                       out ? &out->t : NULL, status, "task");
  free(out);
  return r;
}

enum MHD_Result api_tasks_create(struct request *req)
{
  enum MHD_Result r;
  struct task_in in = {0};
  if (!validate_body_into(req, create_fields, &in, &r))
    return r;
  struct idem ik;
  if (api_idem_begin(req, &ik, &r))
    return r;
  in.customer_id = http_param(req, "id");
  return call(req, &in, &ik, task_create, 201);
}

static bool list_row(const struct task *t, void *arg)
{
  return api_page_add(arg, api_task_json(t), t->created_at, t->id);
}

enum MHD_Result api_tasks_list(struct request *req)
{
  enum MHD_Result r;
  struct list_in in = {.f = {.limit = API_LIST_DEFAULT_LIMIT}};
  if (!validate_query_into(req, list_query, &in, &r))
    return r;
  struct task_filter f = in.f;
  f.customer_id = http_param(req, "id");
  char parts[2][1024];
  const char *cursor = in.cursor;
  if (cursor) {
    if (!api_cursor_decode(cursor, 2, parts))
      return api_bad_cursor(req);
    f.after_created = parts[0];
    f.after_id = parts[1];
  }
  struct api_page *p = calloc(1, sizeof *p);
  if (!p)
    return api_store_failure(req, STORE_ERROR, "task");
  *p = (struct api_page){.items = json_array(), .limit = f.limit};
  f.limit += 1;
  enum store_status st = task_page(req->app, &req->principal, &f, list_row, p);
  if (st == STORE_NOT_FOUND)
    r = api_store_failure(req, st, "customer in your register");
  else if (st != STORE_OK)
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
  struct task t;
  enum store_status st = task_read(req->app, &req->principal, http_param(req, "id"), &t);
  if (st != STORE_OK)
    return api_store_failure(req, st, "task in your office");
  char etag[32];
  etag_of(t.version, etag, sizeof etag);
  return reply_json_etag(req, 200, api_task_json(&t), etag);
}

enum MHD_Result api_tasks_patch(struct request *req)
{
  enum MHD_Result r;
  struct task_in in = {0};
  if (!validate_body_into(req, patch_fields, &in, &r) ||
      api_reject_empty_patch(req, "name, assignee_id, status", &r) ||
      api_require_if_match(req, &r))
    return r;
  in.id = http_param(req, "id");
  return call(req, &in, NULL, task_update, 200);
}
