/* Integration tests of office self-service, API tokens and the audit log: a limited user is
 * refused every user and token change; the last user with full rights can be neither removed
 * nor demoted; an invited user signs in with the e-mail link; removing a user kills its
 * tokens and sessions; a revoked token is refused at once; a customer administrator manages
 * its company's tokens; every change is in the office's (or the company's) audit log; no
 * token in clear in the database, its WAL or the log. */
#include "testdb.h"
#include "signin_fx.h"

TEST_MAIN_DEFS

static long status(struct server *s, const char *method, const char *path, const char *token,
                   const char *body)
{
  struct resp r;
  CHECK(api(s, method, path, token, body, &r));
  long st = r.status;
  resp_free(&r);
  return st;
}

/* POSTs a body and copies a member of the 201 answer into out (len bytes). */
static void create(struct server *s, const char *path, const char *token, const char *body,
                   const char *member, char *out, size_t len)
{
  struct resp r;
  CHECK(api(s, "POST", path, token, body, &r));
  CHECK_MSG(r.status == 201, "POST %s: %ld %s", path, r.status, r.body);
  snprintf(out, len, "%s", resp_str(&r, member) ? resp_str(&r, member) : "");
  resp_free(&r);
}

/* The actions of the caller's audit log, newest first, joined by spaces, read page by page
 * (limit 2) to follow the cursor. */
static void audit_actions(struct server *s, const char *token, char *out, size_t len)
{
  char path[2200] = "/v1/audit-events?limit=2";
  out[0] = '\0';
  for (int pages = 0; pages < 50; pages++) {
    struct resp r;
    CHECK(api(s, "GET", path, token, NULL, &r));
    CHECK_INT(r.status, 200);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r.json, "items"), i, it)
    {
      strncat(out, json_string_value(json_object_get(it, "action")), len - strlen(out) - 2);
      strncat(out, " ", len - strlen(out) - 1);
    }
    const char *next = resp_str(&r, "next_cursor");
    if (next)
      snprintf(path, sizeof path, "/v1/audit-events?limit=2&cursor=%s", next);
    resp_free(&r);
    if (!next)
      return;
  }
}

