/* Integration test of the one administrator-to-be of a company that two offices onboard in way
 * 3 at once: while office 1's way-3 invitation is open, office 2's way 3 naming another person is
 * refused (409 administrator_already_named, without office 1's name or the address it named, and
 * nothing is written), naming the same address is taken (the administrator reused); once office
 * 1's invitation is withdrawn the other person can be named, and then office 1 is held to that
 * one in turn; an invitation past its expiry holds nobody; the same address in other case is the
 * same person. Then races: for each of several companies, both offices activate way 3 at the same
 * moment naming different people; exactly one wins and the other is refused. On PostgreSQL
 * (ADVISORD_TEST_PG) the racers are spread over two instances on one database. */
#include "collab_fx.h"

#include <curl/curl.h>
#include <pthread.h>

TEST_MAIN_DEFS

#define RACE_COMPANIES 6

static struct server a, b; /* b: a second instance on PostgreSQL, else unused */
static struct server *second = &a;
static char office1[FX_ID_LEN], tok1[FX_TOKEN_LEN], office2[FX_ID_LEN], tok2[FX_TOKEN_LEN];

/* The office's customer for corporate_id with an open task, into customer and task. */
static void customer_with_task(const char *token, const char *corporate_id, char *customer,
                               char *task)
{
  cx_customer(&a, token, corporate_id, "Nybolag", "hej@nybolag.se", customer);
  cx_task(&a, token, customer, "Löpande 2027", task);
}

/* Both offices' customers of the company corporate_id, each with a task (c1/t1, c2/t2), and
 * office 1's way-3 invitation naming Alice at email, its id into first. */
