/* users.c - office self-service, for users with full rights: GET/POST /v1/users,
 * PATCH/DELETE /v1/users/{id}. The office always keeps a user with full rights: the last
 * one can be neither removed nor demoted. A removed user's tokens and sessions die with it.
 * An invited user gets an e-mail with a sign-in link that works once within 7 days; later it
 * asks for a new link (POST /v1/sign-in). */
#include "app.h"
#include "mailer.h"
#include "service/audit.h"
#include "service/sign_in.h"
#include "domain/authz.h"
#include "domain/contact.h"
#include "handlers.h"
#include "resource.h"
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const roles[] = {"full", "limited", NULL};
static const char *const languages[] = {"sv", "en", NULL};

static const struct field_spec create_fields[] = {
    {.name = "email", .type = FIELD_STRING, .required = true, .min_len = 3, .max_len = 254,
     .check = contact_email_check},
    {.name = "role", .type = FIELD_ENUM, .required = true, .allowed = roles},
    {.name = "name", .type = FIELD_STRING, .min_len = 1, .max_len = 200,
     .check = contact_name_check},
    {.name = "language", .type = FIELD_ENUM, .allowed = languages},
    {0},
};

static const struct field_spec patch_fields[] = {
    {.name = "role", .type = FIELD_ENUM, .allowed = roles},
    {.name = "name", .type = FIELD_STRING, .min_len = 1, .max_len = 200,
     .check = contact_name_check},
    {0},
};

static const struct field_spec list_query[] = {
    {.name = "cursor", .type = FIELD_STRING, .min_len = 1, .max_len = API_CURSOR_MAX},
    {.name = "limit", .type = FIELD_INT, .min = 1, .max = API_LIST_MAX_LIMIT},
    {0},
};

static const char *role_str(enum office_role r) { return r == OFFICE_ROLE_FULL ? "full" : "limited"; }

static enum office_role role_parse(const char *s)
{
  return !s ? OFFICE_ROLE_NONE : strcmp(s, "full") == 0 ? OFFICE_ROLE_FULL : OFFICE_ROLE_LIMITED;
}

/* A user as the API shows it (new reference). */
static json_t *user_json(const struct office_user *u)
{
  json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", u->id, "office_id", u->office_id,
                        "email", u->email, "role", role_str(u->role), "created_at",
                        u->created_at);
  if (j)
    json_object_set_new(j, "name", u->name[0] ? json_string(u->name) : json_null());
  return j;
}

/* False after answering 403 when the caller may not manage the office's users. */
static bool may_manage(struct request *req, enum MHD_Result *r)
{
  if (authz_may(&req->principal, CAP_USERS_MANAGE))
    return true;
  *r = reply_problem(req, ERR_FORBIDDEN,
                     "Only a user of the office with full rights may manage its users");
  return false;
}

static bool list_row(const struct office_user *u, void *arg)
{
  return api_page_add(arg, user_json(u), u->created_at, u->id);
}

static enum store_status list_fill(struct store_conn *c, const char *const *after,
                                   struct api_page *p, void *arg)
{
  const struct request *req = arg;
  return store_office_users_list(c, req->principal.office_id, after[0], after[1], p->limit + 1,
                                 list_row, p);
}

enum MHD_Result api_users_list(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r) || !validate_query(req, list_query, &r))
    return r;
  return api_list_run(req, list_fill, req, "user");
}

enum MHD_Result api_users_get(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r))
    return r;
  struct office_user u;
  struct store_conn *c = store_conn(req->app->store);
  enum store_status st = !util_is_uuid(http_param(req, "id")) ? STORE_NOT_FOUND
                         : c ? store_office_user_get(c, req->principal.office_id,
                                                     http_param(req, "id"), &u)
                             : STORE_ERROR;
  if (st == STORE_NOT_FOUND)
    return reply_problem(req, ERR_NOT_FOUND, "No such user in your office");
  return st == STORE_OK ? reply_json(req, 200, user_json(&u)) : api_store_failure(req, st, "user");
}

struct write_ctx {
  struct api_write w; /* first: what the reply is made of */
  struct office_user u;
};

/* The invitation e-mail with the new user's first sign-in link. */
static enum store_status tell_new_user(struct store_conn *c, const struct request *req,
                                       const struct office_user *u)
{
  struct office o;
  enum store_status st = store_office_get(c, u->office_id, &o);
  if (st != STORE_OK)
    return st;
  const char *lang = json_str_member(req->json, "language");
  struct sign_in_invitation inv = {.user_id = u->id, .email = u->email, .office_name = o.name,
                                   .actor_name = req->principal.email,
                                   .full = u->role == OFFICE_ROLE_FULL,
                                   .language = lang ? lang : "sv",
                                   .secret = &req->app->secret, .now_ms = util_now_ms()};
  return sign_in_invite(c, &inv);
}

