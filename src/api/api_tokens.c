/* api_tokens.c - API tokens for integrations: GET/POST /v1/tokens, DELETE /v1/tokens/{id}.
 * An office user with full rights manages the office's tokens, a customer administrator its
 * company's. A token is shown once, at creation; it acts as the person who made it, and a
 * revoked one is refused at once. */
#include "app.h"
#include "domain/authz.h"
#include "domain/contact.h"
#include "domain/dates.h"
#include "handlers.h"
#include "resource.h"
#include "service/audit.h"
#include "store_tokens.h"
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct field_spec create_fields[] = {
    {.name = "name", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 100,
     .check = contact_name_check},
    {.name = "expires_at", .type = FIELD_STRING, .nullable = true, .min_len = 20,
     .max_len = 40},
    {0},
};

static const struct field_spec list_query[] = {
    {.name = "cursor", .type = FIELD_STRING, .min_len = 1, .max_len = API_CURSOR_MAX},
    {.name = "limit", .type = FIELD_INT, .min = 1, .max = API_LIST_MAX_LIMIT},
    {0},
};

/* The caller's scope: its office (office users) or its company (customer administrators). */
static const char *scope_office(const struct request *req)
{
  return req->principal.kind == PRINCIPAL_OFFICE_USER ? req->principal.office_id : NULL;
}
static const char *scope_company(const struct request *req)
{
  return req->principal.kind == PRINCIPAL_CUSTOMER_ADMIN ? req->principal.company_id : NULL;
}

static bool may_manage(struct request *req, enum MHD_Result *r)
{
  if (authz_may(&req->principal, CAP_TOKENS_MANAGE))
    return true;
  *r = reply_problem(req, ERR_FORBIDDEN, "Only a user of the office with full rights (or a "
                                         "company's administrator) may manage API tokens");
  return false;
}

/* A token as the API lists it (new reference); never the token itself. */
static json_t *token_json(const struct api_token *t)
{
  char used[32] = "";
  if (t->last_used_ms)
    date_iso_ms(t->last_used_ms, used, sizeof used);
  return json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:{s:s, s:s}}", "id", t->id, "name",
                   t->name, "prefix", t->prefix, "created_at", t->created_at, "last_used_at",
                   used[0] ? json_string(used) : json_null(), "expires_at",
                   t->expires_at[0] ? json_string(t->expires_at) : json_null(), "created_by",
                   "id", t->created_by_id, "email", t->created_by_email);
}

static bool list_row(const struct api_token *t, void *arg)
{
  return api_page_add(arg, token_json(t), t->created_at, t->id);
}

static enum store_status list_fill(struct store_conn *c, const char *const *after,
                                   struct api_page *p, void *arg)
{
  const struct request *req = arg;
  return store_api_tokens_list(c, scope_office(req), scope_company(req), after[0], after[1],
                               p->limit + 1, list_row, p);
}

enum MHD_Result api_tokens_list(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r) || !validate_query(req, list_query, &r))
    return r;
  return api_list_run(req, list_fill, req, "token");
}

struct create_ctx {
  struct api_write w; /* first */
  const char *expires_at;
  char token[STORE_TOKEN_LEN];
  struct api_token t;
};

static enum store_status create_tx(struct store_conn *c, void *arg)
{
  struct create_ctx *x = arg;
  struct request *req = x->w.req;
  api_write_restart(&x->w);
  const char *name = json_str_member(req->json, "name");
  enum store_status st = store_api_token_issue(c, req->principal.kind, req->principal.id, name,
                                               x->expires_at, x->token, &x->t);
  if (st == STORE_OK)
    st = audit_record(c, &req->principal, "token_created", "token", x->t.id, name, x->t.prefix);
  if (st != STORE_OK)
    return st;
  snprintf(x->t.created_by_email, sizeof x->t.created_by_email, "%s", req->principal.email);
  x->w.body = token_json(&x->t);
  json_object_set_new(x->w.body, "token", json_string(x->token));
  snprintf(x->w.location, sizeof x->w.location, "/v1/tokens/%s", x->t.id);
  return STORE_OK;
}

enum MHD_Result api_tokens_create(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r) || !validate_body(req, create_fields, &r))
    return r;
  char expires[32] = "";
  const char *given = json_str_member(req->json, "expires_at");
  int64_t ms = 0;
  if (given && (!date_parse_iso_ms(given, &ms) || ms <= util_now_ms())) {
    json_t *errors = json_pack("[{s:s, s:s}]", "field", "expires_at", "message",
                               "must be a future time such as 2027-01-31T23:59:59Z (UTC)");
    return reply_validation(req, errors);
  }
  if (given)
    date_iso_s(ms, expires, sizeof expires);
  struct create_ctx *x = calloc(1, sizeof *x);
  if (!x)
    return api_store_failure(req, STORE_ERROR, "token");
  x->w.req = req;
  x->expires_at = given ? expires : NULL;
  http_add_header(req, "Cache-Control", "no-store");
  r = api_write_run(&x->w, create_tx, x, 201, "token");
  memset(x->token, 0, sizeof x->token);
  free(x);
  return r;
}

enum MHD_Result api_tokens_get(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r))
    return r;
  struct api_token t;
  struct store_conn *c = store_conn(req->app->store);
  enum store_status st = !util_is_uuid(http_param(req, "id")) ? STORE_NOT_FOUND
                         : c ? store_api_token_get(c, scope_office(req), scope_company(req),
                                                   http_param(req, "id"), &t)
                             : STORE_ERROR;
  if (st == STORE_NOT_FOUND)
    return reply_problem(req, ERR_NOT_FOUND, "No such live API token of %s",
                         scope_office(req) ? "your office" : "your company");
  return st == STORE_OK ? reply_json(req, 200, token_json(&t)) : api_store_failure(req, st, "token");
}

struct revoke_ctx {
  struct request *req;
  struct api_token t;
};

static enum store_status revoke_tx(struct store_conn *c, void *arg)
{
  struct revoke_ctx *x = arg;
  struct request *req = x->req;
  enum store_status st = store_api_token_revoke(c, scope_office(req), scope_company(req),
                                                http_param(req, "id"), &x->t);
  if (st == STORE_OK)
    st = audit_record(c, &req->principal, "token_revoked", "token", x->t.id, x->t.name,
                      x->t.prefix);
  return st;
}

enum MHD_Result api_tokens_delete(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r))
    return r;
  if (!util_is_uuid(http_param(req, "id")))
    return reply_problem(req, ERR_NOT_FOUND, "No such API token of yours");
  struct revoke_ctx *x = calloc(1, sizeof *x);
  if (!x)
    return api_store_failure(req, STORE_ERROR, "token");
  x->req = req;
  enum store_status st = store_write(req->app->store, revoke_tx, x);
  free(x);
  if (st == STORE_NOT_FOUND)
    return reply_problem(req, ERR_NOT_FOUND, "No such live API token of %s",
                         scope_office(req) ? "your office" : "your company");
  return st == STORE_OK ? reply_empty(req, 204) : api_store_failure(req, st, "token");
}
