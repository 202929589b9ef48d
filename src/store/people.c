/* people.c - SQL for customer administrators (principals.c: support users, administrators). */
#include "db.h"
#include "store_identity.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define ADMIN_COLS "id, company_id, name, email, phone, is_main_contact, created_at, confirmed"

/* Steps s once and reads an administrator row into out (STORE_OK), without resetting s. */
static enum store_status one_admin_row(struct store_conn *c, struct db_stmt *s,
                                       struct customer_admin *out)
{
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK) {
    memset(out, 0, sizeof *out);
    db_col_text(s, 0, out->id, sizeof out->id);
    db_col_text(s, 1, out->company_id, sizeof out->company_id);
    db_col_text(s, 2, out->name, sizeof out->name);
    db_col_text(s, 3, out->email, sizeof out->email);
    db_col_text(s, 4, out->phone, sizeof out->phone);
    out->is_main_contact = db_col_int(s, 5) != 0;
    db_col_text(s, 6, out->created_at, sizeof out->created_at);
    out->confirmed = db_col_int(s, 7) != 0;
  }
  return st;
}

static enum store_status one_admin(struct store_conn *c, struct db_stmt *s,
                                   struct customer_admin *out)
{
  enum store_status st = one_admin_row(c, s, out);
  db_reset(s);
  return st;
}

#define ADMIN_INSERT                                                                          \
  "INSERT INTO customer_admins (id, company_id, name, email, phone, is_main_contact, "        \
  "created_at, confirmed) VALUES (:id, :company, :name, :email, :phone, :main, :now, "        \
  ":confirmed)"

/* Fills out and runs the prepared insert s (ADMIN_INSERT, perhaps with a conflict clause). */
static enum store_status admin_insert_with(struct store_conn *c, struct db_stmt *s,
                                           const char *company_id, const char *name,
                                           const char *email, const char *phone,
                                           bool is_main_contact, bool confirmed,
                                           struct customer_admin *out)
{
  if (!s)
    return STORE_ERROR;
  memset(out, 0, sizeof *out);
  util_uuid(out->id);
  util_now_iso8601(out->created_at, sizeof out->created_at);
  snprintf(out->company_id, sizeof out->company_id, "%s", company_id);
  snprintf(out->name, sizeof out->name, "%s", name);
  snprintf(out->email, sizeof out->email, "%s", email);
  snprintf(out->phone, sizeof out->phone, "%s", phone ? phone : "");
  out->is_main_contact = is_main_contact && confirmed;
  out->confirmed = confirmed;
  db_bind_text_kept(s, ":id", out->id);
  db_bind_text_kept(s, ":company", company_id);
  db_bind_text_kept(s, ":name", name);
  db_bind_text_kept(s, ":email", email);
  db_bind_text_kept(s, ":phone", phone && *phone ? phone : NULL);
  db_bind_int(s, ":main", out->is_main_contact ? 1 : 0);
  db_bind_text_kept(s, ":now", out->created_at);
  db_bind_int(s, ":confirmed", confirmed ? 1 : 0);
  return db_exec_stmt(c, s);
}

/* Inserts the administrator; confirmed false makes it one just named (never the main
 * contact). */
static enum store_status admin_insert(struct store_conn *c, const char *company_id,
                                      const char *name, const char *email, const char *phone,
                                      bool is_main_contact, bool confirmed,
                                      struct customer_admin *out)
{
  return admin_insert_with(c, db_stmt(c, ADMIN_INSERT), company_id, name, email, phone,
                           is_main_contact, confirmed, out);
}

/* After a lookup of the address found none (ADMIN_BY_EMAIL): inserts it unless the exact
 * address is there after all, STORE_CONFLICT then. Only a transaction that began before
 * another one's insert of the same address committed can get there, on PostgreSQL: with ON
 * CONFLICT it waits for that one and fails with a serialization failure (40001, run again from
 * the start, then finding it), where a plain INSERT failed on the unique index (23505: no run
 * again, and the lookup after it did not see the row: a 500). */
