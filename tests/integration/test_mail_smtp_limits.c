/* Integration test of the SMTP transport's limits (mail_smtp_send) against a scripted SMTP
 * server on loopback (a thread of this test: the misbehaviours below are not a real
 * server's), all with PIPELINING, CHUNKING and SIZE advertised:
 * - one try takes at most one timeout per connection: a kept connection closed by the server,
 *   then a new one whose greeting, answers and RSET answer each come just under the timeout,
 *   ends at the new connection's deadline (the connect, the transaction and the RSET share it);
 * - a stop ends the RSET's wait too (the refusal stays the outcome, the connection is cut);
 * - a server sending an endless answer is given up at once (a clear detail, temporary);
 * - a kept connection that times out with no answer (the server may hold the message) is not
 *   sent over again at once: the server receives the message once;
 * - SIZE is compared with the bytes on the wire (a missing last line end counts);
 * - an unusable address is permanent without a connection. */
#include "mail_retry.h"
#include "mail_transport.h"
#include "testlib.h"
#include "util.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

TEST_MAIN_DEFS

enum scenario { SLOW_SECOND, RSET_SILENT, FLOOD, HOLD_SECOND, PLAIN };

struct fake {
  enum scenario scen;
  int step_ms;      /* SLOW_SECOND: each step of the second connection waits this long */
  long size;        /* advertised SIZE */
  int listen_fd, port;
  atomic_bool done;
  atomic_bool stop; /* RSET_SILENT: set 200 ms into the RSET's wait (the mailer stopping) */
  atomic_int connections, messages;
  pthread_t th;
  char url[64];
};

struct line_reader {
  int fd;
  char buf[4096];
  size_t start, end;
};

static bool fill(struct line_reader *r)
{
  if (r->start < r->end)
    return true;
  ssize_t n = recv(r->fd, r->buf, sizeof r->buf, 0);
  if (n <= 0)
    return false;
  r->start = 0;
  r->end = (size_t)n;
  return true;
}

static bool read_line(struct line_reader *r, char *line, size_t len)
{
  size_t n = 0;
  for (;;) {
    if (!fill(r))
      return false;
    char ch = r->buf[r->start++];
    if (n + 1 < len)
      line[n++] = ch;
    if (ch == '\n') {
      line[n] = '\0';
      return true;
    }
  }
}

static bool skip(struct line_reader *r, size_t n)
{
  while (n > 0) {
    if (!fill(r))
      return false;
    size_t k = r->end - r->start < n ? r->end - r->start : n;
    r->start += k;
    n -= k;
  }
  return true;
}

static bool say(int fd, const char *s)
{
  return send(fd, s, strlen(s), MSG_NOSIGNAL) == (ssize_t)strlen(s);
}

static void wait_closed(struct line_reader *r)
{
  char line[512];
  while (read_line(r, line, sizeof line))
    ;
}

/* One connection, numbered no (1 for the first), per f's scenario. */
static void serve(struct fake *f, int fd, int no)
{
  struct line_reader r = {.fd = fd};
  bool slow = f->scen == SLOW_SECOND && no == 2;
  int on_conn = 0;
  char line[512], ehlo[200];
  if (slow)
    usleep((useconds_t)f->step_ms * 1000);
  if (!say(fd, "220 fake ESMTP\r\n"))
    return;
  while (read_line(&r, line, sizeof line)) {
    if (!strncasecmp(line, "EHLO", 4)) {
      snprintf(ehlo, sizeof ehlo, "250-fake\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 SIZE %ld\r\n",
               f->size);
      say(fd, ehlo);
    } else if (!strncasecmp(line, "MAIL", 4)) {
      if (f->scen == SLOW_SECOND && no == 1 && on_conn == 1)
        return; /* the kept connection closed by the server */
      if (f->scen == HOLD_SECOND && on_conn == 1) {
        wait_closed(&r); /* the answers held back */
        return;
      }
      if (f->scen == FLOOD) {
        int64_t until = util_mono_ms() + 5000;
        while (util_mono_ms() < until && say(fd, "250-flood flood flood flood flood\r\n"))
          ;
        return;
      }
      if (slow)
        usleep((useconds_t)f->step_ms * 1000);
      say(fd, "250 2.1.0 ok\r\n");
    } else if (!strncasecmp(line, "RCPT", 4)) {
      say(fd, f->scen == RSET_SILENT ? "550 5.1.1 no such user\r\n" : "250 2.1.5 ok\r\n");
    } else if (!strncasecmp(line, "BDAT", 4)) {
      if (!skip(&r, strtoul(line + 5, NULL, 10)))
        return;
      on_conn++;
      atomic_fetch_add(&f->messages, 1);
      say(fd, f->scen == RSET_SILENT ? "503 5.5.1 no valid recipients\r\n"
              : slow                 ? "451 4.3.0 try later\r\n"
                                     : "250 2.0.0 queued\r\n");
    } else if (!strncasecmp(line, "RSET", 4)) {
      if (f->scen == RSET_SILENT) {
        usleep(200 * 1000);
        atomic_store(&f->stop, true);
        wait_closed(&r);
        return;
      }
      if (slow)
        usleep((useconds_t)f->step_ms * 1000);
      say(fd, "250 2.0.0 ok\r\n");
    } else if (!strncasecmp(line, "QUIT", 4)) {
      say(fd, "221 bye\r\n");
      return;
    } else {
      say(fd, "500 5.5.2 what\r\n");
    }
  }
}

