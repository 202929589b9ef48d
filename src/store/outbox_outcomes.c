/* outbox_outcomes.c - SQL of the outcomes of the mailer's tries (sent, retry, failed, given
 * back), each written only while the row carries the lease its claim set (store_outbox.h,
 * "Leases"); the 'sent' of several rows on PostgreSQL: outbox_sent_pg.c. Each is one UPDATE of
 * the outbox by its key, re-checked by PostgreSQL on the row's newest version at READ
 * COMMITTED (mail/outcomes.c, above write_tx). */
#include "db.h"
#include "outbox_sql.h"
#include "store_outbox.h"
#include "util.h"

/* STORE_NOT_FOUND when the last UPDATE touched no row. */
static enum store_status changed(struct store_conn *c, enum store_status st)
{
  return st == STORE_OK && db_changes(c) == 0 ? STORE_NOT_FOUND : st;
}

/* The 'sent' of a row: by id (rowid 0), or on the table's b-tree by a claimed row's rowid (as
 * the lease), without a search of the id's index first, the id checked; only while it carries
 * the lease held (OUTBOX_ANY_LEASE: whichever). */
#define SENT_SET OUTBOX_SENT_SET "WHERE "
#define IF_HELD " AND status = 'pending' AND leased_until = :held"
#define IF_PENDING " AND status = 'pending'"
static enum store_status mark_sent(struct store_conn *c, const char *id, int64_t rowid,
                                   int64_t held, const char *now)
{
  bool any = held == OUTBOX_ANY_LEASE;
  struct db_stmt *s;
  if (rowid > 0)
    s = any ? db_stmt(c, SENT_SET "rowid = :rowid AND id = :id" IF_PENDING)
            : db_stmt(c, SENT_SET "rowid = :rowid AND id = :id" IF_HELD);
  else
    s = any ? db_stmt(c, SENT_SET "id = :id" IF_PENDING) : db_stmt(c, SENT_SET "id = :id" IF_HELD);
  if (!s)
    return STORE_ERROR;
  db_bind_text_kept(s, ":now", now);
  if (rowid > 0)
    db_bind_int(s, ":rowid", rowid);
  db_bind_text_kept(s, ":id", id);
  if (!any)
    db_bind_int(s, ":held", held);
  return changed(c, db_exec_stmt(c, s));
}

enum store_status store_outbox_mark_sent(struct store_conn *c, const char *id)
{
  return store_outbox_mark_sent_claimed(c, id, 0, OUTBOX_ANY_LEASE, NULL);
}

enum store_status store_outbox_mark_sent_claimed(struct store_conn *c, const char *id,
                                                 int64_t rowid, int64_t held,
                                                 enum outbox_sent *how)
{
  enum outbox_sent dummy;
  how = how ? how : &dummy;
  *how = OUTBOX_SENT_NOT;
  char now[40];
  util_now_iso8601(now, sizeof now);
  enum store_status st = mark_sent(c, id, rowid, held, now);
  /* not found there: renumbered since the claim, or no longer held (then not by id either) */
  if (st == STORE_NOT_FOUND && rowid > 0)
    st = mark_sent(c, id, 0, held, now);
  if (st == STORE_OK)
    *how = OUTBOX_SENT_HELD;
  if (st != STORE_NOT_FOUND || held == OUTBOX_ANY_LEASE)
    return st;
  /* no longer this claim's: the late 'sent' while the row is pending (store_outbox.h) */
  struct db_stmt *s = db_stmt(c, OUTBOX_SENT_LATE_SET "WHERE id = :id" IF_PENDING);
  if (!s)
    return STORE_ERROR;
  db_bind_text_kept(s, ":now", now);
  db_bind_text_kept(s, ":id", id);
  st = changed(c, db_exec_stmt(c, s));
  if (st == STORE_OK)
    *how = OUTBOX_SENT_LATE;
  return st;
}

