/* companies.c - SQL for companies (the vendor's records, one per corporate ID). */
#include "companies_sql.h"
#include "store_identity.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

void store_read_company(struct db_stmt *s, int col, struct company *co)
{
  memset(co, 0, sizeof *co);
  db_col_text(s, col + 0, co->id, sizeof co->id);
  db_col_text(s, col + 1, co->corporate_id, sizeof co->corporate_id);
  db_col_text(s, col + 2, co->name, sizeof co->name);
  db_col_text(s, col + 3, co->relation, sizeof co->relation);
  co->has_subscription = !db_col_null(s, col + 4);
  if (co->has_subscription) {
    db_col_text(s, col + 4, co->sub.variant, sizeof co->sub.variant);
    db_col_text(s, col + 5, co->sub.invoice_recipient, sizeof co->sub.invoice_recipient);
    co->sub.agreement_period_months = db_col_int(s, col + 6);
    db_col_text(s, col + 7, co->sub.starts_on, sizeof co->sub.starts_on);
    db_col_text(s, col + 8, co->sub.renews_on, sizeof co->sub.renews_on);
  }
  co->version = db_col_int64(s, col + 9);
  db_col_text(s, col + 10, co->created_at, sizeof co->created_at);
  db_col_text(s, col + 11, co->updated_at, sizeof co->updated_at);
}

static enum store_status one_company(struct store_conn *c, struct db_stmt *s, struct company *out)
{
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK)
    store_read_company(s, 0, out);
  db_reset(s);
  return st;
}

/* Binds the subscription columns (all NULL without one). */
static void bind_sub(struct db_stmt *s, const struct company *co)
{
  const struct subscription *sub = co->has_subscription ? &co->sub : NULL;
  db_bind_text(s, ":variant", sub ? sub->variant : NULL);
  db_bind_text(s, ":recipient", sub ? sub->invoice_recipient : NULL);
  if (sub)
    db_bind_int(s, ":period", sub->agreement_period_months);
  else
    db_bind_null(s, ":period");
  db_bind_text(s, ":starts", sub ? sub->starts_on : NULL);
  db_bind_text(s, ":renews", sub ? sub->renews_on : NULL);
}

enum store_status store_company_create(struct store_conn *c, struct company *co)
{
  struct db_stmt *s = db_stmt(
      c, "INSERT INTO companies (id, corporate_id, name, relation, sub_variant, "
         "sub_invoice_recipient, sub_agreement_period_months, sub_starts_on, sub_renews_on, "
         "version, created_at, updated_at) VALUES (:id, :cid, :name, :relation, :variant, "
         ":recipient, :period, :starts, :renews, 1, :now, :now)");
  if (!s)
    return STORE_ERROR;
  util_uuid(co->id);
  util_now_iso8601(co->created_at, sizeof co->created_at);
  memcpy(co->updated_at, co->created_at, sizeof co->updated_at);
  co->version = 1;
  db_bind_text(s, ":id", co->id);
  db_bind_text(s, ":cid", co->corporate_id);
  db_bind_text(s, ":name", co->name);
  db_bind_text(s, ":relation", co->relation);
  bind_sub(s, co);
  db_bind_text(s, ":now", co->created_at);
  return db_exec_stmt(c, s);
}

enum store_status store_company_get(struct store_conn *c, const char *id, struct company *out)
{
  struct db_stmt *s = db_stmt(c, "SELECT " COMPANY_COLS " FROM companies co WHERE co.id = :id");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", id);
  return one_company(c, s, out);
}

enum store_status store_company_get_by_corporate_id(struct store_conn *c,
                                                    const char *corporate_id,
                                                    struct company *out)
{
  struct db_stmt *s =
      db_stmt(c, "SELECT " COMPANY_COLS " FROM companies co WHERE co.corporate_id = :cid");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":cid", corporate_id);
  return one_company(c, s, out);
}

enum store_status store_company_update(struct store_conn *c, struct company *co,
                                       int64_t expected_version)
{
  struct db_stmt *s = db_stmt(
      c, "UPDATE companies SET name = :name, relation = :relation, sub_variant = :variant, "
         "sub_invoice_recipient = :recipient, sub_agreement_period_months = :period, "
         "sub_starts_on = :starts, sub_renews_on = :renews, version = version + 1, "
         "updated_at = :now WHERE id = :id AND version = :version");
  if (!s)
    return STORE_ERROR;
  char now[STORE_TIME_LEN];
  util_now_iso8601(now, sizeof now);
  db_bind_text(s, ":name", co->name);
  db_bind_text(s, ":relation", co->relation);
  bind_sub(s, co);
  db_bind_text(s, ":now", now);
  db_bind_text(s, ":id", co->id);
  db_bind_int(s, ":version", expected_version);
  enum store_status st = db_exec_stmt(c, s);
  if (st != STORE_OK)
    return st;
  if (db_changes(c) == 0) {
    struct company cur;
    st = store_company_get(c, co->id, &cur);
    return st == STORE_OK ? STORE_CONFLICT : st;
  }
  co->version = expected_version + 1;
  memcpy(co->updated_at, now, sizeof now);
  return STORE_OK;
}
