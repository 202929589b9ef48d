/* register_read.c - reading an office's register and the vendor's company records, each
 * lookup scoped to what the caller may see (service/register.h). */
#include "domain/authz.h"
#include "service/register.h"

#include <stdlib.h>
#include <string.h>

enum store_status customer_read(const struct app *app, const struct principal *caller,
                                const char *id, struct customer *out)
{
  struct store_conn *c = store_conn(app->store);
  return c ? store_customer_get(c, caller->office_id, id, out) : STORE_ERROR;
}

enum store_status customer_page(const struct app *app, const struct principal *caller,
                                struct customer_filter *f,
                                bool (*fn)(const struct customer *cu, void *arg), void *arg)
{
  struct store_conn *c = store_conn(app->store);
  f->office_id = caller->office_id;
  return c ? store_customers_list(c, f, fn, arg) : STORE_ERROR;
}

enum store_status task_read(const struct app *app, const struct principal *caller, const char *id,
                            struct task *out)
{
  struct store_conn *c = store_conn(app->store);
  return c ? store_task_get(c, caller->office_id, id, out) : STORE_ERROR;
}

enum store_status task_page(const struct app *app, const struct principal *caller,
                            struct task_filter *f, bool (*fn)(const struct task *t, void *arg),
                            void *arg)
{
  f->office_id = caller->office_id;
  struct store_conn *c = store_conn(app->store);
  struct customer *cu = malloc(sizeof *cu);
  enum store_status st =
      c && cu ? store_customer_get(c, f->office_id, f->customer_id, cu) : STORE_ERROR;
  free(cu);
  return st == STORE_OK ? store_tasks_list(c, f, fn, arg) : st;
}

enum store_status company_read(const struct app *app, const struct principal *caller,
                               const char *corporate_id, struct company *out)
{
  struct store_conn *c = store_conn(app->store);
  enum store_status st = c ? store_company_get_by_corporate_id(c, corporate_id, out) : STORE_ERROR;
  if (st == STORE_OK && !authz_sees_company(caller, out->id))
    st = STORE_NOT_FOUND;
  return st;
}
