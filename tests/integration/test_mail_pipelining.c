/* Integration test of the SMTP transport's mail transaction (mail_smtp_send, smtp_dialogue.c)
 * against the real SMTP server of tests/mail/smtp_sink.py on all three paths: lockstep (the
 * server advertises neither PIPELINING nor CHUNKING, as plain aiosmtpd), PIPELINING with DATA
 * and PIPELINING with BDAT (CHUNKING):
 * - two messages over one connection arrive byte for byte (lines starting with "." over DATA
 *   too), in 4, 2 and 1 writes of the client; QUIT at close;
 * - a recipient refused in the (pipelined) transaction is a permanent 550 with the server's
 *   line, and the next message goes over the same connection;
 * - a 451 to the message's data (DATA or BDAT) is temporary; the connection stays;
 * - a server that drops the kept connection as the next message begins: every message once, at
 *   the first call; one that closes it after each message: the same, with no failure;
 * - a connection cut after the data, before the answer: temporary, the message not sent again
 *   at once (at least once, as before);
 * - a message over the server's SIZE is refused before sending (permanent);
 * - stop abandons a delivery waiting for the server at once; on_slow is called once in a slow
 *   one; a server that does not answer within the timeout fails the delivery;
 * - STARTTLS with login in lockstep and with BDAT. */
#include "mail_retry.h"
#include "mail_transport.h"
#include "smtp_sink.h"
#include "testlib.h"
#include "util.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TEST_MAIN_DEFS

enum path { LOCKSTEP, PIPE_DATA, PIPE_BDAT };
static const char *const path_name[] = {"lockstep", "pipelining with DATA", "BDAT"};
static const int path_no_ext[] = {SINK_NO_PIPELINING | SINK_NO_CHUNKING, SINK_NO_CHUNKING, 0};

static void start(struct smtp_sink *k, enum path p, struct sink_options o)
{
  o.no_ext = path_no_ext[p];
  sink_start_with(k, &o);
}

static struct mail_smtp_settings settings(const struct smtp_sink *k, long timeout_s)
{
  return (struct mail_smtp_settings){k->url, NULL, NULL, "off", NULL, timeout_s};
}

static bool send_one(struct mail_smtp_conn *c, const struct mail_smtp_settings *s,
                     const char *to, const char *msg, struct mail_delivery *d)
{
  mail_smtp_send(c, s, "advisord@example.se", to, msg, NULL, d);
  return d->curl_code == 0;
}

/* The raw bytes the sink saved for received message i (malloc'd). */
static char *saved(const struct smtp_sink *k, size_t i)
{
  json_t *all = sink_received(k);
  char path[400];
  snprintf(path, sizeof path, "%s/%s", k->dir,
           json_string_value(json_object_get(json_array_get(all, i), "file")));
  json_decref(all);
  FILE *f = fopen(path, "rb");
  char *text = calloc(1, 1 << 16);
  if (f && text)
    text[fread(text, 1, (1 << 16) - 1, f)] = '\0';
  if (f)
    fclose(f);
  return text;
}

static void test_two_messages(enum path p)
{
  fprintf(stderr, "-- %s: two messages, one connection\n", path_name[p]);
  struct smtp_sink k;
  start(&k, p, (struct sink_options){0});
  struct mail_smtp_settings s = settings(&k, 10);
  struct mail_smtp_conn c = {0};
  char *m1 = sink_message("m1", ".a line with a dot\r\n..two dots\r\n.\r\nthe end\r\n");
  char *m2 = sink_message("m2", "second\r\n");
  struct mail_delivery d;
  CHECK_MSG(send_one(&c, &s, "a@example.se", m1, &d), "%s", d.detail);
  CHECK_INT(d.smtp_code, 250);
  CHECK_MSG(strstr(d.detail, "accepted (smtp 250)") != NULL, "%s", d.detail);
  CHECK_MSG(send_one(&c, &s, "b@example.se", m2, &d), "%s", d.detail);
  CHECK_INT((int)c.connections, 1);
  mail_smtp_close(&c);
  CHECK(c.curl == NULL);
  CHECK_INT(sink_quits(&k), 1);
  CHECK_INT(sink_wait(&k, 2, 5000), 2);
  json_t *all = sink_received(&k);
  const char *how = p == PIPE_BDAT ? "BDAT" : "DATA";
  int segments[] = {4, 2, 1};
  for (size_t i = 0; i < 2; i++) {
    json_t *m = json_array_get(all, i);
    CHECK_STR(json_string_value(json_object_get(m, "how")), how);
    CHECK_INT(json_integer_value(json_object_get(m, "segments")), segments[p]);
    CHECK_INT(json_integer_value(json_object_get(m, "on_connection")), (int)i + 1);
    char *raw = saved(&k, i);
    CHECK_STR(raw, i == 0 ? m1 : m2); /* byte for byte: dot-stuffed and unstuffed over DATA */
    free(raw);
  }
  json_t *rcpts = json_object_get(json_array_get(all, 1), "rcpt_tos");
  CHECK_INT(json_array_size(rcpts), 1);
  CHECK_STR(json_string_value(json_array_get(rcpts, 0)), "b@example.se");
  json_decref(all);
  free(m1);
  free(m2);
  sink_cleanup(&k);
}

