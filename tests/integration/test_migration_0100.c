/* Test of migration 0100 and the lookup it serves: a company's customer administrators are one
 * person per e-mail address compared with ASCII letters in any case. On SQLite a database made
 * by the migrations before 0100 that already holds two administrators of one company whose
 * addresses differ only in case (possible then: UNIQUE (company_id, email) is exact) is migrated
 * by store_open without failing, and both stay. On PostgreSQL (ADVISORD_TEST_PG) the pair is
 * written into a migrated database (0100's index is not UNIQUE, so it cannot refuse them). Then,
 * on either engine: the lookup in any case finds the oldest of the pair; naming the address
 * again in any case (way 3's store_customer_admin_name_new) gives that one back and writes
 * nothing; adding it (the CLI's store_customer_admin_create) is a conflict; another company's
 * administrators are not found; and a letter outside ASCII is not folded, on either engine
 * (PostgreSQL's lower() would fold "Ä" under the database's collation, not under "C"). Since
 * migration 0110 the lookups search the UNIQUE (company_id, email) index instead of 0100's. */
#include "migrate_fx.h"
#include "store_register.h"
#include "testdb.h"
#include "testlib.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TEST_MAIN_DEFS

#define COMPANY "0190a0a0-0000-7000-8000-0000000000c1"
#define OTHER "0190a0a0-0000-7000-8000-0000000000c2"
#define OLDEST "0190a0a0-0000-7000-8000-0000000000a1"
#define NEWER "0190a0a0-0000-7000-8000-0000000000a2"
#define ARLIG "0190a0a0-0000-7000-8000-0000000000a3"
#define COMPANY_ROW(id, cid)                                                                  \
  "INSERT INTO companies (id, corporate_id, name, relation, created_at, updated_at) VALUES " \
  "('" id "', '" cid "', 'Företaget', 'none', 'x', 'x')"
/* the pair: the newer one is inserted first, so that only created_at tells which is oldest */
#define PAIR                                                                                  \
  "INSERT INTO customer_admins (id, company_id, name, email, created_at) VALUES ('" NEWER     \
  "', '" COMPANY "', 'Anna S', 'anna.svensson@foretag.se', '2026-02-01T00:00:00.000Z'), ('"   \
  OLDEST "', '" COMPANY "', 'Anna Svensson', 'Anna.Svensson@Foretag.se', "                   \
  "'2026-01-01T00:00:00.000Z'), ('" ARLIG "', '" COMPANY "', "     \
  "'Åsa Ärlig', 'Ärlig@foretag.se', '2026-01-01T00:00:00.000Z')"

