/* Integration tests of sign-in by e-mail link and browser sessions: every kind of person signs
 * in through the link found in the mail spool; a link works once and for 15 minutes; an
 * unknown address gets the same 202 and no e-mail; the cookie is refused after sign-out, when
 * idle too long and past its end; a write with the cookie needs its CSRF proof; asking is
 * rate-limited per address and per client; no link, cookie or CSRF token in clear in the
 * database, its WAL or the log. */
#include "testdb.h"
#include "signin_fx.h"

TEST_MAIN_DEFS

static void check_me(struct server *s, const struct sx_session *se, const char *kind)
{
  struct resp r;
  CHECK(sx_call(s, se, false, "GET", "/v1/me", NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "kind"), kind);
  resp_free(&r);
}

static long status_without_csrf(struct server *s, const struct sx_session *se,
                                const char *method, const char *path, const char *body,
                                const char *want_in_detail)
{
  struct resp r;
  CHECK(sx_call(s, se, false, method, path, body, &r));
  long st = r.status;
  if (st == 403) {
    CHECK_STR(resp_str(&r, "code"), "csrf_proof_missing");
    CHECK_MSG(resp_str(&r, "detail") && strstr(resp_str(&r, "detail"), want_in_detail),
              "detail: %s", resp_str(&r, "detail"));
  }
  resp_free(&r);
  return st;
}

#define MAX_SECRETS 32
static char secrets[MAX_SECRETS][100];
static int n_secrets;
static void remember(const char *v)
{
  if (n_secrets < MAX_SECRETS && v[0])
    snprintf(secrets[n_secrets++], sizeof secrets[0], "%s", v);
}

