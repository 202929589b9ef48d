/* attempt.h - one try of claimed outbox rows by a mail worker: each row's message built, sent
 * (SMTP, several in one round trip when the server allows, or the spool) and its outcome
 * decided by the retry rules (mail_retry.h); then counted and logged. Used by mailer.c. */
#ifndef ADVISORD_MAIL_ATTEMPT_H
#define ADVISORD_MAIL_ATTEMPT_H

#include "mail_retry.h"
#include "mail_transport.h"
#include "outcomes.h"
#include "store_outbox.h"

#include <stdatomic.h>

struct app;

/* What a try needs of the mailer (borrowed for the mailer's life). */
struct mail_try_env {
  struct app *app;
  const struct mail_smtp_settings *smtp; /* smtp->url NULL: the spool */
  const char *from;                      /* the envelope sender, a bare address */
  const atomic_bool *stop;               /* the workers' stop */
  const struct mail_retry_policy *policy;
};

/* One try of a row: what happened, and the outcome to record (f.id and f.error point into
 * the row and into d: valid while both are). */
struct attempt {
  struct finish_arg f;
  enum mail_class cls;
  int attempts;
  int64_t delay;
  struct mail_delivery d;
};

/* Tries row over conn (the worker's connection) and fills t. */
void attempt_deliver(const struct mail_try_env *e, struct mail_smtp_conn *conn,
                     const struct outbox_row *row, struct attempt *t);
/* Tries rows[0..n) over conn (SMTP only) with mail_smtp_send_many: one round trip for all
 * when the server allows; fills t[0..n), each from its own row's answers. */
void attempt_deliver_many(const struct mail_try_env *e, struct mail_smtp_conn *conn,
                          const struct outbox_row *rows, size_t n, struct attempt *t);
/* Counts t (metrics) and logs it (mail_sent at info, mail_retry, mail_failed; a row given back
 * untried, not counted: mail_abandoned at a stop, mail_not_sent when the call's time was up
 * before it was sent). */
void attempt_report(const struct outbox_row *row, const struct attempt *t);

#endif