enum store_status store_outbox_mark_sent_many(struct store_conn *c, const char *const *ids,
                                              const int64_t *rowids, const int64_t *helds,
                                              size_t n, enum outbox_sent *how)
{
  enum store_status st = STORE_OK;
  for (size_t i = 0; i < n && st == STORE_OK;) {
    if (db_dialect(c) == DB_PG) { /* the rowid is SQLite's */
      size_t k = n - i < OUTBOX_SENT_MAX ? n - i : OUTBOX_SENT_MAX;
      st = outbox_mark_sent_pg(c, ids + i, helds + i, k, how ? how + i : NULL);
      i += k;
      continue;
    }
    st = store_outbox_mark_sent_claimed(c, ids[i], rowids ? rowids[i] : 0, helds[i],
                                        how ? how + i : NULL);
    st = st == STORE_NOT_FOUND ? STORE_OK : st;
    i++;
  }
  return st;
}

/* The statement of an outcome of a row held with lease held (OUTBOX_ANY_LEASE: whichever):
 * set_sql, then the WHERE; :id and :held bound. */
static struct db_stmt *held_stmt(struct store_conn *c, const char *held_sql,
                                 const char *any_sql, const char *id, int64_t held)
{
  struct db_stmt *s = db_stmt(c, held == OUTBOX_ANY_LEASE ? any_sql : held_sql);
  if (s) {
    db_bind_text(s, ":id", id);
    if (held != OUTBOX_ANY_LEASE)
      db_bind_int(s, ":held", held);
  }
  return s;
}

/* A try that failed: its statement (held_sql or any_sql, as held_stmt) with :err and :now
 * bound, and :next to *next_ms (NULL for the failed-for-good statement, which has none). */
static enum store_status failed_try(struct store_conn *c, const char *held_sql,
                                    const char *any_sql, const char *id, int64_t held,
                                    const int64_t *next_ms, const char *error)
{
  char now[40];
  util_now_iso8601(now, sizeof now);
  struct db_stmt *s = held_stmt(c, held_sql, any_sql, id, held);
  if (!s)
    return STORE_ERROR;
  if (next_ms)
    db_bind_int(s, ":next", *next_ms);
  db_bind_text(s, ":err", error);
  db_bind_text(s, ":now", now);
  return changed(c, db_exec_stmt(c, s));
}

#define RETRY_SET                                                                              \
  "UPDATE outbox SET attempts = attempts + 1, leased_until = NULL, next_attempt_at = :next, " \
  "last_error = :err, updated_at = :now WHERE id = :id"
enum store_status store_outbox_schedule_retry(struct store_conn *c, const char *id,
                                              int64_t held, int64_t next_attempt_ms,
                                              const char *error)
{
  return failed_try(c, RETRY_SET IF_HELD, RETRY_SET IF_PENDING, id, held, &next_attempt_ms,
                    error);
}

#define FAILED_SET                                                                             \
  "UPDATE outbox SET status = 'failed', attempts = attempts + 1, leased_until = NULL, "        \
  "last_error = :err, updated_at = :now WHERE id = :id"
enum store_status store_outbox_mark_failed(struct store_conn *c, const char *id, int64_t held,
                                           const char *error)
{
  return failed_try(c, FAILED_SET IF_HELD, FAILED_SET IF_PENDING, id, held, NULL, error);
}

#define RELEASE_SET "UPDATE outbox SET leased_until = NULL, next_attempt_at = :due WHERE id = :id"
enum store_status store_outbox_release(struct store_conn *c, const char *id, int64_t held,
                                       int64_t due_ms)
{
  struct db_stmt *s = held_stmt(c, RELEASE_SET IF_HELD, RELEASE_SET IF_PENDING, id, held);
  if (!s)
    return STORE_ERROR;
  db_bind_int(s, ":due", due_ms);
  return changed(c, db_exec_stmt(c, s));
}
