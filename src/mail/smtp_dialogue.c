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
#include <stdio.h>
#include <string.h>

size_t smtp_wire_len(const char *msg, size_t len)
{
  return len >= 2 && memcmp(msg + len - 2, "\r\n", 2) == 0 ? len : len + 2;
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

/* The index of the first answer (of got) that refuses the transaction, or -1. */
static int first_refusal(const struct smtp_reply *r, int got, bool bdat)
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
static enum smtp_after decide(const struct smtp_wire *w, CURLcode rc, const struct smtp_reply *r,
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
    const struct smtp_reply *last = got > 0 ? &r[got - 1] : &r[0];
    out->smtp_code = got > 0 ? last->code : 0;
    smtp_wire_failure(w, rc, rc == CURLE_WEIRD_SERVER_REPLY ? &r[got] : last, out);
    return SMTP_BROKEN;
  }
  out->smtp_code = r[got - 1].code;
  snprintf(out->detail, sizeof out->detail, "accepted (smtp %d)", r[got - 1].code);
  return SMTP_CLEAN;
}

/* MAIL, RCPT and BDAT <n> LAST with msg (len bytes; its last line end added when missing);
 * ends: where in b the MAIL line, the RCPT line, the BDAT line and the data end. */
static void add_bdat(struct mbuf *b, unsigned ext, const char *from, const char *to,
                     const char *msg, size_t len, size_t ends[4])
{
  size_t wire_len = smtp_wire_len(msg, len);
  mbuf_addf(b, "MAIL FROM:<%s>", from);
  if (ext & SMTP_EXT_SIZE)
    mbuf_addf(b, " SIZE=%zu", wire_len);
  mbuf_add(b, "\r\n");
  ends[0] = b->len;
  mbuf_addf(b, "RCPT TO:<%s>\r\n", to);
  ends[1] = b->len;
  mbuf_addf(b, "BDAT %zu LAST\r\n", wire_len);
  ends[2] = b->len;
  mbuf_addn(b, msg, len);
  if (wire_len != len)
    mbuf_add(b, "\r\n");
  ends[3] = b->len;
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
    size_t ends[4];
    add_bdat(&b, ext, from, to, msg, len, ends);
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
  struct smtp_reply r[4] = {0};
  int got = 0, refused = -1;
  CURLcode rc = pipe ? smtp_put(w, b.p, b.len) : CURLE_OK;
  for (int i = 0; i < 3 && rc == CURLE_OK && refused < 0; i++) {
    if (!pipe)
      rc = smtp_put(w, b.p + cut[i], cut[i + 1] - cut[i]);
    if (rc == CURLE_OK)
      rc = smtp_get_reply(w, &r[i]);
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
    rc = b.oom ? CURLE_OUT_OF_MEMORY : smtp_put(w, b.p, b.len);
    if (rc == CURLE_OK)
      rc = smtp_get_reply(w, &r[3]);
    if (rc == CURLE_OK && refused < 0 && r[3].code / 100 != 2)
      refused = 3;
    if (rc == CURLE_OK && refused < 0)
      got = 4;
  }
  mbuf_recycle(mbuf_take(&b));
  return decide(w, rc, r, got, refused, out);
}

/* An answer (code) to a command whose line ends at line and the command (a BDAT: with its
 * data) at end, of a write of which written bytes went out: not the answer to it when the
 * command was not all written (the server cannot have answered a command it has not read
 * whole, nor taken a message whose data it did not get all of), but for a 421 (the server
 * closing, unasked: RFC 5321 3.8) and a refusal (4xx, 5xx) of a BDAT whose line went out: a
 * server may refuse a chunk on its BDAT line alone and close before reading its data (RFC 3030
 * 2 wants the data read and discarded first; such servers exist). That refusal is the last
 * answer that can come: any after it is to a command not written (out of step). */
static bool unwritten(int code, size_t line, size_t end, size_t written)
{
  bool refused_early = code >= 400 && code < 600 && line <= written;
  return end > written && code != 421 && !refused_early;
}

/* Whether a message beginning at begin of the write had none of its bytes written because the
 * call's time (w->conn->settle_by) was up during the write: never on the wire. */
static bool cut_before(const struct smtp_wire *w, size_t begin, size_t written)
{
  int64_t by = w->conn->settle_by;
  return begin >= written && w->write_failed == CURLE_OPERATION_TIMEDOUT && by > 0 &&
         util_mono_ms() >= by;
}

