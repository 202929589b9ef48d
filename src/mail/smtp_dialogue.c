/* smtp_dialogue.c - one message's mail transaction on a connection libcurl opened (see
 * smtp_dialogue.h).
 *
 * libcurl 7.88 runs SMTP in lockstep: MAIL FROM, wait; RCPT TO, wait; DATA, wait for 354; the
 * message, wait. On a kept loopback connection that was four round trips per e-mail, each a
 * send, a poll and a receive in the mailer and a wake-up of the server (strace of the
 * activation load: ~5 sendto, ~7 recvfrom, ~9 poll per e-mail; the mailer's profile 43% in
 * send). With PIPELINING and CHUNKING the message is one write and one round trip. */
#include "smtp_dialogue.h"
#include "mbuf.h"
#include "util.h"

#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#define SLICE_MS 200 /* how often a wait looks at stop, on_slow and the deadline */
#define REPLY_MAX_BYTES 65536 /* one reply longer than this (or of more lines) is not SMTP */
#define REPLY_MAX_LINES 100

int smtp_socket(void *curl)
{
  curl_socket_t sock = CURL_SOCKET_BAD;
  if (curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &sock) != CURLE_OK)
    return -1;
  return sock == CURL_SOCKET_BAD ? -1 : (int)sock;
}

size_t smtp_wire_len(const char *msg, size_t len)
{
  return len >= 2 && memcmp(msg + len - 2, "\r\n", 2) == 0 ? len : len + 2;
}

void smtp_check_slow(struct mail_smtp_conn *c, int64_t now)
{
  if (c->on_slow && now >= c->slow_at) {
    void (*fn)(void *) = c->on_slow;
    c->on_slow = NULL;
    fn(c->slow_arg);
  }
}

/* The stop, on_slow and the deadline, looked at before every wait and every receive (a server
 * that keeps sending must not hold the worker past them). */
static CURLcode check_wire(struct smtp_wire *w, int64_t now)
{
  if (w->stop && atomic_load(w->stop))
    return CURLE_ABORTED_BY_CALLBACK;
  smtp_check_slow(w->conn, now);
  return now >= w->deadline ? CURLE_OPERATION_TIMEDOUT : CURLE_OK;
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
    int64_t left = w->deadline - now;
    struct pollfd p = {.fd = sock, .events = events};
    int n = poll(&p, 1, (int)(left < SLICE_MS ? left : SLICE_MS));
    if (n > 0)
      return CURLE_OK; /* readable, writable, or an error the next call reports */
    if (n < 0 && errno != EINTR)
      return CURLE_RECV_ERROR;
  }
}

