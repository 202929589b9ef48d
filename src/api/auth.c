/* auth.c - authentication: a bearer token ("Authorization: Bearer <token>") or the session
 * cookie of a signed-in browser, each looked up by its SHA-256, filling req->principal.
 * A cookie-authenticated request that changes something must also prove that this site sent
 * it (the CSRF token in X-CSRF-Token; an Origin, when sent, must be the public URL's).
 * http/ calls it for every non-public route. */
#include "api.h"
#include "app.h"
#include "log.h"
#include "service/sessions.h"
#include "store_identity.h"
#include "store_session.h"
#include "store_tokens.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define TOKEN_MAX 200
#define TOUCH_EVERY_MS 60000 /* a session's last use is written at most once a minute */

static bool token68(const char *t, size_t n)
{
  for (size_t i = 0; i < n; i++) /* RFC 6750 token68 characters */
    if (!((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z') ||
          (t[i] >= '0' && t[i] <= '9') || strchr("-._~+/=", t[i])))
      return false;
  return true;
}

/* The token in an Authorization header value, or NULL when it is not a sane bearer token.
 * Returns a pointer into value. */
static const char *bearer_token(const char *value)
{
  if (!value || strncasecmp(value, "Bearer ", 7) != 0)
    return NULL;
  const char *t = value + 7;
  while (*t == ' ')
    t++;
  size_t n = strlen(t);
  return n == 0 || n > TOKEN_MAX || !token68(t, n) ? NULL : t;
}

static enum err_code store_answer(struct request *req, enum store_status st)
{
  switch (st) {
  case STORE_OK:
    return ERR_NONE;
  case STORE_NOT_FOUND:
    return ERR_UNAUTHENTICATED;
  case STORE_BUSY:
    return ERR_UNAVAILABLE;
  default:
    log_msg(LOG_ERROR, "auth_failed", "the credential store could not be read (request %s)",
            req->request_id);
    return ERR_INTERNAL;
  }
}

void api_csrf_token(const struct app *app, const char *cookie, char *out)
{
  secret_token(&app->secret, "csrf", cookie, out);
}

void api_session_cookie(const struct app *app, const char *value, long max_age_s, char *out,
                        size_t len)
{
  bool secure = strncasecmp(app->public_url, "https://", 8) == 0;
  snprintf(out, len, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Lax%s",
           API_SESSION_COOKIE, value, max_age_s, secure ? "; Secure" : "");
}

/* True when origin is the scheme, host and port of the public URL. */
static bool origin_is_ours(const struct app *app, const char *origin)
{
  const char *u = app->public_url;
  const char *host = strstr(u, "://");
  if (!host)
    return false;
  size_t n = strcspn(host + 3, "/") + (size_t)(host + 3 - u);
  return strlen(origin) == n && strncasecmp(origin, u, n) == 0;
}

static bool is_safe_method(const char *m)
{
  return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0;
}

/* Notes the credential's use, at most once a minute (a write per request would contend); in a
 * read snapshot, after it (api_snapshot: a write must not wait inside one). */
static void note_use(struct request *req, int64_t now)
{
  if (now - req->principal.credential_used_ms < TOUCH_EVERY_MS)
    return;
  if (req->in_snapshot)
    req->touch_due = true;
  else
    credential_touch(req->app, &req->principal); /* best effort */
}

/* The cookie's session; a write also needs its CSRF proof. */
static enum err_code cookie_authenticate(struct request *req, const char *cookie)
{
  size_t n = strlen(cookie);
  if (n < 6 || n > TOKEN_MAX || strncmp(cookie, "advs_", 5) != 0 || !token68(cookie, n)) {
    req->auth_detail = "The session cookie is not one this server gave out; sign in again";
    return ERR_UNAUTHENTICATED;
  }
  char hash[65];
  util_sha256_hex(cookie, hash);
  int64_t now = util_now_ms();
  enum store_status st = credential_session(req->app, hash, now, &req->principal);
  if (st == STORE_NOT_FOUND)
    req->auth_detail = "The session has ended or expired; sign in again";
  if (st != STORE_OK)
    return store_answer(req, st);
  note_use(req, now);
  if (is_safe_method(req->method))
    return ERR_NONE;
  const char *origin = http_header(req, "Origin");
  if (origin && !origin_is_ours(req->app, origin)) {
    req->auth_detail = "The request's Origin is not this server's public URL: a change made "
                       "with the session cookie must come from this site";
    return ERR_CSRF;
  }
  const char *proof = http_header(req, "X-CSRF-Token");
  char want[SECRET_TOKEN_LEN];
  api_csrf_token(req->app, cookie, want);
  /* want is empty only when the HMAC could not be made (out of memory): refuse then too */
  if (!proof || !want[0] || !util_const_eq(proof, want)) {
    req->auth_detail = proof ? "The X-CSRF-Token header does not belong to this session; "
                               "send the csrf_token given at sign-in"
                             : "A change made with the session cookie needs the header "
                               "X-CSRF-Token with the csrf_token given at sign-in";
    return ERR_CSRF;
  }
  return ERR_NONE;
}

enum err_code api_authenticate(struct request *req)
{
  memset(&req->principal, 0, sizeof req->principal);
  req->auth_detail = NULL;
  const char *authorization = http_header(req, "Authorization");
  const char *cookie = http_cookie(req, API_SESSION_COOKIE);
  if (!authorization && cookie)
    return cookie_authenticate(req, cookie);
  const char *token = bearer_token(authorization);
  if (!token)
    return ERR_UNAUTHENTICATED;
  enum err_code e = store_answer(req, credential_token(req->app, token, &req->principal));
  if (e == ERR_NONE)
    note_use(req, util_now_ms());
  return e;
}

struct snapshot_call {
  struct request *req;
  route_handler answer;
  enum MHD_Result result;
};

static void snapshot_answer(void *arg)
{
  struct snapshot_call *s = arg;
  s->result = s->answer(s->req);
}

enum MHD_Result api_snapshot(struct request *req, route_handler answer)
{
  struct snapshot_call s = {req, answer, MHD_NO};
  read_snapshot(req->app, snapshot_answer, &s);
  if (req->touch_due) {
    req->touch_due = false;
    credential_touch(req->app, &req->principal); /* best effort */
  }
  return s.result;
}
