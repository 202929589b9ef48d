/* The 'sent' of a claim's e-mails in one call (store_outbox_mark_sent_many), and the mailer's
 * outcomes written with it (outcomes.c), with rows taken away meanwhile:
 * - each row ends as the one-row store_outbox_mark_sent_claimed (the path before) leaves it,
 *   and is reported the same way: two sets of rows in the same states, one marked row by row,
 *   one in one call, compared column by column: still pending and held -> sent (held); a row
 *   whose lease ran out and that another mailer claimed again meanwhile -> sent, attempts as
 *   the re-claim left them (late: store_outbox.h, "Leases"); marked failed or sent meanwhile,
 *   or no such row -> left as it is, and not an error; an id given twice -> marked once;
 * - on PostgreSQL the call is two UPDATE statements when a row was re-claimed (the 'sent',
 *   then the late 'sent' of the rows it did not mark; counted by a statement trigger), one when
 *   every row is still held; a claim's write of four held 'sent' outcomes (outcomes_carry)
 *   with one row taken away meanwhile: its runs of 'sent' one statement each, plus one late
 *   one for the run the row was in; a 'retry' between two runs of 'sent' ones keeps its
 *   place. */
#include "outcomes.h"
#include "store_outbox.h"
#include "testdb.h"
#include "testlib.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

TEST_MAIN_DEFS

#define LEASE 60000
#define ROWS 4

static struct store *st;
static char url[400];

static enum store_status enqueue_tx(struct store_conn *c, void *arg)
{
  struct outbox_message m = {"a@x.se", "invitation_customer", "sv", "{}", NULL};
  return store_outbox_enqueue(c, &m, arg);
}

struct claim {
  int64_t now;
  size_t max, n;
  struct outbox_row rows[OUTBOX_CLAIM_MAX];
};

static enum store_status claim_tx(struct store_conn *c, void *arg)
{
  struct claim *k = arg;
  for (size_t i = 0; i < k->n; i++)
    outbox_row_clear(&k->rows[i]);
  return store_outbox_claim_many(c, k->now, LEASE, 0, k->rows, k->max, &k->n, NULL);
}

static enum store_status fail_tx(struct store_conn *c, void *arg)
{
  return store_outbox_mark_failed(c, arg, OUTBOX_ANY_LEASE, "550 no such user");
}

static enum store_status sent_tx(struct store_conn *c, void *arg)
{
  return store_outbox_mark_sent(c, arg);
}

/* ROWS e-mails claimed by one mailer (rows[i]), then meanwhile: row 1 marked failed, row 2
 * sent, row 3's lease run out and the row claimed again by another mailer (a lost try). */
static void prepare(struct claim *k)
{
  char id[ROWS][37];
  for (int i = 0; i < ROWS; i++)
    CHECK_INT(store_write(st, enqueue_tx, id[i]), STORE_OK);
  *k = (struct claim){.now = util_now_ms(), .max = ROWS};
  CHECK_INT(store_write(st, claim_tx, k), STORE_OK);
  CHECK_INT(k->n, ROWS);
  CHECK_INT(store_write(st, fail_tx, k->rows[1].id), STORE_OK);
  CHECK_INT(store_write(st, sent_tx, k->rows[2].id), STORE_OK);
  CHECK(testdb_exec(url, "UPDATE outbox SET next_attempt_at = 0 WHERE id = ?", k->rows[3].id));
  struct claim other = {.now = util_now_ms(), .max = 1};
  CHECK_INT(store_write(st, claim_tx, &other), STORE_OK);
  CHECK_MSG(other.n == 1 && strcmp(other.rows[0].id, k->rows[3].id) == 0, "not claimed again");
  outbox_row_clear(&other.rows[0]);
}

#define UNKNOWN "00000000-0000-7000-8000-00000000dead"

/* The ids of a call: rows 0..3, an unknown one, row 0 again. */
struct marks {
  const char *ids[ROWS + 2];
  int64_t rowids[ROWS + 2], helds[ROWS + 2];
  enum outbox_sent how[ROWS + 2];
  bool batch; /* in one call (else row by row, as before) */
};

