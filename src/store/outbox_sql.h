/* outbox_sql.h - SQL and helpers the store's outbox files share. */
#ifndef ADVISORD_STORE_OUTBOX_SQL_H
#define ADVISORD_STORE_OUTBOX_SQL_H

#include "db.h"
#include "store_outbox.h"

/* An e-mail not sent (pending or failed): the WHERE of the index outbox_unsent (migration
 * 0071), stated as it is there so that SQLite sees a query with it may use that index. */
#define OUTBOX_UNSENT "(status = 'pending' OR status = 'failed')"

/* The columns outbox_read_row() expects, in order (the lease, column 8, as 0 when none). */
#define OUTBOX_ROW_COLS                                                                      \
  "id, recipient, template, language, coalesce(collaboration_id, ''), status, attempts, "   \
  "next_attempt_at, coalesce(leased_until, 0), coalesce(last_error, ''), created_at, "      \
  "updated_at, coalesce(sent_at, '')"
#define OUTBOX_ROW_NCOLS 13

/* Fills r (data and rowid left NULL and 0) from the current row of s, whose first columns
 * are OUTBOX_ROW_COLS (outbox.c). */
void outbox_read_row(struct db_stmt *s, struct outbox_row *r);

/* store_outbox_claim_many on PostgreSQL (outbox_claim_pg.c), max at most OUTBOX_CLAIM_MAX. */
enum store_status outbox_claim_pg(struct store_conn *c, int64_t now_ms, int64_t lease_ms,
                                  int64_t step_ms, struct outbox_row *out, size_t max,
                                  size_t *n, bool *more);

/* The SET of a row's 'sent' (outbox_outcomes.c, outbox_sent_pg.c), :now its time (ISO 8601). */
#define OUTBOX_SENT_SET                                                                        \
  "UPDATE outbox SET status = 'sent', attempts = attempts + 1, leased_until = NULL, "         \
  "sent_at = :now, updated_at = :now "
/* The SET of a late 'sent' (a row re-claimed since: store_outbox.h, "Leases"): its try was
 * counted by the re-claim (OUTBOX_LOST_TRY), so attempts are left as they are. */
#define OUTBOX_SENT_LATE_SET                                                                   \
  "UPDATE outbox SET status = 'sent', leased_until = NULL, sent_at = :now, updated_at = :now "

/* store_outbox_mark_sent_many on PostgreSQL (outbox_sent_pg.c), n at most OUTBOX_SENT_MAX. */
enum store_status outbox_mark_sent_pg(struct store_conn *c, const char *const *ids,
                                      const int64_t *helds, size_t n, enum outbox_sent *how);

#endif