static enum store_status admin_insert_new(struct store_conn *c, const char *company_id,
                                          const char *name, const char *email,
                                          const char *phone, bool is_main_contact,
                                          bool confirmed, struct customer_admin *out)
{
  struct db_stmt *s = db_stmt(c, ADMIN_INSERT " ON CONFLICT (company_id, email) DO NOTHING");
  enum store_status st = admin_insert_with(c, s, company_id, name, email, phone,
                                           is_main_contact, confirmed, out);
  return st == STORE_OK && db_changes(c) == 0 ? STORE_CONFLICT : st;
}

enum store_status store_customer_admin_create(struct store_conn *c, const char *company_id,
                                              const char *name, const char *email,
                                              const char *phone, bool is_main_contact,
                                              struct customer_admin *out)
{
  struct company co; /* STORE_NOT_FOUND for a company that does not exist */
  enum store_status st = store_company_get(c, company_id, &co);
  if (st != STORE_OK)
    return st;
  struct customer_admin same; /* the address in any case is already one of the company's */
  st = store_customer_admin_get_by_email(c, company_id, email, &same);
  if (st != STORE_NOT_FOUND)
    return st == STORE_OK ? STORE_CONFLICT : st;
  return admin_insert_new(c, company_id, name, email, phone, is_main_contact, true, out);
}

enum store_status store_customer_admin_name(struct store_conn *c, const char *company_id,
                                            const char *name, const char *email,
                                            const char *phone, struct customer_admin *out)
{
  return admin_insert(c, company_id, name, email, phone, false, false, out);
}

enum store_status store_customer_admin_get(struct store_conn *c, const char *id,
                                           struct customer_admin *out)
{
  struct db_stmt *s = db_stmt(c, "SELECT " ADMIN_COLS " FROM customer_admins WHERE id = :id");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", id);
  return one_admin(c, s, out);
}

/* Whether a comes before b in ORDER BY created_at, id under SQLite's BINARY collation (byte
 * order: strcmp of the texts as read). */
static bool admin_older(const struct customer_admin *a, const struct customer_admin *b)
{
  int d = strcmp(a->created_at, b->created_at);
  return d < 0 || (d == 0 && strcmp(a->id, b->id) < 0);
}

/* One address of a company's administrators, compared with ASCII letters folded to lower case:
 * SQLite's lower() folds only those, PostgreSQL's under the "C" collation too (under the
 * database's own it folds more, so "Ä" and "ä" would be one address there and two in SQLite).
 * The company's rows are found on the UNIQUE (company_id, email) index; on SQLite its entries
 * hold the address, so only a match's table row is read. Addresses that were two
 * administrators before migration 0100 (only case told them apart) stay two: the oldest is the
 * one found. (0110 dropped 0100's index on (company_id, lower(email), created_at, id), which
 * every new administrator had to be written into as well.) On SQLite the matches come unsorted
 * and the oldest is picked here: an ORDER BY made a temporary b-tree at every run (about 1.4 µs,
 * more than the lookup's search), and there is one match, or a few such old ones; PostgreSQL
 * sorts them. A lookup followed by an insert (store_customer_admin_create, _name_new) cannot
 * race another that names the same address: SQLite has one writer, and PostgreSQL runs writes
 * at SERIALIZABLE (pg_db.c), where the second of two such transactions fails with a
 * serialization failure (40001) and runs again from the start, then finding the first one's
 * (for the exact same address through the insert's conflict clause: admin_insert_new). */
#define ADMIN_BY_EMAIL(collate)                                                               \
  "SELECT " ADMIN_COLS " FROM customer_admins WHERE company_id = :company AND "               \
  "lower(email" collate ") = lower(:email" collate ")"

