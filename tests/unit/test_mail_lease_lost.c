/* A mailer's outcomes after its lease ran out and another claim took its rows (issue 12's
 * seventeenth step; store_outbox.h, "Leases"), on both engines, through outcomes.c's own
 * writes: four rows claimed by mailer A with a lease that runs out, then re-claimed by B.
 * - A's late give-back, retry and failure change nothing: each row stays B's (pending, B's
 *   lease, in flight, due at B's lease's end, the lost try counted once), and a third claim
 *   right after finds none due (before the check the give-back made its row due at once and
 *   the third claim took it while B held it: the e-mail sent twice at once);
 * - A's late 'sent' (held, written with a flush: on PostgreSQL the batched statement) marks the
 *   row sent, attempts 1 (the re-claim counted A's try), as the e-mail went out;
 * - B's own outcomes apply: its retry, failure and give-back (the row due at once and claimed
 *   again), while its 'sent' of the row A's late 'sent' marked changes nothing;
 * - each outcome that found its row not held is counted in advisord_mail_lease_lost_total;
 * - a re-claim always raises the lease: a row leased far ahead but due (as after a clock step)
 *   is leased to its old lease + 1 ms, and the old holder's give-back then changes nothing. */
#include "metrics.h"
#include "outcomes.h"
#include "store_outbox.h"
#include "testdb.h"
#include "testlib.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

TEST_MAIN_DEFS

#define LEASE 60000
#define N 4

static struct store *st;
static char url[400];

static unsigned long long lease_lost(const char *outcome)
{
  char *text = NULL, key[128];
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  metrics_render(f);
  fclose(f);
  snprintf(key, sizeof key, "advisord_mail_lease_lost_total{outcome=\"%s\"} ", outcome);
  const char *p = text ? strstr(text, key) : NULL;
  unsigned long long n = p ? strtoull(p + strlen(key), NULL, 10) : 0;
  free(text);
  return n;
}

static enum store_status enqueue_tx(struct store_conn *c, void *arg)
{
  char(*ids)[37] = arg;
  for (int i = 0; i < N; i++) {
    struct outbox_message m = {"a@x.se", "invitation_customer", "sv", "{}", NULL};
    enum store_status s = store_outbox_enqueue(c, &m, ids[i]);
    if (s != STORE_OK)
      return s;
  }
  return STORE_OK;
}

struct claim {
  int64_t now, lease;
  size_t n;
  struct outbox_row rows[OUTBOX_CLAIM_MAX];
};

static enum store_status claim_tx(struct store_conn *c, void *arg)
{
  struct claim *k = arg;
  for (size_t i = 0; i < k->n; i++)
    outbox_row_clear(&k->rows[i]);
  k->n = 0;
  return store_outbox_claim_many(c, k->now, k->lease, 0, k->rows, OUTBOX_CLAIM_MAX, &k->n, NULL);
}

static void claim(struct claim *k, int64_t lease, enum store_status want)
{
  k->now = util_now_ms();
  k->lease = lease;
  CHECK_INT(store_write(st, claim_tx, k), want);
}

static void clear(struct claim *k)
{
  for (size_t i = 0; i < k->n; i++)
    outbox_row_clear(&k->rows[i]);
  k->n = 0;
}

/* Row i of k with id (NULL: not among them). */
static const struct outbox_row *row_of(const struct claim *k, const char *id)
{
  for (size_t i = 0; i < k->n; i++)
    if (strcmp(k->rows[i].id, id) == 0)
      return &k->rows[i];
  return NULL;
}

static struct finish_arg outcome(const struct outbox_row *r, enum mail_decision d,
                                 int64_t next_at, const char *error)
{
  return (struct finish_arg){.id = r->id, .rowid = r->rowid, .lease = r->lease, .decision = d,
                             .next_at = next_at, .error = error};
}