static enum store_status marks_tx(struct store_conn *c, void *arg)
{
  struct marks *m = arg;
  if (m->batch)
    return store_outbox_mark_sent_many(c, m->ids, m->rowids, m->helds, ROWS + 2, m->how);
  for (size_t i = 0; i < ROWS + 2; i++) {
    enum store_status s =
        store_outbox_mark_sent_claimed(c, m->ids[i], m->rowids[i], m->helds[i], &m->how[i]);
    if (s != STORE_OK && s != STORE_NOT_FOUND)
      return s;
    CHECK_INT(s == STORE_OK, m->how[i] != OUTBOX_SENT_NOT);
  }
  return STORE_OK;
}

static void marks_of(struct marks *m, const struct claim *k, bool batch)
{
  for (int i = 0; i < ROWS; i++) {
    m->ids[i] = k->rows[i].id;
    m->rowids[i] = k->rows[i].rowid;
    m->helds[i] = k->rows[i].lease;
  }
  m->ids[ROWS] = UNKNOWN;
  m->rowids[ROWS] = 0;
  m->helds[ROWS] = 1;
  m->ids[ROWS + 1] = k->rows[0].id;
  m->rowids[ROWS + 1] = k->rows[0].rowid;
  m->helds[ROWS + 1] = k->rows[0].lease;
  m->batch = batch;
}

static void pg_count_statements(void)
{
  CHECK(testdb_exec(url, "CREATE TABLE stmt_count (n bigint NOT NULL)", NULL));
  CHECK(testdb_exec(url, "INSERT INTO stmt_count VALUES (0)", NULL));
  CHECK(testdb_exec(url, "CREATE FUNCTION count_stmt() RETURNS trigger LANGUAGE plpgsql AS "
                         "$$ BEGIN UPDATE stmt_count SET n = n + 1; RETURN NULL; END $$",
                    NULL));
  CHECK(testdb_exec(url, "CREATE TRIGGER outbox_stmts AFTER UPDATE ON outbox FOR EACH "
                         "STATEMENT EXECUTE FUNCTION count_stmt()", NULL));
}

/* UPDATE statements on outbox since the last call (PostgreSQL; -1 on SQLite). */
static long long statements(void)
{
  if (!testdb_pg())
    return -1;
  long long n = testdb_int(url, "SELECT n FROM stmt_count", NULL);
  CHECK(testdb_exec(url, "UPDATE stmt_count SET n = 0", NULL));
  return n;
}

static void same_row(const char *a, const char *b)
{
  struct store_conn *c = store_conn(st);
  struct outbox_row x, y;
  CHECK_INT(store_outbox_get(c, a, &x), STORE_OK);
  CHECK_INT(store_outbox_get(c, b, &y), STORE_OK);
  CHECK_STR(x.status, y.status);
  CHECK_INT(x.attempts, y.attempts);
  CHECK_INT(x.in_flight, y.in_flight);
  CHECK_STR(x.last_error, y.last_error);
  CHECK_INT(x.sent_at[0] != '\0', y.sent_at[0] != '\0');
  char q[] = "SELECT count(*) FROM outbox WHERE id = ? AND leased_until IS NULL";
  CHECK_INT(testdb_int(url, q, a), testdb_int(url, q, b));
}

static void batch_as_row_by_row(void)
{
  static struct claim before, after;
  static struct marks one, many;
  prepare(&before);
  prepare(&after);
  marks_of(&one, &before, false);
  marks_of(&many, &after, true);
  statements();
  CHECK_INT(store_write(st, marks_tx, &one), STORE_OK);
  long long row_by_row = statements();
  CHECK_INT(store_write(st, marks_tx, &many), STORE_OK);
  long long batched = statements();
  printf("%s: row by row %lld UPDATE statements, in one call %lld; marked:", store_engine_name(st),
         row_by_row, batched);
  for (int i = 0; i < ROWS + 2; i++) {
    printf(" %d/%d", one.how[i], many.how[i]);
    CHECK_INT(many.how[i], one.how[i]);
  }
  printf("\n");
  enum outbox_sent want[ROWS + 2] = {OUTBOX_SENT_HELD, OUTBOX_SENT_NOT, OUTBOX_SENT_NOT,
                                     OUTBOX_SENT_LATE, OUTBOX_SENT_NOT, OUTBOX_SENT_NOT};
  for (int i = 0; i < ROWS + 2; i++)
    CHECK_INT(many.how[i], want[i]);
  for (int i = 0; i < ROWS; i++)
    same_row(before.rows[i].id, after.rows[i].id);
  struct outbox_row r;
  CHECK_INT(store_outbox_get(store_conn(st), after.rows[1].id, &r), STORE_OK);
  CHECK_STR(r.status, "failed"); /* taken away: untouched */
  CHECK_INT(r.attempts, 1);
  CHECK_INT(store_outbox_get(store_conn(st), after.rows[3].id, &r), STORE_OK);
  CHECK_STR(r.status, "sent"); /* re-claimed: sent late, its try counted once (the lost one) */
  CHECK_INT(r.attempts, 1);
  CHECK_STR(r.last_error, OUTBOX_LOST_TRY);
  if (testdb_pg())
    CHECK_INT(batched, 2);
  for (int i = 0; i < ROWS; i++) {
    outbox_row_clear(&before.rows[i]);
    outbox_row_clear(&after.rows[i]);
  }
}

