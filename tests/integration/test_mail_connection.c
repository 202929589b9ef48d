/* Integration test: a mail worker keeps its SMTP connection from one message to the next, and
 * a connection the server closes between messages costs nothing but a new one. Against the
 * real SMTP server of tests/mail/smtp_sink.py, with one mail worker so that every message goes
 * the same way:
 * - a server that keeps connections gets five messages over one connection, those of a claim
 *   after the first in one write (several e-mails per round trip);
 * - a server that closes each connection after one message gets all five, each once, each
 *   sent at the first try;
 * - a server that closes the connection unanswered when the next message begins (as one that
 *   timed the idle connection out just then) gets all five, each once, at the first try (the
 *   message, or the claim's messages sent together, go again over a new connection at once);
 * - a recipient refused with 550 on a kept connection is retried and failed exactly as before,
 *   and the messages after it still go out;
 * - a quick try's outcome, held for the worker's next claim, is not held through a slow try
 *   after it in the same claim: it is written while that one waits for the server. */
#include "harness.h"
#include "mail_fixtures.h"
#include "smtp_sink.h"
#include "testlib.h"

#include <stdio.h>
#include <string.h>

TEST_MAIN_DEFS

#define N_MSG 5

/* Queues N_MSG e-mails (to[i] when given, else a@example.se...) before the server starts. */
static void run(struct smtp_sink *k, const char *const *to, char ids[N_MSG][37],
                struct outbox_row *rows, bool wait_sent)
{
  const char *args[] = {"--smtp-url", k->url, "--smtp-starttls", "off", "--mail-workers", "1",
                        "--mail-retry-min", "1", "--mail-retry-max", "1",
                        "--mail-max-attempts", "2", NULL};
  struct server s;
  server_start(&s, args, NULL);
  struct store *st = mf_open_db(&s);
  for (int i = 0; i < N_MSG; i++) {
    char addr[64];
    snprintf(addr, sizeof addr, "m%d@example.se", i);
    mf_enqueue_simple(st, to && to[i] ? to[i] : addr, ids[i]);
  }
  for (int i = 0; i < N_MSG; i++)
    CHECK_MSG(mf_wait_row(st, ids[i], MF_SETTLED, &rows[i], 20000), "row %d not settled", i);
  if (wait_sent)
    for (int i = 0; i < N_MSG; i++) {
      CHECK_STR(rows[i].status, "sent");
      CHECK_INT(rows[i].attempts, 1);
    }
  store_close(st);
  CHECK_INT(server_stop(&s, false), 0);
}

/* Checks every id arrived exactly once; returns the number of distinct connections used. */
static size_t check_once(const struct smtp_sink *k, char ids[N_MSG][37])
{
  json_t *got = sink_received(k);
  json_int_t conns[N_MSG * 2];
  size_t n_conns = 0;
  for (int i = 0; i < N_MSG; i++) {
    char mid[64];
    snprintf(mid, sizeof mid, "<%s@advisord>", ids[i]);
    json_t *m = NULL;
    int times = sink_times(got, mid, &m);
    CHECK_MSG(times == 1, "%s arrived %d times", mid, times);
    json_int_t conn = m ? json_integer_value(json_object_get(m, "connection")) : -1;
    bool seen = !m;
    for (size_t c = 0; c < n_conns; c++)
      seen = seen || conns[c] == conn;
    if (!seen && n_conns < N_MSG * 2)
      conns[n_conns++] = conn;
  }
  json_decref(got);
  return n_conns;
}

/* How many received messages came in the same read of the server's socket as one before them
 * on their connection (sent in one write with it: several e-mails per round trip). */
static int batched(const struct smtp_sink *k)
{
  json_t *got = sink_received(k);
  int n = 0;
  for (size_t i = 1; i < json_array_size(got); i++) {
    json_t *a = json_array_get(got, i - 1), *b = json_array_get(got, i);
    n += json_integer_value(json_object_get(a, "connection")) ==
             json_integer_value(json_object_get(b, "connection")) &&
         json_integer_value(json_object_get(a, "mail_read")) ==
             json_integer_value(json_object_get(b, "mail_read"));
  }
  json_decref(got);
  return n;
}

static void test_kept(void)
{
  struct smtp_sink k;
  sink_start(&k, 0, 0);
  char ids[N_MSG][37];
  struct outbox_row rows[N_MSG];
  run(&k, NULL, ids, rows, true);
  CHECK_INT(check_once(&k, ids), 1); /* one connection for all five */
  /* the claim's messages after the first (which opened the connection) in one write, on both
   * engines (a claim takes several rows on PostgreSQL too: outbox_claim_pg.c) */
  CHECK_MSG(batched(&k) >= 2, "%d messages shared a round trip", batched(&k));
  sink_cleanup(&k);
}

