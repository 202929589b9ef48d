/* test_pg_kill.c - two advisord instances on one PostgreSQL database under load from 8 clients
 * that spread customers, tasks and collaborations over both; one instance is killed with
 * SIGKILL mid-load. Every write either instance acknowledged (201) is in the database, with
 * the outbox row of each collaboration, and the other instance keeps serving: it acknowledges
 * writes after the kill and reads what the dead one wrote. PostgreSQL only (ADVISORD_TEST_PG;
 * SQLite's single-process kill test is test_crash_kill.c). Prints the ledger. */
#include "load_fx.h"
#include "store.h"
#include "testdb.h"
#include "util.h"

#include <signal.h>
#include <sys/wait.h>

TEST_MAIN_DEFS

#define CLIENTS 8

static struct server a, b;
static char token[FX_TOKEN_LEN];
static struct load L = LOAD_INIT;

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
  L.to[0] = &a;
  L.to[1] = &b;
  L.token = token;
  L.prefix = "557";
  L.collaborations = true;
  load_begin(&L, CLIENTS);
  /* 1.5 s of load, and until each instance has acknowledged a write (up to 10 s more: a slow
   * cluster) */
  usleep(1500 * 1000);
  for (int waited = 0; (load_acked_by(&L, 0, false) == 0 || load_acked_by(&L, 1, false) == 0) &&
                       waited < 10000;
       waited += 20)
    usleep(20 * 1000);
  CHECK_INT(kill(a.pid, SIGKILL), 0);
  atomic_store(&L.killed, true);
  int status = 0;
  CHECK_INT(waitpid(a.pid, &status, 0), a.pid);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  a.pid = 0;
  /* the load goes on for 1.5 s, and until b has acknowledged a write since (up to 10 s more);
   * only b answers now */
  usleep(1500 * 1000);
  for (int waited = 0; load_acked_by(&L, 1, true) == 0 && waited < 10000; waited += 20)
    usleep(20 * 1000);
  load_end(&L);

  char why[256];
  struct store *st = store_open(a.db, false, why, sizeof why); /* the database both share */
  CHECK_MSG(st != NULL, "%s", why);
  if (!st)
    return TEST_REPORT();
  int by[2] = {0}, after = 0, missing = 0, outbox = 0, collabs = 0;
  for (int i = 0; i < L.n_acked; i++) {
    const struct load_ack *k = &L.acked[i];
    by[k->instance]++;
    after += k->after_kill;
    long c = (long)testdb_int_on(st, load_kind_sql[k->kind], k->id);
    CHECK_MSG(c == 1, "acknowledged %s: %ld rows after the kill", k->id, c);
    missing += c != 1;
    if (k->kind == LOAD_COLLAB) {
      collabs++;
      outbox += testdb_int_on(st, "SELECT count(*) FROM outbox WHERE collaboration_id = ?",
                              k->id) >= 1;
    }
  }
  store_close(st);
  printf("acknowledged writes: %d (a %d, b %d; %d after a was killed), missing %d; "
         "collaborations with their outbox row %d/%d\n", L.n_acked, by[0], by[1], after, missing,
         outbox, collabs);
  CHECK(by[0] > 0 && by[1] > 0);
  CHECK_MSG(after > 0, "b acknowledged no write after a was killed");
  CHECK_INT(outbox, collabs);
  /* b still serves, and reads what a wrote */
  struct resp r;
  CHECK(api(&b, "GET", "/healthz", NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  for (int i = 0; i < L.n_acked; i++)
    if (L.acked[i].instance == 0 && L.acked[i].kind == LOAD_CUSTOMER) {
      char path[128];
      snprintf(path, sizeof path, "/v1/customers/%s", L.acked[i].id);
      CHECK(api(&b, "GET", path, token, NULL, &r));
      CHECK_INT(r.status, 200);
      resp_free(&r);
      break;
    }
  CHECK_INT(server_stop(&b, false), 0);
  server_stop(&a, false);
  return TEST_REPORT();
}