static void test_refused_recipient(enum path p)
{
  fprintf(stderr, "-- %s: a refused recipient\n", path_name[p]);
  struct smtp_sink k;
  start(&k, p, (struct sink_options){0});
  const char *refused[] = {"nobody@example.se", NULL};
  sink_reject(&k, refused);
  struct mail_smtp_settings s = settings(&k, 10);
  struct mail_smtp_conn c = {0};
  char *m = sink_message("r1", "hello\r\n");
  struct mail_delivery d;
  CHECK(!send_one(&c, &s, "nobody@example.se", m, &d));
  CHECK_INT(d.smtp_code, 550);
  CHECK_MSG(strstr(d.detail, "smtp 550") && strstr(d.detail, "Recipient address rejected"),
            "%s", d.detail);
  CHECK(!strstr(d.detail, "RCPT") && !strstr(d.detail, "MAIL")); /* never a line of ours */
  CHECK_INT(mail_retry_classify(d.curl_code, d.smtp_code), MAIL_PERMANENT);
  CHECK_MSG(send_one(&c, &s, "kund@example.se", m, &d), "%s", d.detail);
  CHECK_INT((int)c.connections, 1);
  mail_smtp_close(&c);
  CHECK_INT(sink_wait(&k, 1, 5000), 1);
  json_t *all = sink_received(&k);
  CHECK_INT(json_array_size(all), 1);
  json_decref(all);
  free(m);
  sink_cleanup(&k);
}

static void test_deferred_data(enum path p)
{
  fprintf(stderr, "-- %s: 451 to the data\n", path_name[p]);
  struct smtp_sink k;
  start(&k, p, (struct sink_options){.fail_first = 1});
  struct mail_smtp_settings s = settings(&k, 10);
  struct mail_smtp_conn c = {0};
  char *m = sink_message("d1", "hello\r\n");
  struct mail_delivery d;
  CHECK(!send_one(&c, &s, "kund@example.se", m, &d));
  CHECK_INT(d.smtp_code, 451);
  CHECK_MSG(strstr(d.detail, "smtp 451 4.3.0") != NULL, "%s", d.detail);
  CHECK_INT(mail_retry_classify(d.curl_code, d.smtp_code), MAIL_TEMPORARY);
  CHECK_MSG(send_one(&c, &s, "kund@example.se", m, &d), "%s", d.detail);
  CHECK_INT((int)c.connections, 1);
  mail_smtp_close(&c);
  CHECK_INT(sink_wait(&k, 1, 5000), 1);
  free(m);
  sink_cleanup(&k);
}

/* Three messages, each sent at the first call, each received once. */
static void three_once(struct smtp_sink *k, int connections)
{
  struct mail_smtp_settings s = settings(k, 10);
  struct mail_smtp_conn c = {0};
  for (int i = 0; i < 3; i++) {
    char id[16];
    snprintf(id, sizeof id, "x%d", i);
    char *m = sink_message(id, "hello\r\n");
    struct mail_delivery d;
    CHECK_MSG(send_one(&c, &s, "kund@example.se", m, &d), "message %d: %s", i, d.detail);
    free(m);
  }
  CHECK_INT((int)c.connections, connections);
  mail_smtp_close(&c);
  CHECK_INT(sink_wait(k, 3, 5000), 3);
  usleep(200 * 1000);
  json_t *all = sink_received(k);
  CHECK_INT(json_array_size(all), 3);
  json_decref(all);
}

