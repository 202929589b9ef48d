/* smtp.c - delivery of messages over SMTP. libcurl opens the connection (connect, greeting,
 * EHLO, STARTTLS or smtps with certificate checks, AUTH: CURLOPT_CONNECT_ONLY; smtp_connect.c)
 * and smtp_dialogue.c runs each message's transaction on it, pipelined when the server allows
 * (smtp_dialogue.h). The server's refusal (a 4xx or 5xx line it sent; never a line of ours,
 * so that an AUTH exchange cannot leak) explains a failure; the reply code decides temporary
 * or permanent (mail_retry.h).
 *
 * Each worker keeps one connection from one message to the next (perf of the activation load
 * before: curl's SMTP dialogue, one connection per message, 32 to 37% of the server's
 * samples). Before reusing it, a connection the server has closed (or sent something
 * unasked, such as a 421 on its idle timeout), or one idle for 118 s (libcurl's own limit,
 * CURLOPT_MAXAGE_CONN), is dropped for a new one; after a broken dialogue it is dropped, and
 * after a refused transaction the server is told RSET.
 *
 * One try of a message takes at most two timeouts: each connection it uses (the kept one, or
 * a new one) has one deadline, timeout_s after the try began on it, for everything on it: the
 * connect (CURLOPT_TIMEOUT_MS, what is left), the transaction and the RSET after a refusal
 * (what is left then). A second connection is opened only when the kept one was found closed
 * by the server before it answered (mail_smtp_send). Several messages (mail_smtp_send_many)
 * go in one write when the server takes PIPELINING and CHUNKING (smtp_batch), one by one
 * otherwise (on any of the call's connections), under the same rules: the deadline moves on
 * by timeout_s after each message's answers, message i's at most the first + i; a connection
 * opened by the call is a new one (send_on). Every deadline of a call ends at conn->settle_by
 * when the caller set one (the mailer: before the first row's lease ends): a message not
 * settled by then fails as after a timeout, one not yet sent is not sent (smtp_too_late:
 * unsent, no try made).
 * mail_smtp_send is a call with one message. */
#include "mail_mime.h"
#include "mail_transport.h"
#include "smtp_connect.h"
#include "smtp_dialogue.h"
#include "util.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#define QUIT_WAIT_MS 2000  /* at the end: how long QUIT's answer is waited for */
#define MAX_IDLE_MS 118000 /* a kept connection idle longer is replaced */

/* A delivery's curl_code saying the server closed (or reset) the connection. */
static bool closed_code(int code)
{
  return code == CURLE_GOT_NOTHING || code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR;
}

/* conn after a transaction left it so (after) on w: ready for the next, or dropped. */
static void settle(struct mail_smtp_conn *conn, struct smtp_wire *w, enum smtp_after after)
{
  if (after == SMTP_DIRTY) { /* a refused transaction: the next one starts clean */
    /* by the same deadline, and ended by a stop too: the outcome stays, only the connection
     * is dropped when RSET does not get its answer */
    after = smtp_command(w, "RSET\r\n") && w->start == w->end ? SMTP_CLEAN : SMTP_BROKEN;
  }
  if (after == SMTP_BROKEN || w->start != w->end) /* broken, or answers nobody asked for */
    smtp_drop(conn);
}

/* m[0..n) over conn's open connection by deadline: one (smtp_transaction) or, n > 1, in one
 * write (smtp_batch: its server takes PIPELINING and CHUNKING); leaves it ready for the next
 * or drops it. */
static void transact(struct mail_smtp_conn *conn, const struct mail_smtp_settings *s,
                     const char *from, const struct smtp_msg *m, size_t n, int64_t deadline,
                     const atomic_bool *stop)
{
  struct smtp_wire w = {.curl = conn->curl, .conn = conn, .stop = stop, .deadline = deadline,
                        .timeout_s = s->timeout_s};
  settle(conn, &w,
         n > 1 ? smtp_batch(&w, from, m, n)
               : smtp_transaction(&w, from, m->to, m->msg, m->len, m->out));
}

/* An address that must not go into a command (it could carry a line of its own): out filled
 * as the server would refuse it (553, RFC 5321 4.2.2: permanent), true. */
static bool bad_address(const char *from, const char *to, struct mail_delivery *out)
{
  if (mail_mime_address_ok(from) && mail_mime_address_ok(to))
    return false;
  out->curl_code = CURLE_BAD_FUNCTION_ARGUMENT;
  out->smtp_code = 553;
  snprintf(out->detail, sizeof out->detail, "not sent: an address is not usable");
  return true;
}

