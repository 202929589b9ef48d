/* Integration test: a batch survives a crash (issue 18). The 500-row upload of batch_fx.h (20
 * bad rows) is stored, the server is killed with SIGKILL once some but not all of its rows are
 * done, and started again on the same database: the batch goes on from the rows still pending
 * and ends with 480 invitations and 20 refusals, every row's result present, and no row done
 * twice: exactly 480 customers, tasks, collaborations (each named by one row), invitation
 * events and outbox rows, and 480 different e-mails at the SMTP sink (an e-mail the killed
 * server was sending goes again once its lease ends: --smtp-timeout 5 keeps that short). */
#include "batch_fx.h"
#include "smtp_sink.h"
#include "store.h"
#include "testdb.h"

#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>

TEST_MAIN_DEFS

#define GOOD (BFX_ROWS - BFX_BAD)

static struct server s;
static struct smtp_sink k;
static char office[FX_ID_LEN], tok[FX_TOKEN_LEN];

static long count(const char *sql)
{
  return cx_count(&s, sql, office);
}

/* Kills the server once between 1 and GOOD - 1 rows are invited; how many were then. */
static long kill_midway(struct store *st)
{
  long done = 0;
  int64_t until = util_mono_ms() + 60000;
  while (util_mono_ms() < until) {
    done = (long)testdb_int_on(st, "SELECT count(*) FROM collab_batch_rows WHERE "
                                   "outcome = 'invited'", NULL);
    if (done >= 1)
      break;
    usleep(500);
  }
  CHECK_INT(kill(s.pid, SIGKILL), 0);
  int status = 0;
  CHECK_INT(waitpid(s.pid, &status, 0), s.pid);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  done = (long)testdb_int_on(st, "SELECT count(*) FROM collab_batch_rows WHERE "
                                 "outcome = 'invited'", NULL);
  return done;
}

int main(void)
{
  sink_start(&k, 0, 0);
  const char *first[] = {"--smtp-url", k.url, "--smtp-timeout", "5",
                         "--collaboration-create-limit", "0", "--batch-lease", "2", NULL};
  server_start(&s, first, NULL);
  fx_office(&s, "Byr\xC3\xA5 Krasch AB", "5560360793", "info@byra.se", office, tok);
  bfx_companies(&s, 0);
  char *csv = bfx_csv(0), location[160] = "", why[200];
  struct store *st = store_open(s.db, false, why, sizeof why);
  CHECK(st != NULL);
  struct resp r;
  CHECK(bfx_post(&s, tok, "", "kill-batch", csv, &r));
  CHECK_INT(r.status, 202);
  CHECK(resp_header(&r, "location", location, sizeof location));
  resp_free(&r);
  long at_kill = kill_midway(st);
  long refused_at_kill = (long)testdb_int_on(
      st, "SELECT count(*) FROM collab_batch_rows WHERE outcome = 'refused'", NULL);
  printf("killed with %ld of %d rows invited, %ld refused\n", at_kill, GOOD, refused_at_kill);
  CHECK_MSG(at_kill >= 1 && at_kill < GOOD, "%ld rows were invited when the server died",
            at_kill);
  /* what was committed is whole: a collaboration for each invited row, nothing else */
  CHECK_INT(count("SELECT count(*) FROM collaborations WHERE office_id = ?"), at_kill);
  CHECK_INT(count("SELECT count(*) FROM customers WHERE office_id = ?"), at_kill);
  if (st)
    store_close(st);

  char dir[256], db[400], secret[320], spool[320];
  snprintf(dir, sizeof dir, "%s", s.dir);
  snprintf(db, sizeof db, "%s", s.db);
  snprintf(secret, sizeof secret, "%s/secret.key", dir);
  snprintf(spool, sizeof spool, "%s/mail", dir);
  const char *again[] = {"--smtp-url", k.url, "--smtp-timeout", "5",
                         "--collaboration-create-limit", "0", "--batch-lease", "2", "--db", db,
                         "--secret-file", secret, "--mail-spool", spool, NULL};
  int64_t t0 = util_mono_ms();
  server_start(&s, again, NULL);
  snprintf(s.db, sizeof s.db, "%s", db);
  bfx_wait_done(&s, tok, location, 120000, &r);
  printf("restarted: the batch was done %lld ms later\n", (long long)(util_mono_ms() - t0));
  json_t *counts = json_object_get(r.json, "counts");
  CHECK_INT(json_integer_value(json_object_get(counts, "invited")), GOOD);
  CHECK_INT(json_integer_value(json_object_get(counts, "refused")), BFX_BAD);
  CHECK_INT(json_integer_value(json_object_get(counts, "pending")), 0);
  size_t i;
  json_t *row;
  json_array_foreach(json_object_get(r.json, "rows"), i, row) {
    const char *outcome = json_string_value(json_object_get(row, "outcome"));
    bool bad = bfx_bad_row((int)i + 1) != NULL;
    CHECK_MSG(outcome && strcmp(outcome, bad ? "refused" : "invited") == 0, "row %zu: %s",
              i + 1, outcome ? outcome : "(none)");
    CHECK(bad == json_is_null(json_object_get(row, "collaboration_id")));
  }
  resp_free(&r);

  CHECK_INT(count("SELECT count(*) FROM collaborations WHERE office_id = ?"), GOOD);
  CHECK_INT(count("SELECT count(*) FROM customers WHERE office_id = ?"), GOOD);
  CHECK_INT(count("SELECT count(*) FROM tasks WHERE office_id = ?"), GOOD);
  CHECK_INT(count("SELECT count(*) FROM collaboration_events e JOIN collaborations c ON "
                  "c.id = e.collaboration_id WHERE c.office_id = ? AND e.event = 'invite'"),
            GOOD);
  CHECK_INT(count("SELECT count(*) FROM collaborations c WHERE c.office_id = ? AND "
                  "(SELECT count(*) FROM collab_batch_rows b WHERE b.collaboration_id = c.id) "
                  "= 1"),
            GOOD);
  CHECK_INT(count("SELECT count(*) FROM outbox WHERE collaboration_id IN (SELECT id FROM "
                  "collaborations WHERE office_id = ?)"),
            GOOD);
  /* every e-mail once at least: the copies sent again after the kill do not count towards
   * it (with the mailer's outcomes written a batch at a time, several sent before the kill may
   * not have been marked sent: each goes again once its lease ends) */
  sink_wait_different(&k, GOOD, 120000);
  usleep(500 * 1000);
  size_t different = sink_wait_different(&k, SIZE_MAX, 0); /* as they are now */
  json_t *mails = sink_received(&k);
  printf("e-mails at the sink: %zu, %zu different\n", json_array_size(mails), different);
  CHECK_INT(different, GOOD);
  CHECK(json_array_size(mails) >= GOOD); /* those in flight at the kill may come twice */
  json_decref(mails);
  free(csv);
  CHECK_INT(server_stop(&s, false), 0);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  sink_cleanup(&k);
  return TEST_REPORT();
}
