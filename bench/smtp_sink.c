/* smtp_sink.c - the benchmark's local SMTP server, and the minimal client of its baseline.
 *
 *   smtp_sink serve DIR [--no-pipelining] [--no-chunking]
 *                                listens on a free loopback port (written to DIR/port), a
 *                                thread per connection; answers EHLO/HELO, MAIL, RCPT, DATA,
 *                                BDAT, RSET, NOOP and QUIT; after each message's final "." (or
 *                                BDAT ... LAST), appends {"message_id": "..."} to
 *                                DIR/received.jsonl (no fsync: it is a sink, not a mail store)
 *                                and answers 250. Its EHLO answer advertises PIPELINING and
 *                                CHUNKING unless told not to; answers are written when no
 *                                more input waits (RFC 2920: one write for a pipelined group)
 *   smtp_sink send PORT N CONNS  sends N small messages to PORT, one connection per message
 *                                (as advisord's mailer does) from CONNS threads; prints
 *                                "smtp client: N messages in S s: R msgs/s"
 *
 * The Python sink of the tests (tests/mail/smtp_sink.py, aiosmtpd, an fsync per message) takes
 * a few hundred messages a second here: it would measure itself, not the mailer. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static FILE *received;
static pthread_mutex_t received_mu = PTHREAD_MUTEX_INITIALIZER;
static bool pipelining = true, chunking = true;

struct reader {
  int fd;
  char buf[8192];
  size_t start, end;
  char out[2048]; /* answers not yet written */
  size_t out_len;
};

static void flush(struct reader *r)
{
  if (r->out_len)
    (void)!write(r->fd, r->out, r->out_len);
  r->out_len = 0;
}

static void say(struct reader *r, const char *s)
{
  size_t n = strlen(s);
  if (r->out_len + n > sizeof r->out)
    flush(r);
  if (n > sizeof r->out)
    (void)!write(r->fd, s, n);
  else {
    memcpy(r->out + r->out_len, s, n);
    r->out_len += n;
  }
}

/* Refills r's buffer once all of it was read, writing the answers first; false at the end. */
static bool refill(struct reader *r)
{
  if (r->start < r->end)
    return true;
  flush(r);
  ssize_t got = read(r->fd, r->buf, sizeof r->buf);
  if (got <= 0)
    return false;
  r->start = 0;
  r->end = (size_t)got;
  return true;
}

/* One line without its CRLF into line (cut at len-1); 0 at end of input. */
static int read_line(struct reader *r, char *line, size_t len)
{
  size_t n = 0;
  for (;;) {
    if (!refill(r))
      return 0;
    char ch = r->buf[r->start++];
    if (ch == '\n') {
      if (n && line[n - 1] == '\r')
        n--;
      line[n] = 0;
      return 1;
    }
    if (n + 1 < len)
      line[n++] = ch;
  }
}

/* A "Message-ID:" header's value in the first part of a message (text, n bytes) into mid. */
static void find_mid(const char *text, size_t n, char *mid, size_t len)
{
  for (size_t i = 0; i + 11 < n && !mid[0]; i++) {
    if ((i == 0 || text[i - 1] == '\n') && !strncasecmp(text + i, "Message-ID:", 11)) {
      size_t v = i + 11;
      while (v < n && text[v] == ' ')
        v++;
      size_t e = v;
      while (e < n && text[e] != '\r' && text[e] != '\n')
        e++;
      snprintf(mid, len, "%.*s", (int)(e - v), text + v);
    }
  }
}

/* Reads a BDAT chunk of n bytes, looking for the Message-ID in its first 16 KiB (the header,
 * however the reads split it). */
static bool read_chunk(struct reader *r, size_t n, char *mid, size_t len)
{
  char head[16384];
  size_t h = 0;
  while (n > 0) {
    if (!refill(r))
      return false;
    size_t k = r->end - r->start < n ? r->end - r->start : n;
    size_t c = k < sizeof head - h ? k : sizeof head - h;
    memcpy(head + h, r->buf + r->start, c);
    h += c;
    r->start += k;
    n -= k;
  }
  if (!mid[0])
    find_mid(head, h, mid, len);
  return true;
}

static void record(const char *mid)
{
  pthread_mutex_lock(&received_mu);
  fprintf(received, "{\"message_id\": \"%s\"}\n", mid);
  fflush(received);
  pthread_mutex_unlock(&received_mu);
}

