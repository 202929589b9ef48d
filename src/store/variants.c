/* variants.c - SQL for the variants and their features. */
#include "db.h"
#include "row_cache.h"
#include "store_variants.h"

#include <string.h>

enum store_status store_variant_load_features(struct store_conn *c, struct variant *v)
{
  struct db_stmt *s = db_stmt(c, "SELECT feature FROM variant_features WHERE variant_code = :code "
                               "ORDER BY feature");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":code", v->code);
  v->n_features = 0;
  enum store_status st;
  while ((st = db_step_row(c, s)) == STORE_OK && v->n_features < VARIANT_MAX_FEATURES)
    db_col_text(s, 0, v->features[v->n_features++], sizeof v->features[0]);
  db_reset(s);
  return st == STORE_NOT_FOUND || st == STORE_OK ? STORE_OK : st;
}

static void read_row(struct db_stmt *s, struct variant *v)
{
  memset(v, 0, sizeof *v);
  db_col_text(s, 0, v->code, sizeof v->code);
  db_col_text(s, 1, v->name, sizeof v->name);
  db_col_text(s, 2, v->description, sizeof v->description);
  v->rank = db_col_int(s, 3);
}

enum store_status store_variants_list(struct store_conn *c, struct variant *out, size_t max,
                                      size_t *n)
{
  struct db_stmt *s = db_stmt(c, "SELECT code, name, description, rank FROM variants ORDER BY rank");
  if (!s)
    return STORE_ERROR;
  *n = 0;
  enum store_status st;
  while ((st = db_step_row(c, s)) == STORE_OK && *n < max)
    read_row(s, &out[(*n)++]);
  db_reset(s);
  if (st != STORE_OK && st != STORE_NOT_FOUND)
    return st;
  for (size_t i = 0; i < *n; i++)
    if ((st = store_variant_load_features(c, &out[i])) != STORE_OK)
      return st;
  return STORE_OK;
}

enum store_status store_variant_get_brief(struct store_conn *c, const char *code,
                                         struct variant *out)
{
  if (row_cache_variant(c, code, out)) /* read in every activation (row_cache.h) */
    return STORE_OK;
  struct db_stmt *s =
      db_stmt(c, "SELECT code, name, description, rank FROM variants WHERE code = :code");
  if (!s)
    return STORE_ERROR;
  db_bind_text_kept(s, ":code", code);
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK) {
    read_row(s, out);
    row_cache_keep_variant(c, out);
  }
  db_reset(s);
  return st;
}

enum store_status store_variant_get(struct store_conn *c, const char *code, struct variant *out)
{
  enum store_status st = store_variant_get_brief(c, code, out);
  return st == STORE_OK ? store_variant_load_features(c, out) : st;
}
