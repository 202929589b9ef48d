/* smtp.c - delivery of messages over SMTP. libcurl opens the connection (connect, greeting,
 * EHLO, STARTTLS or smtps with certificate checks, AUTH: CURLOPT_CONNECT_ONLY) and
 * smtp_dialogue.c runs each message's transaction on it, pipelined when the server allows
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
 * go in one write when the server takes PIPELINING and CHUNKING (smtp_batch): the deadline
 * moves on by timeout_s after each message's answers, message i's at most the first + i. */
#include "mail_mime.h"
#include "mail_transport.h"
#include "smtp_dialogue.h"
#include "util.h"

#include <curl/curl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define CONNECT_TIMEOUT_S 10L
#define QUIT_WAIT_MS 2000  /* at the end: how long QUIT's answer is waited for */
#define MAX_IDLE_MS 118000 /* a kept connection idle longer is replaced */

/* What the connect phase saw: the server's last refusal and its EHLO keywords. */
struct greeting {
  const atomic_bool *stop;
  struct mail_smtp_conn *conn; /* its on_slow, called once when the delivery turns slow */
  char last_refusal[200];      /* the last 4xx/5xx line the server sent */
  unsigned ext;                /* SMTP_EXT_* of the last EHLO answer */
  unsigned long size_max;
};

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
  const struct greeting *g = arg;
  if (g->conn->on_slow)
    smtp_check_slow(g->conn, util_mono_ms());
  return g->stop && atomic_load(g->stop) ? 1 : 0;
}

/* One EHLO keyword line's word ("250-PIPELINING", "250 SIZE 1000000") is kw. */
static bool keyword(const char *data, size_t size, const char *kw)
{
  size_t n = strlen(kw);
  return size >= 4 + n && strncasecmp(data + 4, kw, n) == 0 &&
         (size == 4 + n || data[4 + n] == ' ' || data[4 + n] == '\r' || data[4 + n] == '\n');
}

/* libcurl hands every line the server sends while connecting to the header function (the
 * greeting, the EHLO answers, STARTTLS's and AUTH's); lines of ours never come here. */
static size_t on_header(char *data, size_t one, size_t size, void *arg)
{
  struct greeting *g = arg;
  (void)one; /* always 1 */
  if (!g || size < 4)
    return size;
  if (memcmp(data, "220", 3) == 0) { /* a greeting or STARTTLS's: the EHLO after it counts */
    g->ext = 0;
    g->size_max = 0;
  } else if (memcmp(data, "250", 3) == 0) {
    if (keyword(data, size, "PIPELINING"))
      g->ext |= SMTP_EXT_PIPELINING;
    else if (keyword(data, size, "CHUNKING"))
      g->ext |= SMTP_EXT_CHUNKING;
    else if (keyword(data, size, "SIZE")) {
      g->ext |= SMTP_EXT_SIZE;
      g->size_max = 0; /* "250-SIZE 1000000"; no number: no limit given */
      for (size_t i = 9; i < size && data[i] >= '0' && data[i] <= '9'; i++)
        g->size_max = g->size_max * 10 + (unsigned long)(data[i] - '0');
    }
  }
  if (data[0] == '4' || data[0] == '5')
    smtp_printable_line(g->last_refusal, sizeof g->last_refusal, data, size);
  return size;
}

void mail_url_redact(const char *url, char *out, size_t len)
{
  const char *scheme_end = strstr(url, "://");
  const char *host = scheme_end ? scheme_end + 3 : url;
  size_t auth_len = strcspn(host, "/?#");
  const char *at = NULL;
  for (const char *p = host; p < host + auth_len; p++)
    if (*p == '@')
      at = p; /* the last '@' ends the user info */
  if (!at) {
    snprintf(out, len, "%s", url);
    return;
  }
  snprintf(out, len, "%.*s%s", (int)(host - url), url, at + 1);
}

static void set_options(CURL *h, const struct mail_smtp_settings *s, int64_t deadline,
                        struct greeting *g, char *errbuf)
{
  curl_easy_setopt(h, CURLOPT_URL, s->url);
  curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L); /* the mail transactions are ours */
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
  int64_t left = deadline - util_mono_ms();
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(left > 1 ? left : 1));
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, g);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, g);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  long ssl = strcmp(s->starttls, "required") == 0 ? (long)CURLUSESSL_ALL
             : strcmp(s->starttls, "try") == 0    ? (long)CURLUSESSL_TRY
                                                  : (long)CURLUSESSL_NONE;
  curl_easy_setopt(h, CURLOPT_USE_SSL, ssl);
  if (s->ca_file && *s->ca_file)
    curl_easy_setopt(h, CURLOPT_CAINFO, s->ca_file);
  if (s->user && *s->user) {
    curl_easy_setopt(h, CURLOPT_USERNAME, s->user);
    curl_easy_setopt(h, CURLOPT_PASSWORD, s->password ? s->password : "");
  }
}

