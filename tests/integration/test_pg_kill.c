/* test_pg_kill.c - two advisord instances on one PostgreSQL database under load from 8 clients
 * that spread customers, tasks and collaborations over both; one instance is killed with
 * SIGKILL mid-load. Every write either instance acknowledged (201) is in the database, with
 * the outbox row of each collaboration, and the other instance keeps serving: it acknowledges
 * writes after the kill and reads what the dead one wrote. PostgreSQL only (ADVISORD_TEST_PG;
 * SQLite's single-process kill test is test_crash_kill.c). Prints the ledger. */
#include "fixtures.h"
#include "store.h"
#include "testdb.h"
#include "util.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>

TEST_MAIN_DEFS

#define CLIENTS 8
#define MAX_ACKED 20000

enum kind { CUSTOMER, TASK, COLLAB, KINDS };
static const char *const kind_sql[KINDS] = {"SELECT count(*) FROM customers WHERE id = ?",
                                            "SELECT count(*) FROM tasks WHERE id = ?",
                                            "SELECT count(*) FROM collaborations WHERE id = ?"};

static struct server a, b;
static char token[FX_TOKEN_LEN];
static atomic_int next_number, requests;
static atomic_bool stop, killed;
static pthread_mutex_t ledger_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
  enum kind kind;
  bool by_b, after_kill;
  char id[FX_ID_LEN];
} acked[MAX_ACKED];
static int n_acked;

static void ack(enum kind k, bool by_b, const char *id)
{
  pthread_mutex_lock(&ledger_mu);
  if (n_acked < MAX_ACKED) {
    acked[n_acked].kind = k;
    acked[n_acked].by_b = by_b;
    acked[n_acked].after_kill = atomic_load(&killed);
    snprintf(acked[n_acked].id, FX_ID_LEN, "%s", id);
    n_acked++;
  }
  pthread_mutex_unlock(&ledger_mu);
}

/* A valid organisation number "557NNN-NNNC" for n (Luhn check digit C). */
static void corporate_id(int n, char *out)
{
  char d[11];
  snprintf(d, sizeof d, "557%06d", n);
  int sum = 0;
  for (int i = 0; i < 9; i++) {
    int v = (d[i] - '0') * (i % 2 == 0 ? 2 : 1);
    sum += v / 10 + v % 10;
  }
  snprintf(out, 12, "%.6s-%.3s%d", d, d + 6, (10 - sum % 10) % 10);
}

/* One POST to a or b in turn (only b once a is dead, as a load balancer would); acknowledged
 * (201) writes go into the ledger. */
static bool create(enum kind k, const char *path, const char *body, char *id)
{
  bool to_b = atomic_fetch_add(&requests, 1) % 2 || atomic_load(&killed);
  struct resp r;
  if (!api(to_b ? &b : &a, "POST", path, token, body, &r)) {
    resp_free(&r); /* that instance is gone (or the kill cut this request) */
    return false;
  }
  bool ok = r.status == 201 && resp_str(&r, "id");
  if (ok) {
    snprintf(id, FX_ID_LEN, "%s", resp_str(&r, "id"));
    ack(k, to_b, id);
  } else if (r.status != 503)
    CHECK_MSG(false, "POST %s: %ld %s", path, r.status, r.body ? r.body : "");
  resp_free(&r);
  return ok;
}

static void *client(void *arg)
{
  (void)arg;
  while (!atomic_load(&stop)) {
    int n = atomic_fetch_add(&next_number, 1);
    char cid[12], body[512], path[128], customer[FX_ID_LEN], task[FX_ID_LEN], collab[FX_ID_LEN];
    corporate_id(n, cid);
    snprintf(body, sizeof body, "{\"corporate_id\":\"%s\",\"name\":\"Kund %d AB\",\"email\":"
             "\"ekonomi%d@kund.se\"}", cid, n, n);
    if (!create(CUSTOMER, "/v1/customers", body, customer))
      continue;
    snprintf(path, sizeof path, "/v1/customers/%s/tasks", customer);
    if (!create(TASK, path, "{\"name\":\"Löpande bokföring\"}", task))
      continue;
    snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
    snprintf(body, sizeof body,
             "{\"task_id\":\"%s\",\"variant\":\"smart\",\"invoice_recipient\":\"office\","
             "\"agreement_period_months\":12,\"administrator\":{\"name\":\"Anna %d\","
             "\"email\":\"anna%d@kund.se\",\"phone\":\"+46701234567\"}}", task, n, n);
    create(COLLAB, path, body, collab);
  }
  return NULL;
}

