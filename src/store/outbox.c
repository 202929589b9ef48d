/* outbox.c - SQL of the mail outbox after enqueueing: the mailer's claim (on PostgreSQL:
 * outbox_claim_pg.c; its outcomes: outbox_outcomes.c) and support's list, get and retry (see
 * store_outbox.h). */
#include "db.h"
#include "outbox_sql.h"
#include "store_outbox.h"
#include "util.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

void outbox_read_row(struct db_stmt *s, struct outbox_row *r)
{
  memset(r, 0, sizeof *r);
  db_col_text(s, 0, r->id, sizeof r->id);
  /* not stored (migration 0065): the same on every try, and recognisable after a crash */
  snprintf(r->message_id, sizeof r->message_id, "<%s@advisord>", r->id);
  db_col_text(s, 1, r->recipient, sizeof r->recipient);
  db_col_text(s, 2, r->template_name, sizeof r->template_name);
  db_col_text(s, 3, r->language, sizeof r->language);
  db_col_text(s, 4, r->collaboration_id, sizeof r->collaboration_id);
  db_col_text(s, 5, r->status, sizeof r->status);
  r->attempts = db_col_int(s, 6);
  r->next_attempt_at = db_col_int64(s, 7);
  r->in_flight = db_col_int64(s, 8) > util_now_ms();
  db_col_text(s, 9, r->last_error, sizeof r->last_error);
  db_col_text(s, 10, r->created_at, sizeof r->created_at);
  db_col_text(s, 11, r->updated_at, sizeof r->updated_at);
  db_col_text(s, 12, r->sent_at, sizeof r->sent_at);
}

void outbox_row_clear(struct outbox_row *r)
{
  free(r->data);
  r->data = NULL;
}

enum store_status store_outbox_claim(struct store_conn *c, int64_t now_ms, int64_t lease_ms,
                                     struct outbox_row *out, bool *more)
{
  size_t n;
  return store_outbox_claim_many(c, now_ms, lease_ms, 0, out, 1, &n, more);
}

/* Leases the row just read into out (SQLite), on its rowid, until until_ms, or old_lease + 1
 * if that is later (old_lease: the row's lease before, 0 when none; a re-claim always raises
 * it: store_outbox.h, "Leases"); lost_try: its earlier lease ran out (the try it was held for
 * is counted). By rowid, the row is found on the table's own b-tree, without a search of the
 * id's index first: 33,200 -> 30,400 instructions a row of a claim of four (callgrind,
 * bench/HISTORY.md, eleventh step). */
static enum store_status lease_sqlite(struct store_conn *c, struct outbox_row *out,
                                      int64_t until_ms, int64_t old_lease)
{
  struct db_stmt *u = db_stmt(
      c, "UPDATE outbox SET leased_until = :until, next_attempt_at = :until, "
         "attempts = attempts + CASE WHEN leased_until IS NOT NULL THEN 1 ELSE 0 END, "
         "last_error = CASE WHEN leased_until IS NOT NULL THEN :lost ELSE last_error END "
         "WHERE rowid = :rowid");
  if (!u)
    return STORE_ERROR;
  if (old_lease != 0 && until_ms <= old_lease)
    until_ms = old_lease + 1;
  db_bind_int(u, ":until", until_ms);
  db_bind_text_kept(u, ":lost", OUTBOX_LOST_TRY);
  db_bind_int(u, ":rowid", out->rowid);
  enum store_status st = db_exec_stmt(c, u);
  out->lease = until_ms;
  if (st == STORE_OK && old_lease != 0) {
    out->attempts++;
    snprintf(out->last_error, sizeof out->last_error, "%s", OUTBOX_LOST_TRY);
  }
  return st;
}

