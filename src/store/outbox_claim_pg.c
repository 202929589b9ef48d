/* outbox_claim_pg.c - the mailer's claim on PostgreSQL (engine-specific; SQLite's is in
 * outbox.c): up to max due rows in one statement, as store_outbox_claim_many says. */
#include "db.h"
#include "outbox_sql.h"
#include "store_outbox.h"

#include <stdlib.h>
#include <string.h>

/* Several mailers (the workers of one server, and other servers on the database) claim at
 * once, so the claim is one statement. `locked` takes up to :lim due rows in the pick order of
 * SQLite's claim (the index outbox_pending), locking each and skipping rows another claim holds
 * (FOR UPDATE SKIP LOCKED): no two claims get one row. PostgreSQL allows no window function
 * beside FOR UPDATE, so `pick` numbers the locked rows, k from 0, in that order (between rows
 * equal in both keys by rowid, the insertion order, as SQLite's index ends in its rowid). Row k
 * is leased until :until + k steps (tried after the k before it), or its old lease + 1 ms if
 * that is later (a re-claim always raises the lease: store_outbox.h, "Leases"); a row still
 * leased when picked (due again: its mailer died mid-try) has that try counted, as on SQLite.
 * RETURNING gives each row as claimed, the lease it had before in column 8 (as
 * outbox_read_row expects), its data, its k (the order RETURNING gives is not defined) and the
 * lease set last. */
#define PG_CLAIM                                                                              \
  "WITH locked AS (SELECT id, leased_until, next_attempt_at, created_at, rowid FROM outbox "  \
  "WHERE status = 'pending' AND next_attempt_at <= :now "                                     \
  "ORDER BY next_attempt_at, created_at LIMIT :lim FOR UPDATE SKIP LOCKED), "                 \
  "pick AS (SELECT id AS pick_id, leased_until AS old_lease, greatest(:until + (row_number() " \
  "OVER w - 1) * :step, leased_until + 1) AS new_lease, row_number() OVER w - 1 AS k "        \
  "FROM locked WINDOW w AS (ORDER BY next_attempt_at, created_at, rowid)) "                   \
  "UPDATE outbox SET leased_until = new_lease, next_attempt_at = new_lease, "                 \
  "attempts = attempts + CASE WHEN old_lease IS NOT NULL THEN 1 ELSE 0 END, "                 \
  "last_error = CASE WHEN old_lease IS NOT NULL THEN :lost ELSE last_error END "              \
  "FROM pick WHERE id = pick_id RETURNING id, recipient, template, language, "                \
  "coalesce(collaboration_id, ''), status, attempts, next_attempt_at, coalesce(old_lease, 0), " \
  "coalesce(last_error, ''), created_at, updated_at, coalesce(sent_at, ''), data, k, new_lease"

enum store_status outbox_claim_pg(struct store_conn *c, int64_t now_ms, int64_t lease_ms,
                                  int64_t step_ms, struct outbox_row *out, size_t max,
                                  size_t *n, bool *more)
{
  *n = 0;
  *more = false;
  struct db_stmt *s = db_stmt(c, PG_CLAIM);
  if (!s)
    return STORE_ERROR;
  db_bind_int(s, ":now", now_ms);
  db_bind_int(s, ":lim", (int64_t)max);
  db_bind_int(s, ":until", now_ms + lease_ms);
  db_bind_int(s, ":step", step_ms);
  db_bind_text(s, ":lost", OUTBOX_LOST_TRY);
  bool filled[OUTBOX_CLAIM_MAX] = {false};
  size_t got = 0;
  enum store_status st;
  while ((st = db_step_row(c, s)) == STORE_OK) {
    int64_t k = db_col_int64(s, OUTBOX_ROW_NCOLS + 1);
    if (k < 0 || (uint64_t)k >= max || filled[k]) {
      st = STORE_ERROR;
      break;
    }
    struct outbox_row *r = &out[k];
    outbox_read_row(s, r);
    r->lease = db_col_int64(s, OUTBOX_ROW_NCOLS + 2);
    const char *data = db_col_str(s, OUTBOX_ROW_NCOLS);
    r->data = strdup(data ? data : "{}");
    filled[k] = true;
    got++;
    if (!r->data) {
      st = STORE_ERROR;
      break;
    }
  }
  db_reset(s);
  for (size_t i = 0; i < got && st == STORE_NOT_FOUND; i++) /* k runs 0..got-1 */
    if (!filled[i])
      st = STORE_ERROR;
  if (st != STORE_NOT_FOUND) {
    for (size_t i = 0; i < max; i++)
      if (filled[i])
        outbox_row_clear(&out[i]);
    return st == STORE_OK ? STORE_ERROR : st;
  }
  if (got == 0)
    return STORE_NOT_FOUND; /* none due (or every due row held by another claim) */
  *n = got;
  /* as many as asked for: more may be due (the caller claims again, without a look first);
   * fewer: the due rows nobody holds ran out (those held are leased when their claims commit) */
  *more = got == max;
  return STORE_OK;
}