static void test_sign_in(void)
{
  struct server s;
  server_start(&s, NULL, NULL);
  char office[FX_ID_LEN], tok_full[FX_TOKEN_LEN], user[FX_ID_LEN], tok_limited[FX_TOKEN_LEN];
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN];
  char support[FX_ID_LEN], tok_support[FX_TOKEN_LEN];
  fx_office(&s, "Byrå Ett AB", "5560360793", "info@byra-ett.se", office, tok_full);
  fx_user(&s, office, "limited@byra-ett.se", "limited", user, tok_limited);
  fx_company(&s, "802002-4280", "Kund AB", "account", company);
  fx_customer_admin(&s, "8020024280", "Kim Kund", "kim@kund.se", cadmin, tok_cadmin);
  fx_support(&s, "support@vendor.se", support, tok_support);

  /* Every kind of person signs in through the link in the spool. */
  struct sx_session full, limited, kim, sup;
  sx_sign_in(&s, "info@byra-ett.se", &full);
  check_me(&s, &full, "office_user");
  sx_sign_in(&s, "LIMITED@byra-ett.se", &limited); /* the address in any case */
  check_me(&s, &limited, "office_user");
  sx_sign_in(&s, "kim@kund.se", &kim);
  check_me(&s, &kim, "customer_admin");
  sx_sign_in(&s, "support@vendor.se", &sup);
  check_me(&s, &sup, "support");
  remember(full.value), remember(limited.value), remember(kim.value), remember(sup.value);
  remember(full.csrf), remember(kim.csrf);

  /* The e-mail in both languages names the account and how long the link works. */
  static char text[16384];
  CHECK(sx_mail_text(&s, "kim@kund.se", text, sizeof text));
  CHECK(strstr(text, "Konto: Kund AB (företagets administratör)") != NULL);
  CHECK(strstr(text, "Den fungerar en gång och i 15 minuter.") != NULL);
  CHECK_INT(sx_ask(&s, "kim@kund.se", "en"), 202);
  char tok_en[64];
  CHECK(sx_link_token(&s, "kim@kund.se", tok_en));
  CHECK(sx_mail_text(&s, "kim@kund.se", text, sizeof text));
  CHECK(strstr(text, "Account: Kund AB (administrator of the company)") != NULL);
  CHECK(strstr(text, "It works once and for 15 minutes.") != NULL);
  remember(tok_en);

  /* A link works once. */
  struct sx_session again;
  CHECK_INT(sx_start(&s, tok_en, &again), 201);
  remember(again.value);
  struct resp r;
  char body[200];
  snprintf(body, sizeof body, "{\"token\":\"%s\"}", tok_en);
  CHECK(api(&s, "POST", "/v1/sessions", NULL, body, &r));
  CHECK_INT(r.status, 410);
  CHECK(strstr(resp_str(&r, "detail"), "already used") != NULL);
  resp_free(&r);

  /* An expired link (15 minutes passed: moved back in the database). */
  CHECK_INT(sx_ask(&s, "info@byra-ett.se", NULL), 202);
  char tok_old[64];
  CHECK(sx_link_token(&s, "info@byra-ett.se", tok_old));
  remember(tok_old);
  CHECK(cx_exec(&s, "UPDATE sign_in_links SET expires_ms = expires_ms - 15 * 60 * 1000 "
                    "WHERE used_ms IS NULL", NULL));
  snprintf(body, sizeof body, "{\"token\":\"%s\"}", tok_old);
  CHECK(api(&s, "POST", "/v1/sessions", NULL, body, &r));
  CHECK_INT(r.status, 410);
  CHECK(strstr(resp_str(&r, "detail"), "expired") != NULL);
  resp_free(&r);

  /* An unknown token: 404. An unknown address, or an administrator nobody confirmed yet: the
   * same 202 and no e-mail. */
  CHECK(api(&s, "POST", "/v1/sessions", NULL,
            "{\"token\":\"Ab0Ab0Ab0Ab0Ab0Ab0Ab0Ab0Ab0Ab0Ab0Ab0Ab0Ab0\"}", &r));
  CHECK_INT(r.status, 404);
  resp_free(&r);
  long outbox_before = cx_count(&s, "SELECT count(*) FROM outbox", NULL);
  CHECK_INT(sx_ask(&s, "nobody@nowhere.se", NULL), 202);
  char unconfirmed[FX_ID_LEN];
  fx_customer_admin(&s, "8020024280", "Ny Admin", "ny@kund.se", unconfirmed, NULL);
  CHECK(cx_exec(&s, "UPDATE customer_admins SET confirmed = 0 WHERE id = ?", unconfirmed));
  CHECK_INT(sx_ask(&s, "ny@kund.se", NULL), 202);
  usleep(200 * 1000);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM outbox", NULL), outbox_before);
  CHECK_INT(sx_mail_count(&s, "nobody@nowhere.se"), 0);
  CHECK_INT(sx_mail_count(&s, "ny@kund.se"), 0);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM sign_in_links WHERE principal_id = ?",
                     unconfirmed), 0);

  /* A write with the cookie needs the CSRF proof; a bearer token does not. */
  const char *cust = "{\"corporate_id\":\"556677-8899\",\"name\":\"Alfa\",\"email\":\"a@alfa.se\"}";
  CHECK_INT(status_without_csrf(&s, &full, "POST", "/v1/customers", cust, "X-CSRF-Token"), 403);
  struct sx_session forged = full;
  snprintf(forged.csrf, sizeof forged.csrf, "%s", kim.csrf);
  CHECK_INT(sx_status(&s, &forged, "POST", "/v1/customers", cust), 403);
  {
    char cookie[160], csrf[100];
    snprintf(cookie, sizeof cookie, "Cookie: %s", full.cookie);
    snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", full.csrf);
    const char *extra[] = {cookie, csrf, "Origin: https://evil.example", NULL};
    CHECK(api_with(&s, "POST", "/v1/customers", NULL, cust, extra, &r));
    CHECK_INT(r.status, 403);
    CHECK(strstr(resp_str(&r, "detail"), "Origin") != NULL);
    resp_free(&r);
    /* The public URL the server announced (the default is the address it was told). */
    char origin[200] = "Origin: ";
    FILE *lf = fopen(s.log, "r");
    static char logtext[65536];
    size_t ln = lf ? fread(logtext, 1, sizeof logtext - 1, lf) : 0;
    logtext[ln] = '\0';
    if (lf)
      fclose(lf);
    const char *pu = strstr(logtext, "\"public_url\":\"");
    CHECK(pu != NULL);
    if (pu)
      snprintf(origin + 8, sizeof origin - 8, "%.*s", (int)strcspn(pu + 14, "\""), pu + 14);
    const char *ours[] = {cookie, csrf, origin, NULL};
    CHECK(api_with(&s, "POST", "/v1/customers", NULL, cust, ours, &r));
    CHECK_INT(r.status, 201);
    resp_free(&r);
  }
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM customers", NULL), 1);
  CHECK(api(&s, "POST", "/v1/customers", tok_full,
            "{\"corporate_id\":\"556036-0793\",\"name\":\"Beta\",\"email\":\"b@beta.se\"}", &r));
  CHECK_INT(r.status, 201);
  resp_free(&r);

  /* The caller's own sessions; another's session id is not found. */
  struct sx_session full2;
  sx_sign_in(&s, "info@byra-ett.se", &full2);
  remember(full2.value);
  CHECK(sx_call(&s, &full, false, "GET", "/v1/sessions", NULL, &r));
  CHECK_INT(r.status, 200);
  json_t *items = json_object_get(r.json, "items");
  CHECK_INT((long)json_array_size(items), 2);
  size_t i;
  json_t *it;
  int current = 0;
  json_array_foreach(items, i, it)
  {
    if (json_is_true(json_object_get(it, "current"))) {
      current++;
      CHECK_STR(json_string_value(json_object_get(it, "id")), full.id);
    }
  }
  CHECK_INT(current, 1);
  resp_free(&r);
  char path[120];
  snprintf(path, sizeof path, "/v1/sessions/%s", kim.id);
  CHECK_INT(sx_status(&s, &full, "DELETE", path, NULL), 404);
  check_me(&s, &kim, "customer_admin");

  /* Ending another session of one's own; then signing out. */
  snprintf(path, sizeof path, "/v1/sessions/%s", full2.id);
  CHECK_INT(status_without_csrf(&s, &full, "DELETE", path, NULL, "X-CSRF-Token"), 403);
  CHECK_INT(sx_status(&s, &full, "DELETE", path, NULL), 204);
  CHECK(sx_call(&s, &full2, false, "GET", "/v1/me", NULL, &r));
  CHECK_INT(r.status, 401);
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/sessions/%s", full.id);
  CHECK(sx_call(&s, &full, true, "DELETE", path, NULL, &r));
  CHECK_INT(r.status, 204);
  char sc[256];
  CHECK(resp_header(&r, "set-cookie", sc, sizeof sc) && strstr(sc, "Max-Age=0"));
  resp_free(&r);
  CHECK(sx_call(&s, &full, false, "GET", "/v1/me", NULL, &r));
  CHECK_INT(r.status, 401);
  CHECK(strstr(resp_str(&r, "detail"), "sign in again") != NULL);
  resp_free(&r);
  CHECK_INT(sx_status(&s, &full, "POST", "/v1/customers", cust), 401);
  /* Sign-ins and sign-outs are in the office's audit log, newest first. */
  CHECK(api(&s, "GET", "/v1/audit-events?limit=4", tok_full, NULL, &r));
  CHECK_INT(r.status, 200);
  const char *want[][2] = {{"sign_out", "info@byra-ett.se"},
                           {"session_ended", "info@byra-ett.se"},
                           {"sign_in", "info@byra-ett.se"},
                           {"sign_in", "limited@byra-ett.se"}};
  for (size_t k = 0; k < 4; k++) {
    json_t *ev = json_array_get(json_object_get(r.json, "items"), k);
    CHECK_STR(json_string_value(json_object_get(ev, "action")), want[k][0]);
    CHECK_STR(json_string_value(json_object_get(json_object_get(ev, "actor"), "email")),
              want[k][1]);
  }
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/me", tok_full, NULL, &r)); /* the bearer token is untouched */
  CHECK_INT(r.status, 200);
  resp_free(&r);

  /* Idle too long, or past its end: refused. */
  check_me(&s, &limited, "office_user");
  CHECK(cx_exec(&s, "UPDATE sessions SET last_seen_ms = last_seen_ms - 3601000 WHERE id = ?",
                limited.id));
  CHECK(sx_call(&s, &limited, false, "GET", "/v1/me", NULL, &r));
  CHECK_INT(r.status, 401);
  resp_free(&r);
  check_me(&s, &sup, "support");
  CHECK(cx_exec(&s, "UPDATE sessions SET expires_ms = 1000 WHERE id = ?", sup.id));
  CHECK(sx_call(&s, &sup, false, "GET", "/v1/me", NULL, &r));
  CHECK_INT(r.status, 401);
  resp_free(&r);
  /* A cookie this server never gave out. */
  struct sx_session fake = kim;
  snprintf(fake.cookie, sizeof fake.cookie, "advisord_session=advs_%s", "x");
  CHECK(sx_call(&s, &fake, false, "GET", "/v1/me", NULL, &r));
  CHECK_INT(r.status, 401);
  resp_free(&r);

  /* No link token, cookie or CSRF token in clear in the database, its WAL or the log. */
  CHECK_INT(server_stop(&s, true), 0);
  printf("# secrets searched for: %d\n", n_secrets);
  for (int k = 0; k < n_secrets; k++) {
    CHECK_MSG(!testdb_contains(s.db, secrets[k]), "secret %d in the database", k);
    CHECK_MSG(!fx_file_contains(s.log, secrets[k]), "secret %d in the log", k);
  }
  char rm[400];
  snprintf(rm, sizeof rm, "rm -rf '%s'", s.dir);
  CHECK_INT(system(rm), 0);
}

