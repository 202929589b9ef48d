/* metrics_counts.c - SQL for the counts GET /metrics reads at scrape time (store_metrics.h). */
#include "db.h"
#include "outbox_sql.h"
#include "store_metrics.h"

enum store_status store_outbox_depth(struct store_conn *c,
                                     void (*fn)(void *arg, const char *status,
                                                const char *template_name, int64_t n),
                                     void *arg)
{
  struct db_stmt *s = db_stmt(c, "SELECT status, template, count(*) FROM outbox "
                                 "WHERE " OUTBOX_UNSENT " "
                                 "GROUP BY status, template ORDER BY status, template");
  if (!s)
    return STORE_ERROR;
  enum store_status st;
  while ((st = db_step_row(c, s)) == STORE_OK) {
    char status[16], tmpl[64];
    db_col_text(s, 0, status, sizeof status);
    db_col_text(s, 1, tmpl, sizeof tmpl);
    fn(arg, status, tmpl, db_col_int64(s, 2));
  }
  db_reset(s);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}

enum store_status store_collab_states(struct store_conn *c,
                                      void (*fn)(void *arg, const char *state, int64_t n),
                                      void *arg)
{
  /* SQLite counts this on the collaborations_due index (state first): no table rows */
  struct db_stmt *s = db_stmt(c, "SELECT state, count(*) FROM collaborations GROUP BY state "
                                 "ORDER BY state");
  if (!s)
    return STORE_ERROR;
  enum store_status st;
  while ((st = db_step_row(c, s)) == STORE_OK) {
    char state[32];
    db_col_text(s, 0, state, sizeof state);
    fn(arg, state, db_col_int64(s, 1));
  }
  db_reset(s);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}
