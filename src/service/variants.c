/* variants.c - reading the service variants and previewing a change (service/variants.h). */
#include "service/variants.h"

enum store_status variants_read(const struct app *app, struct variant *out, size_t max, size_t *n)
{
  struct store_conn *c = store_conn(app->store);
  return c ? store_variants_list(c, out, max, n) : STORE_ERROR;
}

enum store_status variant_read(const struct app *app, const char *code, struct variant *out)
{
  struct store_conn *c = store_conn(app->store);
  return c ? store_variant_get(c, code, out) : STORE_ERROR;
}

enum store_status variant_preview(const struct app *app, const char *from_code, const char *to_code,
                                  struct variant *from, struct variant *to,
                                  struct variant_change *ch, struct refusal *rf)
{
  const char *names[] = {"from", "to"}, *codes[] = {from_code, to_code};
  struct variant *v[] = {from, to};
  for (int i = 0; i < 2; i++) {
    enum store_status st = variant_read(app, codes[i], v[i]);
    if (st == STORE_NOT_FOUND)
      refuse_field(rf, names[i], VARIANT_UNKNOWN);
    else if (st != STORE_OK)
      return st;
  }
  if (!refused(rf))
    variant_compare(from, to, ch);
  return STORE_OK;
}