/* A message of wire_len bytes over the SIZE conn's server advertised: out filled as the
 * server would refuse it (552, RFC 1870: permanent), true. */
static bool too_large(const struct mail_smtp_conn *conn, size_t wire_len,
                      struct mail_delivery *out)
{
  if (!(conn->ext & SMTP_EXT_SIZE) || conn->size_max == 0 || wire_len <= conn->size_max)
    return false;
  out->smtp_code = 552;
  out->curl_code = CURLE_FILESIZE_EXCEEDED;
  snprintf(out->detail, sizeof out->detail,
           "not sent: the message (%zu bytes) is larger than the server takes (SIZE %lu)",
           wire_len, conn->size_max);
  return true;
}

bool mail_smtp_batches(const struct mail_smtp_conn *conn)
{
  unsigned both = SMTP_EXT_PIPELINING | SMTP_EXT_CHUNKING;
  return conn->curl && (conn->ext & both) == both;
}

/* A message never sent because the connection was dropped at the one before (broke): when
 * that one was settled by its answers (delivered or refused) and only the connection lost
 * after it (an RSET unanswered, bytes unasked), closed before any answer (the caller may send
 * it again at once); otherwise broke's failure, without an answer (as smtp_batch's messages
 * after a failed wire). */
static void not_sent(const struct mail_delivery *broke, struct mail_delivery *out)
{
  bool settled = broke->curl_code == CURLE_OK ||
                 (broke->curl_code == CURLE_WEIRD_SERVER_REPLY && broke->smtp_code >= 400);
  *out = (struct mail_delivery){.curl_code = settled ? CURLE_GOT_NOTHING : broke->curl_code,
                                .aborted = broke->aborted};
  snprintf(out->detail, sizeof out->detail, "not sent: the connection was lost at the message "
           "before (%.200s)", broke->detail);
}

/* Whether the call's time is up (conn->settle_by passed): nothing more is sent. */
static bool late(const struct mail_smtp_conn *conn)
{
  return conn->settle_by > 0 && util_mono_ms() >= conn->settle_by;
}

/* m[from..k) not sent: unsent (smtp_too_late) once the call's time is up, else why's failure
 * (the open's). */
static void none_sent(const struct mail_smtp_conn *conn, struct smtp_msg *m, size_t from,
                      size_t k, const struct mail_delivery *why)
{
  bool up = late(conn);
  for (size_t i = from; i < k; i++)
    if (up)
      smtp_too_late(m[i].out);
    else
      *m[i].out = *why;
}

/* m[0..n) one by one over conn's open connection (its server does not take several per round
 * trip, or one is left), the first by deadline, each next one by the setting's time after the
 * one before was settled, at most the first + i timeouts (as smtp_batch's). Before each next
 * one the connection is looked at (as before the first: a 421 the server sent unasked between
 * messages, or a close, is not read as the next MAIL's answer): once it is dropped, the rest
 * are not sent (not_sent: again at once on a new one when the one before was settled); once
 * the call's time is up (also when it cut the one before), the rest are unsent
 * (smtp_too_late). */
static void transact_each(struct mail_smtp_conn *conn, const struct mail_smtp_settings *s,
                          const char *from, const struct smtp_msg *m, size_t n,
                          int64_t deadline, const atomic_bool *stop)
{
  int64_t first = deadline, step = (int64_t)s->timeout_s * 1000;
  size_t i = 0;
  for (; i < n && conn->curl && !late(conn); i++) {
    if (i > 0 && !smtp_still_open(conn)) {
      smtp_drop(conn);
      break;
    }
    transact(conn, s, from, &m[i], 1, deadline, stop);
    int64_t next = util_mono_ms() + step, cap = first + (int64_t)(i + 1) * step;
    deadline = next < cap ? next : cap;
  }
  for (size_t j = i; j < n; j++) /* once the time is up (also after a cut by it), unsent */
    if (conn->curl || late(conn))
      smtp_too_late(m[j].out);
    else
      not_sent(m[i - 1].out, m[j].out);
}

/* A connection's deadline from now: the setting's time, at most the call's settle_by. */
static int64_t conn_deadline(const struct mail_smtp_conn *conn, const struct mail_smtp_settings *s)
{
  int64_t d = util_mono_ms() + s->timeout_s * 1000;
  return conn->settle_by > 0 && conn->settle_by < d ? conn->settle_by : d;
}