/* Asking is slowed per address and per client address: a 429 with Retry-After comes, and
 * fewer e-mails than requests go out. */
static void test_rate_limits(void)
{
  struct server s;
  const char *args[] = {"--sign-in-limit", "3", "--sign-in-client-limit", "8", NULL};
  server_start(&s, args, NULL);
  char office[FX_ID_LEN];
  fx_office(&s, "Byrå Två AB", "5560360793", "info@byra-tva.se", office, NULL);
  int limited = 0, sent = 0;
  for (int k = 0; k < 8; k++) {
    long st = sx_ask(&s, "info@byra-tva.se", NULL);
    CHECK(st == 202 || st == 429);
    limited += st == 429;
  }
  sent = (int)sx_mail_count(&s, "info@byra-tva.se");
  printf("# one address: 8 requests, %d refused (429), %d e-mails\n", limited, sent);
  CHECK(limited >= 1);
  CHECK_INT(sent, 8 - limited);
  CHECK(sent < 8);
  /* Other addresses from the same client: the client's limit comes too. */
  int client_limited = 0;
  for (int k = 0; k < 12; k++) {
    char email[64];
    snprintf(email, sizeof email, "someone%d@example.se", k);
    client_limited += sx_ask(&s, email, NULL) == 429;
  }
  printf("# one client, 12 other addresses: %d refused (429)\n", client_limited);
  CHECK(client_limited >= 1);
  struct resp r;
  CHECK(api(&s, "POST", "/v1/sign-in", NULL, "{\"email\":\"x@example.se\"}", &r));
  if (r.status == 429) {
    char ra[16];
    CHECK(resp_header(&r, "retry-after", ra, sizeof ra) && atoi(ra) >= 1);
    CHECK_STR(resp_str(&r, "code"), "rate_limited");
  }
  resp_free(&r);
  /* A bad body names the field. */
  CHECK(api(&s, "POST", "/v1/sign-in", NULL, "{\"email\":\"not an address\"}", &r));
  CHECK_INT(r.status, 400);
  CHECK(strstr(r.body, "\"email\"") != NULL);
  resp_free(&r);
  CHECK_INT(server_stop(&s, false), 0);
}

