/* Integration test of several messages per SMTP round trip (mail_smtp_send_many, smtp_batch in
 * smtp_dialogue.c) against the real SMTP server of tests/mail/smtp_sink.py (aiosmtpd, with
 * PIPELINING and CHUNKING):
 * - three messages in one call arrive each once, byte for byte, over one connection, all
 *   carried by one read of the server's socket (one write: one round trip); a second call on
 *   the kept connection: one more read for both of its messages;
 * - a recipient refused in the middle fails only its message (permanent 550, the server's
 *   line); refused last, the connection is RSET and takes the next call; a 451 to the first
 *   message's data fails only it (temporary);
 * - each connection cut at its second message (unanswered): the rest go at once on a new
 *   connection, each received once; a new connection cut after the first message's data
 *   with no answer: every message a temporary failure (the first was taken: at least once);
 * - a kept connection the server timed out (closed unanswered at the batch's first MAIL): the
 *   whole batch goes again at once on a new connection, each message once;
 * - without PIPELINING the messages go one by one, each in its own round trip;
 * - a server that takes 1 s for each message (--smtp-timeout 2): four in one batch, each
 *   message has the timeout for its own answers, all delivered once;
 * - a server out of step (one answer more than asked, its first two messages' data refused
 *   451): no message taken as delivered or refused for good, each tried again;
 * - the mailer (one worker) with a server that cuts each connection at its second message:
 *   every e-mail of the claims sent at the first try, each received once. */
#include "harness.h"
#include "mail_batch_fx.h"
#include "mail_fixtures.h"
#include "mail_retry.h"
#include "mail_transport.h"
#include "smtp_sink.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TEST_MAIN_DEFS

/* The raw bytes the sink saved for Message-ID <id@test> (malloc'd, "" when none). */
static char *saved(const struct smtp_sink *k, const char *id)
{
  json_t *all = sink_received(k);
  char mid[64], path[400] = "";
  snprintf(mid, sizeof mid, "<%s@test>", id);
  size_t i;
  json_t *m;
  json_array_foreach(all, i, m)
  if (strcmp(json_string_value(json_object_get(m, "message_id")), mid) == 0)
    snprintf(path, sizeof path, "%s/%s", k->dir,
             json_string_value(json_object_get(m, "file")));
  json_decref(all);
  char *text = calloc(1, 1 << 16);
  FILE *f = path[0] ? fopen(path, "rb") : NULL;
  if (f && text)
    text[fread(text, 1, (1 << 16) - 1, f)] = '\0';
  if (f)
    fclose(f);
  return text;
}

static void test_one_round_trip(void)
{
  fprintf(stderr, "-- three messages in one write, then two more on the kept connection\n");
  struct smtp_sink k;
  sink_start(&k, 0, 0);
  struct mail_smtp_settings s = settings(&k);
  struct mail_smtp_conn c = {0};
  struct mail_smtp_item it[3], more[2];
  make(it, 3, "a", NULL);
  mail_smtp_send_many(&c, &s, FROM, it, 3, NULL);
  for (int i = 0; i < 3; i++) {
    CHECK_MSG(it[i].out.curl_code == 0, "message %d: %s", i, it[i].out.detail);
    CHECK_INT(it[i].out.smtp_code, 250);
  }
  make(more, 2, "b", NULL);
  mail_smtp_send_many(&c, &s, FROM, more, 2, NULL);
  for (int i = 0; i < 2; i++)
    CHECK_MSG(more[i].out.curl_code == 0, "message %d: %s", i, more[i].out.detail);
  CHECK_INT((int)c.connections, 1);
  mail_smtp_close(&c);
  CHECK_INT(sink_wait(&k, 5, 5000), 5);
  json_int_t conn0 = 0, read0 = 0;
  for (int i = 0; i < 5; i++) {
    char id[8];
    snprintf(id, sizeof id, "%c%d", i < 3 ? 'a' : 'b', i < 3 ? i : i - 3);
    json_int_t conn = 0, read = 0;
    CHECK_MSG(received(&k, id, &conn, &read) == 1, "%s not received once", id);
    if (i == 0)
      conn0 = conn, read0 = read;
    CHECK(conn == conn0);
    /* one read of the server's for each call: the batch went in one write */
    CHECK_MSG(i < 3 ? read == read0 : read > read0, "%s: read %lld, the first %lld", id,
              (long long)read, (long long)read0);
    char *raw = saved(&k, id);
    const char *sent = i < 3 ? it[i].msg : more[i - 3].msg;
    size_t n = strlen(sent);
    CHECK_MSG(strncmp(raw, sent, n) == 0 && strcmp(raw + n, "\r\n") == 0, "%s differs", id);
    free(raw);
  }
  unmake(it, 3);
  unmake(more, 2);
  sink_cleanup(&k);
}