/* Writes all of p (through libcurl: TLS when the connection has it). */
static CURLcode put(struct smtp_wire *w, const char *p, size_t len)
{
  while (len > 0) {
    size_t n = 0;
    CURLcode rc = curl_easy_send(w->curl, p, len, &n);
    if (rc == CURLE_AGAIN || (rc == CURLE_OK && n == 0))
      rc = wait_ready(w, POLLOUT);
    if (rc != CURLE_OK)
      return rc;
    p += n;
    len -= n;
  }
  return CURLE_OK;
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
    size_t got = 0;
    CURLcode rc = check_wire(w, util_mono_ms());
    if (rc == CURLE_OK)
      rc = curl_easy_recv(w->curl, w->buf, sizeof w->buf, &got);
    if (rc == CURLE_AGAIN) /* only then the socket: TLS may hold what was read already */
      rc = wait_ready(w, POLLIN);
    else if (rc == CURLE_OK && got == 0)
      rc = CURLE_GOT_NOTHING;
    if (rc != CURLE_OK)
      return rc;
    w->start = 0;
    w->end = got;
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

struct reply {
  int code;       /* 0 until one came */
  char line[200]; /* its last line */
};

/* One reply (all its lines, at most REPLY_MAX_LINES and REPLY_MAX_BYTES; the last one kept). */
static CURLcode get_reply(struct smtp_wire *w, struct reply *r)
{
  size_t budget = REPLY_MAX_BYTES;
  for (int lines = 1;; lines++) {
    CURLcode rc = get_line(w, r->line, sizeof r->line, &budget);
    if (rc != CURLE_OK)
      return rc;
    if (lines > REPLY_MAX_LINES) {
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
  struct reply r = {0};
  return put(w, line, strlen(line)) == CURLE_OK && get_reply(w, &r) == CURLE_OK &&
         r.code / 100 == 2;
}

/* msg for DATA: a '.' starting a line doubled (RFC 5321 4.5.2), a missing last line end added,
 * then the end of data "." (libcurl did this for its uploads). */
static void add_dot_stuffed(struct mbuf *b, const char *msg, size_t len)
{
  const char *p = msg, *end = msg + len;
  if (p < end && *p == '.')
    mbuf_addc(b, '.');
  const char *nl;
  while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
    mbuf_addn(b, p, (size_t)(nl + 1 - p));
    p = nl + 1;
    if (p < end && *p == '.')
      mbuf_addc(b, '.');
  }
  mbuf_addn(b, p, (size_t)(end - p));
  if (smtp_wire_len(msg, len) != len)
    mbuf_add(b, "\r\n");
  mbuf_add(b, ".\r\n");
}

static void wire_failure(const struct smtp_wire *w, CURLcode rc, const struct reply *last,
                         struct mail_delivery *out)
{
  out->curl_code = (int)rc;
  out->aborted = rc == CURLE_ABORTED_BY_CALLBACK;
  if (w->overlong)
    snprintf(out->detail, sizeof out->detail,
             "an answer longer than %d lines or %d bytes: not SMTP", REPLY_MAX_LINES,
             REPLY_MAX_BYTES);
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

/* The index of the first answer (of got) that refuses the transaction, or -1. */
static int first_refusal(const struct reply *r, int got, bool bdat)
{
  for (int i = 0; i < got; i++) {
    bool ok = i == 2 && !bdat ? r[i].code == 354 : r[i].code / 100 == 2;
    if (!ok)
      return i;
  }
  return -1;
}

/* The outcome of one transaction from its answers r[0..got) (refused: first_refusal's) and
 * the wire's state rc; the connection after it. */
static enum smtp_after decide(const struct smtp_wire *w, CURLcode rc, const struct reply *r,
                              int got, int refused, struct mail_delivery *out)
{
  if (refused >= 0) { /* the server's line, never one of ours */
    out->curl_code = CURLE_WEIRD_SERVER_REPLY;
    out->smtp_code = r[refused].code;
    snprintf(out->detail, sizeof out->detail, "smtp %s", r[refused].line);
    /* a refused message's data ends its transaction; anything else leaves one open */
    return rc != CURLE_OK ? SMTP_BROKEN : refused == 3 ? SMTP_CLEAN : SMTP_DIRTY;
  }
  if (rc != CURLE_OK) {
    const struct reply *last = got > 0 ? &r[got - 1] : &r[0];
    out->smtp_code = got > 0 ? last->code : 0;
    wire_failure(w, rc, rc == CURLE_WEIRD_SERVER_REPLY ? &r[got] : last, out);
    return SMTP_BROKEN;
  }
  out->smtp_code = r[got - 1].code;
  snprintf(out->detail, sizeof out->detail, "accepted (smtp %d)", r[got - 1].code);
  return SMTP_CLEAN;
}

/* MAIL, RCPT and BDAT <n> LAST with msg (len bytes; its last line end added when missing). */
static void add_bdat(struct mbuf *b, unsigned ext, const char *from, const char *to,
                     const char *msg, size_t len)
{
  size_t wire_len = smtp_wire_len(msg, len);
  mbuf_addf(b, "MAIL FROM:<%s>", from);
  if (ext & SMTP_EXT_SIZE)
    mbuf_addf(b, " SIZE=%zu", wire_len);
  mbuf_addf(b, "\r\nRCPT TO:<%s>\r\nBDAT %zu LAST\r\n", to, wire_len);
  mbuf_addn(b, msg, len);
  if (wire_len != len)
    mbuf_add(b, "\r\n");
}

enum smtp_after smtp_transaction(struct smtp_wire *w, const char *from, const char *to,
                                 const char *msg, size_t len, struct mail_delivery *out)
{
  unsigned ext = w->conn->ext;
  bool pipe = ext & SMTP_EXT_PIPELINING, bdat = pipe && (ext & SMTP_EXT_CHUNKING);
  size_t wire_len = smtp_wire_len(msg, len);
  struct mbuf b = {0};
  mbuf_reserve(&b, 128 + (bdat ? len : 0));
  size_t cut[4] = {0};
  if (bdat) {
    add_bdat(&b, ext, from, to, msg, len);
  } else {
    mbuf_addf(&b, "MAIL FROM:<%s>", from);
    if (ext & SMTP_EXT_SIZE)
      mbuf_addf(&b, " SIZE=%zu", wire_len);
    mbuf_add(&b, "\r\n");
    cut[1] = b.len;
    mbuf_addf(&b, "RCPT TO:<%s>\r\n", to);
    cut[2] = b.len;
    mbuf_add(&b, "DATA\r\n");
  }
  cut[3] = b.len;
  memset(out, 0, sizeof *out);
  if (b.oom) {
    mbuf_free(&b);
    out->curl_code = CURLE_OUT_OF_MEMORY;
    snprintf(out->detail, sizeof out->detail, "out of memory");
    return SMTP_CLEAN; /* nothing was sent */
  }
  struct reply r[4] = {0};
  int got = 0, refused = -1;
  CURLcode rc = pipe ? put(w, b.p, b.len) : CURLE_OK;
  for (int i = 0; i < 3 && rc == CURLE_OK && refused < 0; i++) {
    if (!pipe)
      rc = put(w, b.p + cut[i], cut[i + 1] - cut[i]);
    if (rc == CURLE_OK)
      rc = get_reply(w, &r[i]);
    if (rc == CURLE_OK)
      got++;
    if (!pipe) /* lockstep stops at the first refusal; pipelined, all three answers come */
      refused = first_refusal(r, got, bdat);
  }
  refused = first_refusal(r, got, bdat);
  if (rc == CURLE_OK && !bdat && got == 3 && r[2].code == 354) {
    /* DATA was opened: the message, or for a refused transaction nothing (RFC 2920 3.1) */
    b.len = 0;
    if (refused < 0)
      add_dot_stuffed(&b, msg, len);
    else
      mbuf_add(&b, ".\r\n");
    rc = b.oom ? CURLE_OUT_OF_MEMORY : put(w, b.p, b.len);
    if (rc == CURLE_OK)
      rc = get_reply(w, &r[3]);
    if (rc == CURLE_OK && refused < 0 && r[3].code / 100 != 2)
      refused = 3;
    if (rc == CURLE_OK && refused < 0)
      got = 4;
  }
  mbuf_recycle(mbuf_take(&b));
  return decide(w, rc, r, got, refused, out);
}

/* Whether bytes the server sent unasked wait on w's connection (not TLS's own records). */
static bool unasked_bytes(struct smtp_wire *w)
{
  struct pollfd p = {.fd = smtp_socket(w->curl), .events = POLLIN};
  size_t got = 0;
  return p.fd >= 0 && poll(&p, 1, 0) > 0 &&
         curl_easy_recv(w->curl, w->buf, sizeof w->buf, &got) == CURLE_OK && got > 0;
}

enum smtp_after smtp_batch(struct smtp_wire *w, const char *from, const struct smtp_msg *m,
                           size_t n)
{
  size_t total = 0;
  for (size_t i = 0; i < n; i++)
    total += m[i].len + 2 * strlen(m[i].to) + 200;
  struct mbuf b = {0};
  mbuf_reserve(&b, total + strlen(from) * n);
  for (size_t i = 0; i < n; i++) {
    memset(m[i].out, 0, sizeof *m[i].out);
    if (i > 0) /* the transaction before is over, refused or not: no MAIL nested in it */
      mbuf_add(&b, "RSET\r\n");
    add_bdat(&b, w->conn->ext, from, m[i].to, m[i].msg, m[i].len);
  }
  if (b.oom) {
    mbuf_free(&b);
    for (size_t i = 0; i < n; i++) {
      m[i].out->curl_code = CURLE_OUT_OF_MEMORY;
      snprintf(m[i].out->detail, sizeof m[i].out->detail, "out of memory");
    }
    return SMTP_CLEAN; /* nothing was sent */
  }
  CURLcode rc = put(w, b.p, b.len);
  mbuf_recycle(mbuf_take(&b));
  /* the answers in order: each message's own (MAIL, RCPT, BDAT) after the RSET's before it;
   * once the wire fails, every message not fully answered fails with it. Each message has the
   * setting's time from the one before's answers, message i at most the first deadline + i
   * timeouts (its row's lease allows i + 2) */
  enum smtp_after after = SMTP_CLEAN;
  int64_t first = w->deadline, step = (int64_t)w->timeout_s * 1000;
  bool out_of_step = false;
  for (size_t i = 0; i < n; i++) {
    struct reply r[4] = {0};
    int got = 0;
    if (i > 0 && rc == CURLE_OK) {
      rc = get_reply(w, &r[0]);
      /* RSET refused: 421, the server closing (it took none of the rest: sent again as after
       * a cut); anything else, answers out of step with what was asked */
      out_of_step = rc == CURLE_OK && r[0].code / 100 != 2 && r[0].code != 421;
      if (rc == CURLE_OK && r[0].code / 100 != 2)
        rc = out_of_step ? CURLE_WEIRD_SERVER_REPLY : CURLE_GOT_NOTHING;
    }
    for (int j = 0; j < 3 && rc == CURLE_OK; j++) {
      rc = get_reply(w, &r[j]);
      if (rc == CURLE_OK)
        got++;
    }
    after = decide(w, rc, r, got, first_refusal(r, got, true), m[i].out);
    int64_t next = util_mono_ms() + step, cap = first + (int64_t)(i + 1) * step;
    w->deadline = next < cap ? next : cap;
  }
  /* an answer more than asked (left over, or shifting the others): no message's answers can
   * be trusted, each is tried again (a duplicate rather than an e-mail lost) */
  if (out_of_step || (rc == CURLE_OK && (w->start != w->end || unasked_bytes(w)))) {
    for (size_t i = 0; i < n; i++)
      if (m[i].out->curl_code == CURLE_OK || m[i].out->smtp_code != 0) {
        m[i].out->curl_code = CURLE_WEIRD_SERVER_REPLY;
        m[i].out->smtp_code = 0;
        snprintf(m[i].out->detail, sizeof m[i].out->detail,
                 "the server's answers were out of step with the batch: tried again");
      }
    return SMTP_BROKEN;
  }
  return rc != CURLE_OK ? SMTP_BROKEN : after;
}
