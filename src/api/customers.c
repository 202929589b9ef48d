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
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct field_spec create_fields[] = {
    {.name = "corporate_id", .type = FIELD_STRING, .required = true, .min_len = 1,
     .max_len = 20, .check = corporate_id_check},
    {.name = "name", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 200,
     .check = contact_name_check},
    {.name = "email", .type = FIELD_STRING, .required = true, .min_len = 3, .max_len = 254,
     .check = contact_email_check},
    {.name = "notes", .type = FIELD_STRING, .nullable = true, .max_len = 2000},
    {.name = "company_name", .type = FIELD_STRING, .min_len = 1, .max_len = 200,
     .check = contact_name_check},
    {0},
};

static const struct field_spec patch_fields[] = {
    {.name = "name", .type = FIELD_STRING, .min_len = 1, .max_len = 200,
     .check = contact_name_check},
    {.name = "email", .type = FIELD_STRING, .min_len = 3, .max_len = 254,
     .check = contact_email_check},
    {.name = "notes", .type = FIELD_STRING, .nullable = true, .max_len = 2000},
    {0},
};

static const char *const task_statuses[] = {"open", "closed", NULL};

static const struct field_spec list_query[] = {
    {.name = "q", .type = FIELD_STRING, .min_len = 1, .max_len = 200},
    {.name = "has_open_collaboration", .type = FIELD_BOOL},
    {.name = "task_status", .type = FIELD_ENUM, .allowed = task_statuses},
    {.name = "cursor", .type = FIELD_STRING, .min_len = 1, .max_len = API_CURSOR_MAX},
    {.name = "limit", .type = FIELD_INT, .min = 1, .max = API_LIST_MAX_LIMIT},
    {0},
};

/* Sets the customer's fields present in body (name, email, notes). */
static void apply_fields(struct customer *cu, json_t *body)
{
  const char *v;
  if ((v = json_str_member(body, "name")))
    snprintf(cu->name, sizeof cu->name, "%s", v);
  if ((v = json_str_member(body, "email")))
    snprintf(cu->email, sizeof cu->email, "%s", v);
  json_t *notes = json_object_get(body, "notes");
  if (notes) {
    cu->has_notes = json_is_string(notes);
    snprintf(cu->notes, sizeof cu->notes, "%s", cu->has_notes ? json_string_value(notes) : "");
  }
}

/* Renders cu with its collaboration flag, and its Location and ETag. */
static enum store_status render(const struct customer *cu, json_t **body, char *etag,
                                size_t etag_len)
{
  *body = api_customer_json(cu);
  etag_of(cu->version, etag, etag_len);
  return *body ? STORE_OK : STORE_ERROR;
}

struct write_ctx {
  struct api_write w; /* first: what the reply is made of */
  struct customer cu;
};

static enum store_status create_tx(struct store_conn *c, void *arg)
{
  struct write_ctx *w = arg;
  api_write_restart(&w->w);
  json_t *in = w->w.req->json;
  char cid[CORPORATE_ID_LEN];
  corporate_id_normalize(json_str_member(in, "corporate_id"), cid, NULL);
  struct company co;
  enum store_status st = store_company_get_by_corporate_id(c, cid, &co);
  if (st == STORE_NOT_FOUND) { /* unknown to the vendor: a company with no relation */
    memset(&co, 0, sizeof co);
    memcpy(co.corporate_id, cid, sizeof cid);
    /* the company's own name when the office gives it (customer-facing texts show it);
     * otherwise the office's name for it is the only one known */
    const char *own = json_str_member(in, "company_name");
    snprintf(co.name, sizeof co.name, "%s", own ? own : json_str_member(in, "name"));
    snprintf(co.relation, sizeof co.relation, "none");
    st = store_company_create(c, &co);
  }
  if (st != STORE_OK)
    return st;
  memset(&w->cu, 0, sizeof w->cu);
  snprintf(w->cu.office_id, sizeof w->cu.office_id, "%s", w->w.req->principal.office_id);
  memcpy(w->cu.company_id, co.id, sizeof co.id);
  apply_fields(&w->cu, in);
  st = store_customer_create(c, &w->cu);
  if (st == STORE_CONFLICT)
    return refuse(&w->w.err, ERR_DUPLICATE,
                   "Your register already has a customer with corporate ID %s", cid);
  if (st == STORE_OK)
    st = render(&w->cu, &w->w.body, w->w.etag, sizeof w->w.etag);
  if (st != STORE_OK)
    return st;
  snprintf(w->w.location, sizeof w->w.location, "/v1/customers/%s", w->cu.id);
  return api_idem_finish(c, w->w.req->principal.id, w->w.ik, 201, w->w.body, w->w.location, w->w.etag);
}

enum MHD_Result api_customers_create(struct request *req)
{
  enum MHD_Result r;
  if (!validate_body(req, create_fields, &r))
    return r;
  struct idem ik;
  if (api_idem_begin(req, &ik, &r))
    return r;
  struct write_ctx *w = calloc(1, sizeof *w);
  if (!w) {
    api_idem_abandon(req, &ik);
    return api_store_failure(req, STORE_ERROR, "customer");
  }
  w->w.req = req;
  w->w.ik = &ik;
  r = api_write_run(&w->w, create_tx, w, 201, "customer");
  free(w);
  return r;
}

