/* Integration test (from the review of mail16): a batch slower than its first row's lease.
 * Three workers, --smtp-timeout 20, a server that saves each message and answers it 19 s
 * later, 8 e-mails: a worker's batch of three (after its claim's first row alone) took about
 * 4 x 19 s, while the second row's lease ends 20 + 30 + 20 s after the claim; the outcomes
 * were written when the call returned, so another worker claimed that row meanwhile and sent
 * it again, both tries logged "mail_sent". With conn.settle_by (mailer.c: the call settled
 * 5 s before row next's lease ends) each e-mail is sent (logged "mail_sent") exactly once; a
 * message cut by settle_by is a temporary failure (a timeout: received again by its next try,
 * as after any timeout). Slow by nature (about two minutes). */
#include "harness.h"
#include "mail_fixtures.h"
#include "smtp_sink.h"
#include "testlib.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

TEST_MAIN_DEFS

#define N 8

int main(void)
{
  struct smtp_sink k;
  sink_start_ack(&k, 19); /* each message saved, its 250 after 19 s */
  const char *args[] = {"--smtp-url", k.url, "--smtp-starttls", "off", "--mail-workers", "3",
                        "--smtp-timeout", "20", "--mail-retry-min", "1", "--mail-retry-max",
                        "1", NULL};
  struct server s;
  server_start(&s, args, NULL);
  struct store *st = mf_open_db(&s);
  char ids[N][37];
  for (int i = 0; i < N; i++)
    mf_enqueue_simple(st, "kund@example.se", ids[i]);
  for (int i = 0; i < N; i++) {
    struct outbox_row r;
    CHECK_MSG(mf_wait_row(st, ids[i], MF_SETTLED, &r, 240000), "row %d not settled", i);
    CHECK_MSG(strcmp(r.status, "sent") == 0, "row %d: %s", i, r.status);
    outbox_row_clear(&r);
  }
  sleep(25); /* a try still under way (one that outlived its row's lease) ends and logs */
  int retried = server_log_count(&s, "\"mail_retry\"");
  for (int i = 0; i < N; i++) {
    char needle[80];
    snprintf(needle, sizeof needle, "<%.36s@advisord>", ids[i]);
    int sent = server_log_count(&s, needle); /* only mail_sent lines carry the Message-ID */
    CHECK_MSG(sent == 1, "row %d logged sent %d times", i, sent);
  }
  fprintf(stderr, "%d tries were temporary failures\n", retried);
  store_close(st);
  CHECK_INT(server_stop(&s, false), 0);
  sink_cleanup(&k);
  return TEST_REPORT();
}
