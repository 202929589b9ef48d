/* batch_internal.h - what the batch use cases share (src/service/batch_*.c): one row's work
 * inside a write transaction (batch_row.c), used by the dry run (rolled back) and by the
 * runner (committed with the row's result). */
#ifndef ADVISORD_SERVICE_BATCH_INTERNAL_H
#define ADVISORD_SERVICE_BATCH_INTERNAL_H

#include "collab_internal.h"
#include "service/batches.h"

/* One row in progress. The caller sets app, caller and cells; the rest is the outcome. */
struct batch_work {
  const struct app *app;
  const struct principal *caller;
  json_t *cells;                 /* column -> text (borrowed) */
  /* outcome of the last attempt */
  struct start s;                /* the activation: s.co is the collaboration when not refused */
  bool refused;
  char problem_column[40];
  char problem[BATCH_PROBLEM_LEN];
  bool customer_added, task_added;
  const char *change;            /* "new" | "same" | "upgrade" | "downgrade" (static) */
};

/* Does the row inside c: STORE_OK with w->s.co made (nothing committed yet), STORE_ABORT with
 * w->refused and the problem set (roll back), or the store's failure. Restartable. */
enum store_status batch_work_row(struct store_conn *c, struct batch_work *w);
/* The row's problem (column and words) from a refusal of one of its steps. */
void batch_work_refusal(struct batch_work *w, const struct refusal *rf);
/* 1, 2 or 3: the way of an office's activation. */
int batch_way_number(enum collab_way way);

#endif
