/* mail_retry.h - what to do after one delivery try: the classification of an SMTP/transport
 * result as delivered, temporary or permanent, and the exponential backoff with jitter.
 * Pure code: the mailer feeds it libcurl's result and a random number. */
#ifndef ADVISORD_MAIL_RETRY_H
#define ADVISORD_MAIL_RETRY_H

#include <stdbool.h>
#include <stdint.h>

enum mail_class {
  MAIL_DELIVERED,   /* the server took the message */
  MAIL_TEMPORARY,   /* try again later, however often it takes (no answer, timeout, 4xx) */
  MAIL_PERMANENT,   /* 5xx: try again only until the attempts run out */
  MAIL_UNSENDABLE,  /* the message cannot even be built (unknown template, bad address) */
};

/* Classifies one SMTP try from its mail_delivery (mail_transport.h): curl_code (libcurl's
 * codes, for the connect and for the transport's own dialogue) and smtp_code (the deciding
 * reply code, 0 when the server never answered). The reply code wins over the curl code:
 * every refusal comes as CURLE_WEIRD_SERVER_REPLY with its code (a 451 temporary, a 550
 * permanent); the transport gives codes of its own to what it refuses before sending (552
 * over the server's SIZE, 553 an unusable address). */
enum mail_class mail_retry_classify(int curl_code, long smtp_code);

struct mail_retry_policy {
  int64_t min_ms;   /* first retry after about this long */
  int64_t max_ms;   /* never wait longer */
  int max_attempts; /* permanent failures give up after this many tries */
};

enum mail_decision { MAIL_MARK_SENT, MAIL_RETRY_LATER, MAIL_MARK_FAILED };

/* Delay before the next try after `attempts` tries (>= 1): min * 2^(attempts-1), capped at
 * max, then spread by +-25% with `random`, and kept within [min, max]. */
int64_t mail_retry_delay_ms(const struct mail_retry_policy *p, int attempts, uint32_t random);

/* What to do with a row after its try number `attempts` (counting this one) ended in class
 * c; *delay_ms is set for MAIL_RETRY_LATER. Temporary failures are always retried (nothing is
 * lost while a server is down); permanent ones until attempts reaches max_attempts;
 * unsendable ones are failed at once. */
enum mail_decision mail_retry_decide(const struct mail_retry_policy *p, enum mail_class c,
                                     int attempts, uint32_t random, int64_t *delay_ms);

/* "delivered", "temporary", "permanent", "unsendable". */
const char *mail_class_str(enum mail_class c);

#endif
