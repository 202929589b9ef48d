/* Integration test: after a restart, whatever was pending is delivered. advisord is stopped
 * in the middle of a delivery (the SMTP server is slow to answer DATA) with more mail queued
 * behind it: the stop is clean (exit 0), the delivery in flight is given back as pending, and
 * the next advisord on the same database delivers every row; a message that reached the
 * server before the stop may arrive twice, always with the same Message-ID. */
#include "harness.h"
#include "mail_fixtures.h"
#include "smtp_sink.h"
#include "testlib.h"
#include "util.h"

#include <stdlib.h>

TEST_MAIN_DEFS

#define N 3

int main(void)
{
  struct smtp_sink k;
  sink_start(&k, 0, 60); /* DATA is answered only after a minute */
  const char *args[] = {"--smtp-url", k.url, "--mail-retry-min", "1", "--mail-retry-max", "2",
                        NULL};
  struct server s1;
  server_start(&s1, args, NULL);
  struct store *st = mf_open_db(&s1);
  char ids[N][37];
  char to[64];
  snprintf(to, sizeof to, "first@example.se");
  mf_enqueue_simple(st, to, ids[0]);
  struct outbox_row r;
  CHECK(mf_wait_row(st, ids[0], MF_IN_FLIGHT, &r, 30000));
  for (int i = 1; i < N; i++) {
    snprintf(to, sizeof to, "queued%d@example.se", i);
    mf_enqueue_simple(st, to, ids[i]);
  }
  store_close(st);

  /* stop advisord while it waits for the slow server */
  CHECK_INT(server_stop(&s1, true), 0);
  char why[256];
  st = store_open(s1.db, false, why, sizeof why);
  CHECK_MSG(st != NULL, "%s", why);
  for (int i = 0; i < N && st; i++) {
    CHECK_INT(store_outbox_get(store_conn(st), ids[i], &r), STORE_OK);
    CHECK_STR(r.status, "pending");
    CHECK(!r.in_flight);                           /* given back, not left leased */
    CHECK_INT(r.attempts, 0);                      /* an abandoned try does not count */
    CHECK(r.next_attempt_at <= util_now_ms());     /* due at once after the restart */
  }
  if (st)
    store_close(st);

  /* the mail server recovers; a new advisord on the same database and secret */
  sink_stop(&k);
  sink_restart(&k, 0, 0);
  char secret[320];
  snprintf(secret, sizeof secret, "%s/secret.key", s1.dir);
  const char *args2[] = {"--smtp-url", k.url, "--mail-retry-min", "1", "--mail-retry-max", "2",
                         "--db", s1.db, "--secret-file", secret, NULL};
  struct server s2;
  server_start(&s2, args2, NULL);
  st = store_open(s1.db, false, why, sizeof why);
  CHECK_MSG(st != NULL, "%s", why);
  for (int i = 0; i < N && st; i++) {
    CHECK(mf_wait_row(st, ids[i], MF_SETTLED, &r, 30000));
    CHECK_STR(r.status, "sent");
  }
  json_t *recv = sink_received(&k);
  for (int i = 0; i < N; i++) {
    char mid[512];
    snprintf(mid, sizeof mid, "<%s@advisord>", ids[i]);
    CHECK_MSG(sink_find(recv, mid) != NULL, "%s never arrived", mid);
  }
  size_t i;
  json_t *m;
  json_array_foreach(recv, i, m)
  {
    const char *mid = json_string_value(json_object_get(m, "message_id"));
    bool ours = false;
    for (int j = 0; j < N; j++) {
      char want[512];
      snprintf(want, sizeof want, "<%s@advisord>", ids[j]);
      ours = ours || strcmp(mid, want) == 0;
    }
    CHECK_MSG(ours, "unexpected message %s", mid);
  }
  fprintf(stderr, "received %zu messages for %d rows\n", json_array_size(recv), N);
  json_decref(recv);
  if (st)
    store_close(st);
  CHECK_INT(server_stop(&s2, false), 0);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", s1.dir);
  CHECK(system(cmd) == 0);
  sink_cleanup(&k);
  return TEST_REPORT();
}
