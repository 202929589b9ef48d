/* Integration tests of authentication and the admin commands: tokens from `advisord admin`,
 * GET /v1/me for every kind of principal, 401 with WWW-Authenticate, revocation, bad CLI
 * input writes nothing, and no token in clear in the database or the log. */
#include "fixtures.h"
#include "testdb.h"

#include <time.h>
#include <unistd.h>

TEST_MAIN_DEFS

static long count_rows(struct server *s, const char *table_sql)
{
  return (long)testdb_int(s->db, table_sql, NULL);
}

static void expect_401(struct server *s, const char *const *headers)
{
  struct resp r;
  CHECK(http(s, "GET", "/v1/me", headers, NULL, &r));
  CHECK_INT(r.status, 401);
  char www[128];
  CHECK(resp_header(&r, "www-authenticate", www, sizeof www) && strstr(www, "Bearer"));
  CHECK_STR(resp_str(&r, "code"), "unauthenticated");
  resp_free(&r);
}

/* n GETs of /v1/me with tok, each answered want: on new connections, so that every HTTP
 * worker's database connection (each keeps the tokens it authenticated while nothing has been
 * committed: src/store/token_cache.h) answers some of them. A refused token counts as a guess,
 * and from the guess limit on is answered 429 (a valid one still 200): want 401 takes either. */
static void me_n(struct server *s, const char *tok, int want, int n)
{
  for (int i = 0; i < n; i++) {
    struct resp r;
    CHECK(api(s, "GET", "/v1/me", tok, NULL, &r));
    CHECK_MSG(r.status == want || (want == 401 && r.status == 429), "GET %d of %d: %ld, not %d",
              i + 1, n, (long)r.status, want);
    resp_free(&r);
  }
}

/* n POSTs of an activation whose body the validation refuses (400, nothing queued) with tok,
 * on new connections: the credential is checked first, outside a read snapshot, where each
 * worker keeps the tokens it authenticated too (by the WAL index's header), so
 * want 401 means the token was refused, and 400 that it was taken. */
static void post_n(struct server *s, const char *tok, int want, int n)
{
  for (int i = 0; i < n; i++) {
    struct resp r;
    CHECK(api(s, "POST", "/v1/customers/00000000-0000-4000-8000-000000000000/collaborations", tok,
              "{\"no_such_member\": 1}", &r));
    CHECK_MSG(r.status == want || (want == 401 && r.status == 429), "POST %d of %d: %ld, not %d",
              i + 1, n, (long)r.status, want);
    resp_free(&r);
  }
}

