/* companies_sql.h - the company columns and row reader, shared by the files whose queries
 * embed a company (companies.c, customers.c). Internal to the store. */
#ifndef ADVISORD_STORE_COMPANIES_SQL_H
#define ADVISORD_STORE_COMPANIES_SQL_H

#include "db.h"
#include "store_identity.h"

/* Twelve columns of the companies table aliased "co", in store_read_company's order. */
#define COMPANY_COLS                                                                          \
  "co.id, co.corporate_id, co.name, co.relation, co.sub_variant, co.sub_invoice_recipient, "  \
  "co.sub_agreement_period_months, co.sub_starts_on, co.sub_renews_on, co.version, "          \
  "co.created_at, co.updated_at"
#define COMPANY_NCOLS 12

/* Reads COMPANY_COLS starting at column col. */
void store_read_company(struct db_stmt *s, int col, struct company *co);

#endif
