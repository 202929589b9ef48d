/* collab_list.c - reading many: the collaborations a caller may see, filtered and a page at a
 * time, and one collaboration's history. */
#include "collab_internal.h"
#include "store_register.h"
#include "store_variants.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

/* The caller's scope, and the register's customer's company (into company, >= COLLAB_ID_LEN)
 * when the input names one; false after refusing (404) or with a failure in *st. */
static bool scope(struct store_conn *c, const struct collab_list_in *in, struct collab_filter *f,
                  char *company, struct refusal *rf, enum store_status *st)
{
  const struct principal *p = in->caller;
  *st = STORE_OK;
  if (in->customer_id) {
    struct customer *cu = malloc(sizeof *cu);
    *st = cu ? store_customer_get(c, p->office_id, in->customer_id, cu) : STORE_ERROR;
    if (*st == STORE_NOT_FOUND) {
      refuse(rf, ERR_NOT_FOUND, "No customer %s in your register", in->customer_id);
      *st = STORE_OK;
      free(cu);
      return false;
    }
    /* by company, not customer_id: a customer's invitation may predate the register entry */
    if (*st == STORE_OK)
      snprintf(company, COLLAB_ID_LEN, "%s", cu->company_id);
    free(cu);
    f->office_id = p->office_id;
    f->company_id = company;
    return *st == STORE_OK;
  }
  if (p->kind == PRINCIPAL_OFFICE_USER)
    f->office_id = p->office_id;
  else if (p->kind == PRINCIPAL_CUSTOMER_ADMIN)
    f->company_id = p->company_id;
  return true;
}

enum store_status collab_list(const struct app *app, const struct collab_list_in *in,
                              collab_row_fn fn, void *arg, bool *more, struct refusal *rf)
{
  struct store_conn *c = store_conn(app->store);
  if (!c)
    return STORE_ERROR;
  char company[COLLAB_ID_LEN] = "";
  struct collab_filter f = {.state = in->state,
                            .variant = in->variant,
                            .customer_id = in->of_customer,
                            .task_id = in->task_id,
                            .initiated_by = in->initiated_by,
                            .after_created_at = in->after_created_at,
                            .after_id = in->after_id,
                            .now_ms = util_now_ms()};
  enum store_status st;
  if (!scope(c, in, &f, company, rf, &st))
    return st;
  struct variant v; /* variants are data: a filter naming none that exists is refused */
  if (in->variant && (st = store_variant_get(c, in->variant, &v)) != STORE_OK) {
    if (st == STORE_NOT_FOUND)
      refuse_field(rf, "variant", VARIANT_UNKNOWN);
    return st == STORE_NOT_FOUND ? STORE_OK : st;
  }
  return store_collab_list(c, &f, in->limit, fn, arg, more);
}

enum store_status collab_history(const struct app *app, const struct principal *caller,
                                 const char *id, int64_t after, int limit, store_collab_event_fn fn,
                                 void *arg, bool *more, struct refusal *rf)
{
  struct collab *co = malloc(sizeof *co);
  struct store_conn *c = store_conn(app->store);
  enum store_status st = co && c ? store_collab_get(c, id, co) : STORE_ERROR;
  if (st == STORE_OK && !collab_visible_to(co->office_id, co->company_id, caller))
    st = STORE_NOT_FOUND;
  free(co);
  if (st == STORE_NOT_FOUND) {
    refuse(rf, ERR_NOT_FOUND, "No collaboration %s", id);
    return STORE_OK;
  }
  if (st != STORE_OK)
    return st;
  return store_collab_events_list(c, id, after, limit, fn, arg, more);
}