static void *session(void *arg)
{
  struct reader r = {.fd = (int)(intptr_t)arg};
  char line[1024], mid[512] = "";
  say(&r, "220 bench sink\r\n");
  while (read_line(&r, line, sizeof line)) {
    if (!strncasecmp(line, "EHLO", 4)) {
      say(&r, "250-bench sink\r\n");
      if (pipelining)
        say(&r, "250-PIPELINING\r\n");
      if (chunking)
        say(&r, "250-CHUNKING\r\n");
      say(&r, "250 8BITMIME\r\n");
    } else if (!strncasecmp(line, "MAIL", 4)) {
      mid[0] = 0;
      say(&r, "250 ok\r\n");
    } else if (!strncasecmp(line, "DATA", 4)) {
      say(&r, "354 go on\r\n");
      mid[0] = 0;
      while (read_line(&r, line, sizeof line) && strcmp(line, ".") != 0)
        if (!mid[0] && !strncasecmp(line, "Message-ID:", 11))
          snprintf(mid, sizeof mid, "%s", line + 11 + strspn(line + 11, " "));
      record(mid);
      say(&r, "250 taken\r\n");
    } else if (chunking && !strncasecmp(line, "BDAT ", 5)) {
      char *end = NULL;
      unsigned long n = strtoul(line + 5, &end, 10);
      bool last = end && !strncasecmp(end + strspn(end, " "), "LAST", 4);
      if (!read_chunk(&r, n, mid, sizeof mid))
        break;
      if (last)
        record(mid);
      say(&r, last ? "250 taken\r\n" : "250 chunk taken\r\n");
    } else if (!strncasecmp(line, "QUIT", 4)) {
      say(&r, "221 bye\r\n");
      break;
    } else
      say(&r, "250 ok\r\n"); /* HELO, RCPT, RSET, NOOP */
  }
  flush(&r);
  close(r.fd);
  return NULL;
}

static int serve(const char *dir)
{
  char path[512];
  snprintf(path, sizeof path, "%s/received.jsonl", dir);
  if (!(received = fopen(path, "a")))
    return perror(path), 1;
  int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof a;
  if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 512) ||
      getsockname(ls, (struct sockaddr *)&a, &al))
    return perror("listen"), 1;
  snprintf(path, sizeof path, "%s/port", dir);
  FILE *pf = fopen(path, "w");
  if (!pf)
    return perror(path), 1;
  fprintf(pf, "%d\n", ntohs(a.sin_port));
  fclose(pf);
  pthread_attr_t at;
  pthread_attr_init(&at);
  pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&at, 256 * 1024);
  for (;;) {
    int fd = accept(ls, NULL, NULL);
    pthread_t t;
    if (fd >= 0 && pthread_create(&t, &at, session, (void *)(intptr_t)fd) != 0)
      close(fd);
  }
}

static int port;
static atomic_int left;

/* Reads answers until one whose code is not a continuation ("250-"); its first digit. */
static int answer(struct reader *r)
{
  char line[512];
  while (read_line(r, line, sizeof line))
    if (strlen(line) < 4 || line[3] != '-')
      return line[0];
  return 0;
}

static void *client(void *arg)
{
  (void)arg;
  char msg[600];
  int k;
  while ((k = atomic_fetch_sub(&left, 1)) > 0) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct reader r = {.fd = fd};
    if (connect(fd, (struct sockaddr *)&a, sizeof a) || answer(&r) != '2')
      return perror("connect"), close(fd), NULL;
    snprintf(msg, sizeof msg,
             "From: a@bench.test\r\nTo: b@bench.test\r\nMessage-ID: <%d.%ld@bench>\r\n"
             "Subject: bench\r\n\r\nA short message of the size of a notice.\r\n.\r\n",
             k, (long)time(NULL));
    const char *steps[] = {"EHLO bench\r\n", "MAIL FROM:<a@bench.test>\r\n",
                           "RCPT TO:<b@bench.test>\r\n", "DATA\r\n", msg, "QUIT\r\n"};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
      say(&r, steps[i]);
      if (!answer(&r))
        break;
    }
    close(fd);
  }
  return NULL;
}

static int send_all(int n, int conns)
{
  atomic_init(&left, n);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pthread_t t[64];
  if (conns < 1 || conns > 64)
    conns = 4;
  for (int i = 0; i < conns; i++)
    pthread_create(&t[i], NULL, client, NULL);
  for (int i = 0; i < conns; i++)
    pthread_join(t[i], NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("smtp client: %d messages in %.2f s: %.1f msgs/s\n", n, s, n / s);
  return 0;
}

int main(int argc, char **argv)
{
  signal(SIGPIPE, SIG_IGN); /* a peer gone before our last answer is not our end */
  if (argc >= 3 && !strcmp(argv[1], "serve")) {
    for (int i = 3; i < argc; i++) {
      if (!strcmp(argv[i], "--no-pipelining"))
        pipelining = false;
      else if (!strcmp(argv[i], "--no-chunking"))
        chunking = false;
      else
        return fprintf(stderr, "smtp_sink: unknown option %s\n", argv[i]), 2;
    }
    return serve(argv[2]);
  }
  if (argc == 5 && !strcmp(argv[1], "send")) {
    port = atoi(argv[2]);
    return send_all(atoi(argv[3]), atoi(argv[4]));
  }
  fprintf(stderr, "usage: smtp_sink serve DIR [--no-pipelining] [--no-chunking] | "
                  "smtp_sink send PORT N CONNS\n");
  return 2;
}
