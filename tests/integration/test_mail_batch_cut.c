/* Integration test of what the review of the fourteenth step's batching left open
 * (mail_smtp_send_many; smtp_batch in smtp_dialogue.c, send_on in smtp.c), against the real
 * SMTP server of tests/mail/smtp_sink.py:
 * - a write cut short: the server answers the batch's first message (250 to its data) and
 *   closes the connection without reading the rest (a 16 MB second message still being
 *   written: the client's write fails with the 250 already in its socket): that message is
 *   delivered, not sent again by the later try (received once), the rest go on new
 *   connections, each received once;
 * - a write cut short by a 421: the server takes the first message, then answers the 16 MB
 *   second one's BDAT with 421 before reading its data and closes; the 421 to a command not all
 *   written is the server closing, not answers out of step (smtp_batch's unwritten): the first
 *   stays delivered (not sent again, received once), the second a temporary failure with the
 *   421 (tried again later), the third, unanswered, sent again at once on a new connection;
 * - the same with a 552: a server that refuses the chunk on its BDAT line alone and closes
 *   before reading its data (RFC 3030 2 wants it read first): the refusal decides the second
 *   message (permanent, as the server said), the first stays delivered (before, the batch was
 *   out of step and the first, which the server had, was sent again);
 * - a 421 to the RSET between two messages and a close: the server closing (smtp_batch's RSET
 *   exception), not a refused RSET: the first stays delivered, the others go at once on a new
 *   connection, each received once;
 * - a server that no longer offers PIPELINING and CHUNKING when the client connects again:
 *   the kept connection timed out at the batch's first MAIL, the messages go one by one on
 *   the new connections, each received once, and the call's on_slow is still called when the
 *   later messages turn slow;
 * - the new connection (after the kept one, or the call's first) closed unanswered at its
 *   first message: a new connection, not tried again at once (one connection more, not two),
 *   every message a temporary failure; the later try delivers each once. */
#include "harness.h"
#include "mail_batch_fx.h"
#include "mail_retry.h"
#include "mail_transport.h"
#include "smtp_sink.h"
#include "testlib.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TEST_MAIN_DEFS

/* The items of it[0..n) not delivered, sent again (the mailer's later try of them); how many. */
static size_t try_again(struct mail_smtp_conn *c, const struct mail_smtp_settings *s,
                        struct mail_smtp_item *it, size_t n)
{
  struct mail_smtp_item again[8];
  size_t k = 0;
  for (size_t i = 0; i < n && k < 8; i++)
    if (mail_retry_classify(it[i].out.curl_code, it[i].out.smtp_code) != MAIL_DELIVERED)
      again[k++] = (struct mail_smtp_item){.to = it[i].to, .msg = it[i].msg};
  if (k > 0)
    mail_smtp_send_many(c, s, FROM, again, k, NULL);
  for (size_t i = 0; i < k; i++)
    CHECK_MSG(again[i].out.curl_code == 0, "again %zu: %s", i, again[i].out.detail);
  return k;
}

/* Each of tag0..tag<n-1> received exactly once. */
static void each_once(const struct smtp_sink *k, const char *tag, int n)
{
  for (int i = 0; i < n; i++) {
    char id[16];
    snprintf(id, sizeof id, "%s%d", tag, i);
    int times = received(k, id, NULL, NULL);
    CHECK_MSG(times == 1, "%s received %d times", id, times);
  }
}

static void test_write_cut_after_accepted(void)
{
  fprintf(stderr, "-- the first message taken, the connection closed unread during the write\n");
  struct smtp_sink k;
  sink_start_drop(&k, SINK_CLOSE_AFTER_MESSAGE); /* takes nothing sent with the message */
  struct mail_smtp_settings s = settings(&k);
  struct mail_smtp_conn c = {0};
  struct mail_smtp_item it[3];
  make_big_second(it, "v");
  mail_smtp_send_many(&c, &s, FROM, it, 3, NULL);
  /* its 250 came before the close: delivered, whatever became of the write */
  CHECK_MSG(it[0].out.curl_code == 0 && it[0].out.smtp_code == 250, "v0: %s",
            it[0].out.detail);
  for (int i = 1; i < 3; i++) /* each on a new connection of the same call */
    CHECK_MSG(it[i].out.curl_code == 0, "v%d: %s", i, it[i].out.detail);
  CHECK_INT((int)c.connections, 3);
  CHECK_INT((int)try_again(&c, &s, it, 3), 0);
  mail_smtp_close(&c);
  sink_wait(&k, 3, 10000);
  usleep(300 * 1000);
  each_once(&k, "v", 3);
  unmake(it, 3);
  sink_cleanup(&k);
}

