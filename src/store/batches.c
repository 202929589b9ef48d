/* batches.c - SQL for bulk activations: a batch, its rows and their results, the runner's
 * lease on a batch. */
#include "db.h"
#include "store_batches.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_COLS                                                                            \
  "b.id, b.office_id, b.created_by_id, b.created_by_email, b.format, b.delimiter, b.columns, " \
  "b.state, b.rows_total, b.created_at, coalesce(b.finished_at, ''), "                         \
  "(SELECT count(*) FROM collab_batch_rows r WHERE r.batch_id = b.id AND "                     \
  "r.outcome = 'invited'), "                                                                   \
  "(SELECT count(*) FROM collab_batch_rows r WHERE r.batch_id = b.id AND "                     \
  "r.outcome = 'refused') "

static void read_batch(struct db_stmt *s, struct batch *b)
{
  memset(b, 0, sizeof *b);
  db_col_text(s, 0, b->id, sizeof b->id);
  db_col_text(s, 1, b->office_id, sizeof b->office_id);
  db_col_text(s, 2, b->created_by_id, sizeof b->created_by_id);
  db_col_text(s, 3, b->created_by_email, sizeof b->created_by_email);
  db_col_text(s, 4, b->format, sizeof b->format);
  const char *d = db_col_str(s, 5);
  b->delimiter = d && d[0] ? d[0] : ',';
  db_col_text(s, 6, b->columns, sizeof b->columns);
  db_col_text(s, 7, b->state, sizeof b->state);
  b->rows_total = (long)db_col_int64(s, 8);
  db_col_text(s, 9, b->created_at, sizeof b->created_at);
  db_col_text(s, 10, b->finished_at, sizeof b->finished_at);
  b->invited = (long)db_col_int64(s, 11);
  b->refused = (long)db_col_int64(s, 12);
  b->pending = b->rows_total - b->invited - b->refused;
}

enum store_status store_batch_create(struct store_conn *c, struct batch *b)
{
  struct db_stmt *s = db_stmt(
      c, "INSERT INTO collab_batches (id, office_id, created_by_id, created_by_email, format, "
         "delimiter, columns, state, rows_total, created_ms, created_at) VALUES (:id, :office, "
         ":by, :email, :format, :delim, :columns, 'queued', :total, :ms, :at)");
  if (!s)
    return STORE_ERROR;
  util_uuid(b->id);
  util_now_iso8601(b->created_at, sizeof b->created_at);
  snprintf(b->state, sizeof b->state, "queued");
  char delim[2] = {b->delimiter, '\0'};
  db_bind_text(s, ":id", b->id);
  db_bind_text(s, ":office", b->office_id);
  db_bind_text(s, ":by", b->created_by_id);
  db_bind_text(s, ":email", b->created_by_email);
  db_bind_text(s, ":format", b->format);
  db_bind_text(s, ":delim", delim);
  db_bind_text(s, ":columns", b->columns);
  db_bind_int(s, ":total", b->rows_total);
  db_bind_int(s, ":ms", util_now_ms());
  db_bind_text(s, ":at", b->created_at);
  return db_exec_stmt(c, s);
}

enum store_status store_batch_row_add(struct store_conn *c, const char *batch_id,
                                      const struct batch_row *r)
{
  struct db_stmt *s = db_stmt(
      c, "INSERT INTO collab_batch_rows (batch_id, row_no, line, cells, outcome, "
         "problem_column, problem) VALUES (:batch, :row, :line, :cells, :outcome, :column, "
         ":problem)");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":batch", batch_id);
  db_bind_int(s, ":row", r->row_no);
  if (r->line > 0)
    db_bind_int(s, ":line", r->line);
  else
    db_bind_null(s, ":line");
  db_bind_text(s, ":cells", r->cells);
  db_bind_text(s, ":outcome", r->outcome);
  db_bind_text(s, ":column", db_opt_text(r->problem_column));
  db_bind_text(s, ":problem", db_opt_text(r->problem));
  return db_exec_stmt(c, s);
}