static enum store_status create_tx(struct store_conn *c, void *arg)
{
  struct write_ctx *w = arg;
  struct request *req = w->w.req;
  api_write_restart(&w->w);
  const char *email = json_str_member(req->json, "email");
  enum office_role role = role_parse(json_str_member(req->json, "role"));
  const char *name = json_str_member(req->json, "name");
  enum store_status st = store_office_user_create(c, req->principal.office_id, email, role, &w->u);
  if (st == STORE_CONFLICT)
    return refuse(&w->w.err, ERR_DUPLICATE, "%s is already a user of your office", email);
  if (st == STORE_OK && name) {
    st = store_office_user_update(c, req->principal.office_id, w->u.id, name, OFFICE_ROLE_NONE);
    snprintf(w->u.name, sizeof w->u.name, "%s", name);
  }
  if (st == STORE_OK)
    st = audit_record(c, &req->principal, "user_added", "office_user", w->u.id, email,
                      role_str(role));
  if (st == STORE_OK)
    st = tell_new_user(c, req, &w->u);
  if (st != STORE_OK)
    return st;
  w->w.body = user_json(&w->u);
  snprintf(w->w.location, sizeof w->w.location, "/v1/users/%s", w->u.id);
  return api_idem_finish(c, req->principal.id, w->w.ik, 201, w->w.body, w->w.location, NULL);
}

enum MHD_Result api_users_create(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r) || !validate_body(req, create_fields, &r))
    return r;
  struct idem ik;
  if (api_idem_begin(req, &ik, &r))
    return r;
  struct write_ctx *w = calloc(1, sizeof *w);
  if (!w)
    return api_store_failure(req, STORE_ERROR, "user");
  w->w = (struct api_write){.req = req, .ik = &ik};
  r = api_write_run(&w->w, create_tx, w, 201, "user");
  mailer_wake(req->app->mailer);
  free(w);
  return r;
}

/* STORE_OK when the office keeps a user with full rights without u; else records 409. */
static enum store_status keep_a_full_user(struct store_conn *c, struct write_ctx *w,
                                          const char *what)
{
  if (w->u.role != OFFICE_ROLE_FULL)
    return STORE_OK;
  long n = 0;
  enum store_status st = store_office_full_users(c, w->u.office_id, &n);
  if (st != STORE_OK)
    return st;
  if (n <= 1)
    return refuse(&w->w.err, ERR_CONFLICT,
                   "%s is the office's last user with full rights and cannot be %s; give "
                   "another user full rights first", w->u.email, what);
  return STORE_OK;
}

/* At the start of each attempt: the user named in the path, of the caller's office. */
static enum store_status load_user(struct store_conn *c, struct write_ctx *w)
{
  struct request *req = w->w.req;
  api_write_restart(&w->w);
  enum store_status st =
      store_office_user_get(c, req->principal.office_id, http_param(req, "id"), &w->u);
  return st == STORE_NOT_FOUND ? refuse(&w->w.err, ERR_NOT_FOUND, "No such user in your office")
                               : st;
}

static enum store_status patch_tx(struct store_conn *c, void *arg)
{
  struct write_ctx *w = arg;
  struct request *req = w->w.req;
  enum store_status st = load_user(c, w);
  if (st != STORE_OK)
    return st;
  enum office_role role = role_parse(json_str_member(req->json, "role"));
  const char *name = json_str_member(req->json, "name");
  enum office_role was = w->u.role;
  if (role == OFFICE_ROLE_LIMITED && (st = keep_a_full_user(c, w, "made limited")) != STORE_OK)
    return st;
  if ((st = store_office_user_update(c, req->principal.office_id, w->u.id, name, role)) !=
      STORE_OK)
    return st;
  if (role != OFFICE_ROLE_NONE && role != was &&
      (st = audit_record(c, &req->principal, "user_role_changed", "office_user", w->u.id,
                         w->u.email, role_str(role))) != STORE_OK)
    return st;
  if ((st = store_office_user_get(c, req->principal.office_id, w->u.id, &w->u)) != STORE_OK)
    return st;
  w->w.body = user_json(&w->u);
  return STORE_OK;
}

enum MHD_Result api_users_patch(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r) || !validate_body(req, patch_fields, &r) ||
      api_reject_empty_patch(req, "role, name", &r))
    return r;
  if (!util_is_uuid(http_param(req, "id")))
    return reply_problem(req, ERR_NOT_FOUND, "No such user in your office");
  struct write_ctx *w = calloc(1, sizeof *w);
  if (!w)
    return api_store_failure(req, STORE_ERROR, "user");
  w->w.req = req;
  r = api_write_run(&w->w, patch_tx, w, 200, "user");
  free(w);
  return r;
}

static enum store_status delete_tx(struct store_conn *c, void *arg)
{
  struct write_ctx *w = arg;
  struct request *req = w->w.req;
  enum store_status st = load_user(c, w);
  if (st != STORE_OK || (st = keep_a_full_user(c, w, "removed")) != STORE_OK)
    return st;
  if ((st = store_office_user_remove(c, req->principal.office_id, w->u.id)) != STORE_OK)
    return st;
  return audit_record(c, &req->principal, "user_removed", "office_user", w->u.id, w->u.email,
                      role_str(w->u.role));
}

enum MHD_Result api_users_delete(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r))
    return r;
  if (!util_is_uuid(http_param(req, "id")))
    return reply_problem(req, ERR_NOT_FOUND, "No such user in your office");
  struct write_ctx *w = calloc(1, sizeof *w);
  if (!w)
    return api_store_failure(req, STORE_ERROR, "user");
  w->w.req = req;
  enum store_status st = store_write(req->app->store, delete_tx, w);
  r = st == STORE_OK ? reply_empty(req, 204) : tx_reply(req, &w->w.err, st, "user");
  free(w);
  return r;
}