static enum store_status carry_tx(struct store_conn *c, void *arg)
{
  return outcomes_carry_write(arg, c);
}

/* Held outcomes of five claimed rows as the mailer's claim writes them, held in this order:
 * sent 0, sent 1 (failed meanwhile), a retry of row 4, sent 2 and 3: a run of two, the retry,
 * a run of two. */
static void carried_outcomes(void)
{
  char id[5][37];
  int64_t lease[5] = {0};
  for (int i = 0; i < 5; i++)
    CHECK_INT(store_write(st, enqueue_tx, id[i]), STORE_OK);
  static struct claim cl;
  cl = (struct claim){.now = util_now_ms(), .max = 5};
  CHECK_INT(store_write(st, claim_tx, &cl), STORE_OK);
  CHECK_INT(cl.n, 5);
  for (size_t j = 0; j < cl.n; j++)
    for (int i = 0; i < 5; i++)
      if (strcmp(cl.rows[j].id, id[i]) == 0)
        lease[i] = cl.rows[j].lease;
  for (size_t j = 0; j < cl.n; j++)
    outbox_row_clear(&cl.rows[j]);
  for (int i = 0; i < 5; i++)
    CHECK(lease[i] > 0);
  CHECK_INT(store_write(st, fail_tx, id[1]), STORE_OK);
  struct mail_outcomes o;
  outcomes_init(&o, st);
  const int order[5] = {0, 1, 4, 2, 3}; /* held in this order */
  for (int j = 0; j < 5; j++) {
    int i = order[j];
    struct finish_arg f = {.id = id[i], .lease = lease[i], .decision = MAIL_MARK_SENT,
                           .error = ""};
    if (i == 4)
      f = (struct finish_arg){.id = id[4], .lease = lease[4], .decision = MAIL_RETRY_LATER,
                              .next_at = 1, .error = "421 try later"};
    outcomes_hold(&o, &f);
  }
  statements();
  struct outcomes_carry k = {&o, false, NULL};
  enum store_status s = store_write(st, carry_tx, &k);
  outcomes_carry_done(&k, s);
  long long n = statements();
  printf("held outcomes (4 sent, one failed meanwhile, a retry among them): %lld UPDATE "
         "statements\n", n);
  CHECK_INT(s, STORE_OK);
  if (testdb_pg()) /* sent 0-1 and its late 'sent' of row 1 (not pending: untouched), the */
    CHECK_INT(n, 4); /* retry, sent 2-3 (row by row: 5) */
  const char *want[5] = {"sent", "failed", "sent", "sent", "pending"};
  struct store_conn *c = store_conn(st);
  for (int i = 0; i < 5; i++) {
    struct outbox_row r;
    CHECK_INT(store_outbox_get(c, id[i], &r), STORE_OK);
    CHECK_STR(r.status, want[i]);
    CHECK_INT(r.attempts, 1);
  }
  outcomes_finish(&o);
}

int main(void)
{
  char dir[] = "/tmp/advisord-sent-XXXXXX";
  st = testdb_store_temp(dir, url, sizeof url);
  if (testdb_pg())
    pg_count_statements();
  batch_as_row_by_row();
  carried_outcomes();
  CHECK(testdb_store_temp_end(st, dir, url));
  return TEST_REPORT();
}