static void test_refusals(void)
{
  fprintf(stderr, "-- a refused recipient in the middle, then last; a 451 to the first\n");
  struct smtp_sink k;
  sink_start(&k, 1, 0); /* the first message's data: 451 */
  const char *refused[] = {"nobody@example.se", NULL};
  sink_reject(&k, refused);
  struct mail_smtp_settings s = settings(&k);
  struct mail_smtp_conn c = {0};
  const char *to[] = {NULL, "nobody@example.se", NULL};
  struct mail_smtp_item it[3];
  make(it, 3, "r", to);
  mail_smtp_send_many(&c, &s, FROM, it, 3, NULL);
  CHECK_INT(it[0].out.smtp_code, 451);
  CHECK_INT(mail_retry_classify(it[0].out.curl_code, it[0].out.smtp_code), MAIL_TEMPORARY);
  CHECK_INT(it[1].out.smtp_code, 550);
  CHECK_MSG(strstr(it[1].out.detail, "Recipient address rejected") != NULL, "%s",
            it[1].out.detail);
  CHECK_INT(mail_retry_classify(it[1].out.curl_code, it[1].out.smtp_code), MAIL_PERMANENT);
  CHECK_MSG(it[2].out.curl_code == 0 && it[2].out.smtp_code == 250, "%s", it[2].out.detail);
  const char *to2[] = {NULL, "nobody@example.se"};
  struct mail_smtp_item last[2], after[1];
  make(last, 2, "s", to2);
  mail_smtp_send_many(&c, &s, FROM, last, 2, NULL);
  CHECK_MSG(last[0].out.curl_code == 0, "%s", last[0].out.detail);
  CHECK_INT(last[1].out.smtp_code, 550);
  make(after, 1, "t", NULL);
  mail_smtp_send_many(&c, &s, FROM, after, 1, NULL); /* after the RSET, on the same one */
  CHECK_MSG(after[0].out.curl_code == 0, "%s", after[0].out.detail);
  CHECK_INT((int)c.connections, 1);
  mail_smtp_close(&c);
  CHECK_INT(sink_wait(&k, 3, 5000), 3);
  CHECK_INT(received(&k, "r0", NULL, NULL), 0);
  CHECK_INT(received(&k, "r1", NULL, NULL), 0);
  CHECK_INT(received(&k, "r2", NULL, NULL), 1);
  CHECK_INT(received(&k, "s0", NULL, NULL), 1);
  CHECK_INT(received(&k, "s1", NULL, NULL), 0);
  CHECK_INT(received(&k, "t0", NULL, NULL), 1);
  unmake(it, 3);
  unmake(last, 2);
  unmake(after, 1);
  sink_cleanup(&k);
}

static void test_cut_mid_batch(void)
{
  fprintf(stderr, "-- the connection cut at the second message of each connection\n");
  struct smtp_sink k;
  sink_start_drop(&k, SINK_CUT_AT_SECOND_MAIL);
  struct mail_smtp_settings s = settings(&k);
  struct mail_smtp_conn c = {0};
  struct mail_smtp_item it[3];
  make(it, 3, "c", NULL);
  /* each connection takes one and is cut unanswered at the next: the rest go at once on a
   * new one */
  mail_smtp_send_many(&c, &s, FROM, it, 3, NULL);
  for (int i = 0; i < 3; i++)
    CHECK_MSG(it[i].out.curl_code == 0, "c%d: %s", i, it[i].out.detail);
  CHECK_INT((int)c.connections, 3);
  mail_smtp_close(&c);
  CHECK_INT(sink_wait(&k, 3, 5000), 3);
  usleep(200 * 1000);
  for (int i = 0; i < 3; i++) {
    char id[8];
    snprintf(id, sizeof id, "c%d", i);
    CHECK_MSG(received(&k, id, NULL, NULL) == 1, "%s not received once", id);
  }
  json_t *ev = sink_events(&k);
  CHECK_INT(json_array_size(ev), 2);
  json_decref(ev);
  unmake(it, 3);
  sink_cleanup(&k);
}

