/* service/batches.h - bulk activation: an office user uploads many rows (api/ read them from a
 * CSV file or a JSON array and checked their shape); a dry run answers what each row would
 * do and writes nothing; a real run stores the batch and its rows, and a runner thread
 * (batch_runner_start) activates each row in a transaction of its own that writes the row's
 * result too, going on after a restart with the rows still pending. Strings in the inputs are
 * borrowed for the call. */
#ifndef ADVISORD_SERVICE_BATCHES_H
#define ADVISORD_SERVICE_BATCHES_H

#include <jansson.h>
#include <stdbool.h>

#include "app.h"
#include "principal.h"
#include "service/refusal.h"
#include "store_batches.h"

#define BATCH_MAX_ROWS 1000
#define BATCH_PROBLEM_LEN 700

/* One row of an upload: its cells (column -> text, only those not empty; borrowed) and, when
 * its shape was already refused (api/ checked it, or a repeated corporate_id), the column and
 * the words. */
struct batch_row_up {
  long row_no;            /* 1-based */
  long line;              /* the CSV line it starts on; 0 for JSON */
  json_t *cells;
  const char *problem_column; /* NULL: not refused yet */
  const char *problem;
};

struct batch_upload {
  const struct principal *caller; /* an office user with full rights */
  const char *format;             /* "csv" | "json" */
  char delimiter;                 /* of the CSV answer: the upload's (JSON: ',') */
  json_t *columns;                /* the uploaded column names in order (borrowed) */
  size_t n_rows;
  struct batch_row_up *rows;
};

/* What a dry run says of one row. */
struct batch_verdict {
  bool ok;
  int way;                        /* 1, 2 or 3 (ok) */
  char variant[16];               /* ok: the variant proposed */
  const char *change;             /* ok: "new" (no subscription), "same", "upgrade" (static) */
  bool customer_added, task_added;
  char problem_column[40];        /* refused */
  char problem[BATCH_PROBLEM_LEN];
};

/* True when p may upload a batch (an office user with full rights); else refuses rf (403, in
 * words). */
bool batch_may_upload(const struct principal *p, struct refusal *rf);

/* Checks the upload as a real run would (every row activated in a transaction that is rolled
 * back), into verdicts (n_rows of them, the caller's). Only batch_may_upload refuses it: a dry
 * run counts against no cap. */
enum store_status batch_dry_run(const struct app *app, const struct batch_upload *up,
                                struct batch_verdict *verdicts, struct refusal *rf);

/* Called inside the submitting transaction with the new batch (api/ keeps its 202 for a
 * replay of the Idempotency-Key). Must be restartable. */
typedef enum store_status (*batch_created_fn)(struct store_conn *c, const struct batch *b,
                                              void *arg);
/* Stores the batch (queued) and its rows, and wakes the runner. Refused (429, retry_after set)
 * when the caller uploaded --batch-create-limit batches in the last hour, or started
 * --collaboration-create-limit collaborations, office invitations and batches. */
enum store_status batch_submit(const struct app *app, const struct batch_upload *up,
                               batch_created_fn created, void *created_arg, struct batch *out,
                               struct refusal *rf);

/* The caller's office's batch id into out, then each of its rows to fn (may be NULL; out is
 * filled before its first call, so fn may read it through arg), all in one snapshot; 404
 * refusal for another office's or no batch. */
enum store_status batch_read(const struct app *app, const struct principal *caller,
                             const char *id, struct batch *out,
                             bool (*fn)(const struct batch_row *r, void *arg), void *arg,
                             struct refusal *rf);
/* The caller's office's batches, newest first, after the cursor (NULL: the first page). */
enum store_status batch_page(const struct app *app, const struct principal *caller,
                             const char *after_at, const char *after_id, int limit,
                             bool (*fn)(const struct batch *b, void *arg), void *arg);

/* ---- the runner ---- */
struct batch_runner;
/* Starts the runner thread; NULL when it cannot (logged). Stop with batch_runner_stop. */
struct batch_runner *batch_runner_start(struct app *app);
/* Wakes it (a batch was stored); NULL is fine. */
void batch_runner_wake(struct batch_runner *r);
/* Stops it between two rows (the batch is let go of, for the next start) and frees it; NULL
 * is fine. */
void batch_runner_stop(struct batch_runner *r);

#endif