enum store_status store_batch_get(struct store_conn *c, const char *office_id, const char *id,
                                  struct batch *out)
{
  struct db_stmt *s = db_stmt(c, "SELECT " BATCH_COLS "FROM collab_batches b WHERE b.id = :id "
                                 "AND (:office IS NULL OR b.office_id = :office)");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", id);
  db_bind_text(s, ":office", office_id);
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK)
    read_batch(s, out);
  db_reset(s);
  return st;
}

enum store_status store_batch_rows(struct store_conn *c, const char *batch_id,
                                   bool (*fn)(const struct batch_row *r, void *arg), void *arg)
{
  struct db_stmt *s = db_stmt(
      c, "SELECT row_no, coalesce(line, 0), cells, outcome, coalesce(collaboration_id, ''), "
         "coalesce(problem_column, ''), coalesce(problem, '') FROM collab_batch_rows "
         "WHERE batch_id = :batch ORDER BY row_no");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":batch", batch_id);
  enum store_status st;
  while ((st = db_step_row(c, s)) == STORE_OK) {
    struct batch_row r = {
        .row_no = (long)db_col_int64(s, 0),
        .line = (long)db_col_int64(s, 1),
        .cells = db_col_str(s, 2),
        .outcome = db_col_str(s, 3),
        .collaboration_id = db_col_str(s, 4),
        .problem_column = db_col_str(s, 5),
        .problem = db_col_str(s, 6),
    };
    if (!fn(&r, arg))
      break;
  }
  db_reset(s);
  return st == STORE_ERROR ? st : STORE_OK;
}

enum store_status store_batches_list(struct store_conn *c, const char *office_id,
                                     const char *after_at, const char *after_id, int limit,
                                     bool (*fn)(const struct batch *b, void *arg), void *arg)
{
  struct db_stmt *s = db_stmt(
      c, "SELECT " BATCH_COLS "FROM collab_batches b WHERE b.office_id = :office AND "
         "(:after_at IS NULL OR b.created_at < :after_at OR (b.created_at = :after_at AND "
         "b.id < :after_id)) ORDER BY b.created_at DESC, b.id DESC LIMIT :limit");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":office", office_id);
  db_bind_text(s, ":after_at", after_at);
  db_bind_text(s, ":after_id", after_id ? after_id : "");
  db_bind_int(s, ":limit", limit);
  struct batch *b = malloc(sizeof *b);
  if (!b) {
    db_reset(s);
    return STORE_ERROR;
  }
  enum store_status st;
  while ((st = db_step_row(c, s)) == STORE_OK) {
    read_batch(s, b);
    if (!fn(b, arg))
      break;
  }
  db_reset(s);
  free(b);
  return st == STORE_ERROR ? st : STORE_OK;
}

enum store_status store_batches_created_since(struct store_conn *c, const char *user_id,
                                              const char *since, long *count, char *oldest)
{
  struct db_stmt *s = db_stmt(c, "SELECT count(*), coalesce(min(created_at), '') FROM "
                                 "collab_batches WHERE created_by_id = :by AND "
                                 "created_at >= :since");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":by", user_id);
  db_bind_text(s, ":since", since);
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK) {
    *count = (long)db_col_int64(s, 0);
    db_col_text(s, 1, oldest, 32);
  }
  db_reset(s);
  return st;
}

enum store_status store_batch_open_task(struct store_conn *c, const char *office_id,
                                        const char *customer_id, const char *name,
                                        char *task_id)
{
  /* the plan: tasks_by_customer (customer_id, created_at, id), in order, no sort */
  struct db_stmt *s = db_stmt(c, "SELECT id FROM tasks WHERE customer_id = :customer AND "
                                 "office_id = :office AND status = 'open' AND name = :name "
                                 "ORDER BY created_at, id LIMIT 1");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":customer", customer_id);
  db_bind_text(s, ":office", office_id);
  db_bind_text(s, ":name", name);
  return db_first_text(c, s, task_id, STORE_ID_LEN);
}

/* The claim is one statement on each engine, the batch it picks written once: on PostgreSQL
 * two servers claim at once, so the pick locks the batch and skips one another claim holds;
 * SQLite has one writer at a time. */
#define CLAIM_SET "SET state = 'running', lease_until_ms = :until "
/* The states not done named (not "state <> 'done'"), so that the pick searches
 * collab_batches_open for them instead of reading every batch ever uploaded (they are kept) at
 * each poll; the sort is of the open batches only. test_store_plans checks the plan. */
