/* The mailer's queued outcome writes (outcomes.c: write_tx, release_tx) against a concurrent
 * writer of the same rows that holds them uncommitted while the outcomes are written (the
 * outcomes' thread waits for its row locks), each row ending as the serial order 'the other
 * writer, then the outcomes' leaves it, the state a serializable run gives:
 * - a re-claim of expired leases (READ COMMITTED, as the mailer's claim): the old holder's late
 *   outcomes (sent, retry, failed, given back) are written over the new lease: sent, attempts 2;
 *   pending, due at the retry's time, its error; failed; pending, due now, the lost try's error;
 * - another process's outcomes of the same rows (SERIALIZABLE, as another server's write):
 *   failed / sent / retry, then this one's sent / retry / sent (held, one write): the failed row
 *   stays failed, the sent row sent (attempts 1), the retried row sent (attempts 2, its error);
 * - support's retry of a failed row (failed -> pending, SERIALIZABLE) with a late retry outcome
 *   of it: the outcome passes it over (its statement's snapshot shows it failed); pending, due
 *   at the support's time, attempts 1.
 * On PostgreSQL no transaction is run again (advisord_db_transaction_retries_total, write):
 * the outcomes run at READ COMMITTED; at SERIALIZABLE the outcome write that met an uncommitted
 * row was run again after a serialization failure (one in each of the first two cases), every
 * row ending the same. A WHERE without status = 'pending' (the 'sent' of several rows, or the
 * retry's) fails the second or third case. SQLite: one writer, the outcomes wait for it; the
 * same states but the third's (see there). */
#include "metrics.h"
#include "outcomes.h"
#include "store_outbox.h"
#include "testdb.h"
#include "testlib.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

TEST_MAIN_DEFS

#define LEASE 60000
#define N 4

static struct store *st;

