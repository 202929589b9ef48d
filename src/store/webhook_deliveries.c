/* webhook_deliveries.c - SQL for webhook deliveries: the worker's claim/finish cycle and the
 * owner's view (see store_webhooks.h). */
#include "db.h"
#include "store_webhooks.h"
#include "webhook_sql.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LOST_TRY "the server stopped during this try; it may have been delivered"
#define DELIVERY_COLS                                                                         \
  "id, seq, webhook_id, event_id, event_type, collaboration_id, status, attempts, "           \
  "next_attempt_ms, coalesce(response_code, 0), last_error, created_ms, created_at, "         \
  "coalesce(delivered_at, '') "

static void read_delivery(struct db_stmt *s, struct webhook_delivery *d)
{
  memset(d, 0, sizeof *d);
  db_col_text(s, 0, d->id, sizeof d->id);
  d->seq = db_col_int64(s, 1);
  db_col_text(s, 2, d->webhook_id, sizeof d->webhook_id);
  db_col_text(s, 3, d->event_id, sizeof d->event_id);
  db_col_text(s, 4, d->event_type, sizeof d->event_type);
  db_col_text(s, 5, d->collaboration_id, sizeof d->collaboration_id);
  db_col_text(s, 6, d->status, sizeof d->status);
  d->attempts = db_col_int(s, 7);
  d->next_attempt_ms = db_col_int64(s, 8);
  d->response_code = db_col_int(s, 9);
  db_col_text(s, 10, d->last_error, sizeof d->last_error);
  d->created_ms = db_col_int64(s, 11);
  db_col_text(s, 12, d->created_at, sizeof d->created_at);
  db_col_text(s, 13, d->delivered_at, sizeof d->delivered_at);
}

enum store_status store_webhook_delivery_add(struct store_conn *c,
                                             const struct webhook_delivery *d,
                                             const char *payload)
{
  struct db_stmt *s = db_stmt(
      c, "INSERT INTO webhook_deliveries (id, seq, webhook_id, event_id, event_type, "
         "collaboration_id, payload, next_attempt_ms, created_ms, created_at) VALUES (:id, "
         "(SELECT coalesce(max(seq), 0) + 1 FROM webhook_deliveries), :hook, :event, :type, "
         ":collab, :payload, :next, :created_ms, :created_at)");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", d->id);
  db_bind_text(s, ":hook", d->webhook_id);
  db_bind_text(s, ":event", d->event_id);
  db_bind_text(s, ":type", d->event_type);
  db_bind_text(s, ":collab", d->collaboration_id);
  db_bind_text(s, ":payload", payload);
  db_bind_int(s, ":next", d->next_attempt_ms);
  db_bind_int(s, ":created_ms", d->created_ms);
  db_bind_text(s, ":created_at", d->created_at);
  return db_exec_stmt(c, s);
}

static enum store_status delivery_by_id(struct store_conn *c, const char *webhook_id,
                                        const char *id, bool with_payload,
                                        struct webhook_delivery *out)
{
  struct db_stmt *s = db_stmt(c, "SELECT " DELIVERY_COLS ", payload FROM webhook_deliveries "
                               "WHERE id = :id AND (:hook IS NULL OR webhook_id = :hook)");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", id);
  db_bind_text(s, ":hook", webhook_id);
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK) {
    read_delivery(s, out);
    if (with_payload) {
      const char *p = db_col_str(s, 14);
      out->payload = strdup(p ? p : "");
      st = out->payload ? STORE_OK : STORE_ERROR;
    }
  }
  db_reset(s);
  return st;
}

/* The claim: the oldest due pending delivery of an enabled endpoint that no earlier pending
 * delivery of its endpoint and collaboration precedes and nobody holds. PostgreSQL
 * (engine-specific): several workers claim at once, so the pick locks its row and skips rows
 * another claim holds (a held row still precedes the later ones of its collaboration). */
#define CLAIM_SET                                                                             \
  "SET lease_until_ms = :lease, "                                                              \
  "attempts = attempts + CASE WHEN lease_until_ms IS NULL THEN 0 ELSE 1 END, "                 \
  "last_error = CASE WHEN lease_until_ms IS NULL THEN last_error ELSE :lost END "
#define CLAIM_PICK                                                                            \
  "SELECT d.id AS pick_id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id "   \
  "WHERE d.status = 'pending' AND d.next_attempt_ms <= :now AND w.enabled = 1 "                \
  "AND (d.lease_until_ms IS NULL OR d.lease_until_ms <= :now) "                                \
  "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e "                                       \
  "  WHERE e.webhook_id = d.webhook_id AND e.collaboration_id = d.collaboration_id "           \
  "  AND d.collaboration_id <> '' AND e.status = 'pending' AND e.seq < d.seq) "                \
  "ORDER BY d.next_attempt_ms, d.seq LIMIT 1"
#define CLAIM_SQLITE                                                                          \
  "UPDATE webhook_deliveries " CLAIM_SET "WHERE id = (" CLAIM_PICK ") RETURNING id"
#define CLAIM_PG                                                                              \
  "WITH pick AS (" CLAIM_PICK " FOR UPDATE OF d SKIP LOCKED) "                                 \
  "UPDATE webhook_deliveries " CLAIM_SET "FROM pick WHERE id = pick_id RETURNING id"

