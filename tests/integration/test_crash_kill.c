/* test_crash_kill.c - the crash promise: advisord is killed with SIGKILL again and again while
 * 8 clients create customers, tasks and collaborations (each collaboration writes its
 * invitation e-mail's outbox row in the same transaction). Every write the server acknowledged
 * (201) before a kill is recorded; after each restart on the same database, every one of them
 * is there, with its outbox row, and PRAGMA integrity_check says ok. Prints the ledger. */
#include "fixtures.h"
#include "harness.h"
#include "testlib.h"
#include "util.h"

#include <pthread.h>
#include <signal.h>
#include "testdb.h"
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

TEST_MAIN_DEFS

#define CLIENTS 8
#define ROUNDS 5
#define MAX_ACKED 30000

enum kind { CUSTOMER, TASK, COLLAB, KINDS };
static const char *const kind_names[KINDS] = {"customers", "tasks", "collaborations"};
static const char *const kind_sql[KINDS] = {"SELECT count(*) FROM customers WHERE id = ?",
                                            "SELECT count(*) FROM tasks WHERE id = ?",
                                            "SELECT count(*) FROM collaborations WHERE id = ?"};

static struct server s;
static char token[FX_TOKEN_LEN];
static atomic_int next_number;
static atomic_bool stop;
static pthread_mutex_t ledger_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
  enum kind kind;
  char id[FX_ID_LEN];
} acked[MAX_ACKED];
static int n_acked;

static void ack(enum kind k, const char *id)
{
  pthread_mutex_lock(&ledger_mu);
  if (id && n_acked < MAX_ACKED) {
    acked[n_acked].kind = k;
    snprintf(acked[n_acked].id, FX_ID_LEN, "%s", id);
    n_acked++;
  }
  pthread_mutex_unlock(&ledger_mu);
}

/* A valid organisation number "556NNN-NNNC" for n (Luhn check digit C). */
static void corporate_id(int n, char *out)
{
  char d[11];
  snprintf(d, sizeof d, "556%06d", n);
  int sum = 0;
  for (int i = 0; i < 9; i++) {
    int v = (d[i] - '0') * (i % 2 == 0 ? 2 : 1);
    sum += v / 10 + v % 10;
  }
  snprintf(out, 12, "%.6s-%.3s%d", d, d + 6, (10 - sum % 10) % 10);
}

/* One POST; the new resource's id into id when the server acknowledged it with 201. */
static bool create(const char *path, const char *body, char *id)
{
  struct resp r;
  if (!api(&s, "POST", path, token, body, &r)) {
    resp_free(&r);
    usleep(2000); /* the server is down: try again shortly */
    return false;
  }
  bool ok = r.status == 201 && resp_str(&r, "id");
  if (ok)
    snprintf(id, FX_ID_LEN, "%s", resp_str(&r, "id"));
  else if (r.status != 503)
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
    if (!create("/v1/customers", body, customer))
      continue;
    ack(CUSTOMER, customer);
    snprintf(path, sizeof path, "/v1/customers/%s/tasks", customer);
    if (!create(path, "{\"name\":\"Löpande bokföring\"}", task))
      continue;
    ack(TASK, task);
    snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
    snprintf(body, sizeof body,
             "{\"task_id\":\"%s\",\"variant\":\"smart\",\"invoice_recipient\":\"office\","
             "\"agreement_period_months\":12,\"administrator\":{\"name\":\"Anna %d\","
             "\"email\":\"anna%d@kund.se\",\"phone\":\"+46701234567\"}}", task, n, n);
    if (create(path, body, collab))
      ack(COLLAB, collab);
  }
  return NULL;
}

static void copy_verdict(const char *const *cols, void *arg)
{
  snprintf(arg, 64, "%s", cols[0] ? cols[0] : "");
}

/* Checks every acknowledged write against the database; prints the round's ledger. */
static void check_ledger(int round)
{
  int want[KINDS] = {0}, found[KINDS] = {0}, outbox = 0;
  for (int i = 0; i < n_acked; i++) {
    want[acked[i].kind]++;
    long c = (long)testdb_int(s.db, kind_sql[acked[i].kind], acked[i].id);
    CHECK_MSG(c == 1, "acknowledged %s %s: %ld rows after the kill", kind_names[acked[i].kind],
              acked[i].id, c);
    found[acked[i].kind] += c == 1;
    if (acked[i].kind == COLLAB) {
      long m = (long)testdb_int(s.db, "SELECT count(*) FROM outbox WHERE collaboration_id = ?",
                                acked[i].id);
      CHECK_MSG(m >= 1, "collaboration %s has no outbox row", acked[i].id);
      outbox += m >= 1;
    }
  }
  char verdict[64] = "?";
  if (testdb_pg()) /* PostgreSQL's own recovery is not what is tested here: advisord died */
    snprintf(verdict, sizeof verdict, "ok");
  else
    testdb_rows(s.db, "PRAGMA integrity_check", NULL, 1, copy_verdict, verdict);
  printf("after kill %d: acknowledged/found customers %d/%d, tasks %d/%d, collaborations "
         "%d/%d, outbox rows %d/%d, integrity_check %s\n",
         round, want[CUSTOMER], found[CUSTOMER], want[TASK], found[TASK], want[COLLAB],
         found[COLLAB], want[COLLAB], outbox, verdict);
  CHECK_STR(verdict, "ok");
}

int main(void)
{
  const char *first[] = {"--collaboration-create-limit", "0", NULL};
  server_start(&s, first, NULL);
  char dir[256], secret[320], spool[320], office[FX_ID_LEN];
  snprintf(dir, sizeof dir, "%s", s.dir);
  snprintf(secret, sizeof secret, "%s/secret.key", dir);
  snprintf(spool, sizeof spool, "%s/mail", dir);
  fx_office(&s, "Byrå Krasch AB", "5560360793", "info@byra-krasch.se", office, token);
  struct resp r;
  CHECK(api(&s, "GET", "/healthz", NULL, NULL, &r)); /* libcurl set up before the threads */
  resp_free(&r);
  srand((unsigned)getpid());
  char db[400];
  snprintf(db, sizeof db, "%s", s.db);
  const char *again[] = {"--collaboration-create-limit", "0", "--db", db, "--secret-file",
                         secret, "--mail-spool", spool, NULL};
  for (int round = 1; round <= ROUNDS; round++) {
    atomic_store(&stop, false);
    pthread_t th[CLIENTS];
    for (int i = 0; i < CLIENTS; i++)
      pthread_create(&th[i], NULL, client, NULL);
    usleep((useconds_t)(700 + rand() % 800) * 1000);
    CHECK_INT(kill(s.pid, SIGKILL), 0);
    int status = 0;
    CHECK_INT(waitpid(s.pid, &status, 0), s.pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    atomic_store(&stop, true);
    for (int i = 0; i < CLIENTS; i++)
      pthread_join(th[i], NULL);
    if (strcmp(s.dir, dir) != 0) { /* a restarted server's own folder (log only) */
      char cmd[400];
      snprintf(cmd, sizeof cmd, "rm -rf '%s'", s.dir);
      CHECK(system(cmd) == 0);
    }
    int64_t t0 = util_mono_ms();
    server_start(&s, again, NULL);
    printf("restart %d: listening after %lld ms\n", round, (long long)(util_mono_ms() - t0));
    snprintf(s.db, sizeof s.db, "%s", db);
    check_ledger(round);
  }
  CHECK(n_acked > 0);
  CHECK_INT(server_stop(&s, false), 0);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return TEST_REPORT();
}
