/* Query plans of the statements that requests and the background threads run, other than the
 * lists (test_store_list_plan) and sign-in (test_store_sign_in), that issue 12's audit found
 * reading a growing table whole or sorting all of a scope's rows (EXPLAIN QUERY PLAN of every
 * statement the test suite runs, on a database of 100,000 customers). Each case runs the real
 * store call, captures the SQL it ran (plan_fx.h) and checks that its plan searches the index
 * named, without a SCAN (and, where marked, without a TEMP B-TREE sort):
 *  - a page of an office's or a company's audit log, first and next: one statement per scope,
 *    on audit_events_by_office / _by_company (which end in the rowid), unsorted (the statement
 *    ORing both scopes sorted all of the scope's events);
 *  - the sweeper's collaborations due to start: only the due ones, on the approved ones'
 *    partial index collaborations_approved_by_start (migration 0108), unsorted (on
 *    collaborations_due every approved collaboration was read and sorted);
 *  - the batch runner's claim of the next open batch (every few seconds, in a write
 *    transaction): on collab_batches_open, sorting the open ones (every batch ever uploaded was
 *    read: they are kept);
 *  - a page of an office's or a company's API tokens: from the scope's people to their tokens
 *    on tokens_by_principal (every token was read); the scope's own tokens are sorted;
 *  - a page of an office's or a company's webhook endpoints: on webhooks_by_office /
 *    _by_company (every endpoint was read); sorted, but at most WEBHOOK_MAX_PER_OWNER of them;
 *  - a page of an endpoint's deliveries (kept for ever), first and next: on
 *    webhook_deliveries_by_webhook (migration 0109), unsorted;
 *  - the mailer's claim: its due rows on outbox_pending, then each row's lease on the table's
 *    rowid (the claim's SELECT reads it), not through the id's index (a search more a row);
 *    and a claimed row's 'sent' on that rowid too.
 * On PostgreSQL (where these were looked at by hand: bench/HISTORY.md, tenth step) it checks
 * the one statement found reading a whole table there only: a collaboration's read and a list
 * page join the latest invitation e-mail on outbox.rowid, a BIGSERIAL with no index before
 * migration 0107 (SQLite's rowid is the table's key), so PostgreSQL hash-joined the whole
 * outbox at every read. EXPLAIN with sequential scans off (the tables are empty here) must show
 * an index scan of outbox_by_rowid and no "Seq Scan". */
#include "collab_sql.h"
#include "db.h"
#include "plan_fx.h"
#include "sqlite_engine.h"
#include "store_audit.h"
#include "store_batches.h"
#include "store_collab.h"
#include "store_outbox.h"
#include "store_tokens.h"
#include "store_webhooks.h"
#include "testdb.h"
#include "util.h"

#include <stdlib.h>
#include <unistd.h>

TEST_MAIN_DEFS

#define OFFICE "11111111-1111-4111-8111-111111111111"
#define COMPANY "22222222-2222-4222-8222-222222222222"

static struct store_conn *c;
static struct captured cap;

/* The plan of the last statement run: it must search index (a step naming it and, when
 * given, that constraint), scan nothing, and sort nothing unless sorts is true. */
static void expect(const char *what, const char *index, const char *constraint, bool sorts)
{
  char plan[2048] = "";
  if (cap.n > 0)
    plan_scans(((struct sq_conn *)c)->db, cap.sql[cap.n - 1], plan, sizeof plan);
  printf("%s:\n%s", what, plan);
  char step[160];
  snprintf(step, sizeof step, "%s%s", index, constraint ? constraint : "");
  CHECK_MSG(cap.n == 1 && strstr(plan, step) && !strstr(plan, "SCAN ") &&
                (sorts || !strstr(plan, "TEMP B-TREE")),
            "%s: not one search of %s (above)", what, step);
  cap.n = 0;
}

static bool no_event(const struct audit_event *e, void *arg)
{
  (void)e;
  (void)arg;
  return true;
}

static bool no_token(const struct api_token *t, void *arg)
{
  (void)t;
  (void)arg;
  return true;
}

static bool no_hook(const struct webhook *w, void *arg)
{
  (void)w;
  (void)arg;
  return true;
}

static bool no_delivery(const struct webhook_delivery *d, void *arg)
{
  (void)d;
  (void)arg;
  return true;
}

static void check_plans(void)
{
  for (int i = 0; i < 4; i++) {
    bool company = i % 2, next = i >= 2;
    CHECK_INT(store_audit_list(c, company ? NULL : OFFICE, company ? COMPANY : NULL,
                               next ? 99 : 0, 20, no_event, NULL),
              STORE_OK);
    char what[80];
    snprintf(what, sizeof what, "audit log of the %s%s", company ? "company" : "office",
             next ? ", next page" : "");
    expect(what, company ? "audit_events_by_company" : "audit_events_by_office",
           company ? " (company_id=? AND rowid<?)" : " (office_id=? AND rowid<?)", false);
  }

  char ids[4][COLLAB_ID_LEN];
  size_t n;
  CHECK_INT(store_collab_due_starts(c, "2026-11-29", ids, 4, &n), STORE_OK);
  expect("collaborations due to start", "collaborations_approved_by_start",
         " (state=? AND starts_on>? AND starts_on<?)", false);

  /* GET one (SQLite: its e-mail joined newest first, LIMIT 1): from the index's order, no sort */
  struct collab co;
  struct collab_mail_state mail;
  bool has_mail;
  CHECK_INT(store_collab_get_with_mail(c, OFFICE, &co, &mail, &has_mail), STORE_NOT_FOUND);
  expect("a collaboration with its e-mail", "outbox_by_collaboration", " (collaboration_id=?)",
         false);

  char batch[STORE_ID_LEN];
  CHECK_INT(store_batch_claim(c, 1700000000000, 60000, batch), STORE_NOT_FOUND);
  expect("the batch runner's claim", "collab_batches_open", " (state=?)", true);

  for (int i = 0; i < 2; i++) {
    CHECK_INT(store_api_tokens_list(c, i ? NULL : OFFICE, i ? COMPANY : NULL, NULL, NULL, 20,
                                    no_token, NULL),
              STORE_OK);
    expect(i ? "API tokens of the company" : "API tokens of the office", "tokens_by_principal",
           " (principal_id=?)", true);
  }

  for (int i = 0; i < 2; i++) {
    CHECK_INT(store_webhooks_list(c, i ? NULL : OFFICE, i ? COMPANY : NULL, NULL, NULL, 20,
                                  no_hook, NULL),
              STORE_OK);
    expect(i ? "webhook endpoints of the company" : "webhook endpoints of the office",
           i ? "webhooks_by_company" : "webhooks_by_office",
           i ? " (company_id=?)" : " (office_id=?)", true);
  }

  for (int i = 0; i < 2; i++) {
    CHECK_INT(store_webhook_deliveries_list(c, OFFICE, i ? 99 : 0, 20, no_delivery, NULL),
              STORE_OK);
    expect(i ? "an endpoint's deliveries, next page" : "an endpoint's deliveries",
           "webhook_deliveries_by_webhook", " (webhook_id=? AND seq<?)", false);
  }
}

