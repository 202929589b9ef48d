/* metrics.h - the server's counters for GET /metrics (Prometheus text format 0.0.4). Each is
 * bumped where the thing happens (a request completed, a connection opened or cut, a
 * transaction ran, an e-mail went out), lock-free (C11 atomics, relaxed) and without
 * allocating; metrics_render writes them all. Gauges that are database counts (the outbox,
 * collaborations by state) are read by the /metrics handler at scrape time instead. */
#ifndef ADVISORD_METRICS_H
#define ADVISORD_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Sets up the request counters for n routes; name(i, arg, &method, &pattern) gives route i's
 * labels, strings that must live as long as the process (the static route table). Before the
 * server starts; false when out of memory. Without it the request counters count nothing. */
bool metrics_init(size_t n, void (*name)(size_t i, void *arg, const char **method,
                                          const char **pattern), void *arg);

/* A request completed: route index (n, or SIZE_MAX for no route), status, time in µs. */
void metrics_request(size_t route, unsigned status, int64_t micros);
/* Requests completed since the start (the mailer paces itself by their rate: mail/pace.h). */
uint64_t metrics_requests_answered(void);

/* Connections: accepted, closed (each accepted one is closed once), and cut by the watchdog
 * with its reason ("head_timeout", "pressure", ...). */
void metrics_connection_opened(void);
void metrics_connection_closed(void);
void metrics_connection_cut(const char *reason);

/* How a store transaction ended: committed; rolled back because its work said so (nothing to
 * do, a conflict, a refusal); gave up on a database locked elsewhere; failed (an error). */
enum metrics_tx { METRICS_TX_ROLLED_BACK, METRICS_TX_COMMITTED, METRICS_TX_BUSY, METRICS_TX_ERROR };
/* A store transaction ended as its caller sees it: a write (else a read), and how. */
void metrics_store_tx(bool write, enum metrics_tx outcome);
/* Opening a transaction had to be tried again n times (the lock was held elsewhere). */
void metrics_store_retries(bool write, unsigned n);
/* The writer committed (or rolled back) one batch of writes (group commit). */
void metrics_store_batch(void);

/* One delivery attempt of an e-mail: "sent", "retry" (a temporary failure, tried again later)
 * or "failed" (given up). */
void metrics_mail(const char *outcome);

/* The mailer's circuit breaker (mail/breaker.h): it opened (the SMTP server unreachable) or
 * closed (a try reached it again); a probe, one worker's try while it is open. */
void metrics_mail_circuit(bool open);
void metrics_mail_probe(void);
/* The outcome of a try ("sent", "retry", "failed" or "released") found its row no longer held
 * with its claim's lease (the lease ran out and another claim took the row): a late 'sent' is
 * still recorded while the row is pending, the others change nothing (store_outbox.h). */
void metrics_mail_lease_lost(const char *outcome);

/* One delivery attempt of a webhook event: "delivered", "retry" (tried again later) or
 * "failed" (given up). */
void metrics_webhook(const char *outcome);

/* A failed guess was counted (bad bearer token, unknown invitation link, mismatching
 * acceptance), and one was answered 429 because its address must wait. */
void metrics_guess(bool refused);

/* Writes every counter above, with # HELP and # TYPE, and advisord_build_info. */
void metrics_render(FILE *out);

/* Writes "# HELP name help\n# TYPE name type\n" (for the scrape-time gauges). */
void metrics_family(FILE *out, const char *name, const char *type, const char *help);

#endif