enum store_status store_customer_admin_get_by_email(struct store_conn *c,
                                                    const char *company_id,
                                                    const char *email,
                                                    struct customer_admin *out)
{
  bool pg = db_dialect(c) == DB_PG;
  struct db_stmt *s = db_stmt(c, pg ? ADMIN_BY_EMAIL(" COLLATE \"C\"") " ORDER BY created_at, id "
                                      "LIMIT 1"
                                    : ADMIN_BY_EMAIL(""));
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":company", company_id);
  db_bind_text(s, ":email", email);
  if (pg)
    return one_admin(c, s, out);
  struct customer_admin row;
  enum store_status st, found = STORE_NOT_FOUND;
  while ((st = one_admin_row(c, s, &row)) == STORE_OK) {
    if (found == STORE_NOT_FOUND || admin_older(&row, out))
      *out = row;
    found = STORE_OK;
  }
  db_reset(s);
  return st == STORE_NOT_FOUND ? found : st;
}

enum store_status store_customer_admin_main_contact(struct store_conn *c,
                                                    const char *company_id,
                                                    struct customer_admin *out)
{
  struct db_stmt *s = db_stmt(c, "SELECT " ADMIN_COLS " FROM customer_admins "
                               "WHERE company_id = :company AND is_main_contact = 1 "
                               "AND confirmed = 1 "
                               "ORDER BY created_at LIMIT 1");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":company", company_id);
  return one_admin(c, s, out);
}

/* Whether a is listed before b: the main contact first, then the oldest (as admin_older). */
static bool admin_listed_before(const struct customer_admin *a, const struct customer_admin *b)
{
  if (a->is_main_contact != b->is_main_contact)
    return a->is_main_contact;
  return admin_older(a, b);
}

/* Puts row into out[0..*n), kept in the list's order and to at most max rows. */
static void keep_listed(struct customer_admin *out, size_t max, size_t *n,
                        const struct customer_admin *row)
{
  size_t i = *n;
  if (*n < max)
    (*n)++;
  else if (max > 0 && admin_listed_before(row, &out[max - 1]))
    i = max - 1; /* the last one drops out */
  else
    return;
  for (; i > 0 && admin_listed_before(row, &out[i - 1]); i--)
    out[i] = out[i - 1];
  out[i] = *row;
}

/* A company's confirmed administrators (store_customer_admins_of_company). */
#define ADMINS_OF_COMPANY                                                                     \
  "SELECT " ADMIN_COLS " FROM customer_admins WHERE company_id = :company AND confirmed = 1"

enum store_status store_customer_admins_of_company(struct store_conn *c, const char *company_id,
                                                   struct customer_admin *out, size_t max,
                                                   size_t *n)
{
  /* on SQLite unsorted, ordered here (as ADMIN_BY_EMAIL: no temporary b-tree at every run of
   * a statement that every notification to administrators runs) */
  bool pg = db_dialect(c) == DB_PG;
  struct db_stmt *s = db_stmt(c, pg ? ADMINS_OF_COMPANY " ORDER BY is_main_contact DESC, "
                                                        "created_at, id"
                                    : ADMINS_OF_COMPANY);
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":company", company_id);
  *n = 0;
  enum store_status st = STORE_OK;
  if (pg) {
    while (*n < max && (st = one_admin_row(c, s, &out[*n])) == STORE_OK)
      (*n)++;
  } else {
    struct customer_admin row;
    while ((st = one_admin_row(c, s, &row)) == STORE_OK)
      keep_listed(out, max, n, &row);
  }
  db_reset(s);
  return st == STORE_NOT_FOUND || st == STORE_OK ? STORE_OK : st;
}

/* SQLite: what ADMIN_BY_EMAIL and ADMINS_OF_COMPANY read, in one search of the company's
 * administrators (on the UNIQUE (company_id, email) index, as theirs): the address's oldest
 * into *out (NOT_FOUND: none), the confirmed ones into listed[0..*n) as
 * store_customer_admins_of_company lists them. */
