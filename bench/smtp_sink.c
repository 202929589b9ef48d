/* smtp_sink.c - the benchmark's local SMTP server, and the minimal client of its baseline.
 *
 *   smtp_sink serve DIR          listens on a free loopback port (written to DIR/port), a
 *                                thread per connection; answers EHLO/HELO, MAIL, RCPT, DATA,
 *                                RSET, NOOP and QUIT; after each message's final ".", appends
 *                                {"message_id": "..."} to DIR/received.jsonl (no fsync: it is a
 *                                sink, not a mail store) and answers 250
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

struct reader {
  int fd;
  char buf[8192];
  size_t start, end;
};

/* One line without its CRLF into line (cut at len-1); 0 at end of input. */
static int read_line(struct reader *r, char *line, size_t len)
{
  size_t n = 0;
  for (;;) {
    if (r->start == r->end) {
      ssize_t got = read(r->fd, r->buf, sizeof r->buf);
      if (got <= 0)
        return 0;
      r->start = 0;
      r->end = (size_t)got;
    }
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

static void say(int fd, const char *s) { (void)!write(fd, s, strlen(s)); }

static void *session(void *arg)
{
  struct reader r = {.fd = (int)(intptr_t)arg};
  char line[1024], mid[512] = "";
  say(r.fd, "220 bench sink\r\n");
  while (read_line(&r, line, sizeof line)) {
    if (!strncasecmp(line, "EHLO", 4))
      say(r.fd, "250-bench sink\r\n250 8BITMIME\r\n");
    else if (!strncasecmp(line, "DATA", 4)) {
      say(r.fd, "354 go on\r\n");
      mid[0] = 0;
      while (read_line(&r, line, sizeof line) && strcmp(line, ".") != 0)
        if (!mid[0] && !strncasecmp(line, "Message-ID:", 11))
          snprintf(mid, sizeof mid, "%s", line + 11 + strspn(line + 11, " "));
      pthread_mutex_lock(&received_mu);
      fprintf(received, "{\"message_id\": \"%s\"}\n", mid);
      fflush(received);
      pthread_mutex_unlock(&received_mu);
      say(r.fd, "250 taken\r\n");
    } else if (!strncasecmp(line, "QUIT", 4)) {
      say(r.fd, "221 bye\r\n");
      break;
    } else
      say(r.fd, "250 ok\r\n"); /* HELO, MAIL, RCPT, RSET, NOOP */
  }
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
      say(fd, steps[i]);
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
  if (argc == 3 && !strcmp(argv[1], "serve"))
    return serve(argv[2]);
  if (argc == 5 && !strcmp(argv[1], "send")) {
    port = atoi(argv[2]);
    return send_all(atoi(argv[3]), atoi(argv[4]));
  }
  fprintf(stderr, "usage: smtp_sink serve DIR | smtp_sink send PORT N CONNS\n");
  return 2;
}
