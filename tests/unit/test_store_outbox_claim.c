/* The mailer's claim of several rows (store_outbox_claim_many) with several claims at once:
 * - threads claiming up to 2, 6, 11 and 16 rows each, on their own connections, until none is
 *   left: every e-mail claimed exactly once, claims of several rows among them, and each row
 *   leased as its place in its claim says (now + lease + k steps), its try not counted twice
 *   (a claim run again after a lost race leaves only its last run's leases);
 *   The claims run as the mailer's do, at READ COMMITTED (store_write_isolated): on PostgreSQL
 *   none of them is run again (as SERIALIZABLE, two claims at once mostly failed as a pivot);
 * - PostgreSQL: two connections in transactions open at once: the second claim, made while the
 *   first holds its rows uncommitted, takes the other due rows at once (SKIP LOCKED, no wait),
 *   none of the first's, and both commit: at READ COMMITTED the first at its first run (as
 *   SERIALIZABLE, the first is run again after a serialization failure, and takes the same
 *   rows). SQLite has one writer: the claims cannot overlap. */
#include "store_outbox.h"
#include "testdb.h"
#include "testlib.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

TEST_MAIN_DEFS

#define THREADS 4
#define MAILS 200
#define LEASE 60000
#define STEP 1000

static struct store *st;

struct claim {
  int64_t now;
  size_t max, n;
  struct outbox_row rows[OUTBOX_CLAIM_MAX];
  int runs; /* of claim_tx (a transaction run again after a lost race runs it again) */
};

static void clear(struct claim *k)
{
  for (size_t i = 0; i < k->n; i++)
    outbox_row_clear(&k->rows[i]);
  k->n = 0;
}

static enum store_status claim_tx(struct store_conn *c, void *arg)
{
  struct claim *k = arg;
  clear(k); /* a transaction run again (a lost race) claims afresh */
  k->runs++;
  return store_outbox_claim_many(c, k->now, LEASE, STEP, k->rows, k->max, &k->n, NULL);
}

/* A row as one thread claimed it: its id, the claim's now and its place k in that claim. */
struct got {
  char id[37];
  int64_t now;
  size_t k;
};

struct claimer {
  size_t max;
  struct got got[MAILS];
  int n;
  size_t biggest; /* the most rows one of its claims took */
  int claims;     /* transactions run (their callbacks may have run more often: runs) */
  int runs;
};

static void *claimer(void *arg)
{
  struct claimer *w = arg;
  struct claim k = {.max = w->max};
  enum store_status s;
  do {
    k.now = util_now_ms();
    k.runs = 0;
    s = store_write_isolated(st, STORE_READ_COMMITTED, claim_tx, &k);
    w->claims++;
    w->runs += k.runs;
    if (s != STORE_OK)
      continue;
    for (size_t i = 0; i < k.n && w->n < MAILS; i++) {
      struct got *g = &w->got[w->n++];
      snprintf(g->id, sizeof g->id, "%s", k.rows[i].id);
      g->now = k.now;
      g->k = i;
    }
    w->biggest = k.n > w->biggest ? k.n : w->biggest;
    clear(&k);
  } while (s == STORE_OK || s == STORE_BUSY);
  store_conn_release(st);
  return NULL;
}

static enum store_status enqueue_tx(struct store_conn *c, void *arg)
{
  int count = *(int *)arg;
  for (int i = 0; i < count; i++) {
    struct outbox_message m = {"a@example.se", "office_accepted", "sv", "{}", NULL};
    enum store_status s = store_outbox_enqueue(c, &m, NULL);
    if (s != STORE_OK)
      return s;
  }
  return STORE_OK;
}

static int cmp_got(const void *a, const void *b)
{
  return strcmp(((const struct got *)a)->id, ((const struct got *)b)->id);
}

