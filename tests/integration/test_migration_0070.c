/* Integration test of migration 0070 on SQLite (PostgreSQL's only rebuilds the one-open index,
 * applied by every PostgreSQL test run): a database made by the migrations before it, with an
 * open collaboration and outbox rows, is migrated by store_open. The CHECKs of collaborations
 * (state, way) and outbox (status) and collaborations_one_open's WHERE are written with
 * comparisons instead of IN lists: an activation's INSERT, the outbox's INSERT and the mailer's
 * UPDATE no longer build a temporary b-tree (no OpenEphemeral in their programs), on the
 * connection that migrated and on a new one; they still refuse what they refused before (an
 * unknown state, way or status; a second open collaboration of an office and a company), the
 * rows are as they were and the database passes SQLite's integrity check. Migration 0072 runs
 * too (the same database): collaborations is made again without token_hash and its UNIQUE
 * index, every row keeps its rowid, the events, links and batch rows that refer to it still
 * do (foreign keys enforced through the rebuild), the indexes and the view are back. */
#include "harness.h"
#include "sqlite_engine.h"
#include "store_collab.h"
#include "migrate_fx.h"
#include "testdb.h"
#include "testlib.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TEST_MAIN_DEFS

#define OFFICE "0190a0a0-0000-7000-8000-000000000001"
#define COMPANY "0190a0a0-0000-7000-8000-000000000002"
#define COLLAB(n) "0190a0a0-0000-7000-8000-00000000001" #n
/* a collaboration of OFFICE and COMPANY in way and state, by its id's last digit */
#define COLLAB_ROW(n, way, state)                                                             \
  "INSERT INTO collaborations (id, office_id, company_id, variant, invoice_recipient, "       \
  "agreement_period_months, initiated_by, way, state, inviter_kind, inviter_id, "             \
  "expires_at_ms, token_nonce, created_at, updated_at) VALUES ('" COLLAB(n) "', '" OFFICE     \
  "', '" COMPANY "', 'smart', 'office', 12, 'office', '" way "', '" state "', 'office_user', " \
  "'u', 4102444800000, 'nonce', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"
#define OUTBOX_ROW(id, status)                                                                \
  "INSERT INTO outbox (id, recipient, template, language, status, next_attempt_at, "         \
  "created_at, updated_at) VALUES ('" id "', 'a@example.se', 'office_accepted', 'sv', '"      \
  status "', 10, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')"

/* The number of temporary b-trees sql's program opens on db (-1: it does not prepare). */
static int ephemerals(sqlite3 *db, const char *sql)
{
  char *q = sqlite3_mprintf("EXPLAIN %s", sql);
  sqlite3_stmt *s = NULL;
  int n = sqlite3_prepare_v2(db, q, -1, &s, NULL) == SQLITE_OK ? 0 : -1;
  sqlite3_free(q);
  while (n >= 0 && sqlite3_step(s) == SQLITE_ROW)
    n += strcmp((const char *)sqlite3_column_text(s, 1), "OpenEphemeral") == 0;
  sqlite3_finalize(s);
  return n;
}

/* What 0070 changed, as seen by the connection db. */
static void check_programs(sqlite3 *db, const char *who)
{
  CHECK_MSG(ephemerals(db, COLLAB_ROW(5, "new_customer", "invited")) == 0,
            "%s: INSERT INTO collaborations", who);
  CHECK_MSG(ephemerals(db, OUTBOX_ROW("o9", "pending")) == 0, "%s: INSERT INTO outbox", who);
  CHECK_MSG(ephemerals(db, "UPDATE outbox SET status = 'sent' WHERE id = 'o1' AND "
                           "status = 'pending'") == 0, "%s: the mailer's UPDATE", who);
  CHECK_MSG(ephemerals(db, "UPDATE collaborations SET state = 'ended' WHERE id = '" COLLAB(1)
                           "'") == 0, "%s: UPDATE collaborations", who);
}

/* sql fails on db with a CHECK or UNIQUE constraint. */
static void refused(sqlite3 *db, const char *sql)
{
  int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
  CHECK_MSG(rc == SQLITE_CONSTRAINT, "%s: %d (%s)", sql, rc, sqlite3_errmsg(db));
}

