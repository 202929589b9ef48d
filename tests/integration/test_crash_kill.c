/* test_crash_kill.c - the crash promise: advisord is killed with SIGKILL again and again while
 * 8 clients create customers, tasks and collaborations (each collaboration writes its
 * invitation e-mail's outbox row in the same transaction). Every write the server acknowledged
 * (201) before a kill is recorded; after each restart on the same database, every one of them
 * is there, with its outbox row, and PRAGMA integrity_check says ok. Prints the ledger. */
#include "harness.h"
#include "load_fx.h"
#include "testdb.h"
#include "testlib.h"
#include "util.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

TEST_MAIN_DEFS

#define CLIENTS 8
#define ROUNDS 5

static struct server s;
static char token[FX_TOKEN_LEN];
static struct load L = LOAD_INIT;

static void copy_verdict(const char *const *cols, void *arg)
{
  snprintf(arg, 64, "%s", cols[0] ? cols[0] : "");
}

/* Checks every acknowledged write against the database; prints the round's ledger. */
static void check_ledger(int round)
{
  int want[LOAD_KINDS] = {0}, found[LOAD_KINDS] = {0}, outbox = 0;
  for (int i = 0; i < L.n_acked; i++) {
    const struct load_ack *a = &L.acked[i];
    want[a->kind]++;
    long c = (long)testdb_int(s.db, load_kind_sql[a->kind], a->id);
    CHECK_MSG(c == 1, "acknowledged %s %s: %ld rows after the kill", load_kind_names[a->kind],
              a->id, c);
    found[a->kind] += c == 1;
    if (a->kind == LOAD_COLLAB) {
      long m = (long)testdb_int(s.db, "SELECT count(*) FROM outbox WHERE collaboration_id = ?",
                                a->id);
      CHECK_MSG(m >= 1, "collaboration %s has no outbox row", a->id);
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
         round, want[LOAD_CUSTOMER], found[LOAD_CUSTOMER], want[LOAD_TASK], found[LOAD_TASK],
         want[LOAD_COLLAB], found[LOAD_COLLAB], want[LOAD_COLLAB], outbox, verdict);
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
  L.to[0] = &s;
  L.token = token;
  L.prefix = "556";
  L.collaborations = true;
  srand((unsigned)getpid());
  char db[400];
  snprintf(db, sizeof db, "%s", s.db);
  const char *again[] = {"--collaboration-create-limit", "0", "--db", db, "--secret-file",
                         secret, "--mail-spool", spool, NULL};
  for (int round = 1; round <= ROUNDS; round++) {
    load_begin(&L, CLIENTS);
    usleep((useconds_t)(700 + rand() % 800) * 1000);
    CHECK_INT(kill(s.pid, SIGKILL), 0);
    int status = 0;
    CHECK_INT(waitpid(s.pid, &status, 0), s.pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    load_end(&L);
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
  CHECK(L.n_acked > 0);
  CHECK_INT(server_stop(&s, false), 0);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return TEST_REPORT();
}
