/* smtp_wire.c - writing to and reading replies from an SMTP connection libcurl opened (see
 * smtp_wire.h). */
#include "smtp_wire.h"
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#define SLICE_MS 200 /* how often a wait looks at stop, on_slow and the deadline */

int smtp_socket(void *curl)
{
  curl_socket_t sock = CURL_SOCKET_BAD;
  if (curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &sock) != CURLE_OK)
    return -1;
  return sock == CURL_SOCKET_BAD ? -1 : (int)sock;
}

void smtp_check_slow(struct mail_smtp_conn *c, int64_t now)
{
  if (c->on_slow && now >= c->slow_at) {
    void (*fn)(void *) = c->on_slow;
    c->on_slow = NULL;
    fn(c->slow_arg);
  }
}

int64_t smtp_deadline(const struct smtp_wire *w)
{
  int64_t by = w->conn ? w->conn->settle_by : 0;
  return by > 0 && by < w->deadline ? by : w->deadline;
}

/* The stop, on_slow and the deadline, looked at before every wait and every receive (a server
 * that keeps sending must not hold the worker past them). */
static CURLcode check_wire(struct smtp_wire *w, int64_t now)
{
  if (w->stop && atomic_load(w->stop))
    return CURLE_ABORTED_BY_CALLBACK;
  smtp_check_slow(w->conn, now);
  return now >= smtp_deadline(w) ? CURLE_OPERATION_TIMEDOUT : CURLE_OK;
}

/* Waits until the socket is ready for events; the failure that ended the wait otherwise. */
static CURLcode wait_ready(struct smtp_wire *w, short events)
{
  int sock = smtp_socket(w->curl);
  if (sock < 0)
    return CURLE_GOT_NOTHING;
  for (;;) {
    int64_t now = util_mono_ms();
    CURLcode rc = check_wire(w, now);
    if (rc != CURLE_OK)
      return rc;
    int64_t left = smtp_deadline(w) - now;
    struct pollfd p = {.fd = sock, .events = events};
    int n = poll(&p, 1, (int)(left < SLICE_MS ? left : SLICE_MS));
    if (n > 0)
      return CURLE_OK; /* readable, writable, or an error the next call reports */
    if (n < 0 && errno != EINTR)
      return CURLE_RECV_ERROR;
  }
}

CURLcode smtp_put(struct smtp_wire *w, const char *p, size_t len)
{
  w->written = 0;
  while (len > 0) {
    size_t n = 0;
    CURLcode rc = curl_easy_send(w->curl, p, len, &n);
    if (rc == CURLE_AGAIN || (rc == CURLE_OK && n == 0))
      rc = wait_ready(w, POLLOUT);
    if (rc != CURLE_OK)
      return rc;
    p += n;
    len -= n;
    w->written += n;
  }
  return CURLE_OK;
}

/* The next bytes of the connection into w->buf: CURLE_OK with some, or the failure. After a
 * write cut short, only what has arrived (a reset connection keeps what came before it). */
static CURLcode fill(struct smtp_wire *w)
{
  size_t got = 0;
  CURLcode rc = w->write_failed ? CURLE_OK : check_wire(w, util_mono_ms());
  if (rc == CURLE_OK)
    rc = curl_easy_recv(w->curl, w->buf, sizeof w->buf, &got);
  if (rc == CURLE_AGAIN) /* only then the socket: TLS may hold what was read already */
    rc = w->write_failed ? w->write_failed : wait_ready(w, POLLIN);
  else if (rc == CURLE_OK && got == 0)
    rc = CURLE_GOT_NOTHING;
  w->start = 0;
  w->end = rc == CURLE_OK ? got : 0;
  return rc;
}

/* One line of the server's without its line end, printable ASCII only (it ends up in logs and
 * JSON), cut to len - 1; *budget: the bytes the reply may still take (each one read counts).
 * The server closing the connection: CURLE_GOT_NOTHING; the budget spent:
 * CURLE_WEIRD_SERVER_REPLY with w->overlong set. */