/* A batch of three (tag0, a 16 MB tag1, tag2) to a sink that answers the big one's BDAT with
 * code, unread, and closes (drop, its first connection only): tag0 delivered, tag1 refused
 * with code (class cls: tried again later), tag2 sent at once on a new connection; the later
 * try sends tag1 only; each received once. */
static void write_cut_by(int drop, const char *tag, long code, enum mail_class cls)
{
  struct smtp_sink k;
  sink_start_drop(&k, drop);
  struct mail_smtp_settings s = settings(&k);
  struct mail_smtp_conn c = {0};
  struct mail_smtp_item it[3];
  char big[16];
  snprintf(big, sizeof big, "%s1", tag);
  make_big_second(it, tag);
  mail_smtp_send_many(&c, &s, FROM, it, 3, NULL);
  CHECK_MSG(it[0].out.curl_code == 0 && it[0].out.smtp_code == 250, "%s0: %d %ld %s", tag,
            it[0].out.curl_code, it[0].out.smtp_code, it[0].out.detail);
  CHECK_MSG(it[1].out.smtp_code == code &&
                mail_retry_classify(it[1].out.curl_code, it[1].out.smtp_code) == cls,
            "%s1: %d %ld %s", tag, it[1].out.curl_code, it[1].out.smtp_code, it[1].out.detail);
  CHECK_MSG(it[2].out.curl_code == 0, "%s2: %s", tag, it[2].out.detail); /* at once, a new one */
  CHECK_INT((int)c.connections, 2);
  CHECK_INT(received(&k, big, NULL, NULL), 0);
  CHECK_INT((int)try_again(&c, &s, it, 3), 1); /* tag1 only: tag0 is not sent again */
  mail_smtp_close(&c);
  sink_wait(&k, 3, 10000);
  usleep(300 * 1000);
  each_once(&k, tag, 3);
  unmake(it, 3);
  sink_cleanup(&k);
}

static void test_write_cut_by_421(void)
{
  fprintf(stderr, "-- the first message taken, a 421 at the 16 MB second one's BDAT, closed\n");
  write_cut_by(SINK_CLOSE_AT_BIG_BDAT, "c", 421, MAIL_TEMPORARY);
}

static void test_chunk_refused_unread(void)
{
  fprintf(stderr, "-- the first message taken, a 552 at the 16 MB second one's BDAT line, "
                  "closed unread\n");
  write_cut_by(SINK_REFUSE_AT_BIG_BDAT, "d", 552, MAIL_PERMANENT);
}

static void test_closed_at_rset(void)
{
  fprintf(stderr, "-- the first message taken, a 421 to the RSET after it, closed\n");
  struct smtp_sink k;
  sink_start_drop(&k, SINK_CLOSE_AT_RSET); /* on the first connection only */
  struct mail_smtp_settings s = settings(&k);
  struct mail_smtp_conn c = {0};
  struct mail_smtp_item it[3];
  make(it, 3, "q", NULL);
  mail_smtp_send_many(&c, &s, FROM, it, 3, NULL);
  for (int i = 0; i < 3; i++) /* q0 on the first connection, q1 and q2 at once on a second */
    CHECK_MSG(it[i].out.curl_code == 0 && it[i].out.smtp_code == 250, "q%d: %d %ld %s", i,
              it[i].out.curl_code, it[i].out.smtp_code, it[i].out.detail);
  CHECK_INT((int)c.connections, 2);
  CHECK_INT((int)try_again(&c, &s, it, 3), 0);
  mail_smtp_close(&c);
  sink_wait(&k, 3, 10000);
  usleep(300 * 1000);
  each_once(&k, "q", 3);
  unmake(it, 3);
  sink_cleanup(&k);
}

static int slow_calls;
static void count_slow(void *arg)
{
  (void)arg;
  slow_calls++;
}

/* A sink offering PIPELINING and CHUNKING on its first connection only, closing a kept
 * connection at a MAIL that begins a round trip of its own (its idle timeout), with the
 * connection cut (0: none) and delay_s; conn holds its first connection, p0 delivered on it. */
static void start_reconnect(struct smtp_sink *k, struct mail_smtp_conn *c, int cut, int delay_s)
{
  sink_start_with(k, &(struct sink_options){.delay_s = delay_s, .drop = SINK_DROP_AT_SECOND_MAIL,
                                            .no_ext = SINK_EXT_FIRST_ONLY,
                                            .cut_connection = cut});
  struct mail_smtp_settings s = settings(k);
  struct mail_smtp_item one[1];
  make(one, 1, "p", NULL);
  mail_smtp_send_many(c, &s, FROM, one, 1, NULL);
  CHECK_MSG(one[0].out.curl_code == 0, "p0: %s", one[0].out.detail);
  CHECK(mail_smtp_batches(c));
  unmake(one, 1);
}