int main(void)
{
  if (testdb_pg()) {
    printf("migration 0070's CHECK constraints are SQLite's\n");
    return TESTDB_SKIP;
  }
  char dir[] = "/tmp/advisord-m0070-XXXXXX", path[64];
  CHECK(mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "%s/db", dir);
  sqlite3 *db = NULL;
  CHECK(sqlite3_open(path, &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE schema_migrations (version "
                         "INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                     NULL, NULL, NULL) == SQLITE_OK);
  mfx_build_below(db, 70);
  CHECK_INT(ephemerals(db, COLLAB_ROW(5, "new_customer", "invited")), 3); /* before */
  char *err = NULL;
  CHECK_MSG(sqlite3_exec(db,
                         "INSERT INTO offices VALUES ('" OFFICE "', '556036-0793', 'Byrå', "
                         "'a@byra.test', 'x'); INSERT INTO companies (id, corporate_id, name, "
                         "relation, created_at, updated_at) VALUES ('" COMPANY "', "
                         "'556100-0000', 'Kund', 'none', 'x', 'x'); INSERT INTO customers (id, "
                         "office_id, company_id, name, email, created_at, updated_at) VALUES "
                         "('cu1', '" OFFICE "', '" COMPANY "', 'Kund', 'k@kund.se', 'x', 'x'); "
                         COLLAB_ROW(1, "new_customer", "invited") "; "
                         COLLAB_ROW(2, "account", "ended") "; "
                         OUTBOX_ROW("o1", "pending") "; " OUTBOX_ROW("o2", "sent") "; "
                         "UPDATE collaborations SET rowid = 40 WHERE id = '" COLLAB(2) "'; "
                         "INSERT INTO collaboration_events (collaboration_id, at, actor_kind, "
                         "event, to_state) VALUES ('" COLLAB(1) "', 'x', 'system', 'invite', "
                         "'invited'); INSERT INTO invitation_links VALUES ('h1', '" COLLAB(1)
                         "', 'office', '" OFFICE "', 'x')",
                         NULL, NULL, &err) == SQLITE_OK, "%s", err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);

  char why[256];
  struct store *st = store_open(path, true, why, sizeof why); /* applies 0070 */
  CHECK_MSG(st != NULL, "%s", why);
  if (!st)
    return TEST_REPORT();
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM schema_migrations WHERE version = 70", NULL),
            1);
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM sqlite_master WHERE name IN "
                              "('collaborations', 'outbox', 'collaborations_one_open') AND ("
                              "sql LIKE '%state IN (%' OR sql LIKE '%way IN (%' OR "
                              "sql LIKE '%status IN (%')", NULL), 0);
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM sqlite_master WHERE name = 'collaborations' "
                              "AND sql LIKE '%OR state = ''ended''%' AND "
                              "sql LIKE '%OR way = ''customer_invite''%'", NULL), 1);
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM collaborations", NULL), 2);
  /* 0072 */
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM schema_migrations WHERE version = 72", NULL),
            1);
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM pragma_table_info('collaborations') "
                              "WHERE name = 'token_hash'", NULL), 0);
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM pragma_table_info('collaborations')", NULL),
            31);
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                              "tbl_name = 'collaborations' AND name <> "
                              "'collaborations_by_administrator' AND name <> "
                              "'collaborations_approved_by_start'", NULL), 9); /* 8 and the
                                                      id's; 0076 and 0108 add one each */
  CHECK_INT(testdb_int_on(st, "SELECT rowid FROM collaborations WHERE id = ?", COLLAB(2)), 40);
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM pragma_foreign_key_check", NULL), 0);
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM collaboration_events e JOIN collaborations "
                              "c ON c.id = e.collaboration_id", NULL), 1);
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM customer_open_collaborations", NULL), 1);
  CHECK_INT(testdb_int_on(st, "SELECT count(*) FROM outbox WHERE status = 'sent'", NULL), 1);
  /* the read that finds the open collaboration still does, through the rebuilt index */
  char open_id[COLLAB_ID_LEN];
  CHECK_INT(store_collab_open_id(store_conn(st), OFFICE, COMPANY, open_id), STORE_OK);
  CHECK_STR(open_id, COLLAB(1));
  sqlite3 *mine = ((struct sq_conn *)store_conn(st))->db; /* the connection that migrated */
  check_programs(mine, "the migrating connection");
  store_close(st);

  CHECK(sqlite3_open(path, &db) == SQLITE_OK);
  check_programs(db, "a new connection");
  CHECK(sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) == SQLITE_OK);
  refused(db, "DELETE FROM collaborations WHERE id = '" COLLAB(1) "'"); /* its event refers */
  refused(db, COLLAB_ROW(3, "new_customer", "invented"));
  refused(db, COLLAB_ROW(3, "by_pigeon", "ended"));
  refused(db, COLLAB_ROW(3, "account", "approved")); /* a second open one */
  refused(db, "UPDATE collaborations SET state = 'paused' WHERE id = '" COLLAB(1) "'");
  refused(db, OUTBOX_ROW("o3", "lost"));
  refused(db, "UPDATE outbox SET status = 'queued' WHERE id = 'o1'");
  CHECK(sqlite3_exec(db, "UPDATE collaborations SET state = 'declined' WHERE id = '" COLLAB(1)
                         "'; " COLLAB_ROW(3, "account", "approved") "; "
                         "UPDATE outbox SET status = 'failed' WHERE id = 'o1'",
                     NULL, NULL, NULL) == SQLITE_OK); /* no longer open: a new one may start */
  sqlite3_stmt *s = NULL;
  CHECK(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW);
  CHECK_STR((const char *)sqlite3_column_text(s, 0), "ok");
  sqlite3_finalize(s);
  sqlite3_close(db);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return TEST_REPORT();
}
