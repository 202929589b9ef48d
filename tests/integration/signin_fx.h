/* signin_fx.h - helpers for the sign-in tests (header-only): ask for a link, find it in the
 * e-mail the server wrote to its spool (<dir>/mail/<outbox id>.eml, quoted-printable), turn it
 * into a session, and call the API with the session cookie (and its CSRF token). */
#ifndef ADVISORD_TEST_SIGNIN_FX_H
#define ADVISORD_TEST_SIGNIN_FX_H

#include "collab_fx.h"

#include <ctype.h>
#include <unistd.h>

struct sx_session {
  char cookie[128];   /* "advisord_session=<value>" as a Cookie header value */
  char value[96];     /* the cookie's value alone */
  char csrf[64];
  char id[FX_ID_LEN];
};

/* POST /v1/sign-in for email; returns the status (202 expected). */
static inline long sx_ask(struct server *s, const char *email, const char *language)
{
  struct resp r;
  char body[400];
  if (language)
    snprintf(body, sizeof body, "{\"email\":\"%s\",\"language\":\"%s\"}", email, language);
  else
    snprintf(body, sizeof body, "{\"email\":\"%s\"}", email);
  CHECK(api(s, "POST", "/v1/sign-in", NULL, body, &r));
  long st = r.status;
  if (st == 202)
    CHECK_STR(resp_str(&r, "message"), "If the address belongs to an account, a sign-in link "
                                       "is on its way to it. The link works once, for 15 "
                                       "minutes.");
  resp_free(&r);
  return st;
}

/* The sign-in e-mails to recipient so far. */
static inline long sx_mail_count(struct server *s, const char *recipient)
{
  return cx_count(s, "SELECT count(*) FROM outbox WHERE template = 'sign_in_link' AND "
                     "lower(recipient) = lower(?)", recipient);
}

/* Decodes quoted-printable text in place (soft line breaks dropped, =XX made bytes). */
static inline void sx_qp_decode(char *t)
{
  char *o = t;
  for (char *p = t; *p;) {
    if (p[0] == '=' && p[1] == '\r' && p[2] == '\n')
      p += 3;
    else if (p[0] == '=' && p[1] == '\n')
      p += 2;
    else if (p[0] == '=' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
      char hex[3] = {p[1], p[2], 0};
      *o++ = (char)strtol(hex, NULL, 16);
      p += 3;
    } else
      *o++ = *p++;
  }
  *o = '\0';
}

/* testdb_rows callback: the first column into arg (FX_ID_LEN bytes). */
static inline void sx_copy_first(const char *const *cols, void *arg)
{
  snprintf(arg, FX_ID_LEN, "%s", cols[0] ? cols[0] : "");
}

/* The newest e-mail of template to recipient as delivered to the spool, decoded, into text
 * (len bytes); waits up to 10 s for the mailer to deliver it. False when it did not. */
static inline bool sx_mail_text_of(struct server *s, const char *template_name,
                                   const char *recipient, char *text, size_t len)
{
  for (int tries = 0; tries < 400; tries++) {
    char id[FX_ID_LEN] = "";
    const char *params[] = {template_name, recipient, NULL};
    testdb_rows(s->db, "SELECT id FROM outbox WHERE template = ? AND "
                       "lower(recipient) = lower(?) ORDER BY rowid DESC LIMIT 1",
                params, 1, sx_copy_first, id);
    if (id[0]) {
      char path[400];
      snprintf(path, sizeof path, "%s/mail/%s.eml", s->dir, id);
      FILE *f = fopen(path, "r"); /* written whole, then renamed into place */
      if (f) {
        size_t n = fread(text, 1, len - 1, f);
        text[n] = '\0';
        fclose(f);
        sx_qp_decode(text);
        return true;
      }
    }
    usleep(25 * 1000);
  }
  return false;
}

/* The newest sign-in e-mail ("sign_in_link") to recipient. */
static inline bool sx_mail_text(struct server *s, const char *recipient, char *text, size_t len)
{
  return sx_mail_text_of(s, "sign_in_link", recipient, text, len);
}