static void test_cut_unanswered(void)
{
  fprintf(stderr, "-- a new connection cut after the first message's data, unanswered\n");
  struct smtp_sink k;
  sink_start_drop(&k, SINK_CUT_AFTER_DATA);
  struct mail_smtp_settings s = settings(&k);
  struct mail_smtp_conn c = {0};
  struct mail_smtp_item it[3];
  make(it, 3, "u", NULL);
  mail_smtp_send_many(&c, &s, FROM, it, 3, NULL);
  CHECK_INT(it[0].out.smtp_code, 250); /* its MAIL's and RCPT's; then the cut */
  for (int i = 0; i < 3; i++) { /* no answer: temporary, tried again later (at least once) */
    CHECK_INT(it[i].out.smtp_code, i == 0 ? 250 : 0);
    CHECK(it[i].out.curl_code != 0);
    CHECK_INT(mail_retry_classify(it[i].out.curl_code, it[i].out.smtp_code), MAIL_TEMPORARY);
  }
  CHECK_INT((int)c.connections, 1); /* cut in the first one's data: not again at once */
  mail_smtp_close(&c);
  CHECK_INT(sink_wait(&k, 1, 5000), 1);
  usleep(200 * 1000);
  CHECK_INT(received(&k, "u0", NULL, NULL), 1); /* taken, unanswered: sent again later */
  CHECK_INT(received(&k, "u1", NULL, NULL), 0); /* never reached the server's handling */
  CHECK_INT(received(&k, "u2", NULL, NULL), 0);
  unmake(it, 3);
  sink_cleanup(&k);
}

static void test_kept_connection_timed_out(void)
{
  fprintf(stderr, "-- the kept connection closed unanswered as the batch begins\n");
  struct smtp_sink k;
  sink_start_drop(&k, SINK_DROP_AT_SECOND_MAIL);
  struct mail_smtp_settings s = settings(&k);
  struct mail_smtp_conn c = {0};
  struct mail_smtp_item one[1], it[3];
  make(one, 1, "o", NULL);
  mail_smtp_send_many(&c, &s, FROM, one, 1, NULL);
  CHECK_MSG(one[0].out.curl_code == 0, "%s", one[0].out.detail);
  make(it, 3, "k", NULL);
  mail_smtp_send_many(&c, &s, FROM, it, 3, NULL); /* dropped, then again on a new one */
  for (int i = 0; i < 3; i++)
    CHECK_MSG(it[i].out.curl_code == 0, "k%d: %s", i, it[i].out.detail);
  CHECK_INT((int)c.connections, 2);
  mail_smtp_close(&c);
  CHECK_INT(sink_wait(&k, 4, 5000), 4);
  json_t *ev = sink_events(&k);
  CHECK_INT(json_array_size(ev), 1);
  json_decref(ev);
  for (int i = 0; i < 3; i++) {
    char id[8];
    snprintf(id, sizeof id, "k%d", i);
    CHECK_MSG(received(&k, id, NULL, NULL) == 1, "%s not received once", id);
  }
  unmake(one, 1);
  unmake(it, 3);
  sink_cleanup(&k);
}

static void test_without_pipelining(void)
{
  fprintf(stderr, "-- no PIPELINING: one by one\n");
  struct smtp_sink k;
  sink_start_with(&k, &(struct sink_options){.no_ext = SINK_NO_PIPELINING});
  struct mail_smtp_settings s = settings(&k);
  struct mail_smtp_conn c = {0};
  struct mail_smtp_item it[3];
  make(it, 3, "l", NULL);
  mail_smtp_send_many(&c, &s, FROM, it, 3, NULL);
  json_int_t reads[3] = {0};
  for (int i = 0; i < 3; i++) {
    CHECK_MSG(it[i].out.curl_code == 0, "l%d: %s", i, it[i].out.detail);
  }
  mail_smtp_close(&c);
  CHECK_INT(sink_wait(&k, 3, 5000), 3);
  for (int i = 0; i < 3; i++) {
    char id[8];
    snprintf(id, sizeof id, "l%d", i);
    CHECK_INT(received(&k, id, NULL, &reads[i]), 1);
  }
  CHECK(reads[0] < reads[1] && reads[1] < reads[2]);
  unmake(it, 3);
  sink_cleanup(&k);
}

