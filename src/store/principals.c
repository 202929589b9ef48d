/* principals.c - SQL for support users and administrators, and the display of any principal
 * (who acted, as a collaboration's history and e-mails name them). */
#include "db.h"
#include "row_cache.h"
#include "store_identity.h"
#include "util.h"

#include <string.h>

static enum store_status insert_person(struct store_conn *c, struct db_stmt *s, const char *email,
                                       char *id_out)
{
  if (!s)
    return STORE_ERROR;
  char id[STORE_ID_LEN], now[STORE_TIME_LEN];
  util_uuid(id);
  util_now_iso8601(now, sizeof now);
  db_bind_text(s, ":id", id);
  db_bind_text(s, ":email", email);
  db_bind_text(s, ":now", now);
  enum store_status st = db_exec_stmt(c, s);
  if (st == STORE_OK)
    memcpy(id_out, id, sizeof id);
  return st;
}

enum store_status store_support_create(struct store_conn *c, const char *email, char *id_out)
{
  return insert_person(c, db_stmt(c, "INSERT INTO support_users (id, email, created_at) "
                                     "VALUES (:id, :email, :now)"),
                       email, id_out);
}

enum store_status store_admin_create(struct store_conn *c, const char *email, char *id_out)
{
  return insert_person(c, db_stmt(c, "INSERT INTO admins (id, email, created_at) "
                                     "VALUES (:id, :email, :now)"),
                       email, id_out);
}

enum store_status store_principal_display(struct store_conn *c, const char *kind,
                                          const char *id, char *name, char *role)
{
  /* an activation's actor, read for its event and e-mails (row_cache.h) */
  bool user = strcmp(kind, "office_user") == 0;
  if (user && row_cache_office_user(c, id, name, role))
    return STORE_OK;
  struct db_stmt *s = db_stmt(
      c, "SELECT coalesce(name, email), role FROM office_users "
         "WHERE id = :id AND :kind = 'office_user' UNION ALL "
         "SELECT name, 'administrator' FROM customer_admins "
         "WHERE id = :id AND :kind = 'customer_admin' UNION ALL "
         "SELECT 'Support', 'support' FROM support_users WHERE id = :id AND :kind = 'support' "
         "UNION ALL SELECT name, 'office' FROM offices WHERE id = :id AND :kind = 'office' "
         "UNION ALL SELECT 'Administrator', 'admin' FROM admins "
         "WHERE id = :id AND :kind = 'admin'");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", id);
  db_bind_text(s, ":kind", kind);
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK) {
    db_col_text(s, 0, name, STORE_NAME_LEN);
    db_col_text(s, 1, role, 24);
    if (user)
      row_cache_keep_office_user(c, id, name, role);
  }
  db_reset(s);
  return st;
}
