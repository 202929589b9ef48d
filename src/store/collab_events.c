/* collab_events.c - SQL for a collaboration's shared history and for the delivery state of
 * its latest invitation e-mail (read from the outbox). */
#include "collab_sql.h"
#include "db.h"
#include "store_collab.h"
#include "util.h"

#include <string.h>

#define EVENT_INSERT                                                                          \
  "INSERT INTO collaboration_events (collaboration_id, at, actor_kind, actor_id, event, "      \
  "from_state, to_state, reason, details, actor_name, actor_role) VALUES (:collab, :at, "      \
  ":kind, :actor, :event, :from, :to, :reason, :details, :aname, :arole)"

/* The seq SQLite gave the row just inserted (engine-specific: SQLite's RETURNING keeps the
 * rows it returns in a temporary b-tree, about 1 us per event on the writer thread). */
static enum store_status last_seq(struct store_conn *c, struct collab_event_rec *e)
{
  struct db_stmt *s = db_stmt(c, "SELECT last_insert_rowid()");
  enum store_status st = s ? db_step_row(c, s) : STORE_ERROR;
  if (st == STORE_OK)
    e->seq = db_col_int64(s, 0);
  if (s)
    db_reset(s);
  return st == STORE_NOT_FOUND ? STORE_ERROR : st;
}

enum store_status store_collab_event_add(struct store_conn *c, struct collab_event_rec *e)
{
  bool sqlite = db_dialect(c) == DB_SQLITE;
  struct db_stmt *s = db_stmt(c, sqlite ? EVENT_INSERT : EVENT_INSERT " RETURNING seq");
  if (!s)
    return STORE_ERROR;
  if (!e->at[0])
    util_now_iso8601(e->at, sizeof e->at);
  db_bind_text_kept(s, ":collab", e->collaboration_id);
  db_bind_text_kept(s, ":at", e->at);
  db_bind_text_kept(s, ":kind", e->actor_kind);
  db_bind_text_kept(s, ":actor", db_opt_text(e->actor_id));
  db_bind_text_kept(s, ":event", e->event);
  db_bind_text_kept(s, ":from", db_opt_text(e->from_state));
  db_bind_text_kept(s, ":to", e->to_state);
  db_bind_text_kept(s, ":reason", db_opt_text(e->reason));
  db_bind_text_kept(s, ":details", e->details[0] ? e->details : "{}");
  db_bind_text_kept(s, ":aname", db_opt_text(e->actor_name));
  db_bind_text_kept(s, ":arole", db_opt_text(e->actor_role));
  if (sqlite) {
    enum store_status st = db_exec_stmt(c, s);
    return st == STORE_OK ? last_seq(c, e) : st;
  }
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK)
    e->seq = db_col_int64(s, 0);
  db_reset(s);
  return st == STORE_NOT_FOUND ? STORE_ERROR : st;
}

enum store_status store_collab_events_list(struct store_conn *c, const char *collab_id,
                                           int64_t after_seq, int limit,
                                           store_collab_event_fn fn, void *arg, bool *more)
{
  struct db_stmt *s = db_stmt(
      c, "SELECT seq, collaboration_id, at, actor_kind, actor_id, event, from_state, to_state, "
         "reason, details, actor_name, actor_role FROM collaboration_events WHERE collaboration_id = :collab "
         "AND seq > :after ORDER BY seq LIMIT :limit");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":collab", collab_id);
  db_bind_int(s, ":after", after_seq);
  db_bind_int(s, ":limit", limit + 1);
  *more = false;
  int n = 0;
  enum store_status st;
  struct collab_event_rec e;
  while ((st = db_step_row(c, s)) == STORE_OK) {
    if (n == limit) {
      *more = true;
      break;
    }
    memset(&e, 0, sizeof e);
    e.seq = db_col_int64(s, 0);
    db_col_text(s, 1, e.collaboration_id, sizeof e.collaboration_id);
    db_col_text(s, 2, e.at, sizeof e.at);
    db_col_text(s, 3, e.actor_kind, sizeof e.actor_kind);
    db_col_text(s, 4, e.actor_id, sizeof e.actor_id);
    db_col_text(s, 5, e.event, sizeof e.event);
    db_col_text(s, 6, e.from_state, sizeof e.from_state);
    db_col_text(s, 7, e.to_state, sizeof e.to_state);
    db_col_text(s, 8, e.reason, sizeof e.reason);
    db_col_text(s, 9, e.details, sizeof e.details);
    db_col_text(s, 10, e.actor_name, sizeof e.actor_name);
    db_col_text(s, 11, e.actor_role, sizeof e.actor_role);
    fn(&e, arg);
    n++;
  }
  db_reset(s);
  return st == STORE_NOT_FOUND || st == STORE_OK ? STORE_OK : st;
}

void store_collab_read_mail(struct db_stmt *s, int first, struct collab_mail_state *out)
{
  memset(out, 0, sizeof *out);
  db_col_text(s, first, out->outbox_id, sizeof out->outbox_id);
  db_col_text(s, first + 1, out->template_name, sizeof out->template_name);
  db_col_text(s, first + 2, out->status, sizeof out->status);
  out->attempts = db_col_int(s, first + 3);
  db_col_text(s, first + 4, out->last_error, sizeof out->last_error);
  db_col_text(s, first + 5, out->created_at, sizeof out->created_at);
  db_col_text(s, first + 6, out->sent_at, sizeof out->sent_at);
}

enum store_status store_collab_invitation_mail(struct store_conn *c, const char *collab_id,
                                               struct collab_mail_state *out)
{
  struct db_stmt *s = db_stmt(c, "SELECT " COLLAB_MAIL_COLUMNS " FROM outbox m WHERE "
                                 COLLAB_MAIL_OF(":collab") " LIMIT 1");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":collab", collab_id);
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK)
    store_collab_read_mail(s, 0, out);
  db_reset(s);
  return st;
}
