/* offices.c - SQL for offices and their users. */
#include "db.h"
#include "row_cache.h"
#include "store_identity.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

#define OFFICE_COLS "id, corporate_id, name, email, created_at"
#define USER_COLS "id, office_id, email, role, created_at, coalesce(name, '')"

static void read_office(struct db_stmt *s, struct office *o)
{
  memset(o, 0, sizeof *o);
  db_col_text(s, 0, o->id, sizeof o->id);
  db_col_text(s, 1, o->corporate_id, sizeof o->corporate_id);
  db_col_text(s, 2, o->name, sizeof o->name);
  db_col_text(s, 3, o->email, sizeof o->email);
  db_col_text(s, 4, o->created_at, sizeof o->created_at);
}

static enum store_status one_office(struct store_conn *c, struct db_stmt *s, struct office *out)
{
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK)
    read_office(s, out);
  db_reset(s);
  return st;
}

enum store_status store_office_create(struct store_conn *c, const char *corporate_id,
                                      const char *name, const char *email, struct office *out)
{
  struct db_stmt *s = db_stmt(c, "INSERT INTO offices (id, corporate_id, name, email, created_at) "
                               "VALUES (:id, :cid, :name, :email, :now)");
  if (!s)
    return STORE_ERROR;
  memset(out, 0, sizeof *out);
  util_uuid(out->id);
  util_now_iso8601(out->created_at, sizeof out->created_at);
  snprintf(out->corporate_id, sizeof out->corporate_id, "%s", corporate_id);
  snprintf(out->name, sizeof out->name, "%s", name);
  snprintf(out->email, sizeof out->email, "%s", email);
  db_bind_text(s, ":id", out->id);
  db_bind_text(s, ":cid", corporate_id);
  db_bind_text(s, ":name", name);
  db_bind_text(s, ":email", email);
  db_bind_text(s, ":now", out->created_at);
  return db_exec_stmt(c, s);
}

enum store_status store_office_get(struct store_conn *c, const char *id, struct office *out)
{
  if (row_cache_office(c, id, out)) /* read in every activation (row_cache.h) */
    return STORE_OK;
  struct db_stmt *s = db_stmt(c, "SELECT " OFFICE_COLS " FROM offices WHERE id = :id");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", id);
  enum store_status st = one_office(c, s, out);
  if (st == STORE_OK)
    row_cache_keep_office(c, out);
  return st;
}

enum store_status store_office_get_by_corporate_id(struct store_conn *c,
                                                   const char *corporate_id,
                                                   struct office *out)
{
  struct db_stmt *s = db_stmt(c, "SELECT " OFFICE_COLS " FROM offices WHERE corporate_id = :cid");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":cid", corporate_id);
  return one_office(c, s, out);
}

enum store_status store_office_user_create(struct store_conn *c, const char *office_id,
                                           const char *email, enum office_role role,
                                           struct office_user *out)
{
  struct office o;
  enum store_status st = store_office_get(c, office_id, &o);
  if (st != STORE_OK)
    return st;
  struct db_stmt *s = db_stmt(c, "INSERT INTO office_users (id, office_id, email, role, "
                               "created_at) VALUES (:id, :office, :email, :role, :now)");
  if (!s)
    return STORE_ERROR;
  memset(out, 0, sizeof *out);
  util_uuid(out->id);
  util_now_iso8601(out->created_at, sizeof out->created_at);
  snprintf(out->office_id, sizeof out->office_id, "%s", office_id);
  snprintf(out->email, sizeof out->email, "%s", email);
  out->role = role;
  db_bind_text(s, ":id", out->id);
  db_bind_text(s, ":office", office_id);
  db_bind_text(s, ":email", email);
  db_bind_text(s, ":role", role == OFFICE_ROLE_FULL ? "full" : "limited");
  db_bind_text(s, ":now", out->created_at);
  return db_exec_stmt(c, s);
}

static void read_user(struct db_stmt *s, struct office_user *out)
{
  char role[16];
  memset(out, 0, sizeof *out);
  db_col_text(s, 0, out->id, sizeof out->id);
  db_col_text(s, 1, out->office_id, sizeof out->office_id);
  db_col_text(s, 2, out->email, sizeof out->email);
  db_col_text(s, 3, role, sizeof role);
  db_col_text(s, 4, out->created_at, sizeof out->created_at);
  db_col_text(s, 5, out->name, sizeof out->name);
  out->role = strcmp(role, "full") == 0 ? OFFICE_ROLE_FULL : OFFICE_ROLE_LIMITED;
}