static struct outbox_row get(const char *id)
{
  struct outbox_row r;
  memset(&r, 0, sizeof r);
  CHECK_INT(store_outbox_get(store_conn(st), id, &r), STORE_OK);
  return r;
}

/* Row id as B's claim left it. */
static void bs(const struct claim *b, const char *id)
{
  struct outbox_row r = get(id);
  const struct outbox_row *held = row_of(b, id);
  CHECK_MSG(held != NULL, "%s not re-claimed", id);
  CHECK_STR(r.status, "pending");
  CHECK(r.in_flight);
  CHECK_INT(r.attempts, 1); /* A's try, lost */
  CHECK_STR(r.last_error, OUTBOX_LOST_TRY);
  if (held)
    CHECK_INT(r.next_attempt_at, held->lease);
}

static void reclaimed(void)
{
  char ids[N][37];
  CHECK_INT(store_write(st, enqueue_tx, ids), STORE_OK);
  static struct claim a, b, c;
  claim(&a, 1, STORE_OK); /* A's lease runs out at once */
  CHECK_INT((int)a.n, N);
  struct timespec ts = {0, 20000000L};
  nanosleep(&ts, NULL);
  claim(&b, LEASE, STORE_OK);
  CHECK_INT((int)b.n, N);
  for (int i = 0; i < N; i++) {
    const struct outbox_row *x = row_of(&b, a.rows[i].id);
    CHECK(x && x->lease > a.rows[i].lease);
  }
  unsigned long long sent0 = lease_lost("sent"), retry0 = lease_lost("retry"),
                     failed0 = lease_lost("failed"), released0 = lease_lost("released");

  /* A's late outcomes: a give-back, a retry, a failure (queued writes), a 'sent' (held) */
  struct mail_outcomes o;
  outcomes_init(&o, st);
  outcomes_release(&o, &a.rows[3], 1);
  struct finish_arg f = outcome(&a.rows[1], MAIL_RETRY_LATER, util_now_ms(), "451 late");
  outcomes_record(&o, &f);
  f = outcome(&a.rows[2], MAIL_MARK_FAILED, 0, "550 late");
  outcomes_record(&o, &f);
  outcomes_finish(&o);
  for (int i = 0; i < N; i++)
    bs(&b, a.rows[i].id);
  claim(&c, LEASE, STORE_NOT_FOUND); /* none due: B holds them all */
  CHECK_INT((int)c.n, 0);
  clear(&c);
  outcomes_init(&o, st);
  f = outcome(&a.rows[0], MAIL_MARK_SENT, 0, "");
  outcomes_hold(&o, &f);
  outcomes_flush(&o);
  outcomes_finish(&o);
  struct outbox_row r = get(a.rows[0].id);
  CHECK_STR(r.status, "sent");
  CHECK_INT(r.attempts, 1);
  CHECK(!r.in_flight && r.sent_at[0]);
  printf("%s: A's late outcomes counted: sent %llu, retry %llu, failed %llu, released %llu\n",
         store_engine_name(st), lease_lost("sent") - sent0, lease_lost("retry") - retry0,
         lease_lost("failed") - failed0, lease_lost("released") - released0);
  CHECK_INT((long long)(lease_lost("sent") - sent0), 1);
  CHECK_INT((long long)(lease_lost("retry") - retry0), 1);
  CHECK_INT((long long)(lease_lost("failed") - failed0), 1);
  CHECK_INT((long long)(lease_lost("released") - released0), 1);

  /* B's outcomes: its 'sent' of row 0 (sent by A's late one: nothing), retry, failure,
   * give-back */
  int64_t later = util_now_ms() + 300000;
  outcomes_init(&o, st);
  f = outcome(row_of(&b, a.rows[0].id), MAIL_MARK_SENT, 0, "");
  outcomes_record(&o, &f);
  f = outcome(row_of(&b, a.rows[1].id), MAIL_RETRY_LATER, later, "451 b");
  outcomes_record(&o, &f);
  f = outcome(row_of(&b, a.rows[2].id), MAIL_MARK_FAILED, 0, "550 b");
  outcomes_record(&o, &f);
  int64_t t0 = util_now_ms();
  outcomes_release(&o, row_of(&b, a.rows[3].id), 1);
  outcomes_finish(&o);
  r = get(a.rows[0].id);
  CHECK_STR(r.status, "sent");
  CHECK_INT(r.attempts, 1);
  r = get(a.rows[1].id);
  CHECK_STR(r.status, "pending");
  CHECK(!r.in_flight);
  CHECK_INT(r.attempts, 2);
  CHECK_INT(r.next_attempt_at, later);
  CHECK_STR(r.last_error, "451 b");
  r = get(a.rows[2].id);
  CHECK_STR(r.status, "failed");
  CHECK_INT(r.attempts, 2);
  CHECK_STR(r.last_error, "550 b");
  r = get(a.rows[3].id);
  CHECK_STR(r.status, "pending");
  CHECK(!r.in_flight);
  CHECK_INT(r.attempts, 1);
  CHECK(r.next_attempt_at >= t0 && r.next_attempt_at <= util_now_ms());
  CHECK_INT((long long)(lease_lost("sent") - sent0), 2); /* B's 'sent' of a sent row */
  CHECK_INT((long long)(lease_lost("retry") - retry0), 1);
  CHECK_INT((long long)(lease_lost("released") - released0), 1);
  claim(&c, LEASE, STORE_OK); /* given back by its holder: due at once */
  CHECK_INT((int)c.n, 1);
  CHECK_STR(c.rows[0].id, a.rows[3].id);
  CHECK_INT(store_outbox_mark_failed(store_conn(st), c.rows[0].id, c.rows[0].lease, "done"),
            STORE_OK);
  clear(&a);
  clear(&b);
  clear(&c);
}

