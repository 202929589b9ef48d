/* Store tests of the outbox on a temporary database: enqueue, the mailer's claim/lease/finish
 * cycle, support's list (paginated), get and retry, and the latest row of a collaboration. */
#include "store_outbox.h"
#include "testdb.h"
#include "testlib.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TEST_MAIN_DEFS

struct enq {
  const char *to, *tpl, *collab;
  char id[37];
};

static enum store_status enqueue_tx(struct store_conn *c, void *arg)
{
  struct enq *e = arg;
  struct outbox_message m = {e->to, e->tpl, "sv", "{\"office_name\":\"Byrå\"}", e->collab};
  return store_outbox_enqueue(c, &m, e->id);
}

struct claim {
  int64_t now, lease;
  struct outbox_row row;
};

static enum store_status claim_tx(struct store_conn *c, void *arg)
{
  struct claim *cl = arg;
  outbox_row_clear(&cl->row);
  return store_outbox_claim(c, cl->now, cl->lease, &cl->row, NULL);
}

struct many_claim {
  int64_t now, lease, step;
  size_t max, n;
  bool more;
  struct outbox_row *rows;
};

static void clear_many(struct many_claim *m)
{
  for (size_t i = 0; i < m->n; i++)
    outbox_row_clear(&m->rows[i]);
  m->n = 0;
}

static enum store_status many_tx(struct store_conn *c, void *arg)
{
  struct many_claim *m = arg;
  clear_many(m);
  return store_outbox_claim_many(c, m->now, m->lease, m->step, m->rows, m->max, &m->n,
                                 &m->more);
}

static void enqueue(struct store *st, struct enq *e)
{
  CHECK_INT(store_write(st, enqueue_tx, e), STORE_OK);
  usleep(2000); /* distinct created_at, so that "newest first" is well defined */
}