enum store_status store_outbox_claim_many(struct store_conn *c, int64_t now_ms, int64_t lease_ms,
                                          int64_t step_ms, struct outbox_row *out, size_t max,
                                          size_t *n, bool *more)
{
  bool more_dummy;
  if (!more)
    more = &more_dummy;
  *more = false;
  *n = 0;
  if (db_dialect(c) == DB_PG)
    return outbox_claim_pg(c, now_ms, lease_ms, step_ms, out,
                           max < OUTBOX_CLAIM_MAX ? max : OUTBOX_CLAIM_MAX, n, more);
  /* SQLite: one writer at a time, so reading the rows and then leasing them cannot race */
  struct db_stmt *s = db_stmt(c, "SELECT " OUTBOX_ROW_COLS ", data, rowid FROM outbox "
                               "WHERE status = 'pending' AND next_attempt_at <= :now "
                               "ORDER BY next_attempt_at, created_at LIMIT :lim");
  if (!s)
    return STORE_ERROR;
  db_bind_int(s, ":now", now_ms);
  db_bind_int(s, ":lim", (int64_t)max + 1);
  int64_t old[OUTBOX_CLAIM_MAX]; /* each row's lease before (0: none) */
  enum store_status st = STORE_NOT_FOUND;
  while (*n < max && *n < OUTBOX_CLAIM_MAX && (st = db_step_row(c, s)) == STORE_OK) {
    struct outbox_row *r = &out[*n];
    outbox_read_row(s, r);
    /* every outcome clears the lease: a due row still leased was held by a mailer that died
     * before recording its try (which may have been delivered): count that try now */
    old[*n] = db_col_int64(s, 8);
    r->rowid = db_col_int64(s, OUTBOX_ROW_NCOLS + 1);
    const char *data = db_col_str(s, OUTBOX_ROW_NCOLS);
    r->data = strdup(data ? data : "{}");
    ++*n;
    if (!r->data) {
      st = STORE_ERROR;
      break;
    }
  }
  if (st != STORE_OK && st != STORE_NOT_FOUND) {
    db_reset(s);
    for (size_t i = 0; i < *n; i++)
      outbox_row_clear(&out[i]);
    *n = 0;
    return st;
  }
  if (*n == 0) {
    db_reset(s);
    return STORE_NOT_FOUND;
  }
  /* the rows ran out (NOT_FOUND), or one more than taken is due: its columns are not read */
  *more = st == STORE_OK && db_step_row(c, s) == STORE_OK;
  db_reset(s);
  st = STORE_OK;
  for (size_t i = 0; i < *n && st == STORE_OK; i++) /* the i-th is tried after i others */
    st = lease_sqlite(c, &out[i], now_ms + lease_ms + (int64_t)i * step_ms, old[i]);
  if (st != STORE_OK) {
    for (size_t i = 0; i < *n; i++)
      outbox_row_clear(&out[i]);
    *n = 0;
  }
  return st;
}

enum store_status store_outbox_next_due(struct store_conn *c, int64_t *due_ms)
{
  struct db_stmt *s =
      db_stmt(c, "SELECT min(next_attempt_at) FROM outbox WHERE status = 'pending'");
  if (!s)
    return STORE_ERROR;
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK) {
    if (db_col_null(s, 0))
      st = STORE_NOT_FOUND;
    else
      *due_ms = db_col_int64(s, 0);
  }
  db_reset(s);
  return st;
}

/* Steps s into out[0..max), reading one more row only to learn whether there are more. */
static enum store_status collect(struct store_conn *c, struct db_stmt *s, struct outbox_row *out,
                                 size_t max, size_t *n, bool *more)
{
  enum store_status st;
  *n = 0;
  *more = false;
  while ((st = db_step_row(c, s)) == STORE_OK) {
    if (*n == max) {
      *more = true;
      break;
    }
    outbox_read_row(s, &out[(*n)++]);
  }
  db_reset(s);
  return st == STORE_NOT_FOUND || st == STORE_OK ? STORE_OK : st;
}

