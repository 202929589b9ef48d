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

/* Reads the six PRINCIPAL_SQL_COLS starting at column col into out (kind, id, office, role,
 * company, e-mail). False when the principal no longer exists (out is then cleared). */
bool db_principal_read(struct db_stmt *s, int col, struct principal *out);
/* The same principal read on its own, named by kind (as stored) and id, from the one table the
 * kind names: STORE_OK, STORE_NOT_FOUND (no such principal now; out cleared) or an error. */
enum store_status db_principal_load(struct store_conn *c, const char *kind, const char *id,
                                    struct principal *out);

#endif
