/* webhook_send.h - one signed POST of a webhook delivery with libcurl (internal to src/mail/):
 * no redirects, timeouts, the answer's body read up to a cap, and the address checked after
 * DNS resolution (an internal one is refused unless allowed). */
#ifndef ADVISORD_MAIL_WEBHOOK_SEND_H
#define ADVISORD_MAIL_WEBHOOK_SEND_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WEBHOOK_BODY_CAP 4096 /* bytes of the receiver's answer read at most */
#define WEBHOOK_MAX_SECRETS 2

struct webhook_request {
  const char *url;
  const char *event_id;
  const char *payload;                        /* the raw body */
  const char *secrets[WEBHOOK_MAX_SECRETS];   /* one v1= per secret; NULL ends */
  long timeout_s;
  bool allow_private;
  atomic_bool *stop;                          /* aborts the transfer when set (may be NULL) */
};

struct webhook_result {
  long status;            /* the HTTP status; 0: none came */
  bool transport_error;   /* connection, timeout or TLS failure */
  bool address_refused;   /* the host resolved only to internal addresses */
  bool aborted;           /* stopped by *stop */
  char error[400];        /* why it did not count as delivered; "" when it did */
};

/* The Advisord-Signature header's value for payload at unix time t, into out (>= 200 bytes). */
void webhook_signature(const char *const *secrets, int64_t t, const char *payload, char *out,
                       size_t len);
/* Sends the request; fills res. */
void webhook_send(const struct webhook_request *rq, struct webhook_result *res);

#endif
