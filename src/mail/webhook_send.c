/* webhook_send.c - one signed webhook POST (webhook_send.h). */
#include "webhook_send.h"

#include "domain/webhook.h"
#include "secret.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

void webhook_signature(const char *const *secrets, int64_t t, const char *payload, char *out,
                       size_t len)
{
  char ts[24], hex[65];
  snprintf(ts, sizeof ts, "%lld", (long long)t);
  size_t used = (size_t)snprintf(out, len, "t=%s", ts);
  for (int i = 0; i < WEBHOOK_MAX_SECRETS && secrets[i] && used < len; i++) {
    secret_hmac_hex(secrets[i], ts, ".", payload, hex);
    used += (size_t)snprintf(out + used, len - used, ",v1=%s", hex);
  }
}

struct xfer {
  const struct webhook_request *rq;
  struct webhook_result *res;
  size_t body_len;
  char refused_addr[64];
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
  struct xfer *x = arg;
  (void)data;
  x->body_len += size * n;
  return x->body_len > WEBHOOK_BODY_CAP ? 0 : size * n; /* 0 ends the transfer */
}

static int on_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
  struct xfer *x = arg;
  (void)a, (void)b, (void)c, (void)d;
  return x->rq->stop && atomic_load(x->rq->stop) ? 1 : 0;
}

/* Every address curl is about to connect to passes here, after DNS resolution: a name that
 * points inside is refused as a literal one would be. */
static curl_socket_t on_open(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
  struct xfer *x = arg;
  (void)purpose;
  const unsigned char *bytes = NULL;
  size_t len = 0;
  if (a->family == AF_INET) {
    bytes = (const unsigned char *)&((struct sockaddr_in *)&a->addr)->sin_addr;
    len = 4;
  } else if (a->family == AF_INET6) {
    bytes = (const unsigned char *)&((struct sockaddr_in6 *)&a->addr)->sin6_addr;
    len = 16;
  }
  if (!x->rq->allow_private && (!bytes || webhook_address_internal(bytes, len))) {
    if (bytes)
      inet_ntop(a->family, bytes, x->refused_addr, sizeof x->refused_addr);
    else
      snprintf(x->refused_addr, sizeof x->refused_addr, "(not an IP address)");
    return CURL_SOCKET_BAD;
  }
  return socket(a->family, a->socktype, a->protocol);
}

void webhook_send(const struct webhook_request *rq, struct webhook_result *res)
{
  memset(res, 0, sizeof *res);
  struct xfer x = {.rq = rq, .res = res};
  char sig[300], id_h[96], sig_h[320];
  webhook_signature(rq->secrets, (int64_t)time(NULL), rq->payload, sig, sizeof sig);
  snprintf(id_h, sizeof id_h, "Advisord-Event-Id: %s", rq->event_id);
  snprintf(sig_h, sizeof sig_h, "Advisord-Signature: %s", sig);
  CURL *h = curl_easy_init();
  struct curl_slist *hdr = NULL;
  hdr = curl_slist_append(hdr, "Content-Type: application/json");
  hdr = curl_slist_append(hdr, id_h);
  hdr = curl_slist_append(hdr, sig_h);
  hdr = curl_slist_append(hdr, "Expect:");
  if (!h || !hdr) {
    snprintf(res->error, sizeof res->error, "out of memory");
    res->transport_error = true;
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return;
  }
  curl_easy_setopt(h, CURLOPT_URL, rq->url);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, rq->allow_private ? "http,https" : "https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_PROXY, ""); /* no proxy from the environment: it would hide the
                                             address actually called */
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_POST, 1L);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->payload);
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(rq->payload));
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "advisord-webhooks/1");
  curl_easy_setopt(h, CURLOPT_TIMEOUT, rq->timeout_s);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, rq->timeout_s);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &x);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_open);
  curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &x);
  CURLcode rc = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &res->status);
  if (rc == CURLE_ABORTED_BY_CALLBACK) {
    res->aborted = true;
    snprintf(res->error, sizeof res->error, "the server stopped during this try");
  } else if (x.refused_addr[0] && rc != CURLE_OK && !res->status) {
    /* only when no other address of the name answered */
    res->address_refused = true;
    snprintf(res->error, sizeof res->error,
             "the host resolves to %s, a private, loopback or link-local address; the server "
             "calls only public hosts",
             x.refused_addr);
  } else if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && res->status)) {
    res->transport_error = true;
    res->status = 0;
    snprintf(res->error, sizeof res->error, "%s", curl_easy_strerror(rc));
  } else if (res->status >= 300 && res->status < 400) {
    char *to = NULL;
    curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &to);
    snprintf(res->error, sizeof res->error, "answered %ld with a redirect to %s; redirects are "
             "not followed", res->status, to ? to : "(no Location)");
  } else if (res->status < 200 || res->status >= 300) {
    snprintf(res->error, sizeof res->error, "answered %ld", res->status);
  }
  curl_slist_free_all(hdr);
  curl_easy_cleanup(h);
}
