/* principal_sql.h - one way to read a principal from a row that names it by (principal_kind,
 * principal_id): the joins and columns to select, and the reader (internal to src/store/;
 * bearer tokens and sessions share it). */
#ifndef ADVISORD_STORE_PRINCIPAL_SQL_H
#define ADVISORD_STORE_PRINCIPAL_SQL_H

#include "db.h"
#include "principal.h"

#include <stdbool.h>

/* Select t.principal_kind, t.principal_id, then PRINCIPAL_SQL_COLS, FROM a table aliased t
 * followed by PRINCIPAL_SQL_JOINS. */
#define PRINCIPAL_SQL_COLS \
  "t.principal_kind, t.principal_id, coalesce(u.office_id, ''), coalesce(u.role, ''), " \
  "coalesce(a.company_id, ''), coalesce(u.email, a.email, su.email, ad.email)"
#define PRINCIPAL_SQL_JOINS \
  "LEFT JOIN office_users u ON t.principal_kind = 'office_user' AND u.id = t.principal_id " \
  "LEFT JOIN customer_admins a ON t.principal_kind = 'customer_admin' " \
  "  AND a.id = t.principal_id " \
  "LEFT JOIN support_users su ON t.principal_kind = 'support' AND su.id = t.principal_id " \
  "LEFT JOIN admins ad ON t.principal_kind = 'admin' AND ad.id = t.principal_id "

/* The principal named by the row s is on, from column col on: PRINCIPAL_SQL_COLS on
 * PostgreSQL, where the statement joins them (one round trip); on SQLite the row's kind and id
 * only (t.principal_kind, t.principal_id), the principal then read from the one table its kind
 * names (a statement joining all four opens every table's cursors at every run: about twice
 * the cost). Resets s. STORE_OK, STORE_NOT_FOUND (it no longer exists; out cleared) or an
 * error. */
enum store_status db_principal_of_row(struct store_conn *c, struct db_stmt *s, int col,
                                      struct principal *out);

#endif
