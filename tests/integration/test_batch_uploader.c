/* Integration test: a batch's rows act as its uploader is when they run (issue 18). A full
 * user uploads the 500-row file of batch_fx.h; the server is stopped (SIGTERM: the runner lets
 * go between two rows) with rows still pending, the user is made limited, and after a restart
 * every row still pending is refused in words naming the uploader, none of them activated;
 * the rows done before the stop keep their result. */
#include "batch_fx.h"
#include "testdb.h"

TEST_MAIN_DEFS

static struct server s;
static char office[FX_ID_LEN], tok[FX_TOKEN_LEN], user[FX_ID_LEN], tok_user[FX_TOKEN_LEN];

static long rows(const char *outcome)
{
  return (long)testdb_int(s.db, "SELECT count(*) FROM collab_batch_rows WHERE outcome = ?",
                          outcome);
}

int main(void)
{
  const char *args[] = {"--collaboration-create-limit", "0", NULL};
  server_start(&s, args, NULL);
  fx_office(&s, "Byr\xC3\xA5 Uppladdning AB", "5560360793", "info@byra.se", office, tok);
  fx_user(&s, office, "anna@byra.se", "full", user, tok_user);
  bfx_companies(&s, 0);
  char *csv = bfx_csv(0), location[160] = "";
  struct resp r;
  CHECK(bfx_post(&s, tok_user, "", "uploader-batch", csv, &r));
  CHECK_INT(r.status, 202);
  CHECK(resp_header(&r, "location", location, sizeof location));
  resp_free(&r);
  free(csv);
  CHECK_INT(server_stop(&s, true), 0); /* at once: most rows are still pending */
  long invited = rows("invited"), refused = rows("refused"), pending = rows("pending");
  printf("stopped with %ld invited, %ld refused, %ld pending\n", invited, refused, pending);
  CHECK_MSG(pending > 0, "no row was pending at the stop");

  CHECK(testdb_exec(s.db, "UPDATE office_users SET role = 'limited' WHERE id = ?", user));
  char dir[256], db[400], secret[320], spool[320];
  snprintf(dir, sizeof dir, "%s", s.dir);
  snprintf(db, sizeof db, "%s", s.db);
  snprintf(secret, sizeof secret, "%s/secret.key", dir);
  snprintf(spool, sizeof spool, "%s/mail", dir);
  const char *again[] = {"--collaboration-create-limit", "0", "--db", db, "--secret-file",
                         secret, "--mail-spool", spool, NULL};
  server_start(&s, again, NULL);
  snprintf(s.db, sizeof s.db, "%s", db);
  bfx_wait_done(&s, tok, location, 60000, &r);
  json_t *counts = json_object_get(r.json, "counts");
  CHECK_INT(json_integer_value(json_object_get(counts, "invited")), invited);
  CHECK_INT(json_integer_value(json_object_get(counts, "refused")), refused + pending);
  CHECK_INT(json_integer_value(json_object_get(counts, "pending")), 0);
  long named = 0;
  size_t i;
  json_t *row;
  json_array_foreach(json_object_get(r.json, "rows"), i, row) {
    const char *detail =
        json_string_value(json_object_get(json_object_get(row, "problem"), "detail"));
    named += detail && strstr(detail, "anna@byra.se") && strstr(detail, "full rights");
  }
  resp_free(&r);
  CHECK_INT(named, pending);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaborations WHERE office_id = ?", office),
            invited);
  CHECK_INT(server_stop(&s, false), 0);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return TEST_REPORT();
}
