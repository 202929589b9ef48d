/* Integration test of migration 0065 on SQLite (PostgreSQL's is a plain DROP COLUMN, applied
 * by every PostgreSQL test run): a database at schema version 60 with outbox rows in every
 * state is migrated by store_open; every row keeps its columns and its rowid (support's list
 * and the tests order by it), the Message-ID the mailer and the API show is the one the row
 * stored before ("<id@advisord>"), the column and its UNIQUE index are gone, the outbox's four
 * indexes are back, and the mailer's claim still takes the due row. */
#include "harness.h"
#include "store_outbox.h"
#include "migrate_fx.h"
#include "testdb.h"
#include "testlib.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TEST_MAIN_DEFS

#define ID(n) "0190a0a0-0000-7000-8000-00000000000" #n

int main(void)
{
  if (testdb_pg()) {
    printf("migration 0065's table rebuild is SQLite's\n");
    return 77;
  }
  char dir[] = "/tmp/advisord-m0065-XXXXXX", path[64];
  CHECK(mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "%s/db", dir);
  sqlite3 *db = NULL;
  CHECK(sqlite3_open(path, &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE schema_migrations (version "
                         "INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                     NULL, NULL, NULL) == SQLITE_OK);
  mfx_build_below(db, 65);
  const char *rows =
      "INSERT INTO outbox (rowid, id, message_id, recipient, template, language, data, "
      "collaboration_id, status, attempts, next_attempt_at, last_error, created_at, updated_at, "
      "sent_at, leased_until) VALUES "
      "(7, '" ID(1) "', '<" ID(1) "@advisord>', 'a@example.se', 'office_accepted', 'sv', '{}', "
      "NULL, 'sent', 1, 10, NULL, '2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', "
      "'2026-01-01T00:00:01Z', NULL),"
      "(3, '" ID(2) "', '<" ID(2) "@advisord>', 'b@example.se', 'office_accepted', 'en', "
      "'{\"x\":1}', 'c1', 'failed', 5, 20, 'smtp 550 no', '2026-01-02T00:00:00Z', "
      "'2026-01-02T00:00:01Z', NULL, NULL),"
      "(9, '" ID(3) "', '<" ID(3) "@advisord>', 'c@example.se', 'office_accepted', 'sv', '{}', "
      "'c1', 'pending', 2, 30, 'smtp 451 later', '2026-01-03T00:00:00Z', "
      "'2026-01-03T00:00:01Z', NULL, 30)";
  char *err = NULL;
  CHECK_MSG(sqlite3_exec(db, rows, NULL, NULL, &err) == SQLITE_OK, "%s", err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);

  char why[256];
  struct store *st = store_open(path, true, why, sizeof why); /* applies 0065 */
  CHECK_MSG(st != NULL, "%s", why);
  if (!st)
    return TEST_REPORT();
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM schema_migrations WHERE version = 65", NULL),
            1);
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM pragma_table_info('outbox') "
                              "WHERE name = 'message_id'", NULL), 0);
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM sqlite_master WHERE tbl_name = 'outbox' "
                              "AND type = 'index' AND name IN ('outbox_by_collaboration', "
                              "'outbox_unsent', 'outbox_by_created', "
                              "'outbox_pending')", NULL), 4); /* (0071: by status, unsent only) */
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM sqlite_master WHERE tbl_name = 'outbox' "
                              "AND type = 'index'", NULL), 5); /* and the id's */
  CHECK_INT(testdb_int_on(st, "SELECT rowid FROM outbox WHERE id = ?", ID(1)), 7);
  CHECK_INT(testdb_int_on(st, "SELECT rowid FROM outbox WHERE id = ?", ID(2)), 3);
  CHECK_INT(testdb_int_on(st, "SELECT rowid FROM outbox WHERE id = ?", ID(3)), 9);
  struct outbox_row r;
  CHECK_INT(store_outbox_get(store_conn(st), ID(2), &r), STORE_OK);
  CHECK_STR(r.message_id, "<" ID(2) "@advisord>");
  CHECK_STR(r.status, "failed");
  CHECK_INT(r.attempts, 5);
  CHECK_STR(r.last_error, "smtp 550 no");
  CHECK_STR(r.collaboration_id, "c1");
  CHECK_STR(r.language, "en");
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM outbox WHERE id = ? AND data = '{\"x\":1}'",
                          ID(2)), 1);
  CHECK_INT(store_outbox_get(store_conn(st), ID(1), &r), STORE_OK);
  CHECK_STR(r.sent_at, "2026-01-01T00:00:01Z");
  CHECK_INT(testdb_int_on(st, "SELECT leased_until FROM outbox WHERE id = ?", ID(3)), 30);
  /* the mailer's claim: the pending row, its lost lease counted as a try */
  struct claim {
    struct outbox_row row;
  } cl = {0};
  CHECK_INT(store_outbox_claim(store_conn(st), 1000, 60000, &cl.row, NULL), STORE_OK);
  CHECK_STR(cl.row.id, ID(3));
  CHECK_STR(cl.row.message_id, "<" ID(3) "@advisord>");
  CHECK_INT(cl.row.attempts, 3);
  outbox_row_clear(&cl.row);
  store_close(st);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return TEST_REPORT();
}
