/* smtp.c - delivery of messages over SMTP with libcurl. The server's last refusal (a 4xx
 * or 5xx line it sent; never a line of ours, so that an AUTH exchange cannot leak) explains a
 * failure; the reply code decides temporary or permanent (mail_retry.h).
 *
 * Each worker keeps one easy handle, and with it one connection, from one message to the
 * next: libcurl then skips the connect, greeting, EHLO, STARTTLS and login and starts the next
 * message with MAIL FROM (perf of the activation load before: curl's SMTP dialogue, one
 * connection per message, 32 to 37% of the server's samples). Before reusing it, libcurl
 * drops a connection the server has closed (or one idle for 118 s, CURLOPT_MAXAGE_CONN), and
 * after an error in a message's dialogue (a refused RCPT, a broken connection) it closes it;
 * a 4xx or 5xx answer to the message's data keeps it (the server has reset its state). */
#include "mail_transport.h"
#include "util.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define CONNECT_TIMEOUT_S 10L
#define QUIT_TIMEOUT_S 2L /* at the end: how long QUIT's answer is waited for */

struct upload {
  const char *data;
  size_t len, off;
};

static size_t read_msg(char *buf, size_t size, size_t nitems, void *arg)
{
  struct upload *u = arg;
  size_t n = size * nitems, left = u->len - u->off;
  if (n > left)
    n = left;
  memcpy(buf, u->data + u->off, n);
  u->off += n;
  return n;
}

struct transfer {
  const atomic_bool *stop;
  struct mail_smtp_conn *conn; /* its on_slow, called once when the delivery turns slow */
  char last_refusal[200]; /* the last 4xx/5xx line the server sent (QUIT's 221 comes later) */
};

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
  const struct transfer *t = arg;
  struct mail_smtp_conn *c = t->conn;
  if (c->on_slow && util_mono_ms() >= c->slow_at) {
    void (*fn)(void *) = c->on_slow;
    c->on_slow = NULL;
    fn(c->slow_arg);
  }
  return t->stop && atomic_load(t->stop) ? 1 : 0;
}

/* libcurl hands every line the server sends to the header function (CURLOPT_VERBOSE with a
 * debug function would do too, but makes libcurl format each of its info lines for it: perf of
 * the mailer, vfprintf and strchrnul for every message). Lines of ours never come here. */
static size_t on_header(char *data, size_t one, size_t size, void *arg)
{
  struct transfer *t = arg;
  (void)one; /* always 1 */
  if (!t || size < 4 || (data[0] != '4' && data[0] != '5'))
    return size;
  size_t n = size;
  while (n > 0 && (data[n - 1] == '\r' || data[n - 1] == '\n'))
    n--;
  if (n >= sizeof t->last_refusal)
    n = sizeof t->last_refusal - 1;
  for (size_t i = 0; i < n; i++) /* printable only: it ends up in logs and JSON */
    t->last_refusal[i] = data[i] >= 0x20 && data[i] < 0x7F ? data[i] : ' ';
  t->last_refusal[n] = '\0';
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

/* Sets every option of one message on h (options stay set on a reused handle; all are set
 * again so that nothing of the message before remains). */
static void set_options(CURL *h, const struct mail_smtp_settings *s, const char *sender,
                        struct curl_slist *rcpt, struct upload *up, struct transfer *t,
                        char *errbuf)
{
  curl_easy_setopt(h, CURLOPT_URL, s->url);
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, sender);
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, read_msg);
  curl_easy_setopt(h, CURLOPT_READDATA, up);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up->len);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, s->timeout_s);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, t);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, t);
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

/* One try over h; true when it went over a connection kept from an earlier message. */
static bool transfer(CURL *h, const struct mail_smtp_settings *s, const char *sender,
                     struct curl_slist *rcpt, const char *msg, const atomic_bool *stop,
                     struct mail_smtp_conn *conn, struct mail_delivery *out)
{
  char errbuf[CURL_ERROR_SIZE] = "";
  struct upload up = {msg, strlen(msg), 0};
  struct transfer t = {stop, conn, ""};
  set_options(h, s, sender, rcpt, &up, &t, errbuf);
  CURLcode rc = curl_easy_perform(h);
  long code = 0, opened = 1;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &opened);
  /* The kept handle must not point into this frame once it returns: libcurl calls the progress
   * and header functions, and writes the error buffer, again when it ends the kept connection
   * (QUIT, in mail_smtp_close or before a new one). */
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 1L);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, NULL);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, NULL);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
  curl_easy_setopt(h, CURLOPT_READDATA, NULL);
  memset(out, 0, sizeof *out);
  out->curl_code = (int)rc;
  out->smtp_code = code;
  out->aborted = rc == CURLE_ABORTED_BY_CALLBACK;
  if (out->aborted) {
    /* The connection may still be open, waiting for the server; closing the handle would
     * send QUIT and wait for its answer. Cut it instead: we are stopping. */
    curl_socket_t sock = CURL_SOCKET_BAD;
    if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &sock) == CURLE_OK && sock != CURL_SOCKET_BAD)
      shutdown(sock, SHUT_RDWR);
  }
  if (rc == CURLE_OK)
    snprintf(out->detail, sizeof out->detail, "accepted (smtp %ld)", code);
  else if (code >= 400 && t.last_refusal[0])
    snprintf(out->detail, sizeof out->detail, "smtp %s", t.last_refusal);
  else
    snprintf(out->detail, sizeof out->detail, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
  return opened == 0;
}

void mail_smtp_send(struct mail_smtp_conn *conn, const struct mail_smtp_settings *s,
                    const char *from, const char *to, const char *msg, const atomic_bool *stop,
                    struct mail_delivery *out)
{
  memset(out, 0, sizeof *out);
  if (!conn->curl)
    conn->curl = curl_easy_init();
  struct curl_slist *rcpt = conn->curl ? curl_slist_append(NULL, to) : NULL;
  if (!rcpt) {
    conn->on_slow = NULL;
    out->curl_code = CURLE_OUT_OF_MEMORY;
    snprintf(out->detail, sizeof out->detail, "out of memory");
    return;
  }
  char sender[300];
  snprintf(sender, sizeof sender, "<%s>", from);
  bool reused = transfer(conn->curl, s, sender, rcpt, msg, stop, conn, out);
  if (!reused)
    conn->connections++;
  /* A kept connection the server closed just as this message began (its liveness check
   * passed): no answer about this message came, so nothing of it was taken. Once more, new. */
  if (reused && out->curl_code != CURLE_OK && out->smtp_code == 0 && !out->aborted) {
    transfer(conn->curl, s, sender, rcpt, msg, stop, conn, out);
    conn->connections++;
  }
  conn->on_slow = NULL;
  curl_easy_setopt(conn->curl, CURLOPT_MAIL_RCPT, NULL); /* rcpt is freed below */
  curl_slist_free_all(rcpt);
}

void mail_smtp_close(struct mail_smtp_conn *conn)
{
  if (!conn->curl)
    return;
  /* QUIT's answer is waited for this long, not libcurl's 120 s default: we are stopping */
  curl_easy_setopt(conn->curl, CURLOPT_SERVER_RESPONSE_TIMEOUT, QUIT_TIMEOUT_S);
  curl_easy_cleanup(conn->curl);
  conn->curl = NULL;
}