#define CLAIM_PICK                                                                            \
  "SELECT id AS pick_id FROM collab_batches WHERE (state = 'queued' OR state = 'running') "   \
  "AND (lease_until_ms IS NULL OR lease_until_ms < :now) ORDER BY created_ms, id LIMIT 1"
#define CLAIM_SQLITE "UPDATE collab_batches " CLAIM_SET "WHERE id = (" CLAIM_PICK ") RETURNING id"
#define CLAIM_PG                                                                              \
  "WITH pick AS (" CLAIM_PICK " FOR UPDATE SKIP LOCKED) UPDATE collab_batches " CLAIM_SET     \
  "FROM pick WHERE id = pick_id RETURNING id"

enum store_status store_batch_claim(struct store_conn *c, int64_t now_ms, int64_t lease_ms,
                                    char *id)
{
  struct db_stmt *s = db_stmt(c, db_dialect(c) == DB_PG ? CLAIM_PG : CLAIM_SQLITE);
  if (!s)
    return STORE_ERROR;
  db_bind_int(s, ":now", now_ms);
  db_bind_int(s, ":until", now_ms + lease_ms);
  return db_first_text(c, s, id, STORE_ID_LEN); /* the claimed batch (RETURNING) */
}

enum store_status store_batch_hold(struct store_conn *c, const char *id, int64_t until_ms)
{
  struct db_stmt *s =
      db_stmt(c, "UPDATE collab_batches SET lease_until_ms = :until WHERE id = :id");
  if (!s)
    return STORE_ERROR;
  if (until_ms > 0)
    db_bind_int(s, ":until", until_ms);
  else
    db_bind_null(s, ":until");
  db_bind_text(s, ":id", id);
  return db_exec_stmt(c, s);
}

enum store_status store_batch_next_pending(struct store_conn *c, const char *batch_id,
                                           long *row_no, long *line, char **cells)
{
  struct db_stmt *s = db_stmt(c, "SELECT row_no, coalesce(line, 0), cells FROM "
                                 "collab_batch_rows WHERE batch_id = :batch AND "
                                 "outcome = 'pending' ORDER BY row_no LIMIT 1");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":batch", batch_id);
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK) {
    *row_no = (long)db_col_int64(s, 0);
    *line = (long)db_col_int64(s, 1);
    const char *text = db_col_str(s, 2);
    *cells = strdup(text ? text : "{}");
    if (!*cells)
      st = STORE_ERROR;
  }
  db_reset(s);
  return st;
}

enum store_status store_batch_row_finish(struct store_conn *c, const char *batch_id,
                                         long row_no, const char *outcome,
                                         const char *collaboration_id,
                                         const char *problem_column, const char *problem)
{
  struct db_stmt *s = db_stmt(
      c, "UPDATE collab_batch_rows SET outcome = :outcome, collaboration_id = :collab, "
         "problem_column = :column, problem = :problem WHERE batch_id = :batch AND "
         "row_no = :row AND outcome = 'pending'");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":outcome", outcome);
  db_bind_text(s, ":collab", db_opt_text(collaboration_id));
  db_bind_text(s, ":column", db_opt_text(problem_column));
  db_bind_text(s, ":problem", db_opt_text(problem));
  db_bind_text(s, ":batch", batch_id);
  db_bind_int(s, ":row", row_no);
  enum store_status st = db_exec_stmt(c, s);
  if (st == STORE_OK && db_changes(c) != 1)
    st = STORE_CONFLICT;
  return st;
}

enum store_status store_batch_done(struct store_conn *c, const char *id)
{
  struct db_stmt *s = db_stmt(c, "UPDATE collab_batches SET state = 'done', finished_at = :at, "
                                 "lease_until_ms = NULL WHERE id = :id AND state <> 'done'");
  if (!s)
    return STORE_ERROR;
  char now[STORE_TIME_LEN];
  util_now_iso8601(now, sizeof now);
  db_bind_text(s, ":at", now);
  db_bind_text(s, ":id", id);
  return db_exec_stmt(c, s);
}