enum smtp_after smtp_batch(struct smtp_wire *w, const char *from, const struct smtp_msg *m,
                           size_t n)
{
  size_t total = 0;
  for (size_t i = 0; i < n; i++)
    total += m[i].len + 2 * strlen(m[i].to) + 200;
  struct mbuf b = {0};
  mbuf_reserve(&b, total + strlen(from) * n);
  size_t ends[n][5]; /* where message i's RSET, MAIL, RCPT, BDAT line and data end in b */
  for (size_t i = 0; i < n; i++) {
    memset(m[i].out, 0, sizeof *m[i].out);
    if (i > 0) /* the transaction before is over, refused or not: no MAIL nested in it */
      mbuf_add(&b, "RSET\r\n");
    ends[i][0] = b.len;
    add_bdat(&b, w->conn->ext, from, m[i].to, m[i].msg, m[i].len, &ends[i][1]);
  }
  if (b.oom) {
    mbuf_free(&b);
    for (size_t i = 0; i < n; i++) {
      m[i].out->curl_code = CURLE_OUT_OF_MEMORY;
      snprintf(m[i].out->detail, sizeof m[i].out->detail, "out of memory");
    }
    return SMTP_CLEAN; /* nothing was sent */
  }
  /* A write cut short (the server closed or reset the connection part-way, the deadline, a
   * stop): the answers that came before still decide their messages (a 250 to a message's
   * data already received: taken, not to be sent again); only what has arrived is read, and
   * a message whose answers are missing gets the write's failure (or the close found) */
  w->write_failed = smtp_put(w, b.p, b.len);
  size_t written = w->written;
  mbuf_recycle(mbuf_take(&b));
  CURLcode rc = CURLE_OK;
  /* the answers in order: each message's own (MAIL, RCPT, BDAT) after the RSET's before it;
   * once the wire fails, every message not fully answered fails with it. Each message has the
   * setting's time from the one before's answers, message i at most the first deadline + i
   * timeouts (its row's lease allows i + 2) */
  enum smtp_after after = SMTP_CLEAN;
  int64_t first = w->deadline, step = (int64_t)w->timeout_s * 1000;
  bool out_of_step = false;
  for (size_t i = 0; i < n; i++) {
    struct smtp_reply r[4] = {0};
    int got = 0;
    if (i > 0 && rc == CURLE_OK) {
      rc = smtp_get_reply(w, &r[0]);
      /* RSET refused: 421, the server closing (it took none of the rest: sent again as after
       * a cut); anything else, answers out of step with what was asked */
      bool refused = rc == CURLE_OK && r[0].code / 100 != 2 && r[0].code != 421;
      out_of_step = out_of_step || refused ||
                    (rc == CURLE_OK && unwritten(r[0].code, ends[i][0], ends[i][0], written));
      if (rc == CURLE_OK && r[0].code / 100 != 2)
        rc = refused ? CURLE_WEIRD_SERVER_REPLY : CURLE_GOT_NOTHING;
    }
    for (int j = 0; j < 3 && rc == CURLE_OK; j++) {
      rc = smtp_get_reply(w, &r[j]);
      if (rc == CURLE_OK)
        got++;
      size_t end = ends[i][j < 2 ? j + 1 : 4];
      out_of_step =
          out_of_step || (rc == CURLE_OK && unwritten(r[j].code, ends[i][j + 1], end, written));
    }
    after = decide(w, rc, r, got, first_refusal(r, got, true), m[i].out);
    if (got == 0 && cut_before(w, ends[i][0], written))
      smtp_too_late(m[i].out);
    int64_t next = util_mono_ms() + step, cap = first + (int64_t)(i + 1) * step;
    w->deadline = next < cap ? next : cap;
  }
  /* an answer more than asked (left over, or shifting the others): no message's answers can
   * be trusted, each is tried again (a duplicate rather than an e-mail lost) */
  if (out_of_step || (rc == CURLE_OK && (w->start != w->end || smtp_unasked_bytes(w)))) {
    for (size_t i = 0; i < n; i++)
      if (m[i].out->curl_code == CURLE_OK || m[i].out->smtp_code != 0) {
        m[i].out->curl_code = CURLE_WEIRD_SERVER_REPLY;
        m[i].out->smtp_code = 0;
        snprintf(m[i].out->detail, sizeof m[i].out->detail,
                 "the server's answers were out of step with the batch: tried again");
      }
    return SMTP_BROKEN;
  }
  return rc != CURLE_OK || w->write_failed != CURLE_OK ? SMTP_BROKEN : after;
}