int main(void)
{
  char dir[] = "/tmp/advisord-outbox-XXXXXX", path[400];
  struct store *st = testdb_store_temp(dir, path, sizeof path);
  struct store_conn *c = store_conn(st);

  struct enq e[5] = {{"a@x.se", "invitation_customer", "col-1", ""},
                     {"b@x.se", "approved_office", "col-1", ""},
                     {"c@x.se", "invitation_office", "col-2", ""},
                     {"d@x.se", "invitation_customer", "col-1", ""},
                     {"e@x.se", "office_accepted", NULL, ""}};
  for (int i = 0; i < 5; i++)
    enqueue(st, &e[i]);

  /* claims come oldest first; a held row is not claimed twice */
  int64_t now = util_now_ms() + 10;
  struct claim cl = {.now = now, .lease = 60000};
  CHECK_INT(store_write(st, claim_tx, &cl), STORE_OK);
  CHECK_STR(cl.row.id, e[0].id);
  CHECK_STR(cl.row.recipient, "a@x.se");
  CHECK_STR(cl.row.status, "pending");
  CHECK(cl.row.data && strcmp(cl.row.data, "{\"office_name\":\"Byrå\"}") == 0);
  char mid[64];
  snprintf(mid, sizeof mid, "<%s@advisord>", e[0].id);
  CHECK_STR(cl.row.message_id, mid);
  struct outbox_row r;
  CHECK_INT(store_outbox_get(c, e[0].id, &r), STORE_OK);
  CHECK(r.in_flight);
  CHECK_INT(r.next_attempt_at, now + 60000);
  int64_t held0 = cl.row.lease;
  CHECK_INT(held0, now + 60000);
  CHECK_INT(store_write(st, claim_tx, &cl), STORE_OK);
  CHECK_STR(cl.row.id, e[1].id);
  int64_t held1 = cl.row.lease;

  /* finish: sent, retry later, failed, each with its claim's lease (another changes nothing) */
  enum outbox_sent how = OUTBOX_SENT_LATE;
  CHECK_INT(store_outbox_mark_sent_claimed(c, e[0].id, 0, held0, &how), STORE_OK);
  CHECK_INT(how, OUTBOX_SENT_HELD);
  CHECK_INT(store_outbox_get(c, e[0].id, &r), STORE_OK);
  CHECK_STR(r.status, "sent");
  CHECK_INT(r.attempts, 1);
  CHECK(!r.in_flight && r.sent_at[0] != '\0');
  CHECK_INT(store_outbox_mark_sent(c, e[0].id), STORE_NOT_FOUND); /* only pending rows */
  CHECK_INT(store_outbox_schedule_retry(c, e[1].id, held1 + 1, now + 5000, "451 not held"),
            STORE_NOT_FOUND);
  CHECK_INT(store_outbox_mark_failed(c, e[1].id, held1 + 2, "550 not held"), STORE_NOT_FOUND);
  CHECK_INT(store_outbox_release(c, e[1].id, held1 - 1, now), STORE_NOT_FOUND);
  CHECK_INT(store_outbox_get(c, e[1].id, &r), STORE_OK);
  CHECK(r.in_flight && r.attempts == 0 && r.next_attempt_at == held1 && !r.last_error[0]);
  CHECK_INT(store_outbox_schedule_retry(c, e[1].id, held1, now + 5000, "smtp 451: try later"),
            STORE_OK);
  CHECK_INT(store_outbox_get(c, e[1].id, &r), STORE_OK);
  CHECK_STR(r.status, "pending");
  CHECK_INT(r.attempts, 1);
  CHECK_INT(r.next_attempt_at, now + 5000);
  CHECK_STR(r.last_error, "smtp 451: try later");
  CHECK(!r.in_flight);
  CHECK_INT(store_write(st, claim_tx, &cl), STORE_OK);
  CHECK_STR(cl.row.id, e[2].id);
  CHECK_INT(store_outbox_mark_failed(c, e[2].id, cl.row.lease, "smtp 550: no such user"),
            STORE_OK);
  /* release: the abandoned row is due again at once, its attempts unchanged */
  CHECK_INT(store_write(st, claim_tx, &cl), STORE_OK);
  CHECK_STR(cl.row.id, e[3].id);
  CHECK_INT(store_outbox_release(c, e[3].id, cl.row.lease, now), STORE_OK);
  CHECK_INT(store_outbox_get(c, e[3].id, &r), STORE_OK);
  CHECK(!r.in_flight && r.attempts == 0 && r.next_attempt_at == now);
  int64_t due = 0;
  CHECK_INT(store_outbox_next_due(c, &due), STORE_OK);
  CHECK_INT(store_outbox_get(c, e[4].id, &r), STORE_OK); /* never claimed: the earliest */
  CHECK_INT(due, r.next_attempt_at);
  CHECK(due < now);

  /* list: newest first, by status, paginated with the last id as cursor */
  struct outbox_row rows[5];
  size_t n = 0;
  bool more = true;
  CHECK_INT(store_outbox_list(c, NULL, NULL, rows, 2, &n, &more), STORE_OK);
  CHECK(n == 2 && more);
  CHECK_STR(rows[0].id, e[4].id);
  CHECK_STR(rows[1].id, e[3].id);
  CHECK_INT(store_outbox_list(c, NULL, rows[1].id, rows, 2, &n, &more), STORE_OK);
  CHECK(n == 2 && more);
  CHECK_STR(rows[0].id, e[2].id);
  CHECK_STR(rows[1].id, e[1].id);
  CHECK_INT(store_outbox_list(c, NULL, rows[1].id, rows, 2, &n, &more), STORE_OK);
  CHECK(n == 1 && !more);
  CHECK_STR(rows[0].id, e[0].id);
  CHECK_INT(store_outbox_list(c, "failed", NULL, rows, 5, &n, &more), STORE_OK);
  CHECK(n == 1 && !more);
  CHECK_STR(rows[0].id, e[2].id);
  CHECK_STR(rows[0].last_error, "smtp 550: no such user");
  CHECK_INT(store_outbox_list(c, "pending", NULL, rows, 5, &n, &more), STORE_OK);
  CHECK_INT(n, 3);
  CHECK_INT(store_outbox_list(c, NULL, "00000000-0000-4000-8000-000000000000", rows, 5, &n,
                              &more),
            STORE_NOT_FOUND);

  /* retry: only a failed row; it becomes due at once */
  CHECK_INT(store_outbox_retry(c, e[1].id, NULL, now, &r), STORE_CONFLICT);
  CHECK_STR(r.status, "pending");
  CHECK_INT(store_outbox_retry(c, "00000000-0000-4000-8000-000000000000", NULL, now, &r),
            STORE_NOT_FOUND);
  CHECK_INT(store_outbox_retry(c, e[2].id, NULL, now, &r), STORE_OK);
  CHECK_STR(r.status, "pending");
  CHECK_INT(r.next_attempt_at, now);
  CHECK_INT(r.attempts, 1);
  CHECK_STR(r.last_error, "smtp 550: no such user"); /* kept until the next try */

  /* latest invitation e-mail of a collaboration */
  CHECK_INT(store_outbox_latest(c, "col-1", "invitation_customer,activation_new_admin", &r),
            STORE_OK);
  CHECK_STR(r.id, e[3].id);
  CHECK_INT(store_outbox_latest(c, "col-1", NULL, &r), STORE_OK);
  CHECK_STR(r.id, e[3].id);
  CHECK_INT(store_outbox_latest(c, "col-1", "approved_office", &r), STORE_OK);
  CHECK_STR(r.id, e[1].id);
  CHECK_INT(store_outbox_latest(c, "col-1", "invitation", &r), STORE_NOT_FOUND); /* whole names */
  CHECK_INT(store_outbox_latest(c, "col-9", NULL, &r), STORE_NOT_FOUND);

  /* a lease that ran out (its mailer died mid-try): the next claim counts that try */
  struct claim late = {.now = now, .lease = 1000};
  CHECK_INT(store_write(st, claim_tx, &late), STORE_OK);
  char held[37];
  snprintf(held, sizeof held, "%s", late.row.id);
  int before = late.row.attempts;
  late.now = now + 1000; /* the rows due before it first: never leased, nothing to count */
  bool again = false;
  for (int i = 0; i < 5 && !again; i++) {
    CHECK_INT(store_write(st, claim_tx, &late), STORE_OK);
    again = strcmp(late.row.id, held) == 0;
    if (!again) {
      CHECK_INT(store_outbox_get(c, late.row.id, &r), STORE_OK);
      CHECK_INT(r.attempts, late.row.attempts);
    }
  }
  CHECK(again);
  CHECK_INT(late.row.attempts, before + 1);
  CHECK_STR(late.row.last_error, OUTBOX_LOST_TRY);
  CHECK_INT(store_outbox_get(c, held, &r), STORE_OK);
  CHECK_INT(r.attempts, before + 1);
  CHECK_STR(r.last_error, OUTBOX_LOST_TRY); /* support sees why the count went up */
  CHECK_INT(store_outbox_mark_sent(c, held), STORE_OK);
  CHECK_INT(store_outbox_get(c, held, &r), STORE_OK);
  CHECK_INT(r.attempts, before + 2);
  outbox_row_clear(&late.row);

  /* several rows in one claim, on both engines: oldest first, the i-th leased for i steps
   * more, "more" while rows are left */
  struct outbox_row many[OUTBOX_CLAIM_MAX];
  struct many_claim everything = {.now = now + 1000000000, .lease = 1000, .max = OUTBOX_CLAIM_MAX,
                                  .rows = many};
  while (store_write(st, many_tx, &everything) == STORE_OK) /* no row left pending */
    for (size_t i = 0; i < everything.n; i++)
      CHECK_INT(store_outbox_mark_sent(c, many[i].id), STORE_OK);
  clear_many(&everything);
  struct enq g[3] = {{"g0@x.se", "invitation_customer", "col-3", ""},
                     {"g1@x.se", "invitation_customer", "col-3", ""},
                     {"g2@x.se", "invitation_customer", "col-3", ""}};
  for (int i = 0; i < 3; i++)
    enqueue(st, &g[i]);
  bool pg = strcmp(store_engine_name(st), "postgresql") == 0;
  int64_t at = util_now_ms() + 10;
  struct many_claim two = {.now = at, .lease = 1000, .step = 500, .max = 2, .rows = many};
  CHECK_INT(store_write(st, many_tx, &two), STORE_OK);
  CHECK_INT(two.n, 2);
  CHECK(two.more);
  for (size_t i = 0; i < two.n; i++) {
    CHECK_STR(many[i].id, g[i].id);
    CHECK_STR(many[i].recipient, g[i].to);
    CHECK(many[i].data && strcmp(many[i].data, "{\"office_name\":\"Byrå\"}") == 0);
    CHECK_INT(many[i].attempts, 0);
    CHECK_STR(many[i].last_error, "");
    CHECK_INT(store_outbox_get(c, g[i].id, &r), STORE_OK);
    CHECK(r.in_flight);
    CHECK_INT(r.next_attempt_at, at + 1000 + (int64_t)i * 500);
  }
  CHECK_INT(store_write(st, many_tx, &two), STORE_OK); /* the one left: no more */
  CHECK_INT(two.n, 1);
  CHECK_STR(many[0].id, g[2].id);
  CHECK(!two.more);
  CHECK_INT(store_outbox_get(c, g[2].id, &r), STORE_OK);
  CHECK_INT(r.next_attempt_at, at + 1000); /* the first of its claim */
  two.more = true;
  CHECK_INT(store_write(st, many_tx, &two), STORE_NOT_FOUND);
  CHECK_INT(two.n, 0);
  CHECK(!two.more); /* none claimed: none due either, on both engines (a mail worker told
                     * "more" would claim again at once, and again, without a look first) */

  /* their leases run out (the mailer died): one claim takes them with a row never leased, in
   * the order they fall due, and counts the lost try of each leased one, not of the other */
  struct enq f = {"f@x.se", "invitation_customer", "col-3", ""};
  enqueue(st, &f);
  struct many_claim lost = {.now = at + 5000, .lease = 1000, .step = 500, .max = 16,
                            .rows = many};
  CHECK_INT(store_write(st, many_tx, &lost), STORE_OK);
  CHECK_INT(lost.n, 4);
  CHECK(!lost.more);
  /* due: f at its enqueueing; g0 and g2 at + 1000 (g0 the older), g1 at + 1500 */
  const char *order[4] = {f.id, g[0].id, g[2].id, g[1].id};
  for (size_t i = 0; i < lost.n && i < 4; i++) {
    CHECK_STR(many[i].id, order[i]);
    CHECK_INT(many[i].attempts, i ? 1 : 0);
    CHECK_STR(many[i].last_error, i ? OUTBOX_LOST_TRY : "");
    CHECK_INT(store_outbox_get(c, order[i], &r), STORE_OK);
    CHECK_INT(r.attempts, i ? 1 : 0);
    CHECK_STR(r.last_error, i ? OUTBOX_LOST_TRY : "");
    CHECK_INT(r.next_attempt_at, at + 6000 + (int64_t)i * 500);
    CHECK_INT(store_outbox_mark_sent(c, order[i]), STORE_OK);
  }
  clear_many(&lost);
  clear_many(&two);

  /* a claimed row marked sent on its rowid (outbox_row.rowid: SQLite's; 0 on PostgreSQL, where
   * it goes by id), never another row: a rowid that is not the row's (renumbered by a VACUUM
   * since the claim) falls back to the id */
  struct enq h[2] = {{"h0@x.se", "invitation_customer", "col-4", ""},
                     {"h1@x.se", "invitation_customer", "col-4", ""}};
  for (int i = 0; i < 2; i++)
    enqueue(st, &h[i]);
  struct outbox_row hr[2];
  struct many_claim one = {.now = util_now_ms() + 10, .lease = 60000, .max = 1, .rows = many};
  for (int i = 0; i < 2; i++) {
    CHECK_INT(store_write(st, many_tx, &one), STORE_OK);
    CHECK_INT(one.n, 1);
    hr[i] = many[0];
    CHECK_STR(hr[i].id, h[i].id);
    CHECK(pg ? hr[i].rowid == 0 : hr[i].rowid > 0);
  }
  clear_many(&one);
  CHECK_INT(store_outbox_mark_sent_claimed(c, h[0].id, pg ? 1 : hr[1].rowid, hr[0].lease, &how),
            STORE_OK);
  CHECK_INT(how, OUTBOX_SENT_HELD);
  CHECK_INT(store_outbox_get(c, h[0].id, &r), STORE_OK);
  CHECK_STR(r.status, "sent");
  CHECK_INT(store_outbox_get(c, h[1].id, &r), STORE_OK);
  CHECK_STR(r.status, "pending"); /* not the row whose rowid was given */
  CHECK_INT(store_outbox_mark_sent_claimed(c, h[1].id, hr[1].rowid, hr[1].lease, &how),
            STORE_OK);
  CHECK_INT(how, OUTBOX_SENT_HELD);
  CHECK_INT(store_outbox_get(c, h[1].id, &r), STORE_OK);
  CHECK_STR(r.status, "sent");
  CHECK_INT(r.attempts, 1);
  CHECK_INT(store_outbox_mark_sent_claimed(c, h[1].id, hr[1].rowid, hr[1].lease, &how),
            STORE_NOT_FOUND);
  CHECK_INT(how, OUTBOX_SENT_NOT);

  outbox_row_clear(&cl.row);
  CHECK(testdb_store_temp_end(st, dir, path));
  return TEST_REPORT();
}