static void test_fallback_after_reconnect(void)
{
  fprintf(stderr, "-- the kept connection timed out, the new ones without PIPELINING/CHUNKING\n");
  struct smtp_sink k;
  struct mail_smtp_conn c = {0};
  start_reconnect(&k, &c, 0, 1); /* each message's data answered after 1 s */
  struct mail_smtp_settings s = settings(&k);
  struct mail_smtp_item it[3];
  make(it, 3, "f", NULL);
  /* the call turns slow at 1.5 s, while its second message waits */
  slow_calls = 0;
  c.on_slow = count_slow;
  c.slow_arg = NULL;
  c.slow_at = util_mono_ms() + 1500;
  mail_smtp_send_many(&c, &s, FROM, it, 3, NULL);
  for (int i = 0; i < 3; i++)
    CHECK_MSG(it[i].out.curl_code == 0, "f%d: %s", i, it[i].out.detail);
  CHECK_MSG(slow_calls == 1, "on_slow called %d times", slow_calls);
  CHECK(c.on_slow == NULL);
  /* the kept one, then one per message: each later one began a round trip of its own, which
   * the server took for an idle connection's */
  CHECK_INT((int)c.connections, 4);
  mail_smtp_close(&c);
  sink_wait(&k, 4, 5000);
  usleep(200 * 1000);
  each_once(&k, "f", 3);
  unmake(it, 3);
  sink_cleanup(&k);
}

/* it[0..3) all temporary failures that had no answer; none received. */
static void none_taken(const struct smtp_sink *k, const struct mail_smtp_item *it,
                       const char *tag)
{
  for (int i = 0; i < 3; i++) {
    char id[16];
    snprintf(id, sizeof id, "%s%d", tag, i);
    CHECK_MSG(it[i].out.curl_code != 0 && it[i].out.smtp_code == 0 &&
                  mail_retry_classify(it[i].out.curl_code, it[i].out.smtp_code) ==
                      MAIL_TEMPORARY,
              "%s: curl %d smtp %ld %s", id, it[i].out.curl_code, it[i].out.smtp_code,
              it[i].out.detail);
    CHECK_MSG(received(k, id, NULL, NULL) == 0, "%s received", id);
  }
}

static void test_new_connection_cut_after_reconnect(void)
{
  fprintf(stderr, "-- the kept connection timed out, the new one cut at its first message\n");
  struct smtp_sink k;
  struct mail_smtp_conn c = {0};
  start_reconnect(&k, &c, 2, 0);
  struct mail_smtp_settings s = settings(&k);
  struct mail_smtp_item it[3];
  make(it, 3, "g", NULL);
  mail_smtp_send_many(&c, &s, FROM, it, 3, NULL);
  CHECK_INT((int)c.connections, 2); /* the new one answered nothing: not another at once */
  usleep(200 * 1000);
  none_taken(&k, it, "g");
  CHECK_INT((int)try_again(&c, &s, it, 3), 3); /* the later try: one by one, as before */
  mail_smtp_close(&c);
  sink_wait(&k, 4, 5000);
  usleep(200 * 1000);
  each_once(&k, "g", 3);
  unmake(it, 3);
  sink_cleanup(&k);
}

static void test_first_connection_cut(void)
{
  fprintf(stderr, "-- no PIPELINING, the call's new connection cut at its first message\n");
  struct smtp_sink k;
  sink_start_with(&k, &(struct sink_options){.no_ext = SINK_NO_PIPELINING, .cut_connection = 1});
  struct mail_smtp_settings s = settings(&k);
  struct mail_smtp_conn c = {0};
  struct mail_smtp_item it[3];
  make(it, 3, "h", NULL);
  mail_smtp_send_many(&c, &s, FROM, it, 3, NULL);
  CHECK_INT((int)c.connections, 1); /* opened by the call: new, not again at once */
  usleep(200 * 1000);
  none_taken(&k, it, "h");
  CHECK_INT((int)try_again(&c, &s, it, 3), 3);
  CHECK_INT((int)c.connections, 2);
  mail_smtp_close(&c);
  sink_wait(&k, 3, 5000);
  usleep(200 * 1000);
  each_once(&k, "h", 3);
  unmake(it, 3);
  sink_cleanup(&k);
}

int main(void)
{
  test_write_cut_after_accepted();
  test_write_cut_by_421();
  test_chunk_refused_unread();
  test_closed_at_rset();
  test_fallback_after_reconnect();
  test_new_connection_cut_after_reconnect();
  test_first_connection_cut();
  return TEST_REPORT();
}
