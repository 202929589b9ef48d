/* outcomes.h - the record of the mail workers' tries (sent, retry later, failed, given back).
 * An outcome is queued as soon as its try ends, without the worker waiting for its commit: the
 * worker goes on with its next e-mail while the store's writer commits it. Outcomes queued
 * while an earlier write of them is still waiting for its turn join that write, so the writer
 * runs one write for all the outcomes of the workers since its last batch, not one per e-mail.
 * The window in which a crash leaves a delivered e-mail unmarked (it is sent again, with its
 * Message-ID, after its lease) is as before: its outcome is in the writer's queue the moment
 * the try ends. An outcome whose write fails is written again by a worker (outcomes_rewrite),
 * a few times, before it is given up (the row is then tried again once its lease has run out:
 * a duplicate, not a loss). */
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

/* The mailer's outcomes in flight, shared by its workers (from outcomes_init to
 * outcomes_finish, which waits for every write queued). */
struct mail_outcomes {
  struct store *store;
  pthread_mutex_t mu;
  pthread_cond_t cond;
  struct outcome *pending; /* recorded, not yet taken by a write, newest first (under mu) */
  bool queued;             /* a write is queued that has not yet taken them (under mu) */
  unsigned inflight;       /* recorded, not yet committed nor failed (under mu) */
  struct outcome *failed;  /* their writes failed: written again by a worker (under mu) */
};

void outcomes_init(struct mail_outcomes *o, struct store *store);
/* Queues f's outcome (copied); returns without waiting for its commit. */
void outcomes_record(struct mail_outcomes *o, const struct finish_arg *f);
/* Writes again, waiting for each, the outcomes whose queued writes failed. */
void outcomes_rewrite(struct mail_outcomes *o);
/* Gives rows[0..n) back untouched, due at once, in one write (claimed as the stop began). */
void outcomes_release(struct mail_outcomes *o, const struct outbox_row *rows, size_t n);
/* Waits for every queued write, writes the failed ones again, and releases o's resources;
 * after the workers have ended. */
void outcomes_finish(struct mail_outcomes *o);

#endif