/* m[0..k) (their addresses usable) over conn's kept connection or a new one: see
 * mail_smtp_send_many. */
static void send_on(struct mail_smtp_conn *conn, const struct mail_smtp_settings *s,
                    const char *from, struct smtp_msg *m, size_t k, const atomic_bool *stop)
{
  if (conn->curl && (util_mono_ms() - conn->idle_since > MAX_IDLE_MS || !smtp_still_open(conn)))
    smtp_drop(conn);
  /* A connection closed before it answered anything about a message: the server has not
   * taken it (RFC 5321 6.1: the 250 to the data does). That message and those after it go
   * once more at once on a new connection with a deadline of its own: after a kept connection
   * that answered nothing (most likely the server timed the idle connection out unseen), and
   * after each connection that fully answered some of them first (a server that takes so
   * many per connection); each new connection must settle one more, so a call opens at most
   * k + 1. Not after a new connection that answered nothing, nor after a timeout or a cut
   * after some of a message's answers (the server may hold it): those stay failures, and so
   * do the messages after them. */
  bool again = conn->curl != NULL;
  int64_t deadline = conn_deadline(conn, s); /* this connection's */
  struct mail_delivery opened;
  if (late(conn) || (!conn->curl && !smtp_open(conn, s, deadline, stop, &opened))) {
    none_sent(conn, m, 0, k, &opened); /* each fails as its own try would */
    return;
  }
  size_t left = 0;
  for (size_t i = 0; i < k; i++)
    if (!too_large(conn, smtp_wire_len(m[i].msg, m[i].len), m[i].out))
      m[left++] = m[i];
  k = left;
  for (size_t done = 0; done < k;) {
    if (late(conn)) { /* an open that ended just before settle_by: nothing written past it */
      none_sent(conn, m, done, k, NULL);
      break;
    }
    if (k - done > 1 && mail_smtp_batches(conn))
      transact(conn, s, from, m + done, k - done, deadline, stop);
    else
      transact_each(conn, s, from, m + done, k - done, deadline, stop);
    size_t first = done; /* the first the closing failed; those after it too */
    while (first < k && !closed_code(m[first].out->curl_code))
      first++;
    if (first == k || m[first].out->smtp_code != 0 || (first == done && !again))
      break;
    again = false; /* the next connection is a new one */
    done = first;
    smtp_drop(conn);
    deadline = conn_deadline(conn, s);
    if (late(conn) || !smtp_open(conn, s, deadline, stop, &opened)) {
      none_sent(conn, m, done, k, &opened);
      break;
    }
  }
  conn->idle_since = util_mono_ms();
}

void mail_smtp_send_many(struct mail_smtp_conn *conn, const struct mail_smtp_settings *s,
                         const char *from, struct mail_smtp_item *items, size_t n,
                         const atomic_bool *stop)
{
  if (n == 0)
    return;
  struct smtp_msg m[n];
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    struct mail_delivery *out = &items[i].out;
    memset(out, 0, sizeof *out);
    if (!bad_address(from, items[i].to, out))
      m[k++] = (struct smtp_msg){items[i].to, items[i].msg, strlen(items[i].msg), out};
  }
  if (k > 0)
    send_on(conn, s, from, m, k, stop);
  conn->on_slow = NULL;
  conn->settle_by = 0;
}

void mail_smtp_send(struct mail_smtp_conn *conn, const struct mail_smtp_settings *s,
                    const char *from, const char *to, const char *msg, const atomic_bool *stop,
                    struct mail_delivery *out)
{
  struct mail_smtp_item one = {.to = to, .msg = msg};
  mail_smtp_send_many(conn, s, from, &one, 1, stop);
  *out = one.out;
}

void mail_smtp_close(struct mail_smtp_conn *conn)
{
  if (!conn->curl)
    return;
  /* QUIT, its answer waited for a short while: we are stopping */
  struct smtp_wire w = {.curl = conn->curl, .conn = conn,
                        .deadline = util_mono_ms() + QUIT_WAIT_MS, .timeout_s = 2};
  conn->on_slow = NULL;
  conn->settle_by = 0; /* QUIT's own wait */
  smtp_command(&w, "QUIT\r\n");
  curl_easy_cleanup(conn->curl);
  conn->curl = NULL;
}