int main(void)
{
  struct server s;
  server_start(&s, NULL, NULL);
  char office[FX_ID_LEN], tok_full[FX_TOKEN_LEN], user[FX_ID_LEN], tok_limited[FX_TOKEN_LEN];
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN];
  char support[FX_ID_LEN], tok_support[FX_TOKEN_LEN];
  fx_office(&s, "Byrå Ett AB", "5560360793", "info@byra-ett.se", office, tok_full);
  CHECK(strncmp(tok_full, "adv_", 4) == 0 && strlen(tok_full) >= 40);
  fx_user(&s, office, "limited@byra-ett.se", "limited", user, tok_limited);
  fx_company(&s, "802002-4280", "Kund AB", "account", company);
  fx_customer_admin(&s, "8020024280", "Kim Kund", "kim@kund.se", cadmin, tok_cadmin);
  fx_support(&s, "support@vendor.se", support, tok_support);
  /* The same address again, exactly or in other case, is the same administrator: refused
   * alike, nothing written (an address is one person in any case of its ASCII letters). */
  const char *again[][10] = {
      {"admin", "create-customer-admin", "--corporate-id", "8020024280", "--name", "Kim",
       "--email", "kim@kund.se", NULL},
      {"admin", "create-customer-admin", "--corporate-id", "8020024280", "--name", "Kim",
       "--email", "Kim@Kund.SE", NULL}};
  int exact_rc = fx_admin(&s, again[0], NULL, NULL);
  CHECK(exact_rc != 0);
  CHECK_INT(fx_admin(&s, again[1], NULL, NULL), exact_rc);
  CHECK_INT(count_rows(&s, "SELECT count(*) FROM customer_admins"), 1);

  struct resp r;
  /* Office user, role full. */
  CHECK(api(&s, "GET", "/v1/me", tok_full, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "kind"), "office_user");
  CHECK_STR(resp_str(&r, "role"), "full");
  CHECK_STR(resp_str(&r, "office.id"), office);
  CHECK_STR(resp_str(&r, "office.corporate_id"), "556036-0793");
  CHECK_STR(resp_str(&r, "email"), "info@byra-ett.se");
  CHECK(strstr(r.body, "\"customers.delete\"") != NULL);
  resp_free(&r);
  /* Limited user: same office, no full-rights capabilities. */
  CHECK(api(&s, "GET", "/v1/me", tok_limited, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "role"), "limited");
  CHECK_STR(resp_str(&r, "id"), user);
  CHECK(strstr(r.body, "\"customers.write\"") != NULL);
  CHECK(strstr(r.body, "\"customers.delete\"") == NULL);
  CHECK(strstr(r.body, "\"collaborations.change_terms\"") == NULL);
  resp_free(&r);
  /* Customer administrator: their company, no office. */
  CHECK(api(&s, "GET", "/v1/me", tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "kind"), "customer_admin");
  CHECK_STR(resp_str(&r, "company.id"), company);
  CHECK_STR(resp_str(&r, "company.corporate_id"), "802002-4280");
  CHECK(json_object_get(r.json, "office") == NULL);
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/me", tok_support, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "kind"), "support");
  CHECK(strstr(r.body, "\"companies.write\"") != NULL);
  resp_free(&r);

  /* Missing, malformed, unknown tokens: 401 with WWW-Authenticate. */
  expect_401(&s, NULL);
  const char *basic[] = {"Authorization: Basic dXNlcjpwYXNz", NULL};
  expect_401(&s, basic);
  const char *unknown[] = {"Authorization: Bearer adv_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL};
  expect_401(&s, unknown);
  const char *junk[] = {"Authorization: Bearer not a token", NULL};
  expect_401(&s, junk);
  char almost[128];
  snprintf(almost, sizeof almost, "Authorization: Bearer %.*sX", (int)strlen(tok_full) - 1,
           tok_full);
  const char *near[] = {almost, NULL};
  expect_401(&s, near);
  char lower[128];
  snprintf(lower, sizeof lower, "Authorization: bearer %s", tok_full);
  const char *lc[] = {lower, NULL};
  CHECK(http(&s, "GET", "/v1/me", lc, NULL, &r));
  CHECK_INT(r.status, 200); /* the scheme is case-insensitive */
  resp_free(&r);

  /* Revocation: the limited user's token stops working at once, also on a connection that has
   * just authenticated it (another process commits the revocation: the CLI); a new one can be
   * issued. */
  me_n(&s, tok_limited, 200, 8);
  post_n(&s, tok_limited, 400, 8);
  const char *revoke[] = {"admin", "revoke-token", "--token", tok_limited, NULL};
  CHECK_INT(fx_admin(&s, revoke, NULL, NULL), 0);
  post_n(&s, tok_limited, 401, 8);
  me_n(&s, tok_limited, 401, 8);
  CHECK_INT(fx_admin(&s, revoke, NULL, NULL), 2); /* revoked already */
  char tok_new[FX_TOKEN_LEN], id_again[FX_ID_LEN];
  const char *reissue[] = {"admin", "create-token", "--principal", user, "--token-days", "1", NULL};
  CHECK_INT(fx_admin(&s, reissue, id_again, tok_new), 0);
  CHECK_STR(id_again, user);
  CHECK(api(&s, "GET", "/v1/me", tok_new, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "id"), user);
  resp_free(&r);

  /* What another process writes to the credential or its principal counts at the next request
   * (each request reads both; the office user's row comes with the token's in one statement):
   * a role changed, the token expired, the user gone (each after the token's GETs on every
   * worker). */
  me_n(&s, tok_new, 200, 8);
  CHECK(testdb_exec(s.db, "UPDATE office_users SET role = 'full' WHERE id = ?", user));
  for (int i = 0; i < 8; i++) {
    CHECK(api(&s, "GET", "/v1/me", tok_new, NULL, &r));
    CHECK_INT(r.status, 200);
    CHECK_STR(resp_str(&r, "role"), "full");
    resp_free(&r);
  }
  me_n(&s, tok_new, 200, 8);
  post_n(&s, tok_new, 400, 8);
  CHECK(testdb_exec(s.db, "UPDATE tokens SET expires_at = '2001-01-01T00:00:00Z' "
                          "WHERE principal_id = ?", user));
  post_n(&s, tok_new, 401, 8);
  me_n(&s, tok_new, 401, 8);
  CHECK(testdb_exec(s.db, "UPDATE tokens SET expires_at = NULL WHERE principal_id = ?", user));
  me_n(&s, tok_new, 200, 8);
  /* a token that expires while nothing is committed: refused from its expiry on */
  char soon[32], set_soon[128];
  time_t t_soon = time(NULL) + 5; /* room for a slow (valgrind, ASan) run */
  strftime(soon, sizeof soon, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t_soon));
  snprintf(set_soon, sizeof set_soon, "UPDATE tokens SET expires_at = '%s' WHERE principal_id = ?",
           soon);
  CHECK(testdb_exec(s.db, set_soon, user));
  me_n(&s, tok_new, 200, 8);
  post_n(&s, tok_new, 400, 8);
  while (time(NULL) <= t_soon)
    usleep(50000);
  post_n(&s, tok_new, 401, 8);
  me_n(&s, tok_new, 401, 8);
  CHECK(testdb_exec(s.db, "UPDATE tokens SET expires_at = NULL WHERE principal_id = ?", user));
  me_n(&s, tok_new, 200, 8);
  post_n(&s, tok_new, 400, 8);
  CHECK(testdb_exec(s.db, "DELETE FROM office_users WHERE id = ?", user));
  post_n(&s, tok_new, 401, 8);
  me_n(&s, tok_new, 401, 8);

  /* Bad CLI input: exit 2, nothing written. */
  long offices = count_rows(&s, "SELECT count(*) FROM offices");
  long tokens = count_rows(&s, "SELECT count(*) FROM tokens");
  const char *bad[][16] = {
      {"admin", "create-office", "--name", "X", "--corporate-id", "556036-0794", "--email",
       "x@x.se", NULL},                                    /* check digit */
      {"admin", "create-office", "--name", "X", "--corporate-id", "5560360793", "--email",
       "x@x.se", NULL},                                    /* taken */
      {"admin", "create-office", "--name", "X", "--corporate-id", "212000-0142", "--email",
       "not-an-address", NULL},
      {"admin", "create-office", "--name", "X", "--corporate-id", "212000-0142", NULL},
      {"admin", "create-office", "--name", "X", "--corporate-id", "212000-0142", "--email",
       "x@x.se", "--colour", "red", NULL},                 /* unknown flag */
      {"admin", "create-user", "--office", office, "--email", "u@x.se", "--role", "boss", NULL},
      {"admin", "create-user", "--office", "00000000-0000-4000-8000-000000000000", "--email",
       "u@x.se", "--role", "full", NULL},                  /* no such office */
      {"admin", "create-company", "--corporate-id", "212000-0142", "--name", "Y", "--relation",
       "subscriber", NULL},                                /* subscription missing */
      {"admin", "create-company", "--corporate-id", "212000-0142", "--name", "Y", "--relation",
       "subscriber", "--variant", "gold", "--invoice-recipient", "office", NULL},
      {"admin", "create-customer-admin", "--corporate-id", "212000-0142", "--name", "Z",
       "--email", "z@z.se", NULL},                         /* no such company */
      {"admin", "no-such-command", NULL},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    CHECK_MSG(fx_admin(&s, bad[i], NULL, NULL) == 2, "bad command %zu did not exit 2", i);
  CHECK_INT(count_rows(&s, "SELECT count(*) FROM offices"), offices);
  CHECK_INT(count_rows(&s, "SELECT count(*) FROM tokens"), tokens);
  CHECK_INT(count_rows(&s, "SELECT count(*) FROM companies"), 1);

  /* A subscriber company with its subscription. */
  const char *sub[] = {"admin", "create-company", "--corporate-id", "212000-0142", "--name",
                       "Prenumerant AB", "--relation", "subscriber", "--variant", "smart",
                       "--invoice-recipient", "customer", "--period", "12", "--renews-on",
                       "2027-03-01", NULL};
  CHECK_INT(fx_admin(&s, sub, NULL, NULL), 0);
  CHECK_INT(count_rows(&s, "SELECT count(*) FROM companies WHERE sub_variant = 'smart' AND "
                           "sub_starts_on = '2026-03-01'"), 1);

  /* Without --starts-on the agreement starts one period before the renewal, by the date
   * module's month-end rule (the collaborations' rule): never an 89-day term. */
  static const struct {
    const char *corporate_id, *period, *renews_on, *starts_on;
  } terms[] = {{"556101-0009", "3", "2027-05-31", "2027-02-28"},
               {"556101-0017", "3", "2028-05-31", "2028-02-29"},
               {"556101-0025", "3", "2027-03-31", "2026-12-31"},
               {"556101-0033", "12", "2029-02-28", "2028-02-28"},
               {"556101-0041", "12", "2028-02-29", "2027-02-28"}};
  for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
    const char *args[] = {"admin", "create-company", "--corporate-id", terms[i].corporate_id,
                          "--name", "Månadsslut AB", "--relation", "subscriber", "--variant",
                          "start", "--invoice-recipient", "office", "--period", terms[i].period,
                          "--renews-on", terms[i].renews_on, NULL};
    CHECK_INT(fx_admin(&s, args, NULL, NULL), 0);
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM companies WHERE corporate_id = '%s' AND sub_starts_on = '%s' "
             "AND sub_renews_on = '%s'", terms[i].corporate_id, terms[i].starts_on,
             terms[i].renews_on);
    CHECK_MSG(count_rows(&s, sql) == 1, "--period %s --renews-on %s: starts_on is not %s",
              terms[i].period, terms[i].renews_on, terms[i].starts_on);
  }
  /* A renewal date that is no date, or whose period would start before 1900: exit 2. */
  static const char *const bad_renewals[][2] = {{"3", "2027-02-29"}, {"3", "1900-03-31"}};
  for (size_t i = 0; i < 2; i++) {
    const char *args[] = {"admin", "create-company", "--corporate-id", "556101-0058", "--name",
                          "Fel AB", "--relation", "subscriber", "--variant", "start",
                          "--invoice-recipient", "office", "--period", bad_renewals[i][0],
                          "--renews-on", bad_renewals[i][1], NULL};
    CHECK_MSG(fx_admin(&s, args, NULL, NULL) == 2, "--renews-on %s did not exit 2",
              bad_renewals[i][1]);
  }
  CHECK_INT(count_rows(&s, "SELECT count(*) FROM companies WHERE corporate_id = '556101-0058'"),
            0);

  /* No token in clear in the database files or the server log. */
  int stop = server_stop(&s, true);
  CHECK_INT(stop, 0);
  const char *toks[] = {tok_full, tok_limited, tok_cadmin, tok_support, tok_new};
  for (size_t i = 0; i < 5; i++) {
    CHECK(toks[i][0] != '\0');
    CHECK_MSG(!testdb_contains(s.db, toks[i]), "token %zu in the database", i);
    CHECK_MSG(!fx_file_contains(s.log, toks[i]), "token %zu in the log", i);
    CHECK_MSG(!testdb_contains(s.db, toks[i] + 4), "token %zu body in the database", i);
  }
  char rm[400];
  snprintf(rm, sizeof rm, "rm -rf '%s'", s.dir);
  CHECK_INT(system(rm), 0);
  return TEST_REPORT();
}
