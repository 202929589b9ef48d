/* sessions.c - sign-in by e-mail link and browser sessions: POST /v1/sign-in (always 202, the
 * same body whoever asks), POST /v1/sessions (a link's token -> the session cookie),
 * GET /v1/sessions (the caller's own), DELETE /v1/sessions/{id} (sign-out when it is the
 * current one). */
#include "app.h"
#include "domain/contact.h"
#include "domain/dates.h"
#include "handlers.h"
#include "service/sessions.h"
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const languages[] = {"sv", "en", NULL};

static const struct field_spec sign_in_fields[] = {
    {.name = "email", .type = FIELD_STRING, .required = true, .min_len = 3, .max_len = 254,
     .check = contact_email_check, .to = FIELD_TO(struct sign_in_ask, email)},
    {.name = "language", .type = FIELD_ENUM, .allowed = languages,
     .to = FIELD_TO(struct sign_in_ask, language)},
    {0},
};

static const struct field_spec session_fields[] = {
    {.name = "token", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 200,
     .to = FIELD_TO(struct session_start, token)},
    {0},
};

#define SIGN_IN_ANSWER                                                                       \
  "If the address belongs to an account, a sign-in link is on its way to it. The link works " \
  "once, for 15 minutes."

enum MHD_Result api_sign_in(struct request *req)
{
  enum MHD_Result r;
  struct sign_in_ask a = {.language = "sv"};
  if (!validate_body_into(req, sign_in_fields, &a, &r))
    return r;
  char key[STORE_EMAIL_LEN];
  snprintf(key, sizeof key, "%s", a.email);
  for (char *p = key; *p; p++)
    if (*p >= 'A' && *p <= 'Z')
      *p = (char)(*p - 'A' + 'a');
  unsigned wait_s = http_throttle(req, key);
  if (wait_s) {
    char v[16];
    snprintf(v, sizeof v, "%u", wait_s);
    http_add_header(req, MHD_HTTP_HEADER_RETRY_AFTER, v);
    return reply_problem(req, ERR_RATE_LIMITED,
                         "Too many sign-in requests for this address or from your address; "
                         "try again in %u seconds", wait_s);
  }
  a.secret = &req->app->secret;
  a.now_ms = util_now_ms();
  enum store_status st = sign_in_request(req->app, &a);
  if (st != STORE_OK)
    return api_store_failure(req, st, "sign-in");
  return reply_json(req, 202, json_pack("{s:s}", "message", SIGN_IN_ANSWER));
}

/* A session as the API shows it (new reference). */
static json_t *session_json(const struct session *s, int64_t idle_ms, bool current)
{
  char last[32], exp[32], idle[32];
  date_iso_ms(s->last_seen_ms, last, sizeof last);
  date_iso_ms(s->expires_ms, exp, sizeof exp);
  int64_t idle_end = s->last_seen_ms + idle_ms;
  date_iso_ms(idle_end < s->expires_ms ? idle_end : s->expires_ms, idle, sizeof idle);
  json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "id", s->id, "created_at",
                        s->created_at, "last_used_at", last, "expires_at", exp,
                        "idle_expires_at", idle, "current", current);
  if (j && s->user_agent[0])
    json_object_set_new(j, "user_agent", json_string(s->user_agent));
  return j;
}

enum MHD_Result api_sessions_create(struct request *req)
{
  enum MHD_Result r;
  const struct config *cfg = req->app->cfg;
  struct session_start s = {.user_agent = http_header(req, "User-Agent"),
                            .now_ms = util_now_ms(),
                            .max_ms = cfg->session_max * 1000};
  if (!validate_body_into(req, session_fields, &s, &r))
    return r;
  struct principal p;
  enum store_status st = session_begin(req->app, &s, &p);
  if (st != STORE_OK)
    return api_store_failure(req, st, "session");
  switch (s.outcome) {
  case SIGN_IN_UNKNOWN:
    return reply_problem(req, ERR_NOT_FOUND, "No such sign-in link; ask for a new one");
  case SIGN_IN_USED:
    return reply_problem(req, ERR_GONE, "This sign-in link was already used; ask for a new one");
  case SIGN_IN_EXPIRED:
    return reply_problem(req, ERR_GONE, "This sign-in link has expired; ask for a new one");
  case SIGN_IN_GONE:
    return reply_problem(req, ERR_GONE, "The account this link was sent for no longer exists");
  case SIGN_IN_STARTED:
    break;
  }
  struct principal_view *v = calloc(1, sizeof *v);
  st = v ? principal_view_read(req->app, &p, v) : STORE_ERROR;
  json_t *principal = st == STORE_OK ? api_principal_json(&p, v) : NULL;
  free(v);
  if (!principal) {
    memset(s.cookie, 0, sizeof s.cookie);
    return api_store_failure(req, st == STORE_OK ? STORE_ERROR : st, "session");
  }
  char csrf[SECRET_TOKEN_LEN], cookie[256];
  api_csrf_token(req->app, s.cookie, csrf);
  api_session_cookie(req->app, s.cookie, cfg->session_max, cookie, sizeof cookie);
  memset(s.cookie, 0, sizeof s.cookie);
  http_add_header(req, "Set-Cookie", cookie);
  http_add_header(req, "Cache-Control", "no-store");
  json_t *body = json_pack("{s:o, s:s, s:o}", "session",
                           session_json(&s.session, cfg->session_idle * 1000, true),
                           "csrf_token", csrf, "principal", principal);
  return reply_json(req, 201, body);
}

struct list_ctx {
  json_t *items;
  const char *current;
  int64_t idle_ms;
};

static bool list_row(const struct session *s, void *arg)
{
  struct list_ctx *l = arg;
  json_array_append_new(l->items, session_json(s, l->idle_ms, strcmp(s->id, l->current) == 0));
  return json_array_size(l->items) < 200;
}

enum MHD_Result api_sessions_list(struct request *req)
{
  struct list_ctx l = {json_array(), req->principal.session_id,
                       req->app->cfg->session_idle * 1000};
  enum store_status st = sessions_page(req->app, &req->principal, list_row, &l);
  if (st != STORE_OK) {
    json_decref(l.items);
    return api_store_failure(req, st, "session");
  }
  return reply_json(req, 200, json_pack("{s:o}", "items", l.items));
}

enum MHD_Result api_sessions_delete(struct request *req)
{
  const char *id = http_param(req, "id");
  if (!util_is_uuid(id))
    return reply_problem(req, ERR_BAD_PATH_PARAM, "The session id must be a UUID");
  enum store_status st = session_end(req->app, &req->principal, id);
  if (st == STORE_NOT_FOUND)
    return reply_problem(req, ERR_NOT_FOUND, "You have no live session with this id");
  if (st != STORE_OK)
    return api_store_failure(req, st, "session");
  if (strcmp(id, req->principal.session_id) == 0) {
    char cookie[256];
    api_session_cookie(req->app, "", 0, cookie, sizeof cookie);
    http_add_header(req, "Set-Cookie", cookie);
  }
  return reply_empty(req, 204);
}
