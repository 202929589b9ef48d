/* Sign-in's lookup of an address's accounts (store_sign_in_accounts), on both engines (issue
 * 12: a request's cost must not grow with the tables).
 *
 * Behaviour: an address differing only in the case of its ASCII letters finds the account; one
 * differing in the case of another letter ("Å" and "å") does not, on SQLite and on PostgreSQL
 * alike (PostgreSQL's lower() under the database's collation folded "Å" too, so there it
 * signed in). Unconfirmed customer administrators never sign in.
 *
 * Plan: the statement's plan uses migration 0105's index on each of the three tables, and
 * reads no table whole: on SQLite EXPLAIN QUERY PLAN has a SEARCH on each index and no SCAN;
 * on PostgreSQL EXPLAIN, with sequential scans turned off (the tables here are small: with
 * them on, reading a table of a few rows whole is its cheapest plan), has an index scan on
 * each and no "Seq Scan" (what PostgreSQL still does, at a penalty, when no index serves).
 * So do the sweeper's purges of links and sessions a day past their end (migration 0106), which
 * read both tables whole in a write transaction every --expiry-sweep-interval seconds. */
#include "db.h"
#include "sign_in_sql.h"
#include "store_identity.h"
#include "store_session.h"
#include "testdb.h"
#include "testlib.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

TEST_MAIN_DEFS

/* The accounts of email: how many, and their kinds in out. */
static size_t accounts(struct store_conn *c, const char *email, struct sign_in_account *out)
{
  size_t n = 99;
  CHECK_INT(store_sign_in_accounts(c, email, out, STORE_MAX_SIGN_IN_ACCOUNTS, &n), STORE_OK);
  return n;
}

static void check_one(struct store_conn *c, const char *email, enum principal_kind kind,
                      const char *stored)
{
  struct sign_in_account a[STORE_MAX_SIGN_IN_ACCOUNTS];
  size_t n = accounts(c, email, a);
  CHECK_MSG(n == 1, "%s: %zu accounts, 1 expected", email, n);
  if (n == 1) {
    CHECK_INT(a[0].kind, kind);
    CHECK_STR(a[0].email, stored);
  }
}

static void check_none(struct store_conn *c, const char *email)
{
  struct sign_in_account a[STORE_MAX_SIGN_IN_ACCOUNTS];
  size_t n = accounts(c, email, a);
  CHECK_MSG(n == 0, "%s: %zu accounts, none expected (only A-Z fold)", email, n);
}

static void check_behaviour(struct store_conn *c)
{
  struct office of;
  CHECK_INT(store_office_create(c, "556036-0793", "Byr\xC3\xA5 AB", "byra@example.se", &of),
            STORE_OK);
  struct office_user u, u2;
  CHECK_INT(store_office_user_create(c, of.id, "Anna.Lund@Byra.se", OFFICE_ROLE_FULL, &u),
            STORE_OK);
  /* "Åsa.Ek@byra.se" */
  CHECK_INT(store_office_user_create(c, of.id, "\xC3\x85sa.Ek@byra.se", OFFICE_ROLE_LIMITED, &u2),
            STORE_OK);
  struct company co = {0};
  snprintf(co.corporate_id, sizeof co.corporate_id, "556677-8899");
  snprintf(co.name, sizeof co.name, "Kund AB");
  snprintf(co.relation, sizeof co.relation, "account");
  CHECK_INT(store_company_create(c, &co), STORE_OK);
  struct customer_admin ad, named;
  CHECK_INT(store_customer_admin_create(c, co.id, "Kim", "KIM@Kund.se", NULL, true, &ad),
            STORE_OK);
  CHECK_INT(store_customer_admin_name_new(c, co.id, "Ny", "ny@kund.se", NULL, &named, NULL, 0,
                                          NULL),
            STORE_OK);
  CHECK(!named.confirmed);
  char su[STORE_ID_LEN];
  CHECK_INT(store_support_create(c, "Support@Example.se", su), STORE_OK);

  check_one(c, "Anna.Lund@Byra.se", PRINCIPAL_OFFICE_USER, "Anna.Lund@Byra.se");
  check_one(c, "anna.lund@byra.se", PRINCIPAL_OFFICE_USER, "Anna.Lund@Byra.se");
  check_one(c, "ANNA.LUND@BYRA.SE", PRINCIPAL_OFFICE_USER, "Anna.Lund@Byra.se");
  check_one(c, "\xC3\x85SA.ek@BYRA.se", PRINCIPAL_OFFICE_USER, "\xC3\x85sa.Ek@byra.se");
  check_none(c, "\xC3\xA5sa.ek@byra.se"); /* "åsa.ek@byra.se": Å is not folded */
  check_one(c, "kim@kund.se", PRINCIPAL_CUSTOMER_ADMIN, "KIM@Kund.se");
  check_none(c, "ny@kund.se"); /* named by an office, not confirmed */
  check_one(c, "support@EXAMPLE.se", PRINCIPAL_SUPPORT, "Support@Example.se");
  check_none(c, "nobody@example.se");

  /* the administrator, once confirmed, is in the index and signs in */
  CHECK_INT(store_customer_admin_set_confirmed(c, named.id, true), STORE_OK);
  check_one(c, "NY@kund.se", PRINCIPAL_CUSTOMER_ADMIN, "ny@kund.se");

  /* one address, three accounts */
  struct office_user same;
  CHECK_INT(store_office_user_create(c, of.id, "support@example.SE", OFFICE_ROLE_FULL, &same),
            STORE_OK);
  struct customer_admin same_ad;
  CHECK_INT(store_customer_admin_create(c, co.id, "S", "SUPPORT@example.se", NULL, false,
                                        &same_ad),
            STORE_OK);
  struct sign_in_account a[STORE_MAX_SIGN_IN_ACCOUNTS];
  CHECK_INT((int)accounts(c, "Support@example.se", a), 3);
}

