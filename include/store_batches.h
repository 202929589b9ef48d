/* store_batches.h - bulk activations (collab_batches, collab_batch_rows): the upload, its rows
 * and each row's result, the runner's claim on a batch (a lease; PostgreSQL: FOR UPDATE SKIP
 * LOCKED) and the count of batches a user made lately. Writes join the caller's transaction.
 * Records are plain structs with fixed buffers, except where a comment says otherwise. */
#ifndef ADVISORD_STORE_BATCHES_H
#define ADVISORD_STORE_BATCHES_H

#include <stdbool.h>
#include <stdint.h>

#include "store_identity.h"

#define BATCH_COLUMNS_LEN 1024 /* the uploaded column names as a JSON array */

struct batch {
  char id[STORE_ID_LEN];
  char office_id[STORE_ID_LEN];
  char created_by_id[STORE_ID_LEN];
  char created_by_email[STORE_EMAIL_LEN];
  char format[8];                   /* "csv" | "json" */
  char delimiter;                   /* ';' or ',' */
  char columns[BATCH_COLUMNS_LEN];  /* JSON array text */
  char state[12];                   /* "queued" | "running" | "done" */
  long rows_total;
  long invited, refused, pending;   /* filled by every read */
  char created_at[STORE_TIME_LEN];
  char finished_at[STORE_TIME_LEN]; /* "" until done */
};

/* A row as stored. The strings are borrowed (from the statement, or the caller's when
 * adding): valid during the call only. */
struct batch_row {
  long row_no;
  long line;                    /* 0: none (a JSON upload) */
  const char *cells;            /* JSON object text: column -> text */
  const char *outcome;          /* "pending" | "invited" | "refused" */
  const char *collaboration_id; /* "" or NULL: none */
  const char *problem_column;   /* "" or NULL: none */
  const char *problem;
};

/* Inserts b (office_id, created_by_id and _email, format, delimiter, columns, rows_total set)
 * as queued;
 * fills id, state and created_at. */
enum store_status store_batch_create(struct store_conn *c, struct batch *b);
/* Adds row r of batch_id (its outcome "pending", or "refused" with its problem). */
enum store_status store_batch_row_add(struct store_conn *c, const char *batch_id,
                                      const struct batch_row *r);
/* The batch id (of office_id; NULL: any office's), with its counts. */
enum store_status store_batch_get(struct store_conn *c, const char *office_id, const char *id,
                                  struct batch *out);
/* Calls fn for each row of batch_id in row order; fn returns false to stop. */
enum store_status store_batch_rows(struct store_conn *c, const char *batch_id,
                                   bool (*fn)(const struct batch_row *r, void *arg), void *arg);
/* The office's batches, newest first (created_at, id), after the cursor (after_at, after_id;
 * NULL: from the newest), at most limit; fn returns false to stop. */
enum store_status store_batches_list(struct store_conn *c, const char *office_id,
                                     const char *after_at, const char *after_id, int limit,
                                     bool (*fn)(const struct batch *b, void *arg), void *arg);
/* How many batches user_id made since the ISO time since, and the oldest one's created_at
 * into oldest (>= 32 bytes; "" when none). */
enum store_status store_batches_created_since(struct store_conn *c, const char *user_id,
                                              const char *since, long *count, char *oldest);

/* The id of the oldest open task (created_at, id) of office_id's customer_id named name
 * (exactly) into task_id (>= STORE_ID_LEN): the task a row names by name. NOT_FOUND: none. */
enum store_status store_batch_open_task(struct store_conn *c, const char *office_id,
                                        const char *customer_id, const char *name,
                                        char *task_id);

/* ---- the runner ---- */
/* Claims the oldest batch that is not done and that no runner holds (no lease, or a lease
 * that ended before now_ms): running, held until now_ms + lease_ms; its id into id.
 * NOT_FOUND: none. Two runners never claim the same batch at once. */
enum store_status store_batch_claim(struct store_conn *c, int64_t now_ms, int64_t lease_ms,
                                    char *id);
/* Holds batch id until until_ms (0: lets go of it, for another runner to claim at once). */
enum store_status store_batch_hold(struct store_conn *c, const char *id, int64_t until_ms);
/* The first pending row of batch_id: its number, line and cells (malloc'd into *cells; the
 * caller frees). NOT_FOUND: none left. */
enum store_status store_batch_next_pending(struct store_conn *c, const char *batch_id,
                                           long *row_no, long *line, char **cells);
/* Writes the result of a pending row: outcome "invited" with collaboration_id, or "refused"
 * with problem_column and problem. CONFLICT: the row is not pending any more (done before). */
enum store_status store_batch_row_finish(struct store_conn *c, const char *batch_id,
                                         long row_no, const char *outcome,
                                         const char *collaboration_id,
                                         const char *problem_column, const char *problem);
/* Marks batch id done (finished_at now, no lease). */
enum store_status store_batch_done(struct store_conn *c, const char *id);

#endif
