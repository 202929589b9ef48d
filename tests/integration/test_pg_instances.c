/* Two advisord instances on one PostgreSQL database (issue 15), requests spread over both:
 * 50 racing approve/withdraw on one invitation have exactly one winner; 20 racing writes that
 * name one version (If-Match) from both instances have exactly one winner and no lost update;
 * 20 POSTs with one Idempotency-Key from both make one customer;
 * 1,000 queued e-mails are each sent exactly once by the two mailers together (the SMTP sink
 * counts Message-IDs). PostgreSQL only (ADVISORD_TEST_PG; skipped on SQLite). */
#include "collab_fx.h"
#include "mail_fixtures.h"
#include "smtp_sink.h"

#include <curl/curl.h>
#include <pthread.h>

TEST_MAIN_DEFS

#define RACERS 50
#define MAILS 1000

static struct server a, b;
static struct smtp_sink k;
static char office[FX_ID_LEN], tok_office[FX_TOKEN_LEN];
static pthread_barrier_t start_line;

struct racer {
  struct server *srv; /* the instance this racer talks to */
  char path[200];
  const char *token;
  const char *if_match; /* NULL: none */
  const char *idem_key; /* NULL: none (with it: a POST of body) */
  const char *body;
  long status;
  char code[40];
  char id[FX_ID_LEN];   /* the answer's id, when it has one */
};

static void *race(void *arg)
{
  struct racer *rc = arg;
  char auth[128], im[64];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", rc->token);
  snprintf(im, sizeof im, rc->idem_key ? "Idempotency-Key: \"%s\"" : "If-Match: %s",
           rc->idem_key ? rc->idem_key : rc->if_match ? rc->if_match : "");
  const char *hdrs[] = {auth, rc->if_match || rc->idem_key ? im : NULL, NULL};
  const char *extra[] = {im, NULL};
  pthread_barrier_wait(&start_line);
  struct resp r;
  bool ok = rc->idem_key ? api_with(rc->srv, "POST", rc->path, rc->token, rc->body, extra, &r)
                         : http(rc->srv, "POST", rc->path, hdrs, NULL, &r);
  rc->status = ok ? r.status : -1;
  snprintf(rc->code, sizeof rc->code, "%s", resp_str(&r, "code") ? resp_str(&r, "code") : "");
  snprintf(rc->id, sizeof rc->id, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
  return NULL;
}

/* Runs n racers at once, from one start line. */
static void run_all(struct racer *racers, int n)
{
  pthread_t th[RACERS];
  pthread_barrier_init(&start_line, NULL, (unsigned)n);
  for (int i = 0; i < n; i++)
    pthread_create(&th[i], NULL, race, &racers[i]);
  for (int i = 0; i < n; i++)
    pthread_join(th[i], NULL);
  pthread_barrier_destroy(&start_line);
}

/* Runs n racers at once; returns how many got 200 and checks every other answer. */
static int run_race(struct racer *racers, int n, long want_other, const char *want_code)
{
  run_all(racers, n);
  int won = 0, on_b = 0;
  for (int i = 0; i < n; i++) {
    on_b += racers[i].srv == &b;
    if (racers[i].status == 200) {
      won++;
      continue;
    }
    CHECK_MSG(racers[i].status == want_other && strcmp(racers[i].code, want_code) == 0,
              "%s: %ld %s", racers[i].path, racers[i].status, racers[i].code);
  }
  CHECK(on_b > 0 && on_b < n);
  return won;
}

/* An invitation of a new company made through instance a. */
static void invite(const char *cid, const char *name, char *id, char *tok_cadmin)
{
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], customer[FX_ID_LEN], task[FX_ID_LEN];
  fx_company(&a, cid, name, "account", company);
  fx_customer_admin(&a, cid, "Admin", "admin@example.se", cadmin, tok_cadmin);
  cx_customer(&a, tok_office, cid, name, "kontakt@example.se", customer);
  cx_task(&a, tok_office, customer, "Uppdrag", task);
  cx_activate(&a, tok_office, customer, task, "bokforing", "office", 12, id);
}