/* One statement of sessions.c (sign_in_sql.h) and the indexes its plan must search. */
struct plan_case {
  const char *what, *sqlite_sql, *pg_sql;
  const char *indexes[3];
};

static const struct plan_case plans[] = {
    {"sign-in's accounts of an address",
     "EXPLAIN QUERY PLAN " SIGN_IN_ACCOUNTS_SQLITE,
     "EXPLAIN " SIGN_IN_ACCOUNTS_PG,
     {"office_users_by_email_key", "customer_admins_confirmed_by_email_key",
      "support_users_by_email_key"}},
    {"the sweeper's purge of links", "EXPLAIN QUERY PLAN " SIGN_IN_PURGE_LINKS_SQL,
     "EXPLAIN " SIGN_IN_PURGE_LINKS_SQL, {"sign_in_links_by_expiry"}},
    {"the sweeper's purge of sessions", "EXPLAIN QUERY PLAN " SIGN_IN_PURGE_SESSIONS_SQL,
     "EXPLAIN " SIGN_IN_PURGE_SESSIONS_SQL, {"sessions_by_last_seen"}},
};

/* The plan of p's statement into plan; true when it reads a table whole. */
static bool plan_of(struct store_conn *c, const struct plan_case *p, char *plan, size_t len)
{
  bool pg = db_dialect(c) == DB_PG;
  if (pg)
    CHECK_INT(db_exec(c, "SET enable_seqscan = off"), STORE_OK);
  struct db_stmt *s = db_stmt(c, pg ? p->pg_sql : p->sqlite_sql);
  CHECK(s != NULL);
  bool bad = false;
  plan[0] = '\0';
  if (s) {
    if (p == &plans[0])
      db_bind_text(s, ":email", "Anna.Lund@Byra.se");
    else {
      db_bind_int(s, ":before", 1700000000000);
      if (p == &plans[2]) {
        db_bind_int(s, ":idle", 3600000);
        db_bind_text(s, ":before_iso", "2023-11-14T22:13:20Z");
      }
    }
    while (db_step_row(c, s) == STORE_OK) {
      const char *d = db_col_str(s, pg ? 0 : 3);
      if (!d)
        continue;
      bool scan = pg ? strstr(d, "Seq Scan") != NULL
                     : (strncmp(d, "SCAN ", 5) == 0 && strcmp(d, "SCAN CONSTANT ROW") != 0) ||
                           strstr(d, "TEMP B-TREE") != NULL;
      bad = bad || scan;
      size_t used = strlen(plan);
      snprintf(plan + used, len - used, "    %s%s\n", d, scan ? "   <-- reads the table" : "");
    }
    db_reset(s);
  }
  if (pg)
    CHECK_INT(db_exec(c, "RESET enable_seqscan"), STORE_OK);
  return bad;
}

static void check_plans(struct store_conn *c)
{
  bool pg = db_dialect(c) == DB_PG;
  for (size_t k = 0; k < sizeof plans / sizeof plans[0]; k++) {
    char plan[4096];
    bool bad = plan_of(c, &plans[k], plan, sizeof plan);
    printf("%s (%s):\n%s", plans[k].what, pg ? "PostgreSQL" : "SQLite", plan);
    CHECK_MSG(!bad, "%s reads a table whole (above)", plans[k].what);
    for (size_t i = 0; i < 3 && plans[k].indexes[i]; i++) {
      char sqlite_step[128], pg_step[128], pg_bitmap[128];
      snprintf(sqlite_step, sizeof sqlite_step, "USING INDEX %s (", plans[k].indexes[i]);
      snprintf(pg_step, sizeof pg_step, "Index Scan using %s on", plans[k].indexes[i]);
      snprintf(pg_bitmap, sizeof pg_bitmap, "Bitmap Index Scan on %s", plans[k].indexes[i]);
      bool found = pg ? strstr(plan, pg_step) || strstr(plan, pg_bitmap)
                      : strstr(plan, sqlite_step) != NULL;
      CHECK_MSG(found, "%s does not search %s (above)", plans[k].what, plans[k].indexes[i]);
    }
  }
}

int main(void)
{
  char dir[] = "/tmp/advisord-sign-in-XXXXXX", url[400]; /* SQLite, or PostgreSQL */
  struct store *st = testdb_store_temp(dir, url, sizeof url);
  struct store_conn *c = store_conn(st);
  check_behaviour(c);
  check_plans(c);
  CHECK(testdb_store_temp_end(st, dir, url));
  return TEST_REPORT();
}