static CURLcode get_line(struct smtp_wire *w, char *line, size_t len, size_t *budget)
{
  size_t n = 0;
  for (;;) {
    while (w->start < w->end) {
      if (*budget == 0) {
        w->overlong = true;
        return CURLE_WEIRD_SERVER_REPLY;
      }
      --*budget;
      char ch = w->buf[w->start++];
      if (ch == '\n') {
        smtp_printable_line(line, len, line, n);
        return CURLE_OK;
      }
      if (n + 1 < len)
        line[n++] = ch;
    }
    CURLcode rc = fill(w);
    if (rc != CURLE_OK)
      return rc;
  }
}

void smtp_printable_line(char *dst, size_t cap, const char *src, size_t n)
{
  while (n > 0 && (src[n - 1] == '\r' || src[n - 1] == '\n'))
    n--;
  if (n >= cap)
    n = cap - 1;
  for (size_t i = 0; i < n; i++)
    dst[i] = src[i] >= 0x20 && src[i] < 0x7F ? src[i] : ' ';
  dst[n] = '\0';
}

CURLcode smtp_get_reply(struct smtp_wire *w, struct smtp_reply *r)
{
  size_t budget = SMTP_REPLY_MAX_BYTES;
  for (int lines = 1;; lines++) {
    CURLcode rc = get_line(w, r->line, sizeof r->line, &budget);
    if (rc != CURLE_OK)
      return rc;
    if (lines > SMTP_REPLY_MAX_LINES) {
      w->overlong = true;
      return CURLE_WEIRD_SERVER_REPLY;
    }
    const char *l = r->line;
    if (strlen(l) < 3 || l[0] < '2' || l[0] > '5' || l[1] < '0' || l[1] > '9' || l[2] < '0' ||
        l[2] > '9' || (l[3] != '\0' && l[3] != ' ' && l[3] != '-'))
      return CURLE_WEIRD_SERVER_REPLY;
    if (l[3] != '-') {
      r->code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
      return CURLE_OK;
    }
  }
}

bool smtp_command(struct smtp_wire *w, const char *line)
{
  struct smtp_reply r = {0};
  return smtp_put(w, line, strlen(line)) == CURLE_OK && smtp_get_reply(w, &r) == CURLE_OK &&
         r.code / 100 == 2;
}

bool smtp_unasked_bytes(struct smtp_wire *w)
{
  struct pollfd p = {.fd = smtp_socket(w->curl), .events = POLLIN};
  size_t got = 0;
  return p.fd >= 0 && poll(&p, 1, 0) > 0 &&
         curl_easy_recv(w->curl, w->buf, sizeof w->buf, &got) == CURLE_OK && got > 0;
}

void smtp_wire_failure(const struct smtp_wire *w, CURLcode rc, const struct smtp_reply *last,
                       struct mail_delivery *out)
{
  out->curl_code = (int)rc;
  out->aborted = rc == CURLE_ABORTED_BY_CALLBACK;
  if (w->overlong)
    snprintf(out->detail, sizeof out->detail,
             "an answer longer than %d lines or %d bytes: not SMTP", SMTP_REPLY_MAX_LINES,
             SMTP_REPLY_MAX_BYTES);
  else if (rc == CURLE_OPERATION_TIMEDOUT && smtp_deadline(w) < w->deadline)
    snprintf(out->detail, sizeof out->detail, "no answer from the server before the time the "
             "call had to be settled by (the claim's lease)");
  else if (rc == CURLE_OPERATION_TIMEDOUT)
    snprintf(out->detail, sizeof out->detail, "no answer from the server within %ld s",
             w->timeout_s);
  else if (rc == CURLE_GOT_NOTHING)
    snprintf(out->detail, sizeof out->detail, "the server closed the connection");
  else if (rc == CURLE_WEIRD_SERVER_REPLY)
    snprintf(out->detail, sizeof out->detail, "an answer that is not SMTP: %.200s", last->line);
  else if (out->aborted)
    snprintf(out->detail, sizeof out->detail, "abandoned: the mailer is stopping");
  else
    snprintf(out->detail, sizeof out->detail, "%s", curl_easy_strerror(rc));
}

void smtp_too_late(struct mail_delivery *out)
{
  *out = (struct mail_delivery){.curl_code = CURLE_OPERATION_TIMEDOUT, .unsent = true};
  snprintf(out->detail, sizeof out->detail,
           "not sent: the time the call had to be settled by (the claim's lease) was up");
}