/* The token of the sign-in link in the newest e-mail of template to recipient into token
 * (>= 64 bytes). */
static inline bool sx_link_token_of(struct server *s, const char *template_name,
                                    const char *recipient, char *token)
{
  static char text[16384];
  token[0] = '\0';
  if (!sx_mail_text_of(s, template_name, recipient, text, sizeof text))
    return false;
  /* The link's base is --public-url, else the address the server was told to bind. */
  const char *want = "/sign-in#token=";
  const char *at = strstr(text, want);
  if (!at)
    return false;
  at += strlen(want);
  size_t n = strspn(at, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
  if (n == 0 || n > 63)
    return false;
  memcpy(token, at, n);
  token[n] = '\0';
  return true;
}

/* The token of the newest sign-in link e-mailed ("sign_in_link") to recipient. */
static inline bool sx_link_token(struct server *s, const char *recipient, char *token)
{
  return sx_link_token_of(s, "sign_in_link", recipient, token);
}

/* POST /v1/sessions with token; returns the status, and on 201 fills se from the Set-Cookie
 * header and the body. */
static inline long sx_start(struct server *s, const char *token, struct sx_session *se)
{
  struct resp r;
  char body[200];
  snprintf(body, sizeof body, "{\"token\":\"%s\"}", token);
  CHECK(api(s, "POST", "/v1/sessions", NULL, body, &r));
  long st = r.status;
  if (st == 201) {
    char sc[512];
    CHECK(resp_header(&r, "set-cookie", sc, sizeof sc));
    CHECK_MSG(strstr(sc, "HttpOnly") && strstr(sc, "SameSite=Lax") && strstr(sc, "Path=/"),
              "cookie attributes: %s", sc);
    const char *v = strncmp(sc, "advisord_session=", 17) == 0 ? sc + 17 : "";
    size_t n = strcspn(v, ";");
    snprintf(se->value, sizeof se->value, "%.*s", (int)n, v);
    snprintf(se->cookie, sizeof se->cookie, "advisord_session=%s", se->value);
    snprintf(se->csrf, sizeof se->csrf, "%s", resp_str(&r, "csrf_token") ? resp_str(&r, "csrf_token") : "");
    snprintf(se->id, sizeof se->id, "%s", resp_str(&r, "session.id") ? resp_str(&r, "session.id") : "");
    CHECK(se->value[0] && se->csrf[0] && se->id[0]);
  }
  resp_free(&r);
  return st;
}

/* Signs email in through the link e-mailed to it; checks every step. */
static inline void sx_sign_in(struct server *s, const char *email, struct sx_session *se)
{
  long before = sx_mail_count(s, email);
  CHECK_INT(sx_ask(s, email, NULL), 202);
  CHECK_MSG(sx_mail_count(s, email) == before + 1, "no sign-in e-mail to %s", email);
  char token[64];
  CHECK_MSG(sx_link_token(s, email, token), "no link in the e-mail to %s", email);
  CHECK_INT(sx_start(s, token, se), 201);
}

/* One call with the session's cookie; with_csrf adds its X-CSRF-Token. */
static inline bool sx_call(struct server *s, const struct sx_session *se, bool with_csrf,
                           const char *method, const char *path, const char *body,
                           struct resp *r)
{
  char cookie[160], csrf[100];
  snprintf(cookie, sizeof cookie, "Cookie: %s", se->cookie);
  snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", se->csrf);
  const char *extra[] = {cookie, with_csrf ? csrf : NULL, NULL};
  return api_with(s, method, path, NULL, body, extra, r);
}

/* The status of one call with the session's cookie (and CSRF token). */
static inline long sx_status(struct server *s, const struct sx_session *se, const char *method,
                             const char *path, const char *body)
{
  struct resp r;
  CHECK(sx_call(s, se, true, method, path, body, &r));
  long st = r.status;
  resp_free(&r);
  return st;
}

#endif