/* Ends h's connection at once: no QUIT, no waiting for the server (a broken dialogue, or we
 * are stopping), then frees h. */
static void cut(CURL *h)
{
  int sock = smtp_socket(h);
  if (sock >= 0)
    shutdown(sock, SHUT_RDWR);
  curl_easy_cleanup(h);
}

static void drop(struct mail_smtp_conn *conn)
{
  if (conn->curl)
    cut(conn->curl);
  conn->curl = NULL;
}

/* Opens conn's connection (greeting, EHLO, STARTTLS, AUTH) by deadline (util_mono_ms); false
 * with out filled when it could not be opened. */
static bool open_conn(struct mail_smtp_conn *conn, const struct mail_smtp_settings *s,
                      int64_t deadline, const atomic_bool *stop, struct mail_delivery *out)
{
  memset(out, 0, sizeof *out);
  CURL *h = curl_easy_init();
  if (!h) {
    out->curl_code = CURLE_OUT_OF_MEMORY;
    snprintf(out->detail, sizeof out->detail, "out of memory");
    return false;
  }
  char errbuf[CURL_ERROR_SIZE] = "";
  struct greeting g = {.stop = stop, .conn = conn};
  set_options(h, s, deadline, &g, errbuf);
  CURLcode rc = curl_easy_perform(h);
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  /* The kept handle must not point into this frame once it returns. */
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 1L);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, NULL);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, NULL);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
  conn->connections++;
  if (rc == CURLE_OK) {
    conn->curl = h;
    conn->idle_since = util_mono_ms(); /* new: not idle */
    conn->ext = g.ext;
    conn->size_max = g.size_max;
    return true;
  }
  out->curl_code = (int)rc;
  out->smtp_code = code;
  out->aborted = rc == CURLE_ABORTED_BY_CALLBACK;
  if (code >= 400 && g.last_refusal[0])
    snprintf(out->detail, sizeof out->detail, "smtp %s", g.last_refusal);
  else
    snprintf(out->detail, sizeof out->detail, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
  cut(h);
  return false;
}

/* A delivery's curl_code saying the server closed (or reset) the connection. */
static bool closed_code(int code)
{
  return code == CURLE_GOT_NOTHING || code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR;
}

/* A kept connection the server has not closed, nor written to unasked. */
static bool still_open(struct mail_smtp_conn *conn)
{
  int sock = smtp_socket(conn->curl);
  if (sock < 0)
    return false;
  struct pollfd p = {.fd = sock, .events = POLLIN};
  if (poll(&p, 1, 0) == 0)
    return true;
  char c;
  size_t n = 0; /* readable: TLS's own records (CURLE_AGAIN), the end, or a 421 */
  return curl_easy_recv(conn->curl, &c, 1, &n) == CURLE_AGAIN;
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
    drop(conn);
}

/* One message over conn's open connection by deadline; leaves it ready for the next or drops
 * it. */
