/* outcomes.h - the record of the mail workers' tries (sent, retry later, failed, given back).
 * A worker does not wait for an outcome's commit: it goes on with its next e-mail while the
 * store's writer commits it. The outcome of a quick try is held until the next claim of any
 * worker, whose write takes every held outcome into its own transaction (a worker claims again
 * as soon as its claimed rows are tried, and flushes the held ones before it sleeps): in a
 * drain, one write for about four e-mails instead of one or more per e-mail. Other outcomes
 * are queued at once; outcomes queued while an earlier write of them is still waiting for its
 * turn join that write. A crash before the commit leaves a delivered e-mail unmarked, and it
 * is sent again, with its Message-ID, after its lease: for a held outcome (only of a try under
 * 50 ms; over SMTP any row's, with the spool only a claim's last row's) the window is longer
 * by the time until that worker's next claim or flush: the claim's other quick tries, a pace
 * pause under 50 ms, or at most about a second of a try that turned slow (its progress
 * function flushes them: mailer.c). An outcome whose write fails is written again by a worker
 * (outcomes_rewrite, at the top of its loop), a few times, before it is given up (the row is
 * then tried again once its lease has run out: a duplicate, not a loss). When every worker is
 * in a slow try as such a write fails (a store failure while the SMTP server is slow), the
 * rewrite waits for a try to end (at most two SMTP timeouts): a row's lease may run out first,
 * and another instance may then send it again (a duplicate, not a loss). */
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
  int64_t rowid; /* the claimed row's outbox_row.rowid (0: not known): a 'sent' is written on it */
  int64_t lease; /* the claimed row's outbox_row.lease: written only while the row still
                    carries it (store_outbox.h, "Leases"; a late 'sent' while it is pending) */
  enum mail_decision decision;
  int64_t next_at;
  const char *error;
  bool release; /* give the row back untouched, due at next_at (a try abandoned at a stop, or a
                 * message never put on the wire: attempt.c) */
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
/* Like outcomes_record, but no write is queued for it: it waits, with the other workers'
 * held ones, for the next claim of any worker (outcomes_carry_write) or outcomes_flush. For a
 * worker that claims or flushes soon: after its claim's other quick tries, or as soon as one
 * of them turns slow. */
void outcomes_hold(struct mail_outcomes *o, const struct finish_arg *f);
/* Queues a write for the held outcomes, unless none is held (before a worker sleeps). */
void outcomes_flush(struct mail_outcomes *o);

/* A write of the caller's own (a claim) that writes the held outcomes too: zero-initialise it
 * with o, call outcomes_carry_write inside the write's transaction (each time it is run) and
 * outcomes_carry_done with the write's status after it; on the caller's stack. */
struct outcomes_carry {
  struct mail_outcomes *o;
  bool started;          /* taken is set (an engine may run the write again: not again) */
  struct outcome *taken; /* what it writes */
};
enum store_status outcomes_carry_write(struct outcomes_carry *k, struct store_conn *c);
void outcomes_carry_done(struct outcomes_carry *k, enum store_status status);

/* Writes the held ones, waits for every queued write, writes the failed ones again and
 * releases o's resources; after the workers have ended. */
void outcomes_finish(struct mail_outcomes *o);

#endif
