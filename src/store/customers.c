/* customers.c - SQL for an office's customer register (always scoped to the office). */
#include "collab_sql.h"
#include "companies_sql.h"
#include "store_register.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns read_customer reads, with open (an SQL expression) as has_open_collaboration. */
#define CUSTOMER_COLS_OPEN(open)                                                              \
  "cu.id, cu.office_id, cu.company_id, cu.name, cu.email, cu.notes, cu.version, "             \
  "cu.created_at, cu.updated_at, " open ", " COMPANY_COLS
/* Whether the office has an open collaboration with the company of entry cu: by office and
 * company, as the one-open rule goes (a company's own invitation to the office has no
 * customer_id until the office connects a task), on collaborations_one_open; an invitation
 * past its expiry (:now_ms, bound by the caller) is no longer open even before a sweep
 * records it, as the activation's check (collab_check_none_open) settles it. */
#define CUSTOMER_HAS_OPEN                                                                     \
  "EXISTS (SELECT 1 FROM collaborations o WHERE o.office_id = cu.office_id "                  \
  "AND o.company_id = cu.company_id AND " COLLAB_OPEN_STATE("o.") " "                        \
  "AND (o.state <> 'invited' OR o.expires_at_ms > :now_ms))"
#define CUSTOMER_COLS CUSTOMER_COLS_OPEN(CUSTOMER_HAS_OPEN)
#define CUSTOMER_FROM " FROM customers cu JOIN companies co ON co.id = cu.company_id "

/* Writes every member of cu (not zeroed first: 10 KiB, most of it the notes, in every read). */
static void read_customer(struct db_stmt *s, struct customer *cu)
{
  db_col_text(s, 0, cu->id, sizeof cu->id);
  db_col_text(s, 1, cu->office_id, sizeof cu->office_id);
  db_col_text(s, 2, cu->company_id, sizeof cu->company_id);
  db_col_text(s, 3, cu->name, sizeof cu->name);
  db_col_text(s, 4, cu->email, sizeof cu->email);
  cu->has_notes = !db_col_null(s, 5);
  db_col_text(s, 5, cu->notes, sizeof cu->notes);
  cu->version = db_col_int64(s, 6);
  db_col_text(s, 7, cu->created_at, sizeof cu->created_at);
  db_col_text(s, 8, cu->updated_at, sizeof cu->updated_at);
  cu->has_open_collaboration = db_col_int(s, 9) != 0;
  store_read_company(s, 10, &cu->company);
}

static enum store_status one_customer(struct store_conn *c, struct db_stmt *s,
                                      struct customer *out)
{
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK)
    read_customer(s, out);
  db_reset(s);
  return st;
}

enum store_status store_customer_create(struct store_conn *c, struct customer *cu)
{
  struct db_stmt *s = db_stmt(c, "INSERT INTO customers (id, office_id, company_id, name, email, "
                               "notes, version, created_at, updated_at) VALUES (:id, :office, "
                               ":company, :name, :email, :notes, 1, :now, :now)");
  if (!s)
    return STORE_ERROR;
  util_uuid(cu->id);
  util_now_iso8601(cu->created_at, sizeof cu->created_at);
  memcpy(cu->updated_at, cu->created_at, sizeof cu->updated_at);
  cu->version = 1;
  db_bind_text(s, ":id", cu->id);
  db_bind_text(s, ":office", cu->office_id);
  db_bind_text(s, ":company", cu->company_id);
  db_bind_text(s, ":name", cu->name);
  db_bind_text(s, ":email", cu->email);
  db_bind_text(s, ":notes", cu->has_notes ? cu->notes : NULL);
  db_bind_text(s, ":now", cu->created_at);
  enum store_status st = db_exec_stmt(c, s);
  return st == STORE_OK ? store_company_get(c, cu->company_id, &cu->company) : st;
}

/* The office's customer id read by s (one of the two statements below); with_open: s has
 * CUSTOMER_HAS_OPEN's :now_ms. */
static enum store_status customer_by_id(struct store_conn *c, struct db_stmt *s,
                                        const char *office_id, const char *id, bool with_open,
                                        struct customer *out)
{
  if (!s)
    return STORE_ERROR;
  db_bind_text_kept(s, ":id", id);
  db_bind_text_kept(s, ":office", office_id);
  if (with_open)
    db_bind_int(s, ":now_ms", util_now_ms());
  return one_customer(c, s, out);
}

enum store_status store_customer_get(struct store_conn *c, const char *office_id,
                                     const char *id, struct customer *out)
{
  return customer_by_id(c, db_stmt(c, "SELECT " CUSTOMER_COLS CUSTOMER_FROM
                                      "WHERE cu.id = :id AND cu.office_id = :office"),
                        office_id, id, true, out);
}