int main(void)
{
  struct server s;
  server_start(&s, NULL, NULL);
  char office[FX_ID_LEN], tok_full[FX_TOKEN_LEN], limited[FX_ID_LEN], tok_limited[FX_TOKEN_LEN];
  char office_b[FX_ID_LEN], tok_b[FX_TOKEN_LEN], company[FX_ID_LEN], cadmin[FX_ID_LEN];
  char tok_cadmin[FX_TOKEN_LEN];
  fx_office(&s, "Byrå Ett AB", "5560360793", "info@byra-ett.se", office, tok_full);
  fx_user(&s, office, "limited@byra-ett.se", "limited", limited, tok_limited);
  fx_office(&s, "Byrå Två AB", "5567370431", "info@byra-tva.se", office_b, tok_b);
  fx_company(&s, "802002-4280", "Kund AB", "account", company);
  fx_customer_admin(&s, "8020024280", "Kim Kund", "kim@kund.se", cadmin, tok_cadmin);
  struct resp r;
  char path[160], full_id[FX_ID_LEN];
  CHECK(api(&s, "GET", "/v1/me", tok_full, NULL, &r));
  snprintf(full_id, sizeof full_id, "%s", resp_str(&r, "id"));
  resp_free(&r);

  /* A limited user is refused every user and token change, and the lists. */
  snprintf(path, sizeof path, "/v1/users/%s", full_id);
  const char *user_body = "{\"email\":\"x@byra-ett.se\",\"role\":\"limited\"}";
  CHECK_INT(status(&s, "GET", "/v1/users", tok_limited, NULL), 403);
  CHECK_INT(status(&s, "POST", "/v1/users", tok_limited, user_body), 403);
  CHECK_INT(status(&s, "PATCH", path, tok_limited, "{\"role\":\"limited\"}"), 403);
  CHECK_INT(status(&s, "DELETE", path, tok_limited, NULL), 403);
  CHECK_INT(status(&s, "GET", "/v1/tokens", tok_limited, NULL), 403);
  CHECK_INT(status(&s, "POST", "/v1/tokens", tok_limited, "{\"name\":\"Mitt\"}"), 403);
  CHECK_INT(status(&s, "DELETE", "/v1/tokens/7f0c7f4e-2c1a-4c55-9a47-0d9b1d5c2f10", tok_limited,
                   NULL), 403);
  CHECK_INT(status(&s, "GET", "/v1/audit-events", tok_limited, NULL), 403);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM office_users", NULL), 3);

  /* The last user with full rights: neither demoted nor removed (office B has one). */
  char b_id[FX_ID_LEN];
  CHECK(api(&s, "GET", "/v1/me", tok_b, NULL, &r));
  snprintf(b_id, sizeof b_id, "%s", resp_str(&r, "id"));
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/users/%s", b_id);
  CHECK(api(&s, "PATCH", path, tok_b, "{\"role\":\"limited\"}", &r));
  CHECK_INT(r.status, 409);
  CHECK(strstr(resp_str(&r, "detail"), "last user with full rights") != NULL);
  resp_free(&r);
  CHECK(api(&s, "DELETE", path, tok_b, NULL, &r));
  CHECK_INT(r.status, 409);
  CHECK(strstr(resp_str(&r, "detail"), "last user with full rights") != NULL);
  resp_free(&r);
  CHECK_INT(status(&s, "GET", "/v1/me", tok_b, NULL), 200);
  /* Another office's user is not found. */
  CHECK_INT(status(&s, "PATCH", path, tok_full, "{\"role\":\"limited\"}"), 404);
  CHECK_INT(status(&s, "DELETE", path, tok_full, NULL), 404);

  /* Inviting: the new user signs in with the e-mail link. */
  char ny[FX_ID_LEN];
  create(&s, "/v1/users", tok_full,
         "{\"email\":\"ny@byra-ett.se\",\"role\":\"full\",\"name\":\"Ny Person\"}", "id", ny,
         sizeof ny);
  CHECK(api(&s, "POST", "/v1/users", tok_full, "{\"email\":\"ny@byra-ett.se\",\"role\":\"full\"}",
            &r));
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "already_exists");
  resp_free(&r);
  CHECK(api(&s, "POST", "/v1/users", tok_full, "{\"email\":\"z@byra-ett.se\",\"role\":\"boss\"}",
            &r));
  CHECK_INT(r.status, 400);
  CHECK(strstr(r.body, "\"role\"") != NULL);
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/users/%s", ny);
  CHECK(api(&s, "GET", path, tok_full, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "name"), "Ny Person");
  CHECK_STR(resp_str(&r, "role"), "full");
  resp_free(&r);
  CHECK_INT(status(&s, "GET", path, tok_limited, NULL), 403);
  CHECK_INT(status(&s, "GET", path, tok_b, NULL), 404);
  /* The invitation e-mail's link signs the new user in (once). */
  static char text[16384];
  CHECK(sx_mail_text_of(&s, "user_invited", "ny@byra-ett.se", text, sizeof text));
  CHECK(strstr(text, "info@byra-ett.se har lagt till dig som anv\xc3\xa4ndare p\xc3\xa5 "
                     "Byr\xc3\xa5 Ett AB i advisord.") != NULL);
  CHECK(strstr(text, "Du har fulla r\xc3\xa4ttigheter") != NULL);
  CHECK(strstr(text, "i 7 dagar") != NULL);
  char tok_invite[64];
  CHECK(sx_link_token_of(&s, "user_invited", "ny@byra-ett.se", tok_invite));
  struct sx_session ny_s;
  CHECK_INT(sx_start(&s, tok_invite, &ny_s), 201);
  struct sx_session twice;
  CHECK_INT(sx_start(&s, tok_invite, &twice), 410);
  CHECK(sx_call(&s, &ny_s, false, "GET", "/v1/me", NULL, &r));
  CHECK_STR(resp_str(&r, "role"), "full");
  CHECK_STR(resp_str(&r, "office.id"), office);
  resp_free(&r);
  /* With the cookie, a change needs the CSRF token. */
  {
    struct resp q;
    CHECK(sx_call(&s, &ny_s, false, "POST", "/v1/users",
                  "{\"email\":\"y@byra-ett.se\",\"role\":\"limited\"}", &q));
    CHECK_INT(q.status, 403);
    CHECK_STR(resp_str(&q, "code"), "csrf_proof_missing");
    resp_free(&q);
  }

  /* The list, a page at a time. */
  CHECK(api(&s, "GET", "/v1/users?limit=2", tok_full, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_INT((long)json_array_size(json_object_get(r.json, "items")), 2);
  char next[400];
  snprintf(next, sizeof next, "/v1/users?limit=2&cursor=%s",
           resp_str(&r, "next_cursor") ? resp_str(&r, "next_cursor") : "");
  resp_free(&r);
  CHECK(api(&s, "GET", next, tok_full, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_INT((long)json_array_size(json_object_get(r.json, "items")), 1);
  CHECK(json_is_null(json_object_get(r.json, "next_cursor")));
  resp_free(&r);

  /* Role changes; now office A's full user may be demoted (ny is full too), then back. */
  snprintf(path, sizeof path, "/v1/users/%s", full_id);
  CHECK(api(&s, "PATCH", path, tok_full, "{\"role\":\"limited\"}", &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "role"), "limited");
  resp_free(&r);
  CHECK_INT(status(&s, "GET", "/v1/users", tok_full, NULL), 403); /* limited at once */
  CHECK(sx_call(&s, &ny_s, true, "PATCH", path, "{\"role\":\"full\"}", &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  CHECK_INT(status(&s, "GET", "/v1/users", tok_full, NULL), 200);

  /* API tokens: made, listed, used, revoked; a revoked token is refused at once. */
  char tok_api[FX_TOKEN_LEN], tok_api_id[FX_ID_LEN], prefix[20];
  CHECK(api(&s, "POST", "/v1/tokens", tok_full, "{\"name\":\"Lönesystemet\"}", &r));
  CHECK_INT(r.status, 201);
  snprintf(tok_api, sizeof tok_api, "%s", resp_str(&r, "token"));
  snprintf(tok_api_id, sizeof tok_api_id, "%s", resp_str(&r, "id"));
  snprintf(prefix, sizeof prefix, "%s", resp_str(&r, "prefix"));
  CHECK(strncmp(tok_api, "adv_", 4) == 0 && strncmp(tok_api, prefix, strlen(prefix)) == 0);
  CHECK_INT((long)strlen(prefix), 12);
  CHECK(json_is_null(json_object_get(r.json, "expires_at")));
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/me", tok_api, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "office.id"), office);
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/tokens", tok_full, NULL, &r));
  CHECK_INT(r.status, 200);
  json_t *items = json_object_get(r.json, "items");
  CHECK_INT((long)json_array_size(items), 1);
  json_t *first = json_array_get(items, 0);
  CHECK_STR(json_string_value(json_object_get(first, "name")), "Lönesystemet");
  CHECK_STR(json_string_value(json_object_get(first, "prefix")), prefix);
  CHECK(json_is_string(json_object_get(first, "last_used_at")));
  CHECK(json_object_get(first, "token") == NULL);
  resp_free(&r);
  CHECK(api(&s, "POST", "/v1/tokens", tok_full,
            "{\"name\":\"Gammal\",\"expires_at\":\"2020-01-01T00:00:00Z\"}", &r));
  CHECK_INT(r.status, 400);
  CHECK(strstr(r.body, "expires_at") != NULL);
  resp_free(&r);
  CHECK(api(&s, "POST", "/v1/tokens", tok_full,
            "{\"name\":\"Kvartal\",\"expires_at\":\"2099-03-31T23:59:59.5Z\"}", &r));
  CHECK_INT(r.status, 201);
  CHECK_STR(resp_str(&r, "expires_at"), "2099-03-31T23:59:59Z");
  char tok_q[FX_TOKEN_LEN];
  snprintf(tok_q, sizeof tok_q, "%s", resp_str(&r, "token"));
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/tokens/%s", tok_api_id);
  CHECK(api(&s, "GET", path, tok_full, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "prefix"), prefix);
  CHECK(resp_str(&r, "token") == NULL);
  resp_free(&r);
  CHECK_INT(status(&s, "GET", path, tok_cadmin, NULL), 404);
  CHECK_INT(status(&s, "DELETE", path, tok_b, NULL), 404); /* another office's */
  CHECK_INT(status(&s, "DELETE", path, tok_cadmin, NULL), 404);
  CHECK_INT(status(&s, "DELETE", path, tok_full, NULL), 204);
  CHECK_INT(status(&s, "GET", "/v1/me", tok_api, NULL), 401);
  CHECK_INT(status(&s, "DELETE", path, tok_full, NULL), 404);
  CHECK_INT(status(&s, "GET", path, tok_full, NULL), 404);

  /* A customer administrator manages its company's tokens. */
  char tok_c2[FX_TOKEN_LEN];
  create(&s, "/v1/tokens", tok_cadmin, "{\"name\":\"Bokföringsappen\"}", "token", tok_c2,
         sizeof tok_c2);
  CHECK(api(&s, "GET", "/v1/tokens", tok_cadmin, NULL, &r));
  CHECK_INT((long)json_array_size(json_object_get(r.json, "items")), 1);
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/me", tok_c2, NULL, &r));
  CHECK_STR(resp_str(&r, "kind"), "customer_admin");
  resp_free(&r);

  /* Removing a user: its tokens, API tokens and sessions die; its task loses its assignee. */
  char cust[FX_ID_LEN], task[FX_ID_LEN], tok_ny_api[FX_TOKEN_LEN];
  cx_customer(&s, tok_full, "556677-8899", "Alfa", "a@alfa.se", cust);
  snprintf(path, sizeof path, "/v1/customers/%s/tasks", cust);
  char task_body[120];
  snprintf(task_body, sizeof task_body, "{\"name\":\"Bokslut\",\"assignee_id\":\"%s\"}", ny);
  create(&s, path, tok_full, task_body, "id", task, sizeof task);
  CHECK(sx_call(&s, &ny_s, true, "POST", "/v1/tokens", "{\"name\":\"Nys token\"}", &r));
  CHECK_INT(r.status, 201);
  snprintf(tok_ny_api, sizeof tok_ny_api, "%s", resp_str(&r, "token"));
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/users/%s", ny);
  CHECK_INT(status(&s, "DELETE", path, tok_full, NULL), 204);
  CHECK_INT(status(&s, "GET", "/v1/me", tok_ny_api, NULL), 401);
  CHECK(sx_call(&s, &ny_s, false, "GET", "/v1/me", NULL, &r));
  CHECK_INT(r.status, 401);
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM tasks WHERE assignee_id IS NULL AND id = ?", task),
            1);
  CHECK_INT(status(&s, "DELETE", path, tok_full, NULL), 404);
  snprintf(path, sizeof path, "/v1/users/%s", limited);
  CHECK_INT(status(&s, "DELETE", path, tok_full, NULL), 204);
  CHECK_INT(status(&s, "GET", "/v1/me", tok_limited, NULL), 401);
  /* Now the only full user is protected again. */
  snprintf(path, sizeof path, "/v1/users/%s", full_id);
  CHECK_INT(status(&s, "DELETE", path, tok_full, NULL), 409);
  CHECK_INT(status(&s, "PATCH", path, tok_full, "{\"role\":\"limited\"}"), 409);

  /* The audit log: the office's own events, newest first; the company's apart. */
  char actions[2048];
  audit_actions(&s, tok_full, actions, sizeof actions);
  printf("# office audit log: %s\n", actions);
  CHECK_STR(actions, "user_removed user_removed token_created token_revoked token_created "
                     "token_created user_role_changed user_role_changed sign_in user_added ");
  audit_actions(&s, tok_cadmin, actions, sizeof actions);
  CHECK_STR(actions, "token_created ");
  CHECK_INT(status(&s, "GET", "/v1/audit-events?cursor=bogus", tok_full, NULL), 400);
  CHECK(api(&s, "GET", "/v1/audit-events?limit=1", tok_full, NULL, &r));
  json_t *ev = json_array_get(json_object_get(r.json, "items"), 0);
  CHECK_STR(json_string_value(json_object_get(ev, "action")), "user_removed");
  CHECK_STR(json_string_value(json_object_get(json_object_get(ev, "actor"), "email")),
            "info@byra-ett.se");
  CHECK_STR(json_string_value(json_object_get(json_object_get(ev, "subject"), "label")),
            "limited@byra-ett.se");
  resp_free(&r);

  /* No API token or cookie in clear in the database, its WAL or the log. */
  CHECK_INT(server_stop(&s, true), 0);
  const char *secrets[] = {tok_api, tok_q, tok_c2, tok_ny_api, ny_s.value, ny_s.csrf,
                           tok_invite};
  for (size_t k = 0; k < sizeof secrets / sizeof secrets[0]; k++) {
    CHECK(secrets[k][0] != '\0');
    CHECK_MSG(!testdb_contains(s.db, secrets[k]), "secret %zu in the database", k);
    CHECK_MSG(!fx_file_contains(s.log, secrets[k]), "secret %zu in the log", k);
  }
  char rm[400];
  snprintf(rm, sizeof rm, "rm -rf '%s'", s.dir);
  CHECK_INT(system(rm), 0);
  return TEST_REPORT();
}
