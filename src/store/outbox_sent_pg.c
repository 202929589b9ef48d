/* outbox_sent_pg.c - the 'sent' of several rows in one statement on PostgreSQL
 * (store_outbox_mark_sent_many; SQLite marks them one by one in outbox.c): each statement there
 * is a round trip, with a savepoint around it (pg_stmt.c), ~54 µs of the server's time per
 * e-mail in a drain (bench/HISTORY.md, fifteenth step). */
#include "db.h"
#include "outbox_sql.h"
#include "store_outbox.h"
#include "util.h"

#include <string.h>

/* The ids go as one text, comma-separated (ids are UUIDs: no comma); the WHERE is the one-row
 * statement's (outbox.c: id and status = 'pending'), so each row is marked exactly when that
 * statement would mark it, an id given twice once. RETURNING tells which were. */
#define PG_SENT                                                                               \
  OUTBOX_SENT_SET "WHERE id = ANY (string_to_array(:ids, ',')) AND status = 'pending' "      \
  "RETURNING id"

enum store_status outbox_mark_sent_pg(struct store_conn *c, const char *const *ids, size_t n,
                                      bool *sent)
{
  bool own[OUTBOX_SENT_MAX];
  if (!sent)
    sent = own;
  char list[OUTBOX_SENT_MAX * 37 + 1];
  size_t len = 0;
  for (size_t i = 0; i < n && i < OUTBOX_SENT_MAX; i++) {
    sent[i] = false;
    size_t l = strlen(ids[i]);
    if (l == 0 || l > 36 || strchr(ids[i], ',')) /* no row has such an id */
      continue;
    if (len)
      list[len++] = ',';
    memcpy(list + len, ids[i], l);
    len += l;
  }
  list[len] = '\0';
  if (len == 0)
    return STORE_OK;
  char now[40];
  util_now_iso8601(now, sizeof now);
  struct db_stmt *s = db_stmt(c, PG_SENT);
  if (!s)
    return STORE_ERROR;
  db_bind_text_kept(s, ":now", now);
  db_bind_text_kept(s, ":ids", list);
  enum store_status st;
  while ((st = db_step_row(c, s)) == STORE_OK) {
    const char *id = db_col_str(s, 0);
    size_t i = 0; /* the first of its places not yet marked (an id twice: marked once) */
    while (i < n && (sent[i] || !id || strcmp(ids[i], id) != 0))
      i++;
    if (i < n)
      sent[i] = true;
  }
  db_reset(s);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}
