/* smtp_connect.c - opening, checking and dropping a worker's SMTP connection (see
 * smtp_connect.h): libcurl does the connect, the greeting, EHLO, STARTTLS and AUTH
 * (CURLOPT_CONNECT_ONLY); the EHLO keywords are read from its header function. */
#include "smtp_connect.h"
#include "smtp_dialogue.h"
#include "util.h"

#include <curl/curl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define CONNECT_TIMEOUT_S 10L

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

void smtp_drop(struct mail_smtp_conn *conn)
{
  if (conn->curl)
    cut(conn->curl);
  conn->curl = NULL;
}

bool smtp_open(struct mail_smtp_conn *conn, const struct mail_smtp_settings *s, int64_t deadline,
               const atomic_bool *stop, struct mail_delivery *out)
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

bool smtp_still_open(struct mail_smtp_conn *conn)
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
