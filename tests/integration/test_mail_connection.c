/* Integration test: a mail worker keeps its SMTP connection from one message to the next, and
 * a connection the server closes between messages costs nothing but a new one. Against the
 * real SMTP server of tests/mail/smtp_sink.py, with one mail worker so that every message goes
 * the same way:
 * - a server that keeps connections gets five messages over one connection;
 * - a server that closes each connection after one message gets all five, each once, each
 *   sent at the first try;
 * - a server that closes the connection unanswered when the next message begins (as one that
 *   timed the idle connection out just then) gets all five, each once, at the first try (the
 *   message goes again over a new connection at once);
 * - a recipient refused with 550 on a kept connection is retried and failed exactly as before,
 *   and the messages after it still go out. */
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
    int times = 0;
    size_t j;
    json_t *m;
    json_array_foreach(got, j, m)
    {
      if (strcmp(json_string_value(json_object_get(m, "message_id")), mid) != 0)
        continue;
      times++;
      json_int_t conn = json_integer_value(json_object_get(m, "connection"));
      bool seen = false;
      for (size_t c = 0; c < n_conns; c++)
        seen = seen || conns[c] == conn;
      if (!seen && n_conns < N_MSG * 2)
        conns[n_conns++] = conn;
    }
    CHECK_MSG(times == 1, "%s arrived %d times", mid, times);
  }
  json_decref(got);
  return n_conns;
}

static void test_kept(void)
{
  struct smtp_sink k;
  sink_start(&k, 0, 0);
  char ids[N_MSG][37];
  struct outbox_row rows[N_MSG];
  run(&k, NULL, ids, rows, true);
  CHECK_INT(check_once(&k, ids), 1); /* one connection for all five */
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
  CHECK_INT(check_once(&k, ids), N_MSG);
  json_t *ev = sink_events(&k);
  CHECK_INT(json_array_size(ev), N_MSG - 1); /* each later message first met a dropped one */
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

int main(void)
{
  test_kept();
  test_closed_after_each();
  test_dropped_as_next_begins();
  test_refused_between();
  return TEST_REPORT();
}
