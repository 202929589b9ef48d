/* outcomes.h - a mail worker's record of its tries' outcomes (sent, retry later, failed, given
 * back). Each outcome is queued as its own write as soon as the try ends (store_write_async),
 * without the worker waiting for its commit: the worker goes on with its next e-mail while the
 * store's writer commits the outcome, together with whatever else is queued. The window in
 * which a crash leaves a delivered e-mail unmarked (it is sent again, with its Message-ID, after
 * its lease) is the same as when the worker waited. An outcome whose write fails is written
 * again by the worker itself (outcomes_rewrite), a few times, before it is given up (the row
 * is then tried again once its lease has run out: a duplicate, not a loss). */
#ifndef ADVISORD_MAIL_OUTCOMES_H
#define ADVISORD_MAIL_OUTCOMES_H

#include "mail_retry.h"
#include "store.h"
#include "store_outbox.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct finish_arg {
  const char *id;
  enum mail_decision decision;
  int64_t next_at;
  const char *error;
  bool release; /* give the row back untouched, due at next_at (a try abandoned at a stop) */
};

struct outcome;

/* One worker's outcomes in flight; lives on the worker's stack (from outcomes_init to
 * outcomes_finish, which waits for every write it queued). */
struct mail_outcomes {
  struct store *store;
  pthread_mutex_t mu;
  pthread_cond_t cond;
  unsigned inflight;       /* queued, not yet committed (under mu) */
  struct outcome *failed;  /* their writes failed: written again by the worker (under mu) */
};

void outcomes_init(struct mail_outcomes *o, struct store *store);
/* Queues f's outcome (copied) as a write of its own; returns at once. */
void outcomes_record(struct mail_outcomes *o, const struct finish_arg *f);
/* Writes again, waiting for each, the outcomes whose queued writes failed. */
void outcomes_rewrite(struct mail_outcomes *o);
/* Gives rows[0..n) back untouched, due at once, in one write (claimed as the stop began). */
void outcomes_release(struct mail_outcomes *o, const struct outbox_row *rows, size_t n);
/* Waits for every queued write, writes the failed ones again, and releases o's resources. */
void outcomes_finish(struct mail_outcomes *o);

#endif