static void threads_claim(void)
{
  int count = MAILS;
  CHECK_INT(store_write(st, enqueue_tx, &count), STORE_OK);
  static struct claimer w[THREADS];
  pthread_t th[THREADS];
  for (int i = 0; i < THREADS; i++) {
    w[i] = (struct claimer){.max = i ? 1 + 5 * (size_t)i : 2};
    pthread_create(&th[i], NULL, claimer, &w[i]);
  }
  static struct got all[THREADS * MAILS];
  int total = 0, claims = 0, runs = 0;
  size_t biggest = 0;
  for (int i = 0; i < THREADS; i++) {
    pthread_join(th[i], NULL);
    claims += w[i].claims;
    runs += w[i].runs;
    memcpy(all + total, w[i].got, (size_t)w[i].n * sizeof *all);
    total += w[i].n;
    biggest = w[i].biggest > biggest ? w[i].biggest : biggest;
  }
  qsort(all, (size_t)total, sizeof *all, cmp_got);
  int twice = 0, leased_wrong = 0, counted = 0;
  struct store_conn *c = store_conn(st);
  for (int i = 0; i < total; i++) {
    twice += i > 0 && strcmp(all[i - 1].id, all[i].id) == 0;
    struct outbox_row r;
    CHECK_INT(store_outbox_get(c, all[i].id, &r), STORE_OK);
    leased_wrong += r.next_attempt_at != all[i].now + LEASE + (int64_t)all[i].k * STEP;
    counted += r.attempts != 0 || r.last_error[0] != '\0';
  }
  printf("%s: %d e-mails claimed by %d threads (claims of up to 2/6/11/16 rows: %d/%d/%d/%d "
         "e-mails, the biggest claim %zu), %d twice, %d leased otherwise than their place, %d "
         "with a try counted\n", store_engine_name(st), total, THREADS, w[0].n, w[1].n, w[2].n,
         w[3].n, biggest, twice, leased_wrong, counted);
  printf("%d claim transactions, %d of them run again\n", claims, runs - claims);
  CHECK_INT(total, MAILS);
  CHECK_INT(twice, 0);
  if (testdb_pg()) /* SQLite: one writer, nothing to lose */
    CHECK_INT(runs - claims, 0);
  CHECK_INT(leased_wrong, 0);
  CHECK_INT(counted, 0);
  CHECK_MSG(biggest > 1, "no claim took more than one row");
}

/* ---- two transactions open at once (PostgreSQL) ---- */

struct overlap {
  struct claim first, second;
  enum store_isolation iso;       /* of both claims */
  int runs;                       /* of the first's transaction (a lost race runs it again) */
  enum store_status second_status;
  int64_t second_ms;              /* how long the second claim took */
};

static void *second_claim(void *arg)
{
  struct overlap *o = arg;
  int64_t t0 = util_mono_ms();
  o->second_status = store_write_isolated(st, o->iso, claim_tx, &o->second);
  o->second_ms = util_mono_ms() - t0;
  store_conn_release(st);
  return NULL;
}

/* The first claim, and (on its first run) the second on another connection while the first's
 * rows are still held by this uncommitted transaction. */
static enum store_status first_tx(struct store_conn *c, void *arg)
{
  struct overlap *o = arg;
  enum store_status s = claim_tx(c, &o->first);
  if (s == STORE_OK && o->runs++ == 0) {
    pthread_t th;
    pthread_create(&th, NULL, second_claim, o);
    pthread_join(th, NULL);
  }
  return s;
}

static void overlapping_claims(enum store_isolation iso)
{
  int count = 5;
  CHECK_INT(store_write(st, enqueue_tx, &count), STORE_OK);
  int64_t now = util_now_ms() + 10;
  static struct overlap o;
  o.iso = iso;
  o.runs = 0;
  o.first = (struct claim){.now = now, .max = 2};
  o.second = (struct claim){.now = now, .max = OUTBOX_CLAIM_MAX};
  CHECK_INT(store_write_isolated(st, iso, first_tx, &o), STORE_OK);
  printf("two claims at once (%s): the first took %zu rows (%d runs), the second %zu in %lld "
         "ms\n", iso == STORE_READ_COMMITTED ? "read committed" : "serializable", o.first.n,
         o.runs, o.second.n, (long long)o.second_ms);
  CHECK_INT(o.second_status, STORE_OK);
  if (iso == STORE_READ_COMMITTED)
    CHECK_INT(o.runs, 1); /* no serialization failure: the row locks are all it takes */
  CHECK_INT(o.first.n, 2);
  CHECK_INT(o.second.n, 3); /* the other due rows, none of the first's */
  CHECK_MSG(o.second_ms < 1000, "the second claim waited %lld ms", (long long)o.second_ms);
  for (size_t i = 0; i < o.first.n; i++)
    for (size_t j = 0; j < o.second.n; j++)
      CHECK_MSG(strcmp(o.first.rows[i].id, o.second.rows[j].id) != 0, "%s claimed twice",
                o.first.rows[i].id);
  struct store_conn *c = store_conn(st);
  struct claim *both[2] = {&o.first, &o.second};
  for (int b = 0; b < 2; b++)
    for (size_t i = 0; i < both[b]->n; i++) {
      struct outbox_row r;
      CHECK_INT(store_outbox_get(c, both[b]->rows[i].id, &r), STORE_OK);
      CHECK_INT(r.next_attempt_at, now + LEASE + (int64_t)i * STEP);
      CHECK_INT(r.attempts, 0);
    }
  clear(&o.first);
  clear(&o.second);
}

int main(void)
{
  char dir[] = "/tmp/advisord-claim-XXXXXX", url[400];
  st = testdb_store_temp(dir, url, sizeof url);
  threads_claim();
  if (testdb_pg()) {
    overlapping_claims(STORE_SERIALIZABLE);
    overlapping_claims(STORE_READ_COMMITTED);
  }
  else
    printf("two claims at once: PostgreSQL only (SQLite has one writer)\n");
  CHECK(testdb_store_temp_end(st, dir, url));
  return TEST_REPORT();
}