static void test_dropped_and_closed(enum path p)
{
  fprintf(stderr, "-- %s: dropped as the next begins; closed after each\n", path_name[p]);
  struct smtp_sink k;
  start(&k, p, (struct sink_options){.drop = SINK_DROP_AT_SECOND_MAIL});
  three_once(&k, 3);
  json_t *ev = sink_events(&k);
  CHECK_INT(json_array_size(ev), 2); /* the second and third each met a dropped connection */
  json_decref(ev);
  sink_cleanup(&k);
  start(&k, p, (struct sink_options){.drop = SINK_CLOSE_AFTER_MESSAGE});
  three_once(&k, 3);
  sink_cleanup(&k);
}

static void test_cut_after_data(enum path p)
{
  fprintf(stderr, "-- %s: cut after the data\n", path_name[p]);
  struct smtp_sink k;
  start(&k, p, (struct sink_options){.drop = SINK_CUT_AFTER_DATA});
  struct mail_smtp_settings s = settings(&k, 10);
  struct mail_smtp_conn c = {0};
  char *m = sink_message("c1", "hello\r\n");
  struct mail_delivery d;
  CHECK(!send_one(&c, &s, "kund@example.se", m, &d));
  CHECK_INT(d.curl_code, CURLE_GOT_NOTHING);
  CHECK_INT(d.smtp_code, p == PIPE_BDAT ? 250 : 354); /* answers came: not sent again at once */
  CHECK_MSG(strstr(d.detail, "closed the connection") != NULL, "%s", d.detail);
  CHECK_INT(mail_retry_classify(d.curl_code, d.smtp_code), MAIL_TEMPORARY);
  CHECK_INT((int)c.connections, 1);
  CHECK(c.curl == NULL); /* dropped */
  mail_smtp_close(&c);
  CHECK_INT(sink_wait(&k, 1, 5000), 1);
  usleep(200 * 1000);
  CHECK_INT(sink_wait(&k, 2, 0), 1);
  free(m);
  sink_cleanup(&k);
}

static void test_size(enum path p)
{
  fprintf(stderr, "-- %s: SIZE\n", path_name[p]);
  struct smtp_sink k;
  start(&k, p, (struct sink_options){.size = 1000});
  struct mail_smtp_settings s = settings(&k, 10);
  struct mail_smtp_conn c = {0};
  char body[1500];
  memset(body, 'x', sizeof body - 3);
  memcpy(body + sizeof body - 3, "\r\n", 3);
  char *big = sink_message("big", body), *small = sink_message("small", "hello\r\n");
  struct mail_delivery d;
  CHECK_MSG(send_one(&c, &s, "kund@example.se", small, &d), "%s", d.detail); /* learns SIZE */
  CHECK(!send_one(&c, &s, "kund@example.se", big, &d));
  CHECK_INT(d.smtp_code, 552);
  CHECK_MSG(strstr(d.detail, "SIZE 1000") != NULL, "%s", d.detail);
  CHECK_INT(mail_retry_classify(d.curl_code, d.smtp_code), MAIL_PERMANENT);
  CHECK_MSG(send_one(&c, &s, "kund@example.se", small, &d), "%s", d.detail);
  CHECK_INT((int)c.connections, 1);
  mail_smtp_close(&c);
  CHECK_INT(sink_wait(&k, 2, 5000), 2);
  free(big);
  free(small);
  sink_cleanup(&k);
}

struct stopper {
  atomic_bool stop;
  int after_ms;
};

static void *stop_later(void *arg)
{
  struct stopper *t = arg;
  usleep((useconds_t)t->after_ms * 1000);
  atomic_store(&t->stop, true);
  return NULL;
}

static void on_slow(void *arg) { ++*(int *)arg; }

