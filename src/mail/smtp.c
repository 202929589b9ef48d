/* smtp.c - delivery of one message over SMTP with libcurl. The server's last refusal (a 4xx
 * or 5xx line it sent; never a line of ours, so that an AUTH exchange cannot leak) explains a
 * failure; the reply code decides temporary or permanent (mail_retry.h). */
#include "mail_transport.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define CONNECT_TIMEOUT_S 10L

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
  char last_refusal[200]; /* the last 4xx/5xx line the server sent (QUIT's 221 comes later) */
};

static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
  const struct transfer *t = arg;
  return t->stop && atomic_load(t->stop) ? 1 : 0;
}

static int on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
  struct transfer *t = arg;
  if (type != CURLINFO_HEADER_IN || size < 4 || (data[0] != '4' && data[0] != '5'))
    return 0;
  size_t n = size;
  while (n > 0 && (data[n - 1] == '\r' || data[n - 1] == '\n'))
    n--;
  if (n >= sizeof t->last_refusal)
    n = sizeof t->last_refusal - 1;
  for (size_t i = 0; i < n; i++) /* printable only: it ends up in logs and JSON */
    t->last_refusal[i] = data[i] >= 0x20 && data[i] < 0x7F ? data[i] : ' ';
  t->last_refusal[n] = '\0';
  return 0;
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

void mail_smtp_send(const struct mail_smtp_settings *s, const char *from, const char *to,
                    const char *msg, const atomic_bool *stop, struct mail_delivery *out)
{
  memset(out, 0, sizeof *out);
  CURL *h = curl_easy_init();
  struct curl_slist *rcpt = NULL;
  if (!h || !(rcpt = curl_slist_append(NULL, to))) {
    out->curl_code = CURLE_OUT_OF_MEMORY;
    snprintf(out->detail, sizeof out->detail, "out of memory");
    goto cleanup;
  }
  char sender[300], errbuf[CURL_ERROR_SIZE] = "";
  snprintf(sender, sizeof sender, "<%s>", from);
  struct upload up = {msg, strlen(msg), 0};
  struct transfer t = {stop, ""};
  curl_easy_setopt(h, CURLOPT_URL, s->url);
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, sender);
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, read_msg);
  curl_easy_setopt(h, CURLOPT_READDATA, &up);
  curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up.len);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L); /* QUIT inside the transfer, abortable */
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, s->timeout_s);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(h, CURLOPT_VERBOSE, 1L); /* feeds on_debug; nothing is printed */
  curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
  curl_easy_setopt(h, CURLOPT_DEBUGDATA, &t);
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
  CURLcode rc = curl_easy_perform(h);
  long code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
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
cleanup:
  curl_slist_free_all(rcpt);
  if (h)
    curl_easy_cleanup(h);
}