#define N_MAILER 9

static void test_mailer_cut(void)
{
  fprintf(stderr, "-- the mailer: each connection cut at its second message\n");
  struct smtp_sink k;
  sink_start_drop(&k, SINK_CUT_AT_SECOND_MAIL);
  const char *args[] = {"--smtp-url", k.url, "--smtp-starttls", "off", "--mail-workers", "1",
                        "--mail-retry-min", "1", "--mail-retry-max", "1", NULL};
  struct server s;
  server_start(&s, args, NULL);
  struct store *st = mf_open_db(&s);
  char ids[N_MAILER][37];
  for (int i = 0; i < N_MAILER; i++)
    mf_enqueue_simple(st, "kund@example.se", ids[i]);
  for (int i = 0; i < N_MAILER; i++) {
    struct outbox_row r;
    CHECK_MSG(mf_wait_row(st, ids[i], MF_SETTLED, &r, 60000), "row %d not settled", i);
    CHECK_STR(r.status, "sent");
    CHECK_INT(r.attempts, 1); /* the cut ones again at once, on a new connection */
  }
  store_close(st);
  CHECK_INT(server_stop(&s, false), 0);
  json_t *got = sink_received(&k);
  CHECK_INT(json_array_size(got), N_MAILER); /* each once: cut before its data, never taken */
  for (int i = 0; i < N_MAILER; i++) {
    char mid[64];
    snprintf(mid, sizeof mid, "<%.36s@advisord>", ids[i]);
    CHECK_MSG(sink_find(got, mid) != NULL, "%s lost", mid);
  }
  json_decref(got);
  sink_cleanup(&k);
}

static void test_slow_server(void)
{
  fprintf(stderr, "-- a server that takes 1 s for each message, --smtp-timeout 2\n");
  struct smtp_sink k;
  sink_start_ack(&k, 1);
  struct mail_smtp_settings s = settings(&k);
  s.timeout_s = 2; /* each message's answers within it; the four together take 4 s */
  struct mail_smtp_conn c = {0};
  struct mail_smtp_item it[4];
  make(it, 4, "w", NULL);
  mail_smtp_send_many(&c, &s, FROM, it, 4, NULL);
  for (int i = 0; i < 4; i++)
    CHECK_MSG(it[i].out.curl_code == 0, "message %d: %s", i, it[i].out.detail);
  mail_smtp_close(&c);
  CHECK_INT(sink_wait(&k, 4, 5000), 4);
  for (int i = 0; i < 4; i++) {
    char id[8];
    snprintf(id, sizeof id, "w%d", i);
    CHECK_MSG(received(&k, id, NULL, NULL) == 1, "%s not received once", id);
  }
  unmake(it, 4);
  sink_cleanup(&k);
}

static void test_out_of_step(void)
{
  fprintf(stderr, "-- a server that answers one more than asked (its first two data: 451)\n");
  struct smtp_sink k;
  sink_start_with(&k, &(struct sink_options){.fail_first = 2, .drop = SINK_EXTRA_REPLY});
  struct mail_smtp_settings s = settings(&k);
  struct mail_smtp_conn c = {0};
  struct mail_smtp_item it[3];
  make(it, 3, "x", NULL);
  mail_smtp_send_many(&c, &s, FROM, it, 3, NULL);
  mail_smtp_close(&c);
  sink_wait(&k, 1, 2000);
  /* the second's 451 would be read as its RSET's answer shifted: every answer is doubtful,
   * so none is taken as delivered or refused for good: each is tried again */
  for (int i = 0; i < 3; i++) {
    char id[8];
    snprintf(id, sizeof id, "x%d", i);
    CHECK_MSG(mail_retry_classify(it[i].out.curl_code, it[i].out.smtp_code) == MAIL_TEMPORARY,
              "%s: %s (received %d times)", id, it[i].out.detail, received(&k, id, NULL, NULL));
  }
  CHECK_INT(received(&k, "x1", NULL, NULL), 0);
  unmake(it, 3);
  sink_cleanup(&k);
}

int main(void)
{
  test_one_round_trip();
  test_refusals();
  test_cut_mid_batch();
  test_cut_unanswered();
  test_kept_connection_timed_out();
  test_without_pipelining();
  test_mailer_cut();
  test_slow_server();
  test_out_of_step();
  return TEST_REPORT();
}
