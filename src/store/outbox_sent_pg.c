/* outbox_sent_pg.c - the 'sent' of several rows in one statement on PostgreSQL
 * (store_outbox_mark_sent_many; SQLite marks them one by one in outbox_outcomes.c): each
 * statement there is a round trip, with a savepoint around it (pg_stmt.c), ~54 µs of the
 * server's time per e-mail in a drain (bench/HISTORY.md, fifteenth step). */
#include "db.h"
#include "outbox_sql.h"
#include "store_outbox.h"
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The ids go as one text, comma-separated (ids are UUIDs: no comma), and the leases held as
 * another, in the same order; each row's WHERE is the one-row statement's (outbox_outcomes.c:
 * id, status = 'pending' and the lease held, or any when that is OUTBOX_ANY_LEASE: -1), so each
 * row is marked exactly when that statement would mark it, an id given twice once (its lease
 * is its first place's: one claim holds a row once). RETURNING tells which were. */
#define PG_SENT                                                                               \
  OUTBOX_SENT_SET "WHERE id = ANY (string_to_array(:ids, ',')) AND status = 'pending' AND "  \
  "(string_to_array(:helds, ',')::bigint[])[array_position(string_to_array(:ids, ','), id)] " \
  "IN (-1, leased_until) RETURNING id"
/* The late 'sent' of the rows the first statement found pending but re-claimed (or not pending:
 * then this one finds them so too), as outbox_outcomes.c's one-row late 'sent'. */
#define PG_SENT_LATE                                                                          \
  OUTBOX_SENT_LATE_SET "WHERE id = ANY (string_to_array(:ids, ',')) AND status = 'pending' "  \
  "RETURNING id"

#define LIST_MAX (OUTBOX_SENT_MAX * 37 + 1)

/* Appends text to list (len its length; room for it: ids at most 36 characters). */
static void append(char *list, size_t *len, const char *text)
{
  size_t l = strlen(text);
  if (*len)
    list[(*len)++] = ',';
  memcpy(list + *len, text, l);
  *len += l;
  list[*len] = '\0';
}

/* Runs sql (PG_SENT or PG_SENT_LATE) with :ids (and :helds when not NULL); each id it returns
 * marks the first place of ids[0..n) still OUTBOX_SENT_NOT with that id as mark. */
static enum store_status run(struct store_conn *c, const char *sql, const char *list,
                             const char *helds, const char *now, const char *const *ids,
                             size_t n, enum outbox_sent *how, enum outbox_sent mark)
{
  struct db_stmt *s = db_stmt(c, sql);
  if (!s)
    return STORE_ERROR;
  db_bind_text_kept(s, ":now", now);
  db_bind_text_kept(s, ":ids", list);
  if (helds)
    db_bind_text_kept(s, ":helds", helds);
  enum store_status st;
  while ((st = db_step_row(c, s)) == STORE_OK) {
    const char *id = db_col_str(s, 0);
    size_t i = 0; /* the first of its places not yet marked (an id twice: marked once) */
    while (i < n && (how[i] != OUTBOX_SENT_NOT || !id || strcmp(ids[i], id) != 0))
      i++;
    if (i < n)
      how[i] = mark;
  }
  db_reset(s);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}

static bool usable(const char *id)
{
  size_t l = strlen(id);
  return l > 0 && l <= 36 && !strchr(id, ','); /* else no row has such an id */
}

enum store_status outbox_mark_sent_pg(struct store_conn *c, const char *const *ids,
                                      const int64_t *helds, size_t n, enum outbox_sent *how)
{
  enum outbox_sent own[OUTBOX_SENT_MAX];
  if (!how)
    how = own;
  char list[LIST_MAX], leases[OUTBOX_SENT_MAX * 21 + 1];
  size_t len = 0, llen = 0;
  for (size_t i = 0; i < n && i < OUTBOX_SENT_MAX; i++) {
    how[i] = OUTBOX_SENT_NOT;
    if (!usable(ids[i]))
      continue;
    char held[24];
    snprintf(held, sizeof held, "%" PRId64, helds[i] < 0 ? OUTBOX_ANY_LEASE : helds[i]);
    append(list, &len, ids[i]);
    append(leases, &llen, held);
  }
  if (len == 0)
    return STORE_OK;
  char now[40];
  util_now_iso8601(now, sizeof now);
  enum store_status st = run(c, PG_SENT, list, leases, now, ids, n, how, OUTBOX_SENT_HELD);
  if (st != STORE_OK)
    return st;
  /* the rows held with a lease and not marked (none, but when a lease was lost or the row was
   * taken away): a late 'sent' of those pending (store_outbox.h, "Leases") */
  len = 0;
  for (size_t i = 0; i < n && i < OUTBOX_SENT_MAX; i++) {
    bool marked = false; /* an earlier place of the same id was */
    for (size_t j = 0; j < i && !marked; j++)
      marked = how[j] != OUTBOX_SENT_NOT && strcmp(ids[j], ids[i]) == 0;
    if (how[i] == OUTBOX_SENT_NOT && helds[i] >= 0 && usable(ids[i]) && !marked)
      append(list, &len, ids[i]);
  }
  if (len == 0)
    return STORE_OK;
  return run(c, PG_SENT_LATE, list, NULL, now, ids, n, how, OUTBOX_SENT_LATE);
}