/* Links and sessions a day past their end are deleted by the sweeper; live ones stay. */
static void test_purge(void)
{
  struct server s;
  const char *args[] = {"--expiry-sweep-interval", "1", NULL};
  server_start(&s, args, NULL);
  char office[FX_ID_LEN];
  fx_office(&s, "Byrå Tre AB", "5560360793", "info@byra-tre.se", office, NULL);
  struct sx_session live, old, ended;
  sx_sign_in(&s, "info@byra-tre.se", &live);
  sx_sign_in(&s, "info@byra-tre.se", &old);
  sx_sign_in(&s, "info@byra-tre.se", &ended);
  CHECK_INT(sx_ask(&s, "info@byra-tre.se", NULL), 202); /* one link still unused */
  /* as they would be: last seen no later than they ended (the purge relies on it) */
  CHECK(cx_exec(&s, "UPDATE sessions SET expires_ms = 1000, last_seen_ms = 900 WHERE id = ?",
                old.id));
  CHECK(cx_exec(&s, "UPDATE sessions SET ended_at = '2020-01-01T00:00:00Z', "
                    "last_seen_ms = 1577836800000 WHERE id = ?",
                ended.id));
  CHECK(cx_exec(&s, "UPDATE sign_in_links SET expires_ms = 1000 WHERE used_ms IS NOT NULL",
                NULL));
  long sessions = 3, links = 4;
  for (int tries = 0; tries < 200 && (sessions != 1 || links != 1); tries++) {
    usleep(25 * 1000);
    sessions = cx_count(&s, "SELECT count(*) FROM sessions", NULL);
    links = cx_count(&s, "SELECT count(*) FROM sign_in_links", NULL);
  }
  CHECK_INT(sessions, 1);
  CHECK_INT(links, 1);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM sessions WHERE id = ?", live.id), 1);
  check_me(&s, &live, "office_user");
  CHECK_INT(server_stop(&s, false), 0);
}

int main(void)
{
  test_sign_in();
  test_rate_limits();
  test_purge();
  return TEST_REPORT();
}