static enum store_status address_and_listed(struct store_conn *c, const char *company_id,
                                            const char *email, struct customer_admin *out,
                                            struct customer_admin *listed, size_t max, size_t *n)
{
  struct db_stmt *s =
      db_stmt(c, "SELECT " ADMIN_COLS " FROM customer_admins WHERE company_id = :company");
  if (!s)
    return STORE_ERROR;
  db_bind_text_kept(s, ":company", company_id);
  *n = 0;
  struct customer_admin row;
  enum store_status st, found = STORE_NOT_FOUND;
  while ((st = one_admin_row(c, s, &row)) == STORE_OK) {
    /* whole, as the SQL compares it; strcasecmp in the C locale (advisord never sets another)
     * folds ASCII letters only, as SQLite's lower() */
    const char *address = db_col_str(s, 3);
    if (address && strcasecmp(address, email) == 0 &&
        (found == STORE_NOT_FOUND || admin_older(&row, out))) {
      *out = row;
      found = STORE_OK;
    }
    if (row.confirmed)
      keep_listed(listed, max, n, &row);
  }
  db_reset(s);
  return st == STORE_NOT_FOUND ? found : st;
}

enum store_status store_customer_admin_name_new(struct store_conn *c, const char *company_id,
                                                const char *name, const char *email,
                                                const char *phone, struct customer_admin *out,
                                                struct customer_admin *listed, size_t max,
                                                size_t *n)
{
  /* a lookup before the insert (ADMIN_BY_EMAIL says why it is safe): UNIQUE (company_id,
   * email) is exact, the address is not */
  enum store_status st;
  if (listed && db_dialect(c) == DB_SQLITE) {
    st = address_and_listed(c, company_id, email, out, listed, max, n);
  } else {
    st = store_customer_admin_get_by_email(c, company_id, email, out);
    if (st == STORE_NOT_FOUND && listed) {
      st = store_customer_admins_of_company(c, company_id, listed, max, n);
      st = st == STORE_OK ? STORE_NOT_FOUND : st;
    }
  }
  if (st != STORE_NOT_FOUND)
    return st == STORE_OK ? STORE_CONFLICT : st;
  return admin_insert_new(c, company_id, name, email, phone, false, false, out);
}

enum store_status store_customer_admin_set_confirmed(struct store_conn *c, const char *id,
                                                     bool confirmed)
{
  /* confirmed, it becomes the main contact when the company has none */
  struct db_stmt *s = db_stmt(
      c, "UPDATE customer_admins SET confirmed = :confirmed, is_main_contact = CASE WHEN "
         ":confirmed = 1 AND NOT EXISTS (SELECT 1 FROM customer_admins m WHERE m.company_id = "
         "customer_admins.company_id AND m.is_main_contact = 1 AND m.confirmed = 1 AND m.id <> "
         "customer_admins.id) THEN 1 ELSE :confirmed * is_main_contact END WHERE id = :id");
  if (!s)
    return STORE_ERROR;
  db_bind_int(s, ":confirmed", confirmed ? 1 : 0);
  db_bind_text(s, ":id", id);
  return db_exec_stmt(c, s);
}

enum store_status store_customer_admin_update_contact(struct store_conn *c, const char *id,
                                                      const char *name, const char *email,
                                                      const char *phone)
{
  struct db_stmt *s = db_stmt(c, "UPDATE customer_admins SET name = :name, email = :email, "
                               "phone = :phone WHERE id = :id AND confirmed = 0");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":name", name);
  db_bind_text(s, ":email", email);
  db_bind_text(s, ":phone", phone && *phone ? phone : NULL);
  db_bind_text(s, ":id", id);
  enum store_status st = db_exec_stmt(c, s);
  return st == STORE_OK && db_changes(c) == 0 ? STORE_NOT_FOUND : st;
}

enum store_status store_customer_admin_in_use(struct store_conn *c, const char *id,
                                              const char *except_collab, bool *in_use)
{
  struct db_stmt *s = db_stmt(c, "SELECT 1 FROM collaborations WHERE administrator_id = :id "
                               "AND id <> :except LIMIT 1");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", id);
  db_bind_text(s, ":except", except_collab);
  return db_exists(c, s, in_use);
}

enum store_status store_customer_admin_drop_unconfirmed(struct store_conn *c, const char *id)
{
  struct db_stmt *s = db_stmt(c, "DELETE FROM customer_admins WHERE id = :id AND confirmed = 0 "
                               "AND NOT EXISTS (SELECT 1 FROM collaborations "
                               "WHERE administrator_id = :id)");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", id);
  return db_exec_stmt(c, s);
}