static void raised(void)
{
  char ids[N][37];
  CHECK_INT(store_write(st, enqueue_tx, ids), STORE_OK);
  static struct claim a, b;
  claim(&a, LEASE, STORE_OK);
  CHECK_INT((int)a.n, N);
  int64_t far = util_now_ms() + 10 * (int64_t)LEASE; /* A's lease, set ahead; the row due */
  char sql[200];
  snprintf(sql, sizeof sql, "UPDATE outbox SET leased_until = %lld, next_attempt_at = 0 "
                            "WHERE id = ?", (long long)far);
  CHECK(testdb_exec(url, sql, a.rows[0].id));
  claim(&b, LEASE, STORE_OK);
  CHECK_INT((int)b.n, 1);
  CHECK_STR(b.rows[0].id, a.rows[0].id);
  CHECK_INT(b.rows[0].lease, far + 1);
  struct outbox_row r = get(a.rows[0].id);
  CHECK_INT(r.next_attempt_at, far + 1);
  CHECK_INT(store_outbox_release(store_conn(st), a.rows[0].id, far, 0), STORE_NOT_FOUND);
  CHECK_INT(store_outbox_release(store_conn(st), a.rows[0].id, a.rows[0].lease, 0),
            STORE_NOT_FOUND);
  r = get(a.rows[0].id);
  CHECK_INT(r.next_attempt_at, far + 1);
  CHECK(r.in_flight);
  for (int i = 0; i < N; i++) {
    enum store_status s =
        store_outbox_mark_failed(store_conn(st), ids[i], OUTBOX_ANY_LEASE, "scene over");
    CHECK_INT(s, STORE_OK);
  }
  clear(&a);
  clear(&b);
}

int main(void)
{
  char dir[] = "/tmp/advisord-lease-XXXXXX";
  st = testdb_store_temp(dir, url, sizeof url);
  reclaimed();
  raised();
  CHECK(testdb_store_temp_end(st, dir, url));
  return TEST_REPORT();
}
