/* users.c - office self-service, for users with full rights: GET/POST /v1/users,
 * PATCH/DELETE /v1/users/{id}. The office always keeps a user with full rights: the last
 * one can be neither removed nor demoted. A removed user's tokens and sessions die with it.
 * An invited user gets an e-mail with a sign-in link that works once within 7 days; later it
 * asks for a new link (POST /v1/sign-in). */
#include "app.h"
#include "domain/authz.h"
#include "domain/contact.h"
#include "handlers.h"
#include "resource.h"
#include "service/office_users.h"
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const roles[] = {"full", "limited", NULL};
static const char *const languages[] = {"sv", "en", NULL};

#define IN(member) FIELD_TO(struct user_in, member)

static const struct field_spec create_fields[] = {
    {.name = "email", .type = FIELD_STRING, .required = true, .min_len = 3, .max_len = 254,
     .check = contact_email_check, .to = IN(email)},
    {.name = "role", .type = FIELD_ENUM, .required = true, .allowed = roles, .to = IN(role)},
    {.name = "name", .type = FIELD_STRING, .min_len = 1, .max_len = 200,
     .check = contact_name_check, .to = IN(name)},
    {.name = "language", .type = FIELD_ENUM, .allowed = languages, .to = IN(language)},
    {0},
};

static const struct field_spec patch_fields[] = {
    {.name = "role", .type = FIELD_ENUM, .allowed = roles, .to = IN(role)},
    {.name = "name", .type = FIELD_STRING, .min_len = 1, .max_len = 200,
     .check = contact_name_check, .to = IN(name)},
    {0},
};

static const struct field_spec list_query[] = {
    {.name = "cursor", .type = FIELD_STRING, .min_len = 1, .max_len = API_CURSOR_MAX},
    {.name = "limit", .type = FIELD_INT, .min = 1, .max = API_LIST_MAX_LIMIT},
    {0},
};

/* A user as the API shows it (new reference). */
static json_t *user_json(const struct office_user *u)
{
  json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", u->id, "office_id", u->office_id,
                        "email", u->email, "role", office_role_str(u->role), "created_at",
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

static enum store_status list_fill(const char *const *after, struct api_page *p, void *arg)
{
  const struct request *req = arg;
  return office_users_page(req->app, &req->principal, after[0], after[1], p->limit + 1,
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
  enum store_status st = !util_is_uuid(http_param(req, "id"))
                             ? STORE_NOT_FOUND
                             : office_user_read(req->app, &req->principal, http_param(req, "id"),
                                                &u);
  if (st == STORE_NOT_FOUND)
    return reply_problem(req, ERR_NOT_FOUND, "No such user in your office");
  return st == STORE_OK ? reply_json(req, 200, user_json(&u)) : api_store_failure(req, st, "user");
}

/* Renders a user and, once created, its Location. */
static void render(const void *resource, struct api_render *w)
{
  const struct office_user *u = resource;
  w->body = user_json(u);
  if (w->ik)
    snprintf(w->location, sizeof w->location, "/v1/users/%s", u->id);
}

/* Runs the use case fn with in and answers status. */
static enum MHD_Result call(struct request *req, struct user_in *in, const struct idem *ik,
                            enum store_status (*fn)(const struct app *, const struct user_in *,
                                                    struct user_out *),
                            unsigned status)
{
  struct api_render w = {.principal_id = req->principal.id, .ik = ik, .render = render};
  in->caller = &req->principal;
  in->id = http_param(req, "id");
  in->created = (struct created_hook){.fn = api_render_keep, .arg = &w};
  struct user_out *out = calloc(1, sizeof *out);
  enum store_status st = out ? fn(req->app, in, out) : STORE_ERROR;
  struct refusal none = {0};
  enum MHD_Result r = api_render_reply(req, &w, st, out ? &out->refusal : &none,
                                       out ? &out->u : NULL, status, "user");
  free(out);
  return r;
}

enum MHD_Result api_users_create(struct request *req)
{
  enum MHD_Result r;
  struct user_in in = {0};
  if (!may_manage(req, &r) || !validate_body_into(req, create_fields, &in, &r))
    return r;
  struct idem ik;
  if (api_idem_begin(req, &ik, &r))
    return r;
  return call(req, &in, &ik, office_user_add, 201);
}

enum MHD_Result api_users_patch(struct request *req)
{
  enum MHD_Result r;
  struct user_in in = {0};
  if (!may_manage(req, &r) || !validate_body_into(req, patch_fields, &in, &r) ||
      api_reject_empty_patch(req, "role, name", &r))
    return r;
  if (!util_is_uuid(http_param(req, "id")))
    return reply_problem(req, ERR_NOT_FOUND, "No such user in your office");
  return call(req, &in, NULL, office_user_change, 200);
}

enum MHD_Result api_users_delete(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r))
    return r;
  if (!util_is_uuid(http_param(req, "id")))
    return reply_problem(req, ERR_NOT_FOUND, "No such user in your office");
  struct user_in in = {0};
  return call(req, &in, NULL, office_user_remove, 204);
}
