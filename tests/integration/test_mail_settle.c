/* Integration test of what the review of mail16 found (mail_smtp_send_many, against the real
 * SMTP server of tests/mail/smtp_sink.py and the raw one of tests/mail/smtp_rogue.py):
 * - conn.settle_by (the mailer: the first row's lease end, less the time to write its
 *   outcome): a batch of slow messages, and one by one on a connection without PIPELINING,
 *   returns by it, the messages settled before it keep their outcome, the others are
 *   temporary failures (a timeout), and those never put on the wire are unsent (no try was
 *   made: the mailer gives their rows back untouched); a call whose time is already up sends
 *   nothing (each unsent);
 * - a batch whose write is cut by settle_by (the server stops reading a 16 MB message's data):
 *   the message before it delivered, it a timeout (on the wire), the one after it unsent;
 * - one by one (no PIPELINING), the time up just after the first message's last answer was
 *   read (its on_slow moves settle_by to just past each read it sees through): the next
 *   message is not begun (transact_each's late()), unsent, and the connection is kept;
 * - a write cut short (a 16 MB message, the server reads 4 KB of its data and closes) with an
 *   answer the server sent unasked before it (read as the BDAT's 250): the message cannot have
 *   been taken, the batch is out of step: the message a temporary failure (the one after it,
 *   unanswered, goes at once on a new connection). */
#include "harness.h"
#include "mail_batch_fx.h"
#include "mail_retry.h"
#include "mail_transport.h"
#include "smtp_sink.h"
#include "testlib.h"
#include "util.h"

#include <curl/curl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

TEST_MAIN_DEFS

static bool delivered(const struct mail_delivery *d)
{
  return mail_retry_classify(d->curl_code, d->smtp_code) == MAIL_DELIVERED;
}

static bool temporary(const struct mail_delivery *d)
{
  return mail_retry_classify(d->curl_code, d->smtp_code) == MAIL_TEMPORARY;
}

/* n messages over k's sink, the call to be settled settle_ms from now (after a first message
 * that opens the connection); checks the call's length and that the first `settled` are
 * delivered, the rest temporary, and those from `written` on unsent. */
static void settle_case(struct smtp_sink *k, size_t n, int64_t settle_ms, size_t settled,
                        size_t written, const char *tag)
{
  struct mail_smtp_settings s = settings(k);
  struct mail_smtp_conn c = {0};
  struct mail_smtp_item warm[1], it[8];
  char wtag[16];
  snprintf(wtag, sizeof wtag, "%sw", tag);
  make(warm, 1, wtag, NULL);
  mail_smtp_send_many(&c, &s, FROM, warm, 1, NULL);
  CHECK_MSG(delivered(&warm[0].out), "warm-up: %s", warm[0].out.detail);
  make(it, n, tag, NULL);
  int64_t began = util_mono_ms();
  c.settle_by = began + settle_ms;
  mail_smtp_send_many(&c, &s, FROM, it, n, NULL);
  int64_t took = util_mono_ms() - began;
  CHECK_MSG(took >= settle_ms - 100 && took < settle_ms + 700, "the call took %lld ms",
            (long long)took);
  CHECK_MSG(c.settle_by == 0, "settle_by cleared: %lld", (long long)c.settle_by);
  for (size_t i = 0; i < n; i++) {
    if (i < settled)
      CHECK_MSG(delivered(&it[i].out), "%s%zu: %s", tag, i, it[i].out.detail);
    else
      CHECK_MSG(temporary(&it[i].out) && it[i].out.curl_code == 28, "%s%zu: %d %ld %s", tag, i,
                it[i].out.curl_code, it[i].out.smtp_code, it[i].out.detail);
    CHECK_MSG(it[i].out.unsent == (i >= written), "%s%zu: unsent %d", tag, i, it[i].out.unsent);
  }
  mail_smtp_close(&c);
  unmake(warm, 1);
  unmake(it, n);
}

static void test_settle_batch(void)
{
  fprintf(stderr, "-- a batch of messages answered 1 s each, to be settled in 2.5 s\n");
  struct smtp_sink k;
  sink_start_ack(&k, 1);
  settle_case(&k, 5, 2500, 2, 5, "b"); /* all in one write */
  sink_cleanup(&k);
}