int main(void)
{
  if (!testdb_pg()) {
    printf("two instances on one PostgreSQL database: runs with ADVISORD_TEST_PG\n");
    return TESTDB_SKIP;
  }
  const char *args_a[] = {"--collaboration-create-limit", "0", NULL};
  server_start(&a, args_a, NULL);
  char secret[320];
  snprintf(secret, sizeof secret, "%s/secret.key", a.dir);
  const char *args_b[] = {"--collaboration-create-limit", "0", "--db", a.db, "--secret-file",
                          secret, NULL};
  server_start(&b, args_b, NULL);
  char office[FX_ID_LEN];
  fx_office(&a, "Byrå Dubbel AB", "5560360793", "info@byra-dubbel.se", office, token);
  struct resp r;
  CHECK(api(&a, "GET", "/healthz", NULL, NULL, &r)); /* libcurl set up before the threads */
  resp_free(&r);

  pthread_t th[CLIENTS];
  for (int i = 0; i < CLIENTS; i++)
    pthread_create(&th[i], NULL, client, NULL);
  usleep(1500 * 1000);
  CHECK_INT(kill(a.pid, SIGKILL), 0);
  atomic_store(&killed, true);
  int status = 0;
  CHECK_INT(waitpid(a.pid, &status, 0), a.pid);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  a.pid = 0;
  usleep(1500 * 1000); /* the load goes on; only b answers now */
  atomic_store(&stop, true);
  for (int i = 0; i < CLIENTS; i++)
    pthread_join(th[i], NULL);

  char why[256];
  struct store *st = store_open(a.db, false, why, sizeof why); /* the database both share */
  CHECK_MSG(st != NULL, "%s", why);
  if (!st)
    return TEST_REPORT();
  int by[2] = {0}, after = 0, missing = 0, outbox = 0, collabs = 0;
  for (int i = 0; i < n_acked; i++) {
    by[acked[i].by_b]++;
    after += acked[i].after_kill;
    long c = (long)testdb_int_on(st, kind_sql[acked[i].kind], acked[i].id);
    CHECK_MSG(c == 1, "acknowledged %s: %ld rows after the kill", acked[i].id, c);
    missing += c != 1;
    if (acked[i].kind == COLLAB) {
      collabs++;
      outbox += testdb_int_on(st, "SELECT count(*) FROM outbox WHERE collaboration_id = ?",
                              acked[i].id) >= 1;
    }
  }
  store_close(st);
  printf("acknowledged writes: %d (a %d, b %d; %d after a was killed), missing %d; "
         "collaborations with their outbox row %d/%d\n", n_acked, by[0], by[1], after, missing,
         outbox, collabs);
  CHECK(by[0] > 0 && by[1] > 0);
  CHECK_MSG(after > 0, "b acknowledged no write after a was killed");
  CHECK_INT(outbox, collabs);
  /* b still serves, and reads what a wrote */
  CHECK(api(&b, "GET", "/healthz", NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  for (int i = 0; i < n_acked; i++)
    if (!acked[i].by_b && acked[i].kind == CUSTOMER) {
      char path[128];
      snprintf(path, sizeof path, "/v1/customers/%s", acked[i].id);
      CHECK(api(&b, "GET", path, token, NULL, &r));
      CHECK_INT(r.status, 200);
      resp_free(&r);
      break;
    }
  CHECK_INT(server_stop(&b, false), 0);
  server_stop(&a, false);
  return TEST_REPORT();
}
