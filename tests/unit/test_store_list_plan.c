/* The query plans of the collaboration lists (issue 12: a page at 1,000,000 collaborations should
 * cost about what it costs at 10,000). For each scope (an office's list, a customer
 * administrator's company list, an office's list for one customer) with no filter and with each
 * filter (state, variant, customer_id, task_id, initiated_by) and with a cursor, it runs the real
 * store call, captures the SQL it ran (sqlite3_trace_v2) and asks SQLite for that statement's
 * plan (EXPLAIN QUERY PLAN): a step "SCAN" (every row of a table or index) or "USE TEMP B-TREE
 * FOR ORDER BY" (sorting all matching rows before the first is returned) makes a page's cost grow
 * with the table. The per-row query of a list page (the invitation e-mail's state) is checked the
 * same way, and so are support's outbox lists: by status pending or failed on the small index
 * of the e-mails not sent (outbox_unsent, migration 0071), which an e-mail leaves once sent;
 * sent and all of them newest first on outbox_by_created, neither sorting. A register entry's
 * open collaboration is found by office and company on collaborations_one_open, and way 3's
 * look for another office's invitation on collaborations_by_company; a company's administrator
 * by e-mail in any case, its confirmed ones, and both in one read (way 3), on the company's
 * unique index. And every
 * foreign key's lookup of the rows pointing at a parent row has an index (check_foreign_keys).
 * The plans of the audit log, the due starts, API tokens and deliveries are checked in
 * test_store_plans.c.
 *
 * known_scan marks a case that scans (a ratchet: the test fails when one of them starts using an
 * index, so that the mark is taken away, and when any other case starts scanning). Since the
 * list's statement is made for the filters given (store/collab_list.c) none does.
 * Plans do not depend on the bound values here: this SQLite has no STAT4 and the database no
 * ANALYZE statistics, so a statement is planned once at prepare; the plan printed is the server's. */
#include "plan_fx.h"
#include "sqlite_engine.h"
#include "store_collab.h"
#include "store_outbox.h"
#include "store_register.h"
#include "testdb.h"
#include "testlib.h"

#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

TEST_MAIN_DEFS

static void no_row(const struct collab *co, const struct collab_mail_state *m, void *arg)
{
  (void)co;
  (void)m;
  (void)arg;
}

#define OFFICE "11111111-1111-4111-8111-111111111111"
#define COMPANY "22222222-2222-4222-8222-222222222222"
#define CUSTOMER "33333333-3333-4333-8333-333333333333"
#define TASK "44444444-4444-4444-8444-444444444444"

struct plan_case {
  const char *name;
  struct collab_filter f;
  bool known_scan;
};

/* Support's outbox lists (see the top) and what outbox_unsent holds. */
static void check_outbox_lists(struct store *st, struct store_conn *c, struct captured *cap)
{
  const char *statuses[] = {"pending", "failed", "sent", NULL};
  const char *index[] = {"outbox_unsent", "outbox_unsent", "outbox_by_created",
                         "outbox_by_created"};
  for (size_t i = 0; i < 4; i++) {
    struct outbox_row rows[2];
    size_t n;
    bool more;
    cap->n = 0;
    CHECK_INT(store_outbox_list(c, statuses[i], NULL, rows, 2, &n, &more), STORE_OK);
    char plan[2048] = "";
    if (cap->n > 0)
      plan_scans(((struct sq_conn *)c)->db, cap->sql[cap->n - 1], plan, sizeof plan);
    printf("outbox list, %s:\n%s", statuses[i] ? statuses[i] : "all", plan);
    CHECK_MSG(strstr(plan, index[i]) && !strstr(plan, "TEMP B-TREE"), "%s: not on %s",
              statuses[i] ? statuses[i] : "all", index[i]);
  }
  struct outbox_message m = {.recipient = "a@example.se", .template_name = "office_accepted",
                             .language = "sv"};
  char id[40];
  CHECK_INT(store_outbox_enqueue(c, &m, id), STORE_OK);
  const char *in_index = "SELECT count(*) FROM outbox INDEXED BY outbox_unsent WHERE "
                         "(status = 'pending' OR status = 'failed') AND status = 'pending'";
  CHECK_INT(testdb_int_on(st, in_index, NULL), 1);
  CHECK_INT(store_outbox_mark_sent(c, id), STORE_OK);
  CHECK_INT(testdb_int_on(st, in_index, NULL), 0);
}

static bool no_customer(const struct customer *cu, void *arg)
{
  (void)cu;
  (void)arg;
  return true;
}