static void check_lookups(struct store_conn *c, const char *url)
{
  struct customer_admin ad;
  const char *spellings[] = {"anna.svensson@foretag.se", "ANNA.SVENSSON@FORETAG.SE",
                             "Anna.Svensson@Foretag.se"};
  for (size_t i = 0; i < 3; i++) {
    CHECK_INT(store_customer_admin_get_by_email(c, COMPANY, spellings[i], &ad), STORE_OK);
    CHECK_STR(ad.id, OLDEST);
    CHECK_STR(ad.email, "Anna.Svensson@Foretag.se"); /* as first typed */
  }
  CHECK_INT(store_customer_admin_get_by_email(c, OTHER, spellings[0], &ad), STORE_NOT_FOUND);
  /* naming it again reuses the oldest: nothing written; without the company's list and with it
   * (an activation's: on SQLite the lookup and the list are one read, the address compared in
   * C) */
  struct customer_admin *listed = malloc(STORE_MAX_ADMINS * sizeof *listed);
  CHECK(listed != NULL);
  size_t n = 0;
  CHECK_INT(store_customer_admin_name_new(c, COMPANY, "Anna", "aNNa.svensson@foretag.SE", NULL,
                                          &ad, NULL, 0, NULL),
            STORE_CONFLICT);
  CHECK_STR(ad.id, OLDEST);
  for (size_t i = 0; i < 3; i++) {
    memset(&ad, 0, sizeof ad);
    CHECK_INT(store_customer_admin_name_new(c, COMPANY, "Anna", spellings[i], NULL, &ad, listed,
                                            STORE_MAX_ADMINS, &n),
              STORE_CONFLICT);
    CHECK_STR(ad.id, OLDEST);
    CHECK_STR(ad.email, "Anna.Svensson@Foretag.se");
  }
  CHECK_INT(store_customer_admin_create(c, COMPANY, "Anna", "ANNA.svensson@foretag.se", NULL,
                                        false, &ad),
            STORE_CONFLICT);
  CHECK_INT(testdb_int(url, "SELECT count(*) FROM customer_admins", NULL), 3);
  /* only ASCII letters fold, on either engine */
  CHECK_INT(store_customer_admin_get_by_email(c, COMPANY, "ärlig@FORETAG.se", &ad),
            STORE_NOT_FOUND);
  CHECK_INT(store_customer_admin_get_by_email(c, COMPANY, "Ärlig@FORETAG.se", &ad), STORE_OK);
  CHECK_INT(store_customer_admin_name_new(c, COMPANY, "Åsa", "Ärlig@FORETAG.se", NULL, &ad,
                                          listed, STORE_MAX_ADMINS, &n),
            STORE_CONFLICT);
  CHECK_STR(ad.id, ARLIG);
  CHECK_INT(store_customer_admin_name_new(c, COMPANY, "Åsa", "ärlig@FORETAG.se", NULL, &ad,
                                          listed, STORE_MAX_ADMINS, &n),
            STORE_OK); /* another address: named */
  CHECK(strcmp(ad.id, ARLIG) != 0 && !ad.confirmed);
  /* with it the company's confirmed ones, read before the insert: the oldest first (by
   * created_at, then id), the one just named not among them */
  CHECK_INT((int)n, 3);
  if (n == 3) {
    CHECK_STR(listed[0].id, OLDEST);
    CHECK_STR(listed[1].id, ARLIG);
    CHECK_STR(listed[2].id, NEWER);
  }
  CHECK_INT(testdb_int(url, "SELECT count(*) FROM customer_admins", NULL), 4);
  /* another company may have the same address: a new administrator there */
  n = 99;
  CHECK_INT(store_customer_admin_name_new(c, OTHER, "Anna", "anna.svensson@foretag.se", NULL,
                                          &ad, listed, STORE_MAX_ADMINS, &n),
            STORE_OK);
  CHECK_STR(ad.company_id, OTHER);
  CHECK_INT((int)n, 0);
  CHECK_INT(testdb_int(url, "SELECT count(*) FROM customer_admins", NULL), 5);
  free(listed);
}

/* SQLite: the pair in a database before 0100, which store_open then migrates. */
static struct store *migrated_sqlite(const char *dir, char *path, size_t len)
{
  snprintf(path, len, "%s/db", dir);
  sqlite3 *db = NULL;
  CHECK(sqlite3_open(path, &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE schema_migrations (version "
                         "INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
                     NULL, NULL, NULL) == SQLITE_OK);
  mfx_build_below(db, 100);
  char *err = NULL;
  CHECK_MSG(sqlite3_exec(db, COMPANY_ROW(COMPANY, "556100-0000") "; "
                         COMPANY_ROW(OTHER, "556100-0018") "; " PAIR,
                         NULL, NULL, &err) == SQLITE_OK,
            "%s", err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
  char why[256];
  struct store *st = store_open(path, true, why, sizeof why); /* applies 0100 and the rest */
  CHECK_MSG(st != NULL, "0100 over a case-only pair: %s", why);
  CHECK_INT(testdb_int(path, "SELECT count(*) FROM schema_migrations WHERE version = 100", NULL),
            1);
  /* 0110 dropped 0100's index again: the lookups below search the unique index */
  CHECK_INT(testdb_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = "
                             "'customer_admins_by_email_key'", NULL),
            0);
  return st;
}

int main(void)
{
  char dir[] = "/tmp/advisord-m0100-XXXXXX", url[400];
  struct store *st;
  if (testdb_pg()) {
    st = testdb_store_temp(dir, url, sizeof url);
    CHECK(testdb_exec(url, COMPANY_ROW(COMPANY, "556100-0000"), NULL));
    CHECK(testdb_exec(url, COMPANY_ROW(OTHER, "556100-0018"), NULL));
    CHECK(testdb_exec(url, PAIR, NULL));
  } else {
    CHECK(mkdtemp(dir) != NULL);
    st = migrated_sqlite(dir, url, sizeof url);
  }
  if (!st)
    return TEST_REPORT();
  CHECK_INT(testdb_int(url, "SELECT count(*) FROM customer_admins", NULL), 3); /* both stay */
  check_lookups(store_conn(st), url);
  if (testdb_pg()) {
    CHECK(testdb_store_temp_end(st, dir, url));
  } else {
    store_close(st);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
  }
  return TEST_REPORT();
}