static void test_settle_each(void)
{
  fprintf(stderr, "-- one by one (no PIPELINING), answered 1 s each, to be settled in 2.5 s\n");
  struct smtp_sink k;
  struct sink_options o = {.delay_s = 1, .no_ext = SINK_NO_PIPELINING | SINK_NO_CHUNKING};
  sink_start_with(&k, &o);
  settle_case(&k, 4, 2500, 2, 3, "e"); /* e2 cut in its answers' wait, e3 not begun */
  CHECK_INT(received(&k, "e3", NULL, NULL), 0); /* the call's time was up: not sent */
  sink_cleanup(&k);
}

static void test_settle_passed(void)
{
  fprintf(stderr, "-- the call's time already up: nothing sent, no connection\n");
  struct smtp_sink k;
  sink_start(&k, 0, 0);
  struct mail_smtp_settings s = settings(&k);
  struct mail_smtp_conn c = {.settle_by = util_mono_ms() - 1};
  struct mail_smtp_item it[2];
  make(it, 2, "p", NULL);
  mail_smtp_send_many(&c, &s, FROM, it, 2, NULL);
  CHECK_INT((long long)c.connections, 0);
  for (int i = 0; i < 2; i++)
    CHECK_MSG(temporary(&it[i].out) && it[i].out.unsent, "p%d: %s", i, it[i].out.detail);
  CHECK_INT(received(&k, "p0", NULL, NULL) + received(&k, "p1", NULL, NULL), 0);
  mail_smtp_close(&c);
  unmake(it, 2);
  sink_cleanup(&k);
}

static void test_settle_write(void)
{
  fprintf(stderr, "-- a batch's write blocked by the server past settle_by\n");
  struct smtp_sink k;
  sink_start_drop(&k, SINK_STALL_AT_BIG_BDAT); /* waits 3 s before reading w1's data */
  struct mail_smtp_settings s = settings(&k);
  struct mail_smtp_conn c = {0};
  struct mail_smtp_item it[3];
  make_big_second(it, "w");
  c.settle_by = util_mono_ms() + 1500;
  mail_smtp_send_many(&c, &s, FROM, it, 3, NULL);
  CHECK_MSG(delivered(&it[0].out), "w0: %s", it[0].out.detail);
  CHECK_MSG(temporary(&it[1].out) && it[1].out.curl_code == 28 && !it[1].out.unsent,
            "w1: %d %ld unsent %d %s", it[1].out.curl_code, it[1].out.smtp_code,
            it[1].out.unsent, it[1].out.detail);
  CHECK_MSG(temporary(&it[2].out) && it[2].out.curl_code == 28 && it[2].out.unsent,
            "w2: %d unsent %d %s", it[2].out.curl_code, it[2].out.unsent, it[2].out.detail);
  CHECK(c.curl == NULL); /* the write was cut: dropped */
  mail_smtp_close(&c);
  usleep(200 * 1000);
  CHECK_INT(received(&k, "w0", NULL, NULL), 1);
  CHECK_INT(received(&k, "w2", NULL, NULL), 0);
  unmake(it, 3);
  sink_cleanup(&k);
}

/* The kept connection's socket, and its call's on_slow that lets each read it sees through:
 * it waits until the answer being read has arrived, then sets settle_by to just after now, so
 * that the wait (which compares the time taken before on_slow) passes and the read takes it,
 * and is due again at once for the next read. Once a message's last answer is read no read is
 * left to move settle_by: the call's time is up before the next message begins. */
struct just_in_time {
  struct mail_smtp_conn *c;
  int fd;
  int calls;
};

static void just_in_time(void *arg)
{
  struct just_in_time *j = arg;
  struct pollfd p = {.fd = j->fd, .events = POLLIN};
  CHECK(poll(&p, 1, 5000) == 1);
  j->c->settle_by = util_mono_ms() + 1;
  usleep(3000);
  j->c->on_slow = just_in_time;
  j->c->slow_at = 0;
  j->calls++;
}