static void approve_vs_withdraw(const char *cid, const char *name)
{
  char id[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN];
  invite(cid, name, id, tok_cadmin);
  static struct racer racers[RACERS];
  for (int i = 0; i < RACERS; i++) {
    bool approve = i % 2 == 0;
    racers[i] = (struct racer){.srv = (i / 2) % 2 ? &b : &a, .token = approve ? tok_cadmin
                                                                              : tok_office};
    snprintf(racers[i].path, sizeof racers[i].path, "/v1/collaborations/%s/%s", id,
             approve ? "approve" : "withdraw");
  }
  int won = run_race(racers, RACERS, 409, "illegal_transition");
  printf("approve/withdraw over two instances: %d of %d won\n", won, RACERS);
  CHECK_INT(won, 1);
  CHECK_INT(cx_count(&a, "SELECT count(*) FROM collaboration_events WHERE collaboration_id = ? "
                         "AND from_state = 'invited'", id), 1);
  long version = cx_count(&a, "SELECT version FROM collaborations WHERE id = ?", id);
  CHECK(version == 2 || version == 3); /* withdrawn, or approved and provisioned */
}

/* 20 writes naming version 1 from both instances: one wins, 19 see a stale If-Match, and the
 * stored version moved by exactly one (no write was lost or applied twice). */
static void if_match_race(void)
{
  char id[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN];
  invite("556200-0058", "Versionsrace AB", id, tok_cadmin);
  static struct racer racers[20];
  for (int i = 0; i < 20; i++) {
    racers[i] = (struct racer){.srv = i % 2 ? &b : &a, .token = tok_office, .if_match = "\"1\""};
    snprintf(racers[i].path, sizeof racers[i].path, "/v1/collaborations/%s/%s", id,
             i % 4 < 2 ? "reminders" : "withdraw");
  }
  int won = run_race(racers, 20, 412, "precondition_failed");
  printf("If-Match over two instances: %d of 20 won\n", won);
  CHECK_INT(won, 1);
  CHECK_INT(cx_count(&a, "SELECT version FROM collaborations WHERE id = ?", id), 2);
  CHECK_INT(cx_count(&a, "SELECT count(*) FROM collaboration_events WHERE collaboration_id = ?",
                     id), 2);
}

/* 20 POSTs of one new customer with one Idempotency-Key, from both instances at once: one
 * customer is made; every other answer replays it (201, the same id) or says the first is
 * still running (409 idempotency_key_in_use). */
static void idempotency_race(void)
{
  static struct racer racers[20];
  const char *body = "{\"corporate_id\":\"556200-0066\",\"name\":\"Nyckel AB\","
                     "\"email\":\"ekonomi@nyckel.se\"}";
  for (int i = 0; i < 20; i++)
    racers[i] = (struct racer){.srv = i % 2 ? &b : &a, .token = tok_office, .idem_key = "k-1",
                               .body = body, .path = "/v1/customers"};
  run_all(racers, 20);
  int made = 0, same = 0;
  const char *first = NULL;
  for (int i = 0; i < 20; i++)
    if (racers[i].status == 201) {
      made++;
      first = first ? first : racers[i].id;
      same += strcmp(first, racers[i].id) == 0;
    } else
      CHECK_MSG(racers[i].status == 409 && strcmp(racers[i].code, "idempotency_key_in_use") == 0,
                "%ld %s", racers[i].status, racers[i].code);
  printf("Idempotency-Key over two instances: %d of 20 answered 201, all with one id: %s\n", made,
         same == made ? "yes" : "no");
  CHECK(made >= 1);
  CHECK_INT(same, made);
  CHECK_INT(cx_count(&a, "SELECT count(*) FROM customers WHERE company_id = (SELECT id FROM "
                         "companies WHERE corporate_id = ?)", "556200-0066"), 1);
}

static enum store_status enqueue_all(struct store_conn *c, void *arg)
{
  char id[40], to[64];
  for (int i = 0; i < MAILS; i++) {
    snprintf(to, sizeof to, "kund%d@example.se", i);
    struct outbox_message m = {to, "office_accepted", "sv",
                               "{\"office_name\":\"Byrå Öst AB\",\"company_name\":\"Ärlig "
                               "Bygg AB\",\"collaboration_id\":\"c-test\"}", NULL};
    enum store_status st = store_outbox_enqueue(c, &m, id);
    if (st != STORE_OK)
      return st;
  }
  return STORE_OK;
}

