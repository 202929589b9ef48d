/* domain/webhook.h - the rules of webhooks: which event types there are (one per kind of
 * history event, plus the ping), which endpoint wants which, what an answer means, how long to
 * wait before the next try, which URLs and addresses may be called. Pure: no I/O. */
#ifndef ADVISORD_DOMAIN_WEBHOOK_H
#define ADVISORD_DOMAIN_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WEBHOOK_PING "webhook.ping"

/* The event type of a history event ("approve": "collaboration.approved"; static); NULL for an
 * unknown one. */
const char *webhook_event_type(const char *history_event);
/* Whether type is one an endpoint can ask for (every collaboration type; not the ping). */
bool webhook_event_type_known(const char *type);
/* The type at index i of all known ones (static), NULL past the end. */
const char *webhook_event_type_at(size_t i);
/* Whether an endpoint's stored list (",a,b," or "*") asks for type (a ping always goes). */
bool webhook_events_match(const char *list, const char *type);

enum webhook_outcome {
  WEBHOOK_DELIVERED,  /* 2xx */
  WEBHOOK_RETRY,      /* 5xx, 408, 429, a timeout, a connection error */
  WEBHOOK_GONE,       /* 410: the receiver asks for the endpoint to be disabled */
  WEBHOOK_REFUSED,    /* any other answer (a redirect, a 4xx): failed, not tried again */
};
/* What an answer means: status is the HTTP status, 0 when none came (transport_error). */
enum webhook_outcome webhook_classify(long status, bool transport_error);

/* The wait before try attempts+1 after attempts failed ones: min_ms doubled per failure, at
 * most max_ms, with half of it random (jitter: rnd is a random number). */
int64_t webhook_backoff_ms(int attempts, int64_t min_ms, int64_t max_ms, uint32_t rnd);

/* Checks a URL given for an endpoint: absolute, https (http only when allow_http), a host, no
 * user name or password, no fragment. On refusal writes why (plain words) and returns false. */
bool webhook_url_check(const char *url, bool allow_http, char *why, size_t why_len);
/* Whether an address (4 bytes IPv4, 16 bytes IPv6, network order) is private, loopback,
 * link-local, unspecified, multicast or otherwise not a public host's. */
bool webhook_address_internal(const unsigned char *addr, size_t len);

#endif