static void transact(struct mail_smtp_conn *conn, const struct mail_smtp_settings *s,
                     const char *from, const char *to, const char *msg, size_t len,
                     int64_t deadline, const atomic_bool *stop, struct mail_delivery *out)
{
  struct smtp_wire w = {.curl = conn->curl, .conn = conn, .stop = stop, .deadline = deadline,
                        .timeout_s = s->timeout_s};
  settle(conn, &w, smtp_transaction(&w, from, to, msg, len, out));
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

void mail_smtp_send(struct mail_smtp_conn *conn, const struct mail_smtp_settings *s,
                    const char *from, const char *to, const char *msg, const atomic_bool *stop,
                    struct mail_delivery *out)
{
  memset(out, 0, sizeof *out);
  size_t len = strlen(msg);
  if (bad_address(from, to, out)) {
    conn->on_slow = NULL;
    return;
  }
  if (conn->curl && (util_mono_ms() - conn->idle_since > MAX_IDLE_MS || !still_open(conn)))
    drop(conn);
  bool reused = conn->curl != NULL;
  int64_t deadline = util_mono_ms() + s->timeout_s * 1000; /* this connection's, see above */
  if (reused || open_conn(conn, s, deadline, stop, out)) {
    if (!too_large(conn, smtp_wire_len(msg, len), out)) {
      transact(conn, s, from, to, msg, len, deadline, stop, out);
      /* A kept connection the server closed (or reset) before it answered anything about
       * this message: most likely it had timed out the idle connection, and a server that
       * closes without an answer has not taken responsibility for it (RFC 5321 6.1: the 250
       * to the data does). Once more, on a new connection with a deadline of its own. A
       * timeout is not retried at once: the server may still hold the message with its
       * answers (BDAT sends it before any answer). */
      if (reused && closed_code(out->curl_code) && out->smtp_code == 0) {
        drop(conn);
        deadline = util_mono_ms() + s->timeout_s * 1000;
        if (open_conn(conn, s, deadline, stop, out))
          transact(conn, s, from, to, msg, len, deadline, stop, out);
      }
    }
  }
  conn->idle_since = util_mono_ms();
  conn->on_slow = NULL;
}

bool mail_smtp_batches(const struct mail_smtp_conn *conn)
{
  unsigned both = SMTP_EXT_PIPELINING | SMTP_EXT_CHUNKING;
  return conn->curl && (conn->ext & both) == both;
}

/* The batch's messages m[0..n) over conn's open connection by deadline; leaves it ready for
 * the next or drops it. */
static void transact_many(struct mail_smtp_conn *conn, const struct mail_smtp_settings *s,
                          const char *from, const struct smtp_msg *m, size_t n,
                          int64_t deadline, const atomic_bool *stop)
{
  struct smtp_wire w = {.curl = conn->curl, .conn = conn, .stop = stop, .deadline = deadline,
                        .timeout_s = s->timeout_s};
  settle(conn, &w, smtp_batch(&w, from, m, n));
}

void mail_smtp_send_many(struct mail_smtp_conn *conn, const struct mail_smtp_settings *s,
                         const char *from, struct mail_smtp_item *items, size_t n,
                         const atomic_bool *stop)
{
  if (n == 0)
    return;
  if (conn->curl && (util_mono_ms() - conn->idle_since > MAX_IDLE_MS || !still_open(conn)))
    drop(conn);
  bool reused = conn->curl != NULL;
  int64_t deadline = util_mono_ms() + s->timeout_s * 1000; /* this connection's */
  struct mail_delivery opened;
  if (!reused && !open_conn(conn, s, deadline, stop, &opened)) {
    for (size_t i = 0; i < n; i++) /* none sent: each fails as its own try would */
      items[i].out = opened;
    conn->on_slow = NULL;
    return;
  }
  if (!mail_smtp_batches(conn) || n == 1) { /* one by one, on the connection just opened */
    void (*on_slow)(void *) = conn->on_slow; /* each call clears it */
    for (size_t i = 0; i < n; i++) {
      conn->on_slow = on_slow;
      mail_smtp_send(conn, s, from, items[i].to, items[i].msg, stop, &items[i].out);
    }
    return;
  }
  struct smtp_msg m[n];
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    struct mail_delivery *out = &items[i].out;
    memset(out, 0, sizeof *out);
    size_t len = strlen(items[i].msg);
    if (!bad_address(from, items[i].to, out) &&
        !too_large(conn, smtp_wire_len(items[i].msg, len), out))
      m[k++] = (struct smtp_msg){items[i].to, items[i].msg, len, out};
  }
  /* A connection closed before it answered anything about a message: the server has not
   * taken it (mail_smtp_send). Those messages, the rest of the batch, go once more at once on
   * a new connection with a deadline of its own: after a kept connection that answered
   * nothing (timed out by the server unseen), and after each connection that fully answered
   * some of them first (a server that takes so many per connection); each new connection
   * must settle one more, so a call opens at most k + 1. A message cut after some of its
   * answers (the server may hold it) stays a failure, and so do those after it. */
  bool again = reused;
  for (size_t done = 0; done < k;) {
    transact_many(conn, s, from, m + done, k - done, deadline, stop);
    size_t first = done; /* the first the closing failed; those after it too */
    while (first < k && !closed_code(m[first].out->curl_code))
      first++;
    if (first == k || m[first].out->smtp_code != 0 || (first == done && !again))
      break;
    again = false;
    done = first;
    drop(conn);
    deadline = util_mono_ms() + s->timeout_s * 1000;
    if (!open_conn(conn, s, deadline, stop, &opened)) {
      for (size_t i = done; i < k; i++)
        *m[i].out = opened;
      break;
    }
    if (!mail_smtp_batches(conn)) { /* the server no longer offers both: one by one */
      for (size_t i = done; i < k; i++)
        mail_smtp_send(conn, s, from, m[i].to, m[i].msg, stop, m[i].out);
      break;
    }
  }
  conn->idle_since = util_mono_ms();
  conn->on_slow = NULL;
}

void mail_smtp_close(struct mail_smtp_conn *conn)
{
  if (!conn->curl)
    return;
  /* QUIT, its answer waited for a short while: we are stopping */
  struct smtp_wire w = {.curl = conn->curl, .conn = conn,
                        .deadline = util_mono_ms() + QUIT_WAIT_MS, .timeout_s = 2};
  conn->on_slow = NULL;
  smtp_command(&w, "QUIT\r\n");
  curl_easy_cleanup(conn->curl);
  conn->curl = NULL;
}
