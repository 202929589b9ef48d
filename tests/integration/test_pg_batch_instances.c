/* Integration test: two servers on one PostgreSQL database run batches (issue 18). A batch is
 * uploaded to each (500 rows each, 20 bad, different companies); the runners claim them with
 * FOR UPDATE SKIP LOCKED, so each runs one; server A is killed with SIGKILL partway through its
 * batch, and B, once A's lease (--batch-lease 1) has run out, takes it up and finishes it. Both
 * batches end done with 480 invitations and 20 refusals each, and no row was done twice: 960
 * collaborations, each named by exactly one row, 960 outbox rows. */
#include "batch_fx.h"
#include "store.h"
#include "testdb.h"

#include <signal.h>
#include <sys/wait.h>

TEST_MAIN_DEFS

#define GOOD (BFX_ROWS - BFX_BAD)

static struct server a, b;
static char office[FX_ID_LEN], tok[FX_TOKEN_LEN];

static void post(struct server *s, int salt, const char *key, char *location)
{
  char *csv = bfx_csv(salt);
  struct resp r;
  CHECK(bfx_post(s, tok, "", key, csv, &r));
  CHECK_INT(r.status, 202);
  CHECK(resp_header(&r, "location", location, 160));
  resp_free(&r);
  free(csv);
}

static void check_done(const char *location)
{
  struct resp r;
  bfx_wait_done(&b, tok, location, 120000, &r);
  json_t *counts = json_object_get(r.json, "counts");
  CHECK_INT(json_integer_value(json_object_get(counts, "invited")), GOOD);
  CHECK_INT(json_integer_value(json_object_get(counts, "refused")), BFX_BAD);
  CHECK_INT(json_integer_value(json_object_get(counts, "pending")), 0);
  resp_free(&r);
}

int main(void)
{
  if (!testdb_pg()) {
    printf("two instances on one PostgreSQL database: runs with ADVISORD_TEST_PG\n");
    return TESTDB_SKIP;
  }
  const char *args_a[] = {"--collaboration-create-limit", "0", "--batch-lease", "1", NULL};
  server_start(&a, args_a, NULL);
  char secret[320];
  snprintf(secret, sizeof secret, "%s/secret.key", a.dir);
  const char *args_b[] = {"--collaboration-create-limit", "0", "--batch-lease", "1", "--db",
                          a.db, "--secret-file", secret, NULL};
  server_start(&b, args_b, NULL);
  fx_office(&a, "Byr\xC3\xA5 Dubbel AB", "5560360793", "info@byra.se", office, tok);
  bfx_companies(&a, 0);
  bfx_companies(&a, 3);
  char why[200], loc_a[160] = "", loc_b[160] = "";
  struct store *st = store_open(a.db, false, why, sizeof why);
  CHECK(st != NULL);
  if (!st)
    return TEST_REPORT();
  post(&a, 0, "batch-a", loc_a);
  post(&b, 3, "batch-b", loc_b);
  /* kill A once its batch (the first) is partly done */
  char sql[300];
  snprintf(sql, sizeof sql, "SELECT count(*) FROM collab_batch_rows WHERE outcome = 'invited' "
                            "AND batch_id = ?");
  const char *id_a = loc_a + strlen("/v1/collaboration-batches/");
  int64_t until = util_mono_ms() + 60000;
  long done = 0;
  while (util_mono_ms() < until && (done = (long)testdb_int_on(st, sql, id_a)) < 1)
    usleep(500);
  CHECK_INT(kill(a.pid, SIGKILL), 0);
  int status = 0;
  CHECK_INT(waitpid(a.pid, &status, 0), a.pid);
  a.pid = 0;
  done = (long)testdb_int_on(st, sql, id_a);
  long other = (long)testdb_int_on(st, sql, loc_b + strlen("/v1/collaboration-batches/"));
  printf("A killed with %ld of its batch's %d rows invited (B's batch: %ld)\n", done, GOOD,
         other);
  CHECK_MSG(done >= 1 && done < GOOD, "%ld", done);
  check_done(loc_b);
  check_done(loc_a);
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM collaborations WHERE office_id = ?", office),
            2 * GOOD);
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM collaborations c WHERE c.office_id = ? AND "
                              "(SELECT count(*) FROM collab_batch_rows r WHERE "
                              "r.collaboration_id = c.id) = 1", office),
            2 * GOOD);
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM customers WHERE office_id = ?", office),
            2 * GOOD);
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM outbox WHERE collaboration_id IN (SELECT "
                              "id FROM collaborations WHERE office_id = ?)", office),
            2 * GOOD);
  store_close(st);
  CHECK_INT(server_stop(&b, false), 0);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", a.dir);
  CHECK(system(cmd) == 0);
  return TEST_REPORT();
}