/* Whether a register entry has an open collaboration (the entry, the list filtered by it and
 * the delete check) goes by the office and the company, as the one-open rule does, on the
 * one-open index or the office's or company's: no collaborations scanned. So does way 3's look
 * for another office's open invitation to the company (collaborations_by_company). */
static void check_open_plans(struct store_conn *c, struct captured *cap)
{
  sqlite3 *db = ((struct sq_conn *)c)->db;
  struct customer cu;
  struct customer_filter f = {.office_id = OFFICE, .has_open_collaboration = 1, .limit = 10};
  bool other;
  for (int i = 0; i < 3; i++) {
    cap->n = 0;
    if (i == 0)
      CHECK_INT(store_customer_get(c, OFFICE, CUSTOMER, &cu), STORE_NOT_FOUND);
    else if (i == 1)
      CHECK_INT(store_customers_list(c, &f, no_customer, NULL), STORE_OK);
    else
      CHECK_INT(store_collab_other_new_admin(c, COMPANY, OFFICE, CUSTOMER, &other), STORE_OK);
    char plan[2048] = "";
    for (int k = 0; k < cap->n; k++)
      plan_scans(db, cap->sql[k], plan, sizeof plan);
    const char *what[] = {"customer", "customers with an open collaboration",
                          "another office's way-3 invitation"};
    printf("%s:\n%s", what[i], plan);
    CHECK_MSG(cap->n > 0 && !strstr(plan, "SCAN co") && !strstr(plan, "SCAN collaborations") &&
                  !strstr(plan, "TEMP B-TREE"),
              "%s: the plan scans collaborations or sorts (above)", what[i]);
    CHECK_MSG(i == 2 || strstr(plan, "(office_id=? AND company_id=?)"),
              "%s: the open collaboration is not found by office and company (above)", what[i]);
  }
}

/* A company's administrator by e-mail in any case (way 3's reuse, the correction, the CLI's
 * duplicate check), its confirmed administrators (who a notification tells), and both read in
 * one statement by way 3's naming of an administrator (store_customer_admin_name_new with a
 * list, the activation's): each a search of the UNIQUE (company_id, email) index for the
 * company, neither scanning nor sorting in SQL (the store orders the few rows: a temporary
 * b-tree at every run cost more than the search). Migration 0110 dropped 0100's
 * customer_admins_by_email_key, which every new administrator was written into as well. */
static void check_admin_reads(struct store_conn *c, struct captured *cap)
{
  for (int i = 0; i < 3; i++) {
    cap->n = 0;
    struct customer_admin ad[2], named;
    size_t n = 0;
    if (i == 0)
      CHECK_INT(store_customer_admin_get_by_email(c, COMPANY, "Anna@X.se", ad), STORE_NOT_FOUND);
    else if (i == 1)
      CHECK_INT(store_customer_admins_of_company(c, COMPANY, ad, 2, &n), STORE_OK);
    else
      CHECK_INT(store_customer_admin_name_new(c, COMPANY, "Anna", "Anna@X.se", NULL, &named, ad,
                                              2, &n),
                STORE_CONFLICT); /* the read, then the insert (which the foreign key
                                  * refuses: the company is no row here) */
    char plan[2048] = "";
    int read = i == 2 ? 2 : 1; /* statements run; the read is the first */
    bool bad = cap->n > 0 && plan_scans(((struct sq_conn *)c)->db, cap->sql[0], plan, sizeof plan);
    const char *what = i == 0   ? "administrator by e-mail"
                       : i == 1 ? "confirmed administrators"
                                : "administrator by e-mail with the confirmed ones";
    printf("%s:\n%s", what, plan);
    CHECK_MSG(cap->n == read && !bad &&
                  strstr(plan, "sqlite_autoindex_customer_admins_2 (company_id=?)"),
              "%s: not one search of the company on the unique index, or a sort (above)", what);
  }
}

/* Every foreign key's lookup of the rows that point at a parent row (what a DELETE or key
 * change of the parent runs, per row) uses an index, but the keys to variants: five fixed rows
 * that are never deleted. Without one, deleting a customer administrator read every
 * collaboration (migration 0076). */
static void check_foreign_keys(sqlite3 *db)
{
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT m.name, f.\"from\", f.\"table\" FROM sqlite_schema m, "
                              "pragma_foreign_key_list(m.name) f WHERE m.type = 'table' "
                              "ORDER BY 1, 2",
                              -1, &s, NULL);
  CHECK_MSG(rc == SQLITE_OK, "%s", sqlite3_errmsg(db));
  int keys = 0;
  while (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
    const char *child = (const char *)sqlite3_column_text(s, 0);
    const char *col = (const char *)sqlite3_column_text(s, 1);
    const char *parent = (const char *)sqlite3_column_text(s, 2);
    keys++;
    if (strcmp(parent, "variants") == 0)
      continue;
    char sql[256], plan[1024] = "";
    snprintf(sql, sizeof sql, "SELECT 1 FROM \"%s\" WHERE \"%s\" = ?", child, col);
    bool bad = plan_scans(db, sql, plan, sizeof plan);
    CHECK_MSG(!bad, "%s.%s (to %s) has no index: deleting a %s row reads them all\n%s", child,
              col, parent, parent, plan);
  }
  sqlite3_finalize(s);
  CHECK_MSG(keys >= 20, "only %d foreign keys found", keys);
}

