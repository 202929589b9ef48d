/* breaker.h - the mailer's circuit breaker: when the SMTP server cannot be reached (connection
 * refused, no route, a connect or greeting that times out: mail_retry_unreachable), every
 * e-mail's try fails alike, each one costing a connection attempt, a failed outcome's write on
 * the store's writer and, under the POST load, ~80 us of the mailer's CPU (bench/HISTORY.md,
 * fourteenth step). After BREAKER_FAILURES tries in a row that reached no server the breaker
 * opens: the workers stop claiming (the rows stay pending and due, their attempts untouched: a
 * try not made is no failure) and pause; one worker at a time probes, claiming one row and
 * trying it, first BREAKER_FIRST_MS after the opening, then after twice the pause before, at
 * most BREAKER_LONGEST_MS (or --mail-retry-max when shorter, so that no e-mail waits longer
 * than its retry rules would). A probe's failure is that row's failed try, counted and
 * scheduled as retry.c says; the first try that reaches the server (delivered or refused with
 * an answer) closes the breaker and every worker claims again. Shared by the workers of one
 * mailer; pure but for its mutex (times are passed in, util_mono_ms) and mail_breaker_note. */
#ifndef ADVISORD_MAIL_BREAKER_H
#define ADVISORD_MAIL_BREAKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define BREAKER_FAILURES 4        /* tries in a row that reached no server: it opens */
#define BREAKER_FIRST_MS 500      /* the first pause before a probe */
#define BREAKER_LONGEST_MS 60000  /* the longest (doubled after each failed probe) */

struct mail_breaker {
  pthread_mutex_t mu;
  unsigned failures;   /* tries in a row that reached no server */
  bool open;
  bool probing;        /* while open: a worker's probe is under way */
  int64_t opened_at;   /* while open: when it opened (ms) */
  int64_t probe_at;    /* while open: when the next probe may begin (ms) */
  int64_t pause_ms;    /* while open: the pause before that probe */
  int64_t longest_ms;  /* the longest pause */
};

/* What a report changed (for the log and the metrics). */
enum mail_breaker_change { BREAKER_SAME, BREAKER_OPENED, BREAKER_CLOSED };
/* What a try showed of the server. */
enum mail_breaker_seen { BREAKER_REACHED, BREAKER_UNREACHED, BREAKER_NOTHING };

/* What one SMTP try (mail_delivery's codes) showed: no answer from the server at all and a
 * transport failure (refused, unreachable, timed out before a greeting) is UNREACHED; any
 * answer (delivered, refused with a reply code, not SMTP or out of step) REACHED; an unusable
 * address (not sent) NOTHING. */
enum mail_breaker_seen mail_breaker_seen_of(int curl_code, long smtp_code);
/* retry_max_ms: --mail-retry-max; the pause never grows beyond it. */
void mail_breaker_init(struct mail_breaker *b, int64_t retry_max_ms);
void mail_breaker_destroy(struct mail_breaker *b);
/* Before a worker claims, at now: 0 when it may (*probe false: closed; *probe true: open, and
 * this worker probes: it claims one row, tries it and reports it, or calls
 * mail_breaker_no_probe when it claims none); else how many ms until the next probe may begin
 * (or, while one is under way, until it can have ended), when the worker asks again. */
int64_t mail_breaker_ask(struct mail_breaker *b, int64_t now, bool *probe);
/* Whether a worker may try the next row it claimed before the breaker opened (false: it gives
 * them back untouched). */
bool mail_breaker_closed(struct mail_breaker *b);
/* After a try at now: what it showed; probe: it was this worker's probe. */
enum mail_breaker_change mail_breaker_report(struct mail_breaker *b, int64_t now,
                                             enum mail_breaker_seen seen, bool probe);
/* mail_breaker_report at util_mono_ms, and what changed logged (mail_paused with the try's
 * detail, mail_resumed) and counted (metrics_mail_circuit). */
void mail_breaker_note(struct mail_breaker *b, enum mail_breaker_seen seen, bool probe,
                       const char *detail);
/* A probe that tried nothing (nothing was due, the stop): the next worker to ask probes. */
void mail_breaker_no_probe(struct mail_breaker *b);
/* While open: ms since it opened (0 when closed). */
int64_t mail_breaker_open_ms(struct mail_breaker *b, int64_t now);

#endif
