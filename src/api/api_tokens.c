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
#include "service/api_tokens.h"
#include "store_tokens.h"
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct field_spec create_fields[] = {
    {.name = "name", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 100,
     .check = contact_name_check, .to = FIELD_TO(struct token_in, name)},
    {.name = "expires_at", .type = FIELD_STRING, .nullable = true, .min_len = 20,
     .max_len = 40, .to = FIELD_TO(struct token_in, expires_at)},
    {0},
};

static const struct field_spec list_query[] = {
    {.name = "cursor", .type = FIELD_STRING, .min_len = 1, .max_len = API_CURSOR_MAX},
    {.name = "limit", .type = FIELD_INT, .min = 1, .max = API_LIST_MAX_LIMIT},
    {0},
};

/* The caller's scope: its office (office users), else its company (customer administrators). */
static const char *scope_office(const struct request *req)
{
  return token_scope_office(&req->principal);
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

static enum store_status list_fill(const char *const *after, struct api_page *p, void *arg)
{
  const struct request *req = arg;
  return api_tokens_page(req->app, &req->principal, after[0], after[1], p->limit + 1, list_row,
                         p);
}

enum MHD_Result api_tokens_list(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r) || !validate_query(req, list_query, &r))
    return r;
  return api_list_run(req, list_fill, req, "token");
}

enum MHD_Result api_tokens_create(struct request *req)
{
  enum MHD_Result r;
  struct token_in in = {.caller = &req->principal};
  if (!may_manage(req, &r) || !validate_body_into(req, create_fields, &in, &r))
    return r;
  char expires[32] = "";
  const char *given = in.expires_at;
  int64_t ms = 0;
  if (given && (!date_parse_iso_ms(given, &ms) || ms <= util_now_ms())) {
    json_t *errors = json_pack("[{s:s, s:s}]", "field", "expires_at", "message",
                               "must be a future time such as 2027-01-31T23:59:59Z (UTC)");
    return reply_validation(req, errors);
  }
  if (given)
    date_iso_s(ms, expires, sizeof expires);
  in.expires_at = given ? expires : NULL;
  struct token_out *out = calloc(1, sizeof *out);
  if (!out)
    return api_store_failure(req, STORE_ERROR, "token");
  http_add_header(req, "Cache-Control", "no-store");
  enum store_status st = api_token_issue(req->app, &in, out);
  if (st == STORE_OK) {
    json_t *body = token_json(&out->t);
    json_object_set_new(body, "token", json_string(out->token));
    char location[96];
    snprintf(location, sizeof location, "/v1/tokens/%s", out->t.id);
    http_add_header(req, "Location", location);
    r = reply_json_etag(req, 201, body, NULL);
  } else {
    r = api_store_failure(req, st, "token");
  }
  memset(out->token, 0, sizeof out->token);
  free(out);
  return r;
}

enum MHD_Result api_tokens_get(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r))
    return r;
  struct api_token t;
  enum store_status st = !util_is_uuid(http_param(req, "id"))
                             ? STORE_NOT_FOUND
                             : api_token_read(req->app, &req->principal, http_param(req, "id"),
                                              &t);
  if (st == STORE_NOT_FOUND)
    return reply_problem(req, ERR_NOT_FOUND, "No such live API token of %s",
                         scope_office(req) ? "your office" : "your company");
  return st == STORE_OK ? reply_json(req, 200, token_json(&t)) : api_store_failure(req, st, "token");
}

enum MHD_Result api_tokens_delete(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r))
    return r;
  if (!util_is_uuid(http_param(req, "id")))
    return reply_problem(req, ERR_NOT_FOUND, "No such API token of yours");
  struct token_in in = {.caller = &req->principal, .id = http_param(req, "id")};
  struct token_out *out = calloc(1, sizeof *out);
  enum store_status st = out ? api_token_revoke(req->app, &in, out) : STORE_ERROR;
  free(out);
  if (st == STORE_NOT_FOUND)
    return reply_problem(req, ERR_NOT_FOUND, "No such live API token of %s",
                         scope_office(req) ? "your office" : "your company");
  return st == STORE_OK ? reply_empty(req, 204) : api_store_failure(req, st, "token");
}