static unsigned long long write_retries(void)
{
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  metrics_render(f);
  fclose(f);
  const char *key = "advisord_db_transaction_retries_total{kind=\"write\"} ";
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

static enum store_status claim_rows(struct store_conn *c, struct claim *k)
{
  for (size_t i = 0; i < k->n; i++)
    outbox_row_clear(&k->rows[i]);
  return store_outbox_claim_many(c, k->now, k->lease, 0, k->rows, OUTBOX_CLAIM_MAX, &k->n, NULL);
}

static enum store_status claim_tx(struct store_conn *c, void *arg) { return claim_rows(c, arg); }

/* ---- the other writer holds its rows while the outcomes are written on another thread ---- */

struct scene {
  char ids[N][37];
  struct claim old;                          /* the old holder's claim */
  enum store_status (*other)(struct store_conn *c, struct scene *s); /* the other writer */
  void (*outcomes)(struct scene *s);         /* this mailer's late outcomes */
  struct claim again;                        /* a re-claim's rows */
  int runs;                                  /* of the other writer's transaction */
  pthread_t th;
};

static void *outcomes_thread(void *arg)
{
  struct scene *s = arg;
  s->outcomes(s);
  store_conn_release(st);
  return NULL;
}

static enum store_status other_tx(struct store_conn *c, void *arg)
{
  struct scene *s = arg;
  enum store_status r = s->other(c, s);
  if (r == STORE_OK && s->runs++ == 0) { /* the outcomes start; they wait for these rows */
    pthread_create(&s->th, NULL, outcomes_thread, s);
    struct timespec ts = {0, 300000000L};
    nanosleep(&ts, NULL);
  }
  return r;
}

static void setup(struct scene *s)
{
  CHECK_INT(store_write(st, enqueue_tx, s->ids), STORE_OK);
  s->old.now = util_now_ms();
  s->old.lease = 1; /* run out by the time the scene plays */
  CHECK_INT(store_write(st, claim_tx, &s->old), STORE_OK);
  CHECK_INT((int)s->old.n, N);
  struct timespec ts = {0, 20000000L};
  nanosleep(&ts, NULL);
}

/* The scene's rows out of the next one's claims (left failed). */
static void done(struct scene *s)
{
  for (size_t i = 0; i < N; i++) {
    enum store_status r = store_outbox_mark_failed(store_conn(st), s->ids[i], "scene over");
    CHECK(r == STORE_OK || r == STORE_NOT_FOUND);
  }
}

static void play(struct scene *s, enum store_isolation other_iso)
{
  unsigned long long before = write_retries();
  CHECK_INT(store_write_isolated(st, other_iso, other_tx, s), STORE_OK);
  pthread_join(s->th, NULL);
  unsigned long long retries = write_retries() - before;
  printf("%s: the other writer's transaction ran %d times, %llu write transactions run again\n",
         store_engine_name(st), s->runs, retries);
  CHECK_INT(s->runs, 1);
  if (testdb_pg())
    CHECK_INT((long long)retries, 0);
}

static struct outbox_row get(const char *id)
{
  struct outbox_row r;
  memset(&r, 0, sizeof r);
  CHECK_INT(store_outbox_get(store_conn(st), id, &r), STORE_OK);
  return r;
}

static struct finish_arg outcome(const char *id, enum mail_decision d, int64_t next_at,
                                 const char *error)
{
  return (struct finish_arg){.id = id, .decision = d, .next_at = next_at, .error = error};
}

/* ---- 1: a re-claim of the expired leases ---- */

static int64_t later;

static enum store_status reclaim(struct store_conn *c, struct scene *s)
{
  s->again.now = util_now_ms();
  s->again.lease = LEASE;
  return claim_rows(c, &s->again);
}

static void late_outcomes(struct scene *s)
{
  struct mail_outcomes o;
  outcomes_init(&o, st);
  outcomes_record(&o, &(struct finish_arg){.id = s->ids[0], .decision = MAIL_MARK_SENT});
  struct finish_arg r = outcome(s->ids[1], MAIL_RETRY_LATER, later, "451 later");
  outcomes_record(&o, &r);
  struct finish_arg f = outcome(s->ids[2], MAIL_MARK_FAILED, 0, "550 no such user");
  outcomes_record(&o, &f);
  outcomes_release(&o, &s->old.rows[3], 1);
  outcomes_finish(&o);
}

static void reclaimed(void)
{
  static struct scene s;
  setup(&s);
  for (size_t i = 0; i < N; i++) /* rows 0..3 in the old claim's order */
    snprintf(s.ids[i], sizeof s.ids[i], "%s", s.old.rows[i].id);
  s.other = reclaim;
  s.outcomes = late_outcomes;
  later = util_now_ms() + 300000;
  int64_t t0 = util_now_ms();
  play(&s, STORE_READ_COMMITTED);
  CHECK_INT((int)s.again.n, N);
  struct outbox_row r = get(s.ids[0]);
  CHECK_STR(r.status, "sent");
  CHECK_INT(r.attempts, 2); /* the lost try, then this one */
  CHECK(!r.in_flight);
  r = get(s.ids[1]);
  CHECK_STR(r.status, "pending");
  CHECK_INT(r.attempts, 2);
  CHECK_INT(r.next_attempt_at, later);
  CHECK_STR(r.last_error, "451 later");
  CHECK(!r.in_flight);
  r = get(s.ids[2]);
  CHECK_STR(r.status, "failed");
  CHECK_INT(r.attempts, 2);
  CHECK_STR(r.last_error, "550 no such user");
  r = get(s.ids[3]); /* given back: the re-claim's lost try stays counted */
  CHECK_STR(r.status, "pending");
  CHECK_INT(r.attempts, 1);
  CHECK_STR(r.last_error, OUTBOX_LOST_TRY);
  CHECK(!r.in_flight);
  CHECK_MSG(r.next_attempt_at >= t0 && r.next_attempt_at <= util_now_ms(), "due %lld",
            (long long)r.next_attempt_at);
  done(&s);
  for (size_t i = 0; i < s.old.n; i++)
    outbox_row_clear(&s.old.rows[i]);
  for (size_t i = 0; i < s.again.n; i++)
    outbox_row_clear(&s.again.rows[i]);
}

/* ---- 2: another process's outcomes of the same rows ---- */

static enum store_status other_outcomes(struct store_conn *c, struct scene *s)
{
  enum store_status r = store_outbox_mark_failed(c, s->ids[0], "550 elsewhere");
  if (r == STORE_OK)
    r = store_outbox_mark_sent(c, s->ids[1]);
  if (r == STORE_OK)
    r = store_outbox_schedule_retry(c, s->ids[2], later, "451 elsewhere");
  return r;
}

static void held_outcomes(struct scene *s)
{
  struct mail_outcomes o;
  outcomes_init(&o, st);
  outcomes_hold(&o, &(struct finish_arg){.id = s->ids[0], .decision = MAIL_MARK_SENT});
  struct finish_arg r = outcome(s->ids[1], MAIL_RETRY_LATER, later + 1, "451 here");
  outcomes_hold(&o, &r);
  outcomes_hold(&o, &(struct finish_arg){.id = s->ids[2], .decision = MAIL_MARK_SENT});
  outcomes_flush(&o); /* one write of the three */
  outcomes_finish(&o);
}

static void two_processes(void)
{
  static struct scene s;
  setup(&s);
  for (size_t i = 0; i < N; i++)
    snprintf(s.ids[i], sizeof s.ids[i], "%s", s.old.rows[i].id);
  s.other = other_outcomes;
  s.outcomes = held_outcomes;
  later = util_now_ms() + 300000;
  play(&s, STORE_SERIALIZABLE);
  struct outbox_row r = get(s.ids[0]);
  CHECK_STR(r.status, "failed");
  CHECK_INT(r.attempts, 1);
  CHECK_STR(r.last_error, "550 elsewhere");
  r = get(s.ids[1]);
  CHECK_STR(r.status, "sent");
  CHECK_INT(r.attempts, 1);
  CHECK_STR(r.last_error, "");
  r = get(s.ids[2]);
  CHECK_STR(r.status, "sent");
  CHECK_INT(r.attempts, 2);
  CHECK_STR(r.last_error, "451 elsewhere");
  done(&s);
  for (size_t i = 0; i < s.old.n; i++)
    outbox_row_clear(&s.old.rows[i]);
}

/* ---- 3: support's retry of a failed row ---- */

static int64_t support_at;

static enum store_status support_retry(struct store_conn *c, struct scene *s)
{
  struct outbox_row r;
  support_at = util_now_ms();
  return store_outbox_retry(c, s->ids[0], NULL, support_at, &r);
}

static void late_retry(struct scene *s)
{
  struct mail_outcomes o;
  outcomes_init(&o, st);
  struct finish_arg r = outcome(s->ids[0], MAIL_RETRY_LATER, later, "451 late");
  outcomes_record(&o, &r);
  outcomes_finish(&o);
}

static void support(void)
{
  static struct scene s;
  setup(&s);
  for (size_t i = 0; i < N; i++)
    snprintf(s.ids[i], sizeof s.ids[i], "%s", s.old.rows[i].id);
  CHECK_INT(store_outbox_mark_failed(store_conn(st), s.ids[0], "550 first"), STORE_OK);
  s.other = support_retry;
  s.outcomes = late_retry;
  later = util_now_ms() + 300000;
  play(&s, STORE_SERIALIZABLE);
  struct outbox_row r = get(s.ids[0]);
  CHECK_STR(r.status, "pending");
  if (testdb_pg()) { /* its statement's snapshot shows the row failed: 'outcome, then retry' */
    CHECK_INT(r.attempts, 1);
    CHECK_INT(r.next_attempt_at, support_at);
    CHECK_STR(r.last_error, "550 first");
  } else { /* one writer: the outcome waits for the support's commit, 'retry, then outcome' */
    CHECK_INT(r.attempts, 2);
    CHECK_INT(r.next_attempt_at, later);
    CHECK_STR(r.last_error, "451 late");
  }
  done(&s);
  for (size_t i = 0; i < s.old.n; i++)
    outbox_row_clear(&s.old.rows[i]);
}

int main(void)
{
  char dir[] = "/tmp/advisord-outrc-XXXXXX", url[400];
  st = testdb_store_temp(dir, url, sizeof url);
  reclaimed();
  two_processes();
  support();
  CHECK(testdb_store_temp_end(st, dir, url));
  return TEST_REPORT();
}