/* Of the messages the sink received, those to the queued recipients (kund*@): how many, how
 * many distinct Message-IDs among them, and how many arrived a second time. */
static size_t count_queued(size_t *distinct, size_t *dupes)
{
  json_t *all = sink_received(&k), *seen = json_object();
  size_t total = 0;
  *dupes = 0;
  for (size_t i = 0; i < json_array_size(all); i++) {
    json_t *m = json_array_get(all, i);
    const char *mid = json_string_value(json_object_get(m, "message_id"));
    const char *to = json_string_value(json_object_get(m, "to"));
    if (!mid || !to || !strstr(to, "kund"))
      continue;
    total++;
    *dupes += json_object_get(seen, mid) != NULL;
    json_object_set_new(seen, mid, json_true());
  }
  *distinct = json_object_size(seen);
  json_decref(seen);
  json_decref(all);
  return total;
}

/* 1,000 e-mails queued at once (one transaction); the two mailers share them out. */
static void mails_once(void)
{
  struct store *st = mf_open_db(&a);
  if (!st)
    return;
  int64_t t0 = util_mono_ms();
  CHECK_INT(store_write(st, enqueue_all, NULL), STORE_OK);
  store_close(st);
  size_t total = 0, distinct = 0, dupes = 0;
  for (int waited = 0; waited < 180000 && total < MAILS; waited += 200) {
    usleep(200 * 1000);
    total = count_queued(&distinct, &dupes);
  }
  int64_t took = util_mono_ms() - t0;
  sleep(1); /* a second sending of any of them would arrive by now */
  total = count_queued(&distinct, &dupes);
  int sent_a = server_log_count(&a, "\"mail_sent\""), sent_b = server_log_count(&b, "\"mail_sent\"");
  printf("%d queued e-mails: all in %lld ms; %zu received, %zu distinct Message-IDs, %zu twice; "
         "the mailer of a sent %d, of b %d (with the invitations before)\n", MAILS,
         (long long)took, total, distinct, dupes, sent_a, sent_b);
  CHECK_INT(total, MAILS);
  CHECK_INT(distinct, MAILS);
  CHECK_INT(dupes, 0);
  CHECK(sent_a > 0 && sent_b > 0);
  CHECK_INT(cx_count(&a, "SELECT count(*) FROM outbox WHERE status = 'sent' AND template = ?",
                     "office_accepted"), MAILS);
}

int main(void)
{
  if (!testdb_pg()) {
    printf("two instances on one PostgreSQL database: runs with ADVISORD_TEST_PG\n");
    return TESTDB_SKIP;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  sink_start(&k, 0, 0);
  const char *args_a[] = {"--reminder-interval", "0", "--guess-limit", "0", "--smtp-url", k.url,
                          NULL};
  server_start(&a, args_a, NULL);
  char secret[320];
  snprintf(secret, sizeof secret, "%s/secret.key", a.dir);
  const char *args_b[] = {"--reminder-interval", "0", "--guess-limit", "0", "--smtp-url", k.url,
                          "--db", a.db, "--secret-file", secret, NULL};
  server_start(&b, args_b, NULL);
  fx_office(&a, "Byrå Ett AB", "5560360793", "info@byra-ett.se", office, tok_office);
  approve_vs_withdraw("556200-0017", "Kapplöpning Ett AB");
  approve_vs_withdraw("556200-0025", "Kapplöpning Två AB");
  if_match_race();
  idempotency_race();
  mails_once();
  /* both keep serving, and each sees what the other wrote */
  struct resp r;
  CHECK(api(&b, "GET", "/v1/collaborations?limit=10", tok_office, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 3);
  resp_free(&r);
  CHECK_INT(server_stop(&b, false), 0);
  CHECK_INT(server_stop(&a, false), 0);
  sink_cleanup(&k);
  curl_global_cleanup();
  return TEST_REPORT();
}
