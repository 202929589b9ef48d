/* customers.c - an office's customer register: POST/GET /v1/customers,
 * GET/PATCH/DELETE /v1/customers/{id}. Every lookup is scoped to the caller's office, so
 * another office's customer is 404 like a missing one. */
#include "app.h"
#include "domain/authz.h"
#include "domain/contact.h"
#include "domain/corporate_id.h"
#include "handlers.h"
#include "register_json.h"
#include "resource.h"
#include "service/register.h"
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IN(member) FIELD_TO(struct customer_in, member)

static const struct field_spec create_fields[] = {
    {.name = "corporate_id", .type = FIELD_STRING, .required = true, .min_len = 1,
     .max_len = 20, .check = corporate_id_check, .to = IN(corporate_id)},
    {.name = "name", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 200,
     .check = contact_name_check, .to = IN(name)},
    {.name = "email", .type = FIELD_STRING, .required = true, .min_len = 3, .max_len = 254,
     .check = contact_email_check, .to = IN(email)},
    {.name = "notes", .type = FIELD_STRING, .nullable = true, .max_len = 2000, .to = IN(notes),
     .given = IN(notes_given)},
    {.name = "company_name", .type = FIELD_STRING, .min_len = 1, .max_len = 200,
     .check = contact_name_check, .to = IN(company_name)},
    {0},
};

static const struct field_spec patch_fields[] = {
    {.name = "name", .type = FIELD_STRING, .min_len = 1, .max_len = 200,
     .check = contact_name_check, .to = IN(name)},
    {.name = "email", .type = FIELD_STRING, .min_len = 3, .max_len = 254,
     .check = contact_email_check, .to = IN(email)},
    {.name = "notes", .type = FIELD_STRING, .nullable = true, .max_len = 2000, .to = IN(notes),
     .given = IN(notes_given)},
    {0},
};

static const char *const task_statuses[] = {"open", "closed", NULL};

/* The list's query: the filter and the cursor. */
struct list_in {
  struct customer_filter f;
  const char *cursor;
};
#define Q(member) FIELD_TO(struct list_in, member)

static const struct field_spec list_query[] = {
    {.name = "q", .type = FIELD_STRING, .min_len = 1, .max_len = 200, .to = Q(f.q)},
    {.name = "has_open_collaboration", .type = FIELD_BOOL, .to = Q(f.has_open_collaboration)},
    {.name = "task_status", .type = FIELD_ENUM, .allowed = task_statuses,
     .to = Q(f.task_status)},
    {.name = "cursor", .type = FIELD_STRING, .min_len = 1, .max_len = API_CURSOR_MAX,
     .to = Q(cursor)},
    {.name = "limit", .type = FIELD_INT, .min = 1, .max = API_LIST_MAX_LIMIT, .to = Q(f.limit)},
    {0},
};

/* Renders a customer (with its collaboration flag), its ETag and, once created, its
 * Location. */
static void render(const void *resource, struct api_render *w)
{
  const struct customer *cu = resource;
  w->body = api_customer_json(cu);
  etag_of(cu->version, w->etag, sizeof w->etag);
  if (w->ik)
    snprintf(w->location, sizeof w->location, "/v1/customers/%s", cu->id);
}

/* Runs the use case fn with in and answers status. */
static enum MHD_Result call(struct request *req, struct customer_in *in, const struct idem *ik,
                            enum store_status (*fn)(const struct app *,
                                                    const struct customer_in *,
                                                    struct customer_out *),
                            unsigned status)
{
  struct api_render w = {.principal_id = req->principal.id, .ik = ik, .render = render};
  in->caller = &req->principal;
  in->id = http_param(req, "id");
  in->if_match = http_header(req, "If-Match");
  in->created = (struct created_hook){.fn = api_render_keep, .arg = &w};
  struct customer_out *out = calloc(1, sizeof *out);
  enum store_status st = out ? fn(req->app, in, out) : STORE_ERROR;
  struct refusal none = {0};
  enum MHD_Result r = api_render_reply(req, &w, st, out ? &out->refusal : &none,
                                       out ? &out->cu : NULL, status, "customer");
  free(out);
  return r;
}

enum MHD_Result api_customers_create(struct request *req)
{
  enum MHD_Result r;
  struct customer_in in = {0};
  if (!validate_body_into(req, create_fields, &in, &r))
    return r;
  struct idem ik;
  if (api_idem_begin(req, &ik, &r))
    return r;
  return call(req, &in, &ik, customer_create, 201);
}

static bool list_row(const struct customer *cu, void *arg)
{
  return api_page_add(arg, api_customer_json(cu), cu->name, cu->id);
}

enum MHD_Result api_customers_list(struct request *req)
{
  enum MHD_Result r;
  struct list_in in = {.f = {.has_open_collaboration = -1, .limit = API_LIST_DEFAULT_LIMIT}};
  if (!validate_query_into(req, list_query, &in, &r))
    return r;
  struct customer_filter f = in.f;
  const char *cursor = in.cursor;
  char (*parts)[1024] = malloc(2 * sizeof *parts); /* the cursor's (name, id) */
  if (!parts)
    return api_store_failure(req, STORE_ERROR, "customer");
  if (cursor) {
    if (!api_cursor_decode(cursor, 2, parts)) {
      free(parts);
      return api_bad_cursor(req);
    }
    f.after_name = parts[0];
    f.after_id = parts[1];
  }
  struct api_page *p = calloc(1, sizeof *p);
  enum store_status st = p ? STORE_OK : STORE_ERROR;
  if (st == STORE_OK) {
    *p = (struct api_page){.items = json_array(), .limit = f.limit};
    f.limit += 1;
    st = customer_page(req->app, &req->principal, &f, list_row, p);
  }
  free(parts);
  if (st != STORE_OK)
    r = api_store_failure(req, st, "customer");
  else {
    const char *next[] = {p->keys[0], p->keys[1]};
    r = api_page_reply(req, json_incref(p->items), p->more ? next : NULL, 2);
  }
  if (p)
    json_decref(p->items);
  free(p);
  return r;
}

enum MHD_Result api_customers_get(struct request *req)
{
  struct customer *cu = malloc(sizeof *cu);
  enum store_status st = cu ? customer_read(req->app, &req->principal, http_param(req, "id"), cu)
                            : STORE_ERROR;
  if (st != STORE_OK) {
    free(cu);
    return api_store_failure(req, st, "customer in your register");
  }
  struct api_render w = {.render = render};
  render(cu, &w);
  free(cu);
  return reply_json_etag(req, 200, w.body, w.etag);
}

enum MHD_Result api_customers_patch(struct request *req)
{
  enum MHD_Result r;
  struct customer_in in = {0};
  if (!validate_body_into(req, patch_fields, &in, &r) ||
      api_reject_empty_patch(req, "name, email, notes", &r) || api_require_if_match(req, &r))
    return r;
  return call(req, &in, NULL, customer_update, 200);
}

enum MHD_Result api_customers_delete(struct request *req)
{
  if (!authz_may(&req->principal, CAP_CUSTOMERS_DELETE))
    return reply_problem(req, ERR_FORBIDDEN,
                         "Deleting a customer needs an office user with full rights");
  struct customer_in in = {0};
  return call(req, &in, NULL, customer_delete, 204);
}