static void *fake_main(void *arg)
{
  struct fake *f = arg;
  while (!atomic_load(&f->done)) {
    struct pollfd p = {.fd = f->listen_fd, .events = POLLIN};
    if (poll(&p, 1, 100) <= 0)
      continue;
    int fd = accept(f->listen_fd, NULL, NULL);
    if (fd < 0)
      continue;
    serve(f, fd, atomic_fetch_add(&f->connections, 1) + 1);
    close(fd);
  }
  return NULL;
}

static void fake_start(struct fake *f, enum scenario scen)
{
  f->scen = scen;
  if (f->size == 0)
    f->size = 100000;
  atomic_init(&f->done, false);
  atomic_init(&f->stop, false);
  atomic_init(&f->connections, 0);
  atomic_init(&f->messages, 0);
  f->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof a;
  if (f->listen_fd < 0 || bind(f->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 ||
      listen(f->listen_fd, 8) != 0 || getsockname(f->listen_fd, (struct sockaddr *)&a, &al))
    abort();
  f->port = ntohs(a.sin_port);
  snprintf(f->url, sizeof f->url, "smtp://127.0.0.1:%d", f->port);
  pthread_create(&f->th, NULL, fake_main, f);
}

static void fake_stop(struct fake *f)
{
  atomic_store(&f->done, true);
  pthread_join(f->th, NULL);
  close(f->listen_fd);
}

static const char *const MSG = "Subject: t\r\nMessage-ID: <l1@test>\r\n\r\nhello\r\n";

static int64_t send_timed(struct mail_smtp_conn *c, const char *url, long timeout_s,
                          const char *msg, const atomic_bool *stop, struct mail_delivery *d)
{
  struct mail_smtp_settings s = {url, NULL, NULL, "off", NULL, timeout_s};
  int64_t t0 = util_mono_ms();
  mail_smtp_send(c, &s, "advisord@example.se", "kund@example.se", msg, stop, d);
  return util_mono_ms() - t0;
}

static void test_one_deadline_per_connection(void)
{
  fprintf(stderr, "-- a try: one deadline per connection\n");
  struct fake f = {.step_ms = 750};
  fake_start(&f, SLOW_SECOND);
  struct mail_smtp_conn c = {0};
  struct mail_delivery d;
  send_timed(&c, f.url, 1, MSG, NULL, &d);
  CHECK_MSG(d.curl_code == CURLE_OK, "%s", d.detail);
  /* kept one closed: a new one, greeting at 0.75 s, MAIL's answer at 1.5 s: past its 1 s */
  int64_t took = send_timed(&c, f.url, 1, MSG, NULL, &d);
  CHECK_INT(d.curl_code, CURLE_OPERATION_TIMEDOUT);
  CHECK_MSG(took >= 900 && took < 1400, "took %lld ms (timeout 1 s)", (long long)took);
  CHECK_INT((int)c.connections, 2);
  CHECK_INT(mail_retry_classify(d.curl_code, d.smtp_code), MAIL_TEMPORARY);
  mail_smtp_close(&c);
  fake_stop(&f);
}

static void test_stop_during_rset(void)
{
  fprintf(stderr, "-- stop during RSET\n");
  struct fake f = {0};
  fake_start(&f, RSET_SILENT);
  struct mail_smtp_conn c = {0};
  struct mail_delivery d;
  int64_t took = send_timed(&c, f.url, 10, MSG, &f.stop, &d);
  CHECK_MSG(took < 1000, "took %lld ms (stop 200 ms into RSET)", (long long)took);
  CHECK_INT((int)d.smtp_code, 550); /* the refusal stays the outcome */
  CHECK_INT(mail_retry_classify(d.curl_code, d.smtp_code), MAIL_PERMANENT);
  CHECK(c.curl == NULL);
  mail_smtp_close(&c);
  fake_stop(&f);
}

static void test_flood(void)
{
  fprintf(stderr, "-- an endless answer\n");
  struct fake f = {0};
  fake_start(&f, FLOOD);
  struct mail_smtp_conn c = {0};
  struct mail_delivery d;
  int64_t took = send_timed(&c, f.url, 2, MSG, NULL, &d);
  CHECK_MSG(took < 1000, "took %lld ms", (long long)took);
  CHECK_MSG(strstr(d.detail, "longer than") != NULL, "%s", d.detail);
  CHECK_INT(mail_retry_classify(d.curl_code, d.smtp_code), MAIL_TEMPORARY);
  CHECK(c.curl == NULL);
  mail_smtp_close(&c);
  fake_stop(&f);
}

static void test_held_answers_not_resent(void)
{
  fprintf(stderr, "-- a kept connection's timeout: not sent again at once\n");
  struct fake f = {0};
  fake_start(&f, HOLD_SECOND);
  struct mail_smtp_conn c = {0};
  struct mail_delivery d;
  send_timed(&c, f.url, 1, MSG, NULL, &d);
  CHECK_MSG(d.curl_code == CURLE_OK, "%s", d.detail);
  send_timed(&c, f.url, 1, MSG, NULL, &d);
  CHECK_INT(d.curl_code, CURLE_OPERATION_TIMEDOUT);
  CHECK_INT(mail_retry_classify(d.curl_code, d.smtp_code), MAIL_TEMPORARY);
  CHECK_INT((int)c.connections, 1);
  mail_smtp_close(&c);
  fake_stop(&f);
  CHECK_INT(atomic_load(&f.messages), 1); /* the held one's data is not counted; a resend
                                            * over a new connection would be */
}

static void test_size_and_address(void)
{
  fprintf(stderr, "-- SIZE counts the wire's bytes; an unusable address\n");
  const char *bare = "Subject: t\r\n\r\nno line end"; /* 25 bytes, 27 on the wire */
  struct fake f = {.size = 26};
  fake_start(&f, PLAIN);
  struct mail_smtp_conn c = {0};
  struct mail_delivery d;
  send_timed(&c, f.url, 2, bare, NULL, &d);
  CHECK_INT((int)d.smtp_code, 552);
  CHECK_MSG(strstr(d.detail, "(27 bytes)") != NULL, "%s", d.detail);
  CHECK_INT(mail_retry_classify(d.curl_code, d.smtp_code), MAIL_PERMANENT);
  CHECK(c.curl != NULL); /* nothing sent: the connection stays */

  struct mail_smtp_settings s = {f.url, NULL, NULL, "off", NULL, 2};
  mail_smtp_send(&c, &s, "advisord@example.se", "kund@example.se>\r\nRSET", MSG, NULL, &d);
  CHECK(d.curl_code != CURLE_OK);
  CHECK_INT(mail_retry_classify(d.curl_code, d.smtp_code), MAIL_PERMANENT);
  CHECK_INT((int)c.connections, 1);
  mail_smtp_close(&c);
  fake_stop(&f);
  CHECK_INT(atomic_load(&f.messages), 0);
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_DEFAULT);
  test_one_deadline_per_connection();
  test_stop_during_rset();
  test_flood();
  test_held_answers_not_resent();
  test_size_and_address();
  curl_global_cleanup();
  return TEST_REPORT();
}