static void office1_names(const char *corporate_id, const char *email, char *c1, char *t1,
                          char *c2, char *t2, char *first)
{
  customer_with_task(tok1, corporate_id, c1, t1);
  customer_with_task(tok2, corporate_id, c2, t2);
  struct resp r;
  cx_activate_way3(&a, tok1, c1, t1, "Alice Zeta", email, &r);
  CHECK_INT(r.status, 201);
  snprintf(first, FX_ID_LEN, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
}

static void check_refused(struct resp *r)
{
  CHECK_MSG(r->status == 409, "status %ld: %s", r->status, r->body ? r->body : "");
  CHECK_STR(resp_str(r, "code"), "administrator_already_named");
  const char *detail = resp_str(r, "detail");
  CHECK(detail && strstr(detail, "name that same person"));
  /* office 1's register data stays its own */
  CHECK(detail && !strstr(detail, "Byrå Ett") && !strstr(detail, "alice"));
  CHECK(r->body && !strstr(r->body, "alice") && !strstr(r->body, "Byrå Ett"));
}

static void same_person_or_wait(void)
{
  const char *cid = "559100-5003";
  char c1[FX_ID_LEN], t1[FX_ID_LEN], c2[FX_ID_LEN], t2[FX_ID_LEN], first[FX_ID_LEN];
  office1_names(cid, "alice@zeta.se", c1, t1, c2, t2, first);
  struct resp r;
  /* another person: refused, and neither the administrator nor a collaboration is written */
  cx_activate_way3(&a, tok2, c2, t2, "Mallory Två", "mallory@tva.se", &r);
  check_refused(&r);
  resp_free(&r);
  CHECK_INT(cx_count(&a, "SELECT count(*) FROM customer_admins WHERE email = ?",
                     "mallory@tva.se"),
            0);
  CHECK_INT(cx_count(&a, "SELECT count(*) FROM collaborations WHERE office_id = ?", office2), 0);
  /* office 2 sees no trace of office 1's invitation in its own list either */
  CHECK(api(&a, "GET", "/v1/collaborations", tok2, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 0);
  resp_free(&r);
  /* office 1 withdraws: the person office 2 names is now taken */
  CHECK(cx_action(&a, first, "withdraw", tok1, "{\"reason\":\"fel uppdrag\"}", &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  cx_activate_way3(&a, tok2, c2, t2, "Mallory Två", "mallory@tva.se", &r);
  CHECK_MSG(r.status == 201, "status %ld: %s", r.status, r.body ? r.body : "");
  resp_free(&r);
  /* and now office 1 is held to office 2's administrator-to-be in turn */
  cx_activate_way3(&a, tok1, c1, t1, "Alice Zeta", "alice@zeta.se", &r);
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "administrator_already_named");
  CHECK(r.body && !strstr(r.body, "mallory") && !strstr(r.body, "Byrå Två"));
  resp_free(&r);
  cx_activate_way3(&a, tok1, c1, t1, "M. Två", "mallory@tva.se", &r);
  CHECK_MSG(r.status == 201, "status %ld: %s", r.status, r.body ? r.body : "");
  resp_free(&r);
  CHECK_INT(cx_count(&a, "SELECT count(*) FROM customer_admins WHERE email = ?",
                     "mallory@tva.se"),
            1);
}

/* An address is one person in any case of its letters: office 2 naming Anna@X.se while office
 * 1's invitation names anna@x.se is taken and reuses office 1's administrator (one row, its
 * address and name as office 1 typed them); another person is still refused. */
static void other_case_same_person(void)
{
  const char *cid = "559100-5136";
  char c1[FX_ID_LEN], t1[FX_ID_LEN], c2[FX_ID_LEN], t2[FX_ID_LEN], first[FX_ID_LEN];
  office1_names(cid, "anna@x.se", c1, t1, c2, t2, first);
  struct resp r;
  cx_activate_way3(second, tok2, c2, t2, "Bertil Annan", "bertil@x.se", &r);
  check_refused(&r);
  resp_free(&r);
  cx_activate_way3(second, tok2, c2, t2, "Anna Svensson", "Anna@X.se", &r);
  CHECK_MSG(r.status == 201, "status %ld: %s", r.status, r.body ? r.body : "");
  json_t *named = json_object_get(r.json, "administrator");
  CHECK_STR(json_string_value(json_object_get(named, "email")), "anna@x.se");
  resp_free(&r);
  CHECK_INT(cx_count(&a, "SELECT count(*) FROM customer_admins WHERE lower(email) = ?",
                     "anna@x.se"),
            1);
  CHECK_INT(cx_count(&a, "SELECT count(*) FROM customer_admins WHERE email = 'anna@x.se' AND "
                         "name = 'Alice Zeta' AND id = (SELECT administrator_id FROM "
                         "collaborations WHERE id = ?)",
                     first),
            1);
  CHECK_INT(cx_count(&a, "SELECT count(*) FROM collaborations WHERE administrator_id = "
                         "(SELECT administrator_id FROM collaborations WHERE id = ?)",
                     first),
            2);
}

/* Two steps do not get round the rule: office 2 names the same person (allowed), then corrects
 * its invitation's administrator to another person: refused, and nothing of the correction is
 * written (the invitation still names the first person, nobody else was created). */
static void correction_held_too(void)
{
  const char *cid = "559100-5128";
  char c1[FX_ID_LEN], t1[FX_ID_LEN], c2[FX_ID_LEN], t2[FX_ID_LEN], first[FX_ID_LEN];
  char second_id[FX_ID_LEN], admin[FX_ID_LEN];
  office1_names(cid, "alice.c@zeta.se", c1, t1, c2, t2, first);
  struct resp r;
  cx_activate_way3(second, tok2, c2, t2, "Alice Zeta", "alice.c@zeta.se", &r);
  CHECK_MSG(r.status == 201, "status %ld: %s", r.status, r.body ? r.body : "");
  snprintf(second_id, sizeof second_id, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  snprintf(admin, sizeof admin, "%s",
           resp_str(&r, "administrator_id") ? resp_str(&r, "administrator_id") : "");
  resp_free(&r);
  char path[128];
  snprintf(path, sizeof path, "/v1/collaborations/%s", second_id);
  const char *hdr[] = {"If-Match: \"1\"", NULL};
  CHECK(api_with(second, "PATCH", path, tok2,
                 "{\"administrator\":{\"name\":\"Mallory Tv\u00e5\",\"email\":"
                 "\"mallory.c@tva.se\",\"phone\":\"+46 70 555 12 34\"}}",
                 hdr, &r));
  check_refused(&r);
  resp_free(&r);
  CHECK_INT(cx_count(&a, "SELECT count(*) FROM customer_admins WHERE email = ?",
                     "mallory.c@tva.se"),
            0);
  CHECK_INT(cx_count(&a, "SELECT count(*) FROM collaborations WHERE version = 1 AND "
                         "administrator_id = (SELECT administrator_id FROM collaborations "
                         "WHERE id = ?)",
                     second_id),
            2);
  CHECK(api(second, "GET", path, tok2, NULL, &r));
  CHECK_STR(resp_str(&r, "administrator_id"), admin);
  resp_free(&r);
}

/* An invitation past its expiry (not yet recorded by a sweep) no longer holds the company's
 * administrator-to-be: its link answers no more. */
static void expired_holds_nobody(void)
{
  const char *cid = "559100-5078";
  char c1[FX_ID_LEN], t1[FX_ID_LEN], c2[FX_ID_LEN], t2[FX_ID_LEN], first[FX_ID_LEN];
  office1_names(cid, "alice.e@zeta.se", c1, t1, c2, t2, first);
  struct resp r;
  CHECK(cx_exec(&a, "UPDATE collaborations SET expires_at_ms = 1 WHERE id = ?", first));
  cx_activate_way3(&a, tok2, c2, t2, "Mallory Två", "mallory.e@tva.se", &r);
  CHECK_MSG(r.status == 201, "status %ld: %s", r.status, r.body ? r.body : "");
  resp_free(&r);
}

struct racer {
  struct server *srv;
  const char *token;
  char path[160];
  char body[400];
  long status;
  char code[40];
};

static pthread_barrier_t start_line;

static void *race(void *arg)
{
  struct racer *rc = arg;
  char auth[128];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", rc->token);
  const char *hdrs[] = {auth, "Content-Type: application/json", NULL};
  pthread_barrier_wait(&start_line);
  struct resp r;
  bool ok = http(rc->srv, "POST", rc->path, hdrs, rc->body, &r);
  rc->status = ok ? r.status : -1;
  snprintf(rc->code, sizeof rc->code, "%s", resp_str(&r, "code") ? resp_str(&r, "code") : "");
  resp_free(&r);
  return NULL;
}

/* Office 1 (through a) and office 2 (through second) activate way 3 for one company at once,
 * naming different people: one invitation, one refusal. same: naming one person (office 2's
 * address the same, in capitals every other time): two invitations, one administrator (on
 * PostgreSQL the loser of the exact address's insert runs again and reuses the winner's). */
static void race_one(const char *cid, int k, bool same)
{
  struct racer rc[2];
  const char *tokens[2] = {tok1, tok2};
  struct server *srv[2] = {&a, second};
  for (int i = 0; i < 2; i++) {
    char customer[FX_ID_LEN], task[FX_ID_LEN];
    customer_with_task(tokens[i], cid, customer, task);
    rc[i].srv = srv[(i + k) % 2];
    rc[i].token = tokens[i];
    snprintf(rc[i].path, sizeof rc[i].path, "/v1/customers/%s/collaborations", customer);
    snprintf(rc[i].body, sizeof rc[i].body,
             "{\"task_id\":\"%s\",\"variant\":\"start\",\"invoice_recipient\":\"customer\","
             "\"agreement_period_months\":3,\"administrator\":{\"name\":\"Person %d\","
             "\"email\":\"%s%d.%d@nybolag.se\",\"phone\":\"+46 70 555 12 34\"}}",
             task, i, i == 1 && same && k % 2 ? "PERSON" : "person", same ? 0 : i, k);
  }
  pthread_t th[2];
  pthread_barrier_init(&start_line, NULL, 2);
  for (int i = 0; i < 2; i++)
    pthread_create(&th[i], NULL, race, &rc[i]);
  for (int i = 0; i < 2; i++)
    pthread_join(th[i], NULL);
  pthread_barrier_destroy(&start_line);
  int won = (rc[0].status == 201) + (rc[1].status == 201);
  CHECK_MSG(won == (same ? 2 : 1), "%s: %ld %s / %ld %s", cid, rc[0].status, rc[0].code,
            rc[1].status, rc[1].code);
  if (same) {
    CHECK_INT(cx_count(&a,
                       "SELECT count(*) FROM customer_admins ca JOIN companies cp ON "
                       "cp.id = ca.company_id WHERE cp.corporate_id = ?",
                       cid),
              1);
    return;
  }
  for (int i = 0; i < 2; i++)
    if (rc[i].status != 201)
      CHECK_MSG(rc[i].status == 409 && strcmp(rc[i].code, "administrator_already_named") == 0,
                "%s: %ld %s", cid, rc[i].status, rc[i].code);
  CHECK_INT(cx_count(&a,
                     "SELECT count(*) FROM collaborations co JOIN companies cp ON "
                     "cp.id = co.company_id WHERE cp.corporate_id = ? AND co.state = 'invited'",
                     cid),
            1);
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const char *env[] = {"ADVISORD_SMTP_URL=", NULL};
  server_start(&a, NULL, env);
  if (testdb_pg()) {
    char secret[320];
    snprintf(secret, sizeof secret, "%s/secret.key", a.dir);
    const char *args_b[] = {"--db", a.db, "--secret-file", secret, NULL};
    server_start(&b, args_b, env);
    second = &b;
  }
  fx_office(&a, "Byrå Ett AB", "5560360793", "info@byra-ett.se", office1, tok1);
  fx_office(&a, "Byrå Två AB", "5560360827", "info@byra-tva.se", office2, tok2);
  same_person_or_wait();
  expired_holds_nobody();
  correction_held_too();
  other_case_same_person();
  const char *cids[RACE_COMPANIES] = {"559100-5011", "559100-5029", "559100-5037",
                                      "559100-5045", "559100-5052", "559100-5060"};
  for (int k = 0; k < RACE_COMPANIES; k++)
    race_one(cids[k], k, false);
  const char *same_cids[RACE_COMPANIES] = {"559100-5508", "559100-5516", "559100-5524",
                                           "559100-5532", "559100-5540", "559100-5557"};
  for (int k = 0; k < RACE_COMPANIES; k++)
    race_one(same_cids[k], k, true);
  if (second == &b)
    CHECK_INT(server_stop(&b, false), 0);
  CHECK_INT(server_stop(&a, false), 0);
  curl_global_cleanup();
  return TEST_REPORT();
}