int main(void)
{
  if (testdb_pg()) {
    printf("SQLite's query plans: not a PostgreSQL test\n");
    return TESTDB_SKIP;
  }
  char dir[] = "/tmp/advisord-list-plan-XXXXXX";
  if (!mkdtemp(dir))
    return 1;
  char path[256], why[256];
  snprintf(path, sizeof path, "%s/t.db", dir);
  struct store *st = store_open(path, true, why, sizeof why);
  CHECK_MSG(st != NULL, "%s", why);
  if (!st)
    return TEST_REPORT();
  struct store_conn *c = store_conn(st);
  struct captured cap = {0};
  sqlite3_trace_v2(((struct sq_conn *)c)->db, SQLITE_TRACE_STMT, on_trace, &cap);

#define SCOPES(label, office, company, scan)                                                  \
  {label, {.office_id = office, .company_id = company}, scan},                               \
      {label " state=invited", {.office_id = office, .company_id = company, .state = "invited"}, \
       scan},                                                                                 \
      {label " variant=smart", {.office_id = office, .company_id = company, .variant = "smart"}, \
       scan},                                                                                 \
      {label " customer_id", {.office_id = office, .company_id = company, .customer_id = CUSTOMER}, \
       scan},                                                                                 \
      {label " task_id", {.office_id = office, .company_id = company, .task_id = TASK}, scan},    \
      {label " initiated_by=office",                                                          \
       {.office_id = office, .company_id = company, .initiated_by = "office"}, scan},         \
      {label " state=active, next page",                                                      \
       {.office_id = office, .company_id = company, .state = "active",                        \
        .after_created_at = "2026-11-28T12:00:00.000Z", .after_id = OFFICE}, scan}
  const struct plan_case cases[] = {
      SCOPES("office", OFFICE, NULL, false),
      SCOPES("company (customer administrator)", NULL, COMPANY, false),
      SCOPES("office and company (one customer's page)", OFFICE, COMPANY, false),
  };
  int scanning = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct collab_filter f = cases[i].f;
    f.now_ms = 1700000000000;
    bool more;
    cap.n = 0;
    CHECK_INT(store_collab_list(c, &f, 50, no_row, NULL, &more), STORE_OK);
    CHECK_MSG(cap.n > 0, "%s: no statement ran", cases[i].name);
    char plan[4096] = "";
    bool bad = false;
    for (int k = 0; k < cap.n; k++)
      bad = plan_scans(((struct sq_conn *)c)->db, cap.sql[k], plan, sizeof plan) || bad;
    scanning += bad;
    printf("%s list, %s:\n%s", bad ? "SCANS" : "indexed", cases[i].name, plan);
    CHECK_MSG(bad == cases[i].known_scan, "%s: the plan %s", cases[i].name,
              bad ? "scans or sorts the whole table (above)"
                  : "uses an index now: take away its known_scan mark");
  }

  /* each list item's invitation e-mail */
  cap.n = 0;
  struct collab_mail_state mail;
  CHECK_INT(store_collab_invitation_mail(c, CUSTOMER, &mail), STORE_NOT_FOUND);
  CHECK_INT(cap.n, 1);
  char plan[2048] = "";
  bool bad = cap.n > 0 && plan_scans(((struct sq_conn *)c)->db, cap.sql[0], plan, sizeof plan);
  printf("%s per-row invitation e-mail state:\n%s", bad ? "SCANS" : "indexed", plan);
  CHECK_MSG(!bad, "the invitation e-mail's query scans or sorts (above)");
  printf("%d of %zu list cases scan or sort the whole table\n", scanning,
         sizeof cases / sizeof cases[0]);

  check_outbox_lists(st, c, &cap);
  check_open_plans(c, &cap);
  check_admin_reads(c, &cap);
  check_foreign_keys(((struct sq_conn *)c)->db);

  sqlite3_trace_v2(((struct sq_conn *)c)->db, 0, NULL, NULL);
  store_close(st);
  unlink(path);
  char side[300];
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
  rmdir(dir);
  return TEST_REPORT();
}