enum store_status store_outbox_list(struct store_conn *c, const char *status,
                                    const char *after_id, struct outbox_row *out, size_t max,
                                    size_t *n, bool *more)
{
  char after_created[40] = "";
  if (after_id) {
    struct db_stmt *a = db_stmt(c, "SELECT created_at FROM outbox WHERE id = :id");
    if (!a)
      return STORE_ERROR;
    db_bind_text(a, ":id", after_id);
    enum store_status st = db_step_row(c, a);
    if (st != STORE_OK)
      return st;
    db_col_text(a, 0, after_created, sizeof after_created);
    db_reset(a);
  }
  struct db_stmt *s;
  /* pending or failed: on the small index of the rows not sent; sent (nearly every row): on
   * outbox_by_created, as all of them */
  if (status && strcmp(status, "sent") != 0)
    s = db_stmt(c, "SELECT " OUTBOX_ROW_COLS " FROM outbox WHERE " OUTBOX_UNSENT " AND "
                   "status = :status AND "
                   "(:after IS NULL OR created_at < :after OR (created_at = :after AND id < :id)) "
                   "ORDER BY created_at DESC, id DESC LIMIT :lim");
  else if (status)
    s = db_stmt(c, "SELECT " OUTBOX_ROW_COLS " FROM outbox WHERE status = :status AND "
                   "(:after IS NULL OR created_at < :after OR (created_at = :after AND id < :id)) "
                   "ORDER BY created_at DESC, id DESC LIMIT :lim");
  else
    s = db_stmt(c, "SELECT " OUTBOX_ROW_COLS " FROM outbox WHERE "
                   "(:after IS NULL OR created_at < :after OR (created_at = :after AND id < :id)) "
                   "ORDER BY created_at DESC, id DESC LIMIT :lim");
  if (!s)
    return STORE_ERROR;
  if (status)
    db_bind_text(s, ":status", status);
  db_bind_text(s, ":after", after_id ? after_created : NULL);
  db_bind_text(s, ":id", after_id);
  db_bind_int(s, ":lim", (int64_t)max + 1);
  return collect(c, s, out, max, n, more);
}

enum store_status store_outbox_get(struct store_conn *c, const char *id, struct outbox_row *out)
{
  struct db_stmt *s = db_stmt(c, "SELECT " OUTBOX_ROW_COLS " FROM outbox WHERE id = :id");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", id);
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK)
    outbox_read_row(s, out);
  db_reset(s);
  return st;
}

enum store_status store_outbox_retry(struct store_conn *c, const char *id,
                                     const char *recipient, int64_t now_ms,
                                     struct outbox_row *out)
{
  char now[40];
  util_now_iso8601(now, sizeof now);
  struct db_stmt *s = db_stmt(c, "UPDATE outbox SET status = 'pending', next_attempt_at = :due, "
                               "leased_until = NULL, updated_at = :now, "
                               "recipient = coalesce(:to, recipient) "
                               "WHERE id = :id AND status = 'failed'");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":to", recipient);
  db_bind_int(s, ":due", now_ms);
  db_bind_text(s, ":now", now);
  db_bind_text(s, ":id", id);
  enum store_status st = db_exec_stmt(c, s);
  if (st != STORE_OK)
    return st;
  bool done = db_changes(c) > 0;
  st = store_outbox_get(c, id, out);
  return st == STORE_OK && !done ? STORE_CONFLICT : st;
}

enum store_status store_outbox_latest(struct store_conn *c, const char *collaboration_id,
                                      const char *templates, struct outbox_row *out)
{
  /* instr() is SQLite's, strpos() PostgreSQL's (engine-specific) */
  struct db_stmt *s = db_dialect(c) == DB_PG
      ? db_stmt(c, "SELECT " OUTBOX_ROW_COLS " FROM outbox WHERE collaboration_id = :collab AND "
                   "(:tpls IS NULL OR strpos(',' || :tpls || ',', ',' || template || ',') > 0) "
                   "ORDER BY created_at DESC, id DESC LIMIT 1")
      : db_stmt(c, "SELECT " OUTBOX_ROW_COLS " FROM outbox WHERE collaboration_id = :collab AND "
                   "(:tpls IS NULL OR instr(',' || :tpls || ',', ',' || template || ',') > 0) "
                   "ORDER BY created_at DESC, id DESC LIMIT 1");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":collab", collaboration_id);
  db_bind_text(s, ":tpls", templates);
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK)
    outbox_read_row(s, out);
  db_reset(s);
  return st;
}