enum store_status store_webhook_claim(struct store_conn *c, int64_t now_ms, int64_t lease_ms,
                                      struct webhook_delivery *out, struct webhook *hook)
{
  struct db_stmt *s = db_stmt(c, db_dialect(c) == DB_PG ? CLAIM_PG : CLAIM_SQLITE);
  if (!s)
    return STORE_ERROR;
  db_bind_int(s, ":now", now_ms);
  db_bind_int(s, ":lease", now_ms + lease_ms);
  db_bind_text(s, ":lost", LOST_TRY);
  char id[STORE_ID_LEN] = "";
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK)
    db_col_text(s, 0, id, sizeof id);
  db_reset(s);
  if (st != STORE_OK)
    return st;
  st = delivery_by_id(c, NULL, id, true, out);
  if (st == STORE_OK)
    st = store_webhook_get(c, NULL, NULL, out->webhook_id, hook);
  return st == STORE_NOT_FOUND ? STORE_ERROR : st;
}

enum store_status store_webhook_delivery_finish(struct store_conn *c, const char *id,
                                                const char *status, int64_t next_ms,
                                                int response_code, const char *error,
                                                const char *now_iso)
{
  struct db_stmt *s = db_stmt(
      c, "UPDATE webhook_deliveries SET status = :status, attempts = attempts + 1, "
         "lease_until_ms = NULL, next_attempt_ms = :next, response_code = :code, "
         "last_error = :error, delivered_at = CASE WHEN :status = 'delivered' THEN :now "
         "ELSE delivered_at END WHERE id = :id");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":status", status);
  db_bind_int(s, ":next", next_ms);
  if (response_code)
    db_bind_int(s, ":code", response_code);
  db_bind_text(s, ":error", error ? error : "");
  db_bind_text(s, ":now", now_iso);
  db_bind_text(s, ":id", id);
  enum store_status st = db_exec_stmt(c, s);
  return st == STORE_OK && db_changes(c) == 0 ? STORE_NOT_FOUND : st;
}

enum store_status store_webhook_delivery_release(struct store_conn *c, const char *id,
                                                 int64_t due_ms)
{
  struct db_stmt *s = db_stmt(c, "UPDATE webhook_deliveries SET lease_until_ms = NULL, "
                               "next_attempt_ms = :due WHERE id = :id");
  if (!s)
    return STORE_ERROR;
  db_bind_int(s, ":due", due_ms);
  db_bind_text(s, ":id", id);
  return db_exec_stmt(c, s);
}

enum store_status store_webhook_next_due(struct store_conn *c, int64_t *due_ms)
{
  struct db_stmt *s = db_stmt(
      c, "SELECT min(CASE WHEN d.lease_until_ms > d.next_attempt_ms THEN d.lease_until_ms "
         "ELSE d.next_attempt_ms END) " /* portable: no two-argument max() */
         "FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id "
         "WHERE d.status = 'pending' AND w.enabled = 1");
  if (!s)
    return STORE_ERROR;
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK && db_col_null(s, 0))
    st = STORE_NOT_FOUND;
  else if (st == STORE_OK)
    *due_ms = db_col_int64(s, 0);
  db_reset(s);
  return st;
}

enum store_status store_webhook_deliveries_list(struct store_conn *c, const char *webhook_id,
                                                int64_t before_seq, int limit,
                                                bool (*fn)(const struct webhook_delivery *d,
                                                           void *arg),
                                                void *arg)
{
  /* one search of webhook_deliveries_by_webhook (migration 0109), newest first: no sort of
   * all the endpoint's deliveries (they are kept), no walk past the pages before */
  struct db_stmt *s = db_stmt(c, "SELECT " DELIVERY_COLS "FROM webhook_deliveries "
                               "WHERE webhook_id = :hook AND seq < :before "
                               "ORDER BY seq DESC LIMIT :limit");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":hook", webhook_id);
  db_bind_int(s, ":before", before_seq == 0 ? INT64_MAX : before_seq);
  db_bind_int(s, ":limit", limit);
  struct webhook_delivery d;
  enum store_status st;
  while ((st = db_step_row(c, s)) == STORE_OK) {
    read_delivery(s, &d);
    if (!fn(&d, arg))
      break;
  }
  db_reset(s);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}

enum store_status store_webhook_delivery_get(struct store_conn *c, const char *webhook_id,
                                             const char *id, struct webhook_delivery *out)
{
  return delivery_by_id(c, webhook_id, id, false, out);
}

enum store_status store_webhook_delivery_redeliver(struct store_conn *c, const char *webhook_id,
                                                   const char *id, int64_t now_ms)
{
  struct db_stmt *s = db_stmt(c, "UPDATE webhook_deliveries SET status = 'pending', "
                               "next_attempt_ms = :now, lease_until_ms = NULL "
                               "WHERE id = :id AND webhook_id = :hook");
  if (!s)
    return STORE_ERROR;
  db_bind_int(s, ":now", now_ms);
  db_bind_text(s, ":id", id);
  db_bind_text(s, ":hook", webhook_id);
  enum store_status st = db_exec_stmt(c, s);
  return st == STORE_OK && db_changes(c) == 0 ? STORE_NOT_FOUND : st;
}
