/* collab_list.c - SQL for a page of collaborations: the statement is made for the filters given
 * (one per combination, made once and kept), so that SQLite walks an index in the list's order
 * ((office|company|customer|task)_id, created_at, id) and stops after a page, instead of reading
 * and sorting every row ("x IS NULL OR co.x = x" would hide every index from the planner). */
#include "collab_sql.h"
#include "db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  BY_OFFICE = 1 << 0,
  BY_COMPANY = 1 << 1,
  BY_STATE = 1 << 2,
  BY_VARIANT = 1 << 3,
  BY_CUSTOMER = 1 << 4,
  BY_TASK = 1 << 5,
  BY_INITIATOR = 1 << 6,
  AFTER = 1 << 7,
  N_FORMS = 1 << 8,
};

static const struct {
  unsigned bit;
  const char *sql;
} conditions[] = {
    {BY_OFFICE, "co.office_id = :office"},
    {BY_COMPANY, "co.company_id = :company"},
    {BY_STATE, "(CASE WHEN co.state = 'invited' AND co.expires_at_ms <= :now THEN 'expired' "
               "ELSE co.state END) = :state"},
    {BY_VARIANT, EFFECTIVE_VARIANT " = :variant"},
    {BY_CUSTOMER, "co.customer_id = :customer"},
    {BY_TASK, "co.task_id = :task"},
    {BY_INITIATOR, "co.initiated_by = :by"},
    {AFTER, "(co.created_at < :after_at OR (co.created_at = :after_at AND co.id < :after_id))"},
};

/* Every form's SQL, made once; a form's address is its prepared statement's cache key. */
static char forms[N_FORMS][4096];
static pthread_once_t forms_once = PTHREAD_ONCE_INIT;

static void make_forms(void)
{
  for (unsigned m = 0; m < N_FORMS; m++) {
    char *out = forms[m];
    size_t len = sizeof forms[m];
    int n = snprintf(out, len, "%s", COLLAB_WITH_MAIL);
    const char *glue = "WHERE ";
    for (size_t i = 0; i < sizeof conditions / sizeof conditions[0]; i++) {
      if (!(m & conditions[i].bit))
        continue;
      n += snprintf(out + n, len - (size_t)n, "%s%s ", glue, conditions[i].sql);
      glue = "AND ";
    }
    n += snprintf(out + n, len - (size_t)n,
                  "ORDER BY co.created_at DESC, co.id DESC LIMIT :limit");
    if ((size_t)n >= len) /* a form cut short would be a different query */
      abort();
  }
}

static bool given(const char *s)
{
  return s && s[0];
}

enum store_status store_collab_list(struct store_conn *c, const struct collab_filter *f,
                                    int limit, store_collab_fn fn, void *arg, bool *more)
{
  pthread_once(&forms_once, make_forms);
  unsigned m = (given(f->office_id) ? BY_OFFICE : 0) | (given(f->company_id) ? BY_COMPANY : 0) |
               (given(f->state) ? BY_STATE : 0) | (given(f->variant) ? BY_VARIANT : 0) |
               (given(f->customer_id) ? BY_CUSTOMER : 0) | (given(f->task_id) ? BY_TASK : 0) |
               (given(f->initiated_by) ? BY_INITIATOR : 0) |
               (given(f->after_created_at) ? AFTER : 0);
  struct db_stmt *s = db_stmt(c, forms[m]);
  if (!s)
    return STORE_ERROR;
  if (m & BY_OFFICE)
    db_bind_text(s, ":office", f->office_id);
  if (m & BY_COMPANY)
    db_bind_text(s, ":company", f->company_id);
  if (m & BY_STATE) {
    db_bind_text(s, ":state", f->state);
    db_bind_int(s, ":now", f->now_ms);
  }
  if (m & BY_VARIANT)
    db_bind_text(s, ":variant", f->variant);
  if (m & BY_CUSTOMER)
    db_bind_text(s, ":customer", f->customer_id);
  if (m & BY_TASK)
    db_bind_text(s, ":task", f->task_id);
  if (m & BY_INITIATOR)
    db_bind_text(s, ":by", f->initiated_by);
  if (m & AFTER) {
    db_bind_text(s, ":after_at", f->after_created_at);
    db_bind_text(s, ":after_id", f->after_id ? f->after_id : "");
  }
  db_bind_int(s, ":limit", limit + 1);
  enum store_status st;
  int n = 0;
  *more = false;
  struct collab co;
  struct collab_mail_state mail;
  while ((st = db_step_row(c, s)) == STORE_OK) {
    if (n == limit) {
      *more = true;
      break;
    }
    bool has_mail = store_collab_read_with_mail(s, &co, &mail);
    fn(&co, has_mail ? &mail : NULL, arg);
    n++;
  }
  db_reset(s);
  return st == STORE_NOT_FOUND || st == STORE_OK ? STORE_OK : st;
}
