/* tasks.c - SQL for an office's tasks (engagements per customer), always scoped to the office. */
#include "db.h"
#include "store_register.h"
#include "util.h"

#include <string.h>

#define TASK_COLS                                                                             \
  "id, office_id, customer_id, name, assignee_id, status, version, created_at, updated_at"

static void read_task(struct db_stmt *s, struct task *t)
{
  memset(t, 0, sizeof *t);
  db_col_text(s, 0, t->id, sizeof t->id);
  db_col_text(s, 1, t->office_id, sizeof t->office_id);
  db_col_text(s, 2, t->customer_id, sizeof t->customer_id);
  db_col_text(s, 3, t->name, sizeof t->name);
  db_col_text(s, 4, t->assignee_id, sizeof t->assignee_id);
  db_col_text(s, 5, t->status, sizeof t->status);
  t->version = db_col_int64(s, 6);
  db_col_text(s, 7, t->created_at, sizeof t->created_at);
  db_col_text(s, 8, t->updated_at, sizeof t->updated_at);
}

enum store_status store_task_create(struct store_conn *c, struct task *t)
{
  struct db_stmt *s = db_stmt(c, "INSERT INTO tasks (id, office_id, customer_id, name, "
                               "assignee_id, status, version, created_at, updated_at) VALUES "
                               "(:id, :office, :customer, :name, :assignee, :status, 1, :now, "
                               ":now)");
  if (!s)
    return STORE_ERROR;
  util_uuid(t->id);
  util_now_iso8601(t->created_at, sizeof t->created_at);
  memcpy(t->updated_at, t->created_at, sizeof t->updated_at);
  t->version = 1;
  db_bind_text(s, ":id", t->id);
  db_bind_text(s, ":office", t->office_id);
  db_bind_text(s, ":customer", t->customer_id);
  db_bind_text(s, ":name", t->name);
  db_bind_text(s, ":assignee", t->assignee_id[0] ? t->assignee_id : NULL);
  db_bind_text(s, ":status", t->status[0] ? t->status : "open");
  db_bind_text(s, ":now", t->created_at);
  if (!t->status[0])
    memcpy(t->status, "open", 5);
  return db_exec_stmt(c, s);
}

enum store_status store_task_get(struct store_conn *c, const char *office_id, const char *id,
                                 struct task *out)
{
  struct db_stmt *s = db_stmt(c, "SELECT " TASK_COLS " FROM tasks WHERE id = :id "
                               "AND office_id = :office");
  if (!s)
    return STORE_ERROR;
  db_bind_text_kept(s, ":id", id);
  db_bind_text_kept(s, ":office", office_id);
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK)
    read_task(s, out);
  db_reset(s);
  return st;
}

enum store_status store_task_update(struct store_conn *c, struct task *t,
                                    int64_t expected_version)
{
  struct db_stmt *s = db_stmt(c, "UPDATE tasks SET name = :name, assignee_id = :assignee, "
                               "status = :status, version = version + 1, updated_at = :now "
                               "WHERE id = :id AND office_id = :office AND version = :version");
  if (!s)
    return STORE_ERROR;
  char now[STORE_TIME_LEN];
  util_now_iso8601(now, sizeof now);
  db_bind_text(s, ":name", t->name);
  db_bind_text(s, ":assignee", t->assignee_id[0] ? t->assignee_id : NULL);
  db_bind_text(s, ":status", t->status);
  db_bind_text(s, ":now", now);
  db_bind_text(s, ":id", t->id);
  db_bind_text(s, ":office", t->office_id);
  db_bind_int(s, ":version", expected_version);
  enum store_status st = db_exec_stmt(c, s);
  if (st != STORE_OK)
    return st;
  if (db_changes(c) == 0)
    return STORE_CONFLICT;
  t->version = expected_version + 1;
  memcpy(t->updated_at, now, sizeof now);
  return STORE_OK;
}

enum store_status store_tasks_list(struct store_conn *c, const struct task_filter *f,
                                   bool (*fn)(const struct task *t, void *arg), void *arg)
{
  struct db_stmt *s = db_stmt(
      c, "SELECT " TASK_COLS " FROM tasks WHERE office_id = :office AND customer_id = :customer "
         "AND (:status IS NULL OR status = :status) "
         "AND (:after_created IS NULL OR created_at > :after_created "
         "  OR (created_at = :after_created AND id > :after_id)) "
         "ORDER BY created_at, id LIMIT :limit");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":office", f->office_id);
  db_bind_text(s, ":customer", f->customer_id);
  db_bind_text(s, ":status", f->status);
  db_bind_text(s, ":after_created", f->after_created);
  db_bind_text(s, ":after_id", f->after_id ? f->after_id : "");
  db_bind_int(s, ":limit", f->limit);
  struct task t;
  enum store_status st;
  while ((st = db_step_row(c, s)) == STORE_OK) {
    read_task(s, &t);
    if (!fn(&t, arg))
      break;
  }
  db_reset(s);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}