static void test_stop_slow_timeout(void)
{
  fprintf(stderr, "-- stop, on_slow, timeout\n");
  struct smtp_sink k;
  start(&k, PIPE_BDAT, (struct sink_options){.delay_s = 2});
  struct mail_smtp_settings s = settings(&k, 10);
  struct mail_smtp_conn c = {0};
  char *m = sink_message("s1", "hello\r\n");
  struct mail_delivery d;
  int slow = 0;
  c.on_slow = on_slow;
  c.slow_arg = &slow;
  c.slow_at = util_mono_ms() + 300;
  CHECK_MSG(send_one(&c, &s, "kund@example.se", m, &d), "%s", d.detail); /* 2 s */
  CHECK_INT(slow, 1);
  CHECK(c.on_slow == NULL);

  struct stopper t = {.after_ms = 300};
  atomic_init(&t.stop, false);
  pthread_t th;
  pthread_create(&th, NULL, stop_later, &t);
  int64_t t0 = util_mono_ms();
  mail_smtp_send(&c, &s, "advisord@example.se", "kund@example.se", m, &t.stop, &d);
  int64_t took = util_mono_ms() - t0;
  pthread_join(th, NULL);
  CHECK(d.aborted);
  CHECK_INT(d.curl_code, CURLE_ABORTED_BY_CALLBACK);
  CHECK_MSG(took < 1000, "stop took %lld ms", (long long)took);
  CHECK(c.curl == NULL); /* cut, not kept */

  s.timeout_s = 1;
  t0 = util_mono_ms();
  CHECK(!send_one(&c, &s, "kund@example.se", m, &d));
  took = util_mono_ms() - t0;
  CHECK_INT(d.curl_code, CURLE_OPERATION_TIMEDOUT);
  CHECK_MSG(strstr(d.detail, "within 1 s") != NULL, "%s", d.detail);
  CHECK_MSG(took >= 900 && took < 1800, "timeout after %lld ms", (long long)took);
  CHECK_INT(mail_retry_classify(d.curl_code, d.smtp_code), MAIL_TEMPORARY);
  mail_smtp_close(&c);
  free(m);
  sink_cleanup(&k);
}

static void test_tls(enum path p)
{
  fprintf(stderr, "-- %s: STARTTLS and login\n", path_name[p]);
  struct smtp_sink k;
  start(&k, p, (struct sink_options){.tls = SINK_STARTTLS, .auth = "advisord:pw-4711"});
  struct mail_smtp_settings s = {k.url, "advisord", "pw-4711", "required", k.cert, 10};
  struct mail_smtp_conn c = {0};
  char *m = sink_message("t1", ".dot\r\nhello\r\n");
  struct mail_delivery d;
  CHECK_MSG(send_one(&c, &s, "kund@example.se", m, &d), "%s", d.detail);
  CHECK_MSG(send_one(&c, &s, "kund@example.se", m, &d), "%s", d.detail);
  CHECK_INT((int)c.connections, 1);
  mail_smtp_close(&c);
  CHECK_INT(sink_quits(&k), 1);
  CHECK_INT(sink_wait(&k, 2, 5000), 2);
  json_t *all = sink_received(&k);
  json_t *r = json_array_get(all, 1);
  CHECK(json_is_true(json_object_get(r, "tls")));
  CHECK_STR(json_string_value(json_object_get(r, "login")), "advisord");
  CHECK_STR(json_string_value(json_object_get(r, "how")), p == PIPE_BDAT ? "BDAT" : "DATA");
  char *raw = saved(&k, 1);
  CHECK_STR(raw, m);
  free(raw);
  json_decref(all);
  free(m);
  sink_cleanup(&k);
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_DEFAULT);
  for (int p = LOCKSTEP; p <= PIPE_BDAT; p++) {
    test_two_messages((enum path)p);
    test_refused_recipient((enum path)p);
    test_deferred_data((enum path)p);
    test_dropped_and_closed((enum path)p);
    test_cut_after_data((enum path)p);
    test_size((enum path)p);
  }
  test_stop_slow_timeout();
  test_tls(LOCKSTEP);
  test_tls(PIPE_BDAT);
  curl_global_cleanup();
  return TEST_REPORT();
}