static bool list_row(const struct customer *cu, void *arg)
{
  return api_page_add(arg, api_customer_json(cu), cu->name, cu->id);
}

enum MHD_Result api_customers_list(struct request *req)
{
  enum MHD_Result r;
  if (!validate_query(req, list_query, &r))
    return r;
  struct customer_filter f = {.office_id = req->principal.office_id,
                              .q = http_query(req, "q"),
                              .has_open_collaboration = -1,
                              .task_status = http_query(req, "task_status"),
                              .limit = api_list_limit(req, API_LIST_DEFAULT_LIMIT)};
  const char *open = http_query(req, "has_open_collaboration");
  if (open)
    f.has_open_collaboration = strcmp(open, "true") == 0;
  const char *cursor = http_query(req, "cursor");
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
  struct store_conn *c = store_conn(req->app->store);
  struct api_page *p = calloc(1, sizeof *p);
  enum store_status st = c && p ? STORE_OK : STORE_ERROR;
  if (st == STORE_OK) {
    *p = (struct api_page){.items = json_array(), .limit = f.limit};
    f.limit += 1;
    st = store_customers_list(c, &f, list_row, p);
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
  struct store_conn *c = store_conn(req->app->store);
  struct customer *cu = malloc(sizeof *cu);
  enum store_status st = c && cu ? store_customer_get(c, req->principal.office_id,
                                                      http_param(req, "id"), cu)
                                 : STORE_ERROR;
  json_t *body = NULL;
  char etag[32];
  if (st == STORE_OK)
    st = render(cu, &body, etag, sizeof etag);
  free(cu);
  if (st != STORE_OK)
    return api_store_failure(req, st, "customer in your register");
  return reply_json_etag(req, 200, body, etag);
}

static enum store_status patch_tx(struct store_conn *c, void *arg)
{
  struct write_ctx *w = arg;
  struct request *req = w->w.req;
  api_write_restart(&w->w);
  enum store_status st =
      store_customer_get(c, req->principal.office_id, http_param(req, "id"), &w->cu);
  if (st == STORE_NOT_FOUND)
    return refuse(&w->w.err, ERR_NOT_FOUND, "No such customer in your register");
  if (st != STORE_OK)
    return st;
  if ((st = tx_if_match(&w->w.err, req, "customer", w->cu.version)) != STORE_OK)
    return st;
  apply_fields(&w->cu, req->json);
  st = store_customer_update(c, &w->cu, w->cu.version);
  if (st == STORE_OK)
    st = render(&w->cu, &w->w.body, w->w.etag, sizeof w->w.etag);
  return st;
}

enum MHD_Result api_customers_patch(struct request *req)
{
  enum MHD_Result r;
  if (!validate_body(req, patch_fields, &r) || api_reject_empty_patch(req, "name, email, notes", &r) ||
      api_require_if_match(req, &r))
    return r;
  struct write_ctx *w = calloc(1, sizeof *w);
  if (!w)
    return api_store_failure(req, STORE_ERROR, "customer");
  w->w.req = req;
  r = api_write_run(&w->w, patch_tx, w, 200, "customer");
  free(w);
  return r;
}

static enum store_status delete_tx(struct store_conn *c, void *arg)
{
  struct write_ctx *w = arg;
  struct request *req = w->w.req;
  const char *id = http_param(req, "id");
  enum store_status st = store_customer_get(c, req->principal.office_id, id, &w->cu);
  if (st == STORE_NOT_FOUND)
    return refuse(&w->w.err, ERR_NOT_FOUND, "No such customer in your register");
  if (st != STORE_OK)
    return st;
  if (api_if_match(req, w->cu.version) == IF_MATCH_FAILED)
    return refuse(&w->w.err, ERR_PRECONDITION_FAILED,
                   "The customer has changed: its current ETag is \"%lld\"",
                   (long long)w->cu.version);
  if (w->cu.has_open_collaboration)
    return refuse(&w->w.err, ERR_OPEN_COLLABORATION,
                   "The customer has an open collaboration; end or withdraw it first");
  st = store_customer_delete(c, req->principal.office_id, id);
  if (st == STORE_CONFLICT)
    return refuse(&w->w.err, ERR_CONFLICT,
                   "The customer has collaboration history that refers to it");
  return st;
}

enum MHD_Result api_customers_delete(struct request *req)
{
  if (!authz_may(&req->principal, CAP_CUSTOMERS_DELETE))
    return reply_problem(req, ERR_FORBIDDEN,
                         "Deleting a customer needs an office user with full rights");
  struct write_ctx *w = calloc(1, sizeof *w);
  if (!w)
    return api_store_failure(req, STORE_ERROR, "customer");
  w->w.req = req;
  enum store_status st = store_write(req->app->store, delete_tx, w);
  enum MHD_Result r =
      st == STORE_OK ? reply_empty(req, 204) : tx_reply(req, &w->w.err, st, "customer");
  free(w);
  return r;
}