/* The mailer's claim of one due row (see the top): two statements, the SELECT of the due rows
 * and the row's lease. */
static void check_claim_plans(void)
{
  struct outbox_message m = {"a@x.se", "invitation_customer", "sv", "{}", NULL};
  CHECK_INT(store_outbox_enqueue(c, &m, NULL), STORE_OK);
  cap.n = 0;
  struct outbox_row row = {0};
  size_t n = 0;
  CHECK_INT(store_outbox_claim_many(c, util_now_ms() + 1000, 60000, 1000, &row, 1, &n, NULL),
            STORE_OK);
  CHECK_INT((int)n, 1);
  outbox_row_clear(&row);
  struct captured claim = cap;
  cap.n = 0;
  CHECK_INT(store_outbox_mark_sent_claimed(c, row.id, row.rowid, row.lease, NULL), STORE_OK);
  char plan[3][2048] = {"", "", ""};
  for (int i = 0; i < 2 && i < claim.n; i++)
    plan_scans(((struct sq_conn *)c)->db, claim.sql[i], plan[i], sizeof plan[i]);
  if (cap.n > 0)
    plan_scans(((struct sq_conn *)c)->db, cap.sql[0], plan[2], sizeof plan[2]);
  printf("the mailer's claim, its due rows:\n%sits lease:\n%sits 'sent':\n%s", plan[0], plan[1],
         plan[2]);
  CHECK_MSG(claim.n == 2 && strstr(plan[0], "outbox_pending (status=? AND next_attempt_at<?)") &&
                !strstr(plan[0], "SCAN ") && !strstr(plan[0], "TEMP B-TREE"),
            "the claim's SELECT: not one search of outbox_pending (above)");
  for (int i = 1; i < 3; i++)
    CHECK_MSG((i == 1 ? claim.n == 2 : cap.n == 1) &&
                  strstr(plan[i], "SEARCH outbox USING INTEGER PRIMARY KEY (rowid=?)") &&
                  !strstr(plan[i], "INDEX"),
              "the %s: not on the rowid (above)", i == 1 ? "lease" : "'sent'");
  cap.n = 0;
}

/* PostgreSQL: a collaboration's read (as collaborations.c) and an office's list page (as
 * collab_list.c makes it, unfiltered) with their latest invitation e-mail. */
static void check_pg_plans(void)
{
  static const char *const what[] = {"a collaboration with its e-mail",
                                     "an office's list page with the e-mails"};
  for (int i = 0; i < 2; i++) {
    CHECK_INT(db_exec(c, "SET enable_seqscan = off"), STORE_OK);
    struct db_stmt *s = db_stmt(
        c, i ? "EXPLAIN " COLLAB_WITH_MAIL "WHERE co.office_id = :id "
               "ORDER BY co.created_at DESC, co.id DESC LIMIT 50"
             : "EXPLAIN " COLLAB_WITH_MAIL "WHERE co.id = :id");
    CHECK(s != NULL);
    char plan[8192] = "";
    if (s) {
      db_bind_text(s, ":id", OFFICE);
      while (db_step_row(c, s) == STORE_OK) {
        size_t used = strlen(plan);
        snprintf(plan + used, sizeof plan - used, "    %s\n", db_col_str(s, 0));
      }
      db_reset(s);
    }
    CHECK_INT(db_exec(c, "RESET enable_seqscan"), STORE_OK);
    printf("%s (PostgreSQL):\n%s", what[i], plan);
    CHECK_MSG(strstr(plan, "Index Scan using outbox_by_rowid on outbox") &&
                  !strstr(plan, "Seq Scan"),
              "%s: the e-mail's join reads the whole outbox (above)", what[i]);
  }
}

int main(void)
{
  char dir[] = "/tmp/advisord-plans-XXXXXX", url[400];
  struct store *st = testdb_store_temp(dir, url, sizeof url);
  c = store_conn(st);
  if (testdb_pg()) {
    check_pg_plans();
  } else {
    sqlite3_trace_v2(((struct sq_conn *)c)->db, SQLITE_TRACE_STMT, on_trace, &cap);
    check_plans();
    check_claim_plans();
    sqlite3_trace_v2(((struct sq_conn *)c)->db, 0, NULL, NULL);
  }
  CHECK(testdb_store_temp_end(st, dir, url));
  return TEST_REPORT();
}