enum store_status store_customer_get_no_open(struct store_conn *c, const char *office_id,
                                             const char *id, struct customer *out)
{
  /* the open look and its clock were about 5% of an activation's time on the writer */
  return customer_by_id(c, db_stmt(c, "SELECT " CUSTOMER_COLS_OPEN("0") CUSTOMER_FROM
                                      "WHERE cu.id = :id AND cu.office_id = :office"),
                        office_id, id, false, out);
}

enum store_status store_customer_get_by_company(struct store_conn *c, const char *office_id,
                                                const char *company_id, struct customer *out)
{
  struct db_stmt *s = db_stmt(c, "SELECT " CUSTOMER_COLS CUSTOMER_FROM
                               "WHERE cu.company_id = :company AND cu.office_id = :office");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":company", company_id);
  db_bind_text(s, ":office", office_id);
  db_bind_int(s, ":now_ms", util_now_ms());
  return one_customer(c, s, out);
}

enum store_status store_customer_update(struct store_conn *c, struct customer *cu,
                                        int64_t expected_version)
{
  struct db_stmt *s = db_stmt(c, "UPDATE customers SET name = :name, email = :email, "
                               "notes = :notes, version = version + 1, updated_at = :now "
                               "WHERE id = :id AND office_id = :office AND version = :version");
  if (!s)
    return STORE_ERROR;
  char now[STORE_TIME_LEN];
  util_now_iso8601(now, sizeof now);
  db_bind_text(s, ":name", cu->name);
  db_bind_text(s, ":email", cu->email);
  db_bind_text(s, ":notes", cu->has_notes ? cu->notes : NULL);
  db_bind_text(s, ":now", now);
  db_bind_text(s, ":id", cu->id);
  db_bind_text(s, ":office", cu->office_id);
  db_bind_int(s, ":version", expected_version);
  enum store_status st = db_exec_stmt(c, s);
  if (st != STORE_OK)
    return st;
  if (db_changes(c) == 0)
    return STORE_CONFLICT;
  cu->version = expected_version + 1;
  memcpy(cu->updated_at, now, sizeof now);
  return STORE_OK;
}

enum store_status store_customer_delete(struct store_conn *c, const char *office_id,
                                        const char *id)
{
  struct db_stmt *s = db_stmt(c, "DELETE FROM customers WHERE id = :id AND office_id = :office");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", id);
  db_bind_text(s, ":office", office_id);
  enum store_status st = db_exec_stmt(c, s);
  if (st == STORE_OK && db_changes(c) == 0)
    return STORE_NOT_FOUND;
  return st;
}

/* A LIKE pattern matching s anywhere, with %, _ and \ escaped. Caller frees. */
static char *like_pattern(const char *s)
{
  char *p = malloc(2 * strlen(s) + 3), *o = p;
  if (!p)
    return NULL;
  *o++ = '%';
  for (; *s; s++) {
    if (*s == '%' || *s == '_' || *s == '\\')
      *o++ = '\\';
    *o++ = *s;
  }
  *o++ = '%';
  *o = '\0';
  return p;
}

enum store_status store_customers_list(struct store_conn *c, const struct customer_filter *f,
                                       bool (*fn)(const struct customer *cu, void *arg),
                                       void *arg)
{
  struct db_stmt *s = db_stmt(
      c, "SELECT " CUSTOMER_COLS CUSTOMER_FROM "WHERE cu.office_id = :office "
         "AND (:q IS NULL OR lower(cu.name) LIKE lower(:q) ESCAPE '\\' "
         "  OR co.corporate_id LIKE :q ESCAPE '\\') "
         "AND (:open < 0 OR CASE WHEN " CUSTOMER_HAS_OPEN " THEN 1 ELSE 0 END = :open) "
         "AND (:ts IS NULL OR EXISTS (SELECT 1 FROM tasks t WHERE t.customer_id = cu.id "
         "  AND t.status = :ts)) "
         "AND (:after_name IS NULL OR cu.name > :after_name "
         "  OR (cu.name = :after_name AND cu.id > :after_id)) "
         "ORDER BY cu.name, cu.id LIMIT :limit");
  if (!s)
    return STORE_ERROR;
  char *q = f->q ? like_pattern(f->q) : NULL;
  if (f->q && !q)
    return STORE_ERROR;
  db_bind_text(s, ":office", f->office_id);
  db_bind_text(s, ":q", q);
  db_bind_int(s, ":open", f->has_open_collaboration);
  db_bind_int(s, ":now_ms", util_now_ms());
  db_bind_text(s, ":ts", f->task_status);
  db_bind_text(s, ":after_name", f->after_name);
  db_bind_text(s, ":after_id", f->after_id ? f->after_id : "");
  db_bind_int(s, ":limit", f->limit);
  struct customer *cu = malloc(sizeof *cu);
  enum store_status st = cu ? STORE_OK : STORE_ERROR;
  while (st == STORE_OK && (st = db_step_row(c, s)) == STORE_OK) {
    read_customer(s, cu);
    if (!fn(cu, arg))
      break;
  }
  db_reset(s);
  free(cu);
  free(q);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}