static void test_time_up_between_messages(void)
{
  fprintf(stderr, "-- one by one, the time up right after the first message's last answer\n");
  struct smtp_sink k;
  sink_start_with(&k, &(struct sink_options){.no_ext = SINK_NO_PIPELINING | SINK_NO_CHUNKING});
  struct mail_smtp_settings s = settings(&k);
  struct mail_smtp_conn c = {0};
  struct mail_smtp_item warm[1], it[3];
  make(warm, 1, "jw", NULL);
  mail_smtp_send_many(&c, &s, FROM, warm, 1, NULL); /* opens the connection */
  CHECK_MSG(delivered(&warm[0].out), "warm-up: %s", warm[0].out.detail);
  curl_socket_t fd = CURL_SOCKET_BAD;
  CHECK(c.curl && curl_easy_getinfo(c.curl, CURLINFO_ACTIVESOCKET, &fd) == CURLE_OK);
  struct just_in_time j = {&c, (int)fd, 0};
  c.on_slow = just_in_time;
  c.slow_arg = &j;
  c.slow_at = 0;
  make(it, 3, "j", NULL);
  mail_smtp_send_many(&c, &s, FROM, it, 3, NULL);
  /* MAIL, RCPT, DATA and the data's answer, each read in time */
  CHECK_MSG(j.calls == 4, "on_slow called %d times", j.calls);
  CHECK_MSG(delivered(&it[0].out), "j0: %s", it[0].out.detail);
  for (int i = 1; i < 3; i++)
    CHECK_MSG(it[i].out.unsent && it[i].out.curl_code == 28, "j%d: unsent %d, %d %s", i,
              it[i].out.unsent, it[i].out.curl_code, it[i].out.detail);
  CHECK(c.curl != NULL); /* nothing cut: the connection is kept */
  CHECK_INT((long long)c.connections, 1);
  mail_smtp_close(&c);
  sink_wait(&k, 2, 2000);
  usleep(200 * 1000);
  CHECK_INT(received(&k, "j0", NULL, NULL), 1);
  CHECK_INT(received(&k, "j1", NULL, NULL) + received(&k, "j2", NULL, NULL), 0);
  unmake(warm, 1);
  unmake(it, 3);
  sink_cleanup(&k);
}

/* Starts tests/mail/smtp_rogue.py in mode into a new folder (dir); its URL into url. */
static pid_t rogue_start(const char *mode, char *dir, char *url, size_t len)
{
  strcpy(dir, "/tmp/advisord-rogue-XXXXXX");
  if (!mkdtemp(dir))
    abort();
  pid_t pid = fork();
  if (pid == 0) {
    execl("/usr/bin/python3", "python3", ADVISORD_SOURCE_DIR "/tests/mail/smtp_rogue.py",
          "--dir", dir, "--mode", mode, (char *)NULL);
    _exit(127);
  }
  char path[300];
  snprintf(path, sizeof path, "%s/port", dir);
  for (int i = 0; i < 400; i++) {
    FILE *f = fopen(path, "r");
    int port = 0;
    if (f && fscanf(f, "%d", &port) == 1 && port > 0) {
      fclose(f);
      snprintf(url, len, "smtp://127.0.0.1:%d", port);
      return pid;
    }
    if (f)
      fclose(f);
    usleep(25000);
  }
  abort();
}

static void test_unasked_answer_write_cut(void)
{
  fprintf(stderr, "-- a 16 MB message cut short, an unasked 250 read as its BDAT's answer\n");
  char dir[64], url[64];
  pid_t pid = rogue_start("extra", dir, url, sizeof url);
  struct mail_smtp_settings s = {url, NULL, NULL, "off", NULL, 5};
  struct mail_smtp_conn c = {0};
  struct mail_smtp_item it[2] = {{.to = "kund@example.se", .msg = big_message("r0")},
                                 {.to = "kund@example.se", .msg = sink_message("r1", "x")}};
  mail_smtp_send_many(&c, &s, FROM, it, 2, NULL); /* one batch on the call's connection */
  /* r0 out of step (temporary, tried again later); r1 had no answer: sent again at once on a
   * new connection (the rogue's second behaves) */
  CHECK_MSG(temporary(&it[0].out), "r0: %d %ld %s", it[0].out.curl_code, it[0].out.smtp_code,
            it[0].out.detail);
  CHECK_MSG(delivered(&it[1].out), "r1: %s", it[1].out.detail);
  CHECK_INT((long long)c.connections, 2);
  char log[128], cmd[160];
  snprintf(cmd, sizeof cmd, "grep -c 'took a message' %s/log", dir);
  FILE *p = popen(cmd, "r");
  CHECK(p && fgets(log, sizeof log, p) && atoi(log) == 1); /* r1 only: r0 never taken */
  if (p)
    pclose(p);
  mail_smtp_close(&c);
  for (int i = 0; i < 2; i++)
    free((char *)it[i].msg);
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK_INT(system(cmd), 0);
}

int main(void)
{
  test_settle_batch();
  test_settle_each();
  test_settle_passed();
  test_settle_write();
  test_time_up_between_messages();
  test_unasked_answer_write_cut();
  return TEST_REPORT();
}