static void test_closed_after_each(void)
{
  struct smtp_sink k;
  sink_start_drop(&k, SINK_CLOSE_AFTER_MESSAGE);
  char ids[N_MSG][37];
  struct outbox_row rows[N_MSG];
  run(&k, NULL, ids, rows, true);
  CHECK_INT(check_once(&k, ids), N_MSG);
  sink_cleanup(&k);
}

static void test_dropped_as_next_begins(void)
{
  struct smtp_sink k;
  sink_start_drop(&k, SINK_DROP_AT_SECOND_MAIL);
  char ids[N_MSG][37];
  struct outbox_row rows[N_MSG];
  run(&k, NULL, ids, rows, true);
  size_t conns = check_once(&k, ids); /* one per round trip: a message, or a claim's rest */
  CHECK_MSG(conns >= 2 && conns <= N_MSG, "%zu connections", conns);
  json_t *ev = sink_events(&k);
  /* each later round trip (one message, or the rest of a claim in one write) first met a
   * dropped connection */
  CHECK_MSG(json_array_size(ev) >= 1 && json_array_size(ev) <= N_MSG - 1, "%zu drops",
            json_array_size(ev));
  json_decref(ev);
  sink_cleanup(&k);
}

static void test_refused_between(void)
{
  struct smtp_sink k;
  sink_start(&k, 0, 0);
  const char *refused[] = {"nobody@example.se", NULL};
  sink_reject(&k, refused);
  const char *to[N_MSG] = {NULL, "nobody@example.se", NULL, NULL, NULL};
  char ids[N_MSG][37];
  struct outbox_row rows[N_MSG];
  run(&k, to, ids, rows, false);
  for (int i = 0; i < N_MSG; i++) {
    CHECK_STR(rows[i].status, i == 1 ? "failed" : "sent");
    CHECK_INT(rows[i].attempts, i == 1 ? 2 : 1); /* --mail-max-attempts 2 */
  }
  CHECK_MSG(strstr(rows[1].last_error, "smtp 550") != NULL, "%s", rows[1].last_error);
  json_t *got = sink_received(&k);
  CHECK_INT(json_array_size(got), N_MSG - 1);
  json_decref(got);
  sink_cleanup(&k);
}

/* Two e-mails in one transaction, so that one claim takes both: e[0], then e[1]. */
static enum store_status two_tx(struct store_conn *c, void *arg)
{
  struct mf_enqueue *e = arg;
  enum store_status st = mf_enqueue_tx(c, &e[0]);
  return st == STORE_OK ? mf_enqueue_tx(c, &e[1]) : st;
}

#define SLOW_S 5 /* the server's wait before it answers the second e-mail's data */

static void test_held_not_through_a_slow_try(void)
{
  struct smtp_sink k;
  sink_start(&k, 0, SLOW_S);
  const char *refused[] = {"nobody@example.se", NULL};
  sink_reject(&k, refused); /* the first is refused at RCPT: a quick try */
  const char *args[] = {"--smtp-url", k.url, "--smtp-starttls", "off", "--mail-workers", "1",
                        "--mail-retry-min", "60", "--mail-retry-max", "60", NULL};
  struct server s;
  server_start(&s, args, NULL);
  struct store *st = mf_open_db(&s);
  const char *data = "{\"office_name\":\"Byrå Öst AB\",\"company_name\":\"Ärlig Bygg AB\","
                     "\"collaboration_id\":\"c-test\"}";
  char ids[2][37];
  struct mf_enqueue e[2] = {{{"nobody@example.se", "office_accepted", "sv", data, NULL}, ids[0]},
                            {{"m0@example.se", "office_accepted", "sv", data, NULL}, ids[1]}};
  CHECK_INT(store_write(st, two_tx, e), STORE_OK);
  struct outbox_row r;
  /* found by the worker's poll (0.5 s), refused at once; the second then waits SLOW_S s for
   * its answer, and libcurl's progress function (at least once a second) writes the first's
   * held outcome meanwhile */
  CHECK_MSG(mf_wait_row(st, ids[0], MF_TRIED, &r, (SLOW_S - 2) * 1000),
            "the refused e-mail's try was not written while the next one waited");
  CHECK_MSG(strstr(r.last_error, "smtp 550") != NULL, "%s", r.last_error);
  CHECK(store_outbox_get(store_conn(st), ids[1], &r) == STORE_OK && r.attempts == 0 &&
        r.in_flight); /* still waiting for the server */
  CHECK(mf_wait_row(st, ids[1], MF_SETTLED, &r, (SLOW_S + 10) * 1000));
  CHECK_STR(r.status, "sent");
  store_close(st);
  CHECK_INT(server_stop(&s, false), 0);
  sink_cleanup(&k);
}

int main(void)
{
  test_kept();
  test_closed_after_each();
  test_dropped_as_next_begins();
  test_refused_between();
  test_held_not_through_a_slow_try();
  return TEST_REPORT();
}