enum store_status store_office_user_get(struct store_conn *c, const char *office_id,
                                        const char *id, struct office_user *out)
{
  struct db_stmt *s = db_stmt(c, "SELECT " USER_COLS " FROM office_users WHERE id = :id "
                               "AND (:office IS NULL OR office_id = :office)");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", id);
  db_bind_text(s, ":office", office_id);
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK)
    read_user(s, out);
  db_reset(s);
  return st;
}

enum store_status store_office_users_list(struct store_conn *c, const char *office_id,
                                          const char *after_created, const char *after_id,
                                          int limit,
                                          bool (*fn)(const struct office_user *u, void *arg),
                                          void *arg)
{
  struct db_stmt *s = db_stmt(
      c, "SELECT " USER_COLS " FROM office_users WHERE office_id = :office "
         "AND (:after_created IS NULL OR created_at > :after_created "
         "  OR (created_at = :after_created AND id > :after_id)) "
         "ORDER BY created_at, id LIMIT :limit");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":office", office_id);
  db_bind_text(s, ":after_created", after_created);
  db_bind_text(s, ":after_id", after_id ? after_id : "");
  db_bind_int(s, ":limit", limit);
  struct office_user u;
  enum store_status st;
  while ((st = db_step_row(c, s)) == STORE_OK) {
    read_user(s, &u);
    if (!fn(&u, arg))
      break;
  }
  db_reset(s);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}

enum store_status store_office_user_update(struct store_conn *c, const char *office_id,
                                           const char *id, const char *name,
                                           enum office_role role)
{
  struct db_stmt *s = db_stmt(
      c, "UPDATE office_users SET name = coalesce(:name, name), role = coalesce(:role, role) "
         "WHERE id = :id AND office_id = :office");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":name", name);
  db_bind_text(s, ":role", role == OFFICE_ROLE_FULL      ? "full"
                           : role == OFFICE_ROLE_LIMITED ? "limited"
                                                         : NULL);
  db_bind_text(s, ":id", id);
  db_bind_text(s, ":office", office_id);
  enum store_status st = db_exec_stmt(c, s);
  return st == STORE_OK && db_changes(c) == 0 ? STORE_NOT_FOUND : st;
}

enum store_status store_office_full_users(struct store_conn *c, const char *office_id,
                                          long *n)
{
  struct db_stmt *s = db_stmt(c, "SELECT count(*) FROM office_users WHERE office_id = :office "
                               "AND role = 'full'");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":office", office_id);
  enum store_status st = db_step_row(c, s);
  *n = st == STORE_OK ? (long)db_col_int64(s, 0) : 0;
  db_reset(s);
  return st;
}

/* Runs one statement of the removal with :id bound. */
static enum store_status remove_step(struct store_conn *c, const char *sql, const char *id,
                                     const char *now)
{
  struct db_stmt *s = db_stmt(c, sql);
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", id);
  if (now)
    db_bind_text(s, ":now", now);
  return db_exec_stmt(c, s);
}

enum store_status store_office_user_remove(struct store_conn *c, const char *office_id,
                                           const char *id)
{
  struct office_user u;
  enum store_status st = store_office_user_get(c, office_id, id, &u);
  if (st != STORE_OK)
    return st;
  char now[STORE_TIME_LEN];
  util_now_iso8601(now, sizeof now);
  if ((st = remove_step(c, "UPDATE tasks SET assignee_id = NULL WHERE assignee_id = :id",
                        id, NULL)) != STORE_OK ||
      (st = remove_step(c, "UPDATE tokens SET revoked_at = :now WHERE principal_id = :id "
                           "AND revoked_at IS NULL", id, now)) != STORE_OK ||
      (st = remove_step(c, "UPDATE sessions SET ended_at = :now WHERE principal_id = :id "
                           "AND ended_at IS NULL", id, now)) != STORE_OK ||
      (st = remove_step(c, "DELETE FROM sign_in_links WHERE principal_id = :id", id, NULL)) !=
          STORE_OK)
    return st;
  return remove_step(c, "DELETE FROM office_users WHERE id = :id", id, NULL);
}
