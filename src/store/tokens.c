/* tokens.c - SQL for bearer tokens: issue (store only the SHA-256), authenticate, revoke. */
#include "principal_sql.h"
#include "db.h"
#include "store_identity.h"
#include "token_cache.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define TOKEN_PREFIX "adv_"
#define TOKEN_RANDOM_BYTES 32

const char *store_principal_kind_str(enum principal_kind kind)
{
  switch (kind) {
  case PRINCIPAL_OFFICE_USER:
    return "office_user";
  case PRINCIPAL_CUSTOMER_ADMIN:
    return "customer_admin";
  case PRINCIPAL_SUPPORT:
    return "support";
  case PRINCIPAL_ADMIN:
    return "admin";
  default:
    return NULL;
  }
}

enum principal_kind store_principal_kind_parse(const char *s)
{
  return strcmp(s, "office_user") == 0      ? PRINCIPAL_OFFICE_USER
         : strcmp(s, "customer_admin") == 0 ? PRINCIPAL_CUSTOMER_ADMIN
         : strcmp(s, "support") == 0        ? PRINCIPAL_SUPPORT
         : strcmp(s, "admin") == 0          ? PRINCIPAL_ADMIN
                                            : PRINCIPAL_NONE;
}

enum store_status store_token_issue(struct store_conn *c, enum principal_kind kind,
                                    const char *principal_id, const char *expires_at,
                                    char *token_out, char *id_out)
{
  const char *kind_str = store_principal_kind_str(kind);
  if (!kind_str)
    return STORE_ERROR;
  char random[48], hash[65], id[STORE_ID_LEN], now[STORE_TIME_LEN];
  if (!util_random_token(random, sizeof random, TOKEN_RANDOM_BYTES))
    return STORE_ERROR;
  snprintf(token_out, STORE_TOKEN_LEN, TOKEN_PREFIX "%s", random);
  util_sha256_hex(token_out, hash);
  util_uuid(id);
  util_now_iso8601(now, sizeof now);
  struct db_stmt *s = db_stmt(c, "INSERT INTO tokens (id, token_hash, principal_kind, "
                               "principal_id, created_at, expires_at) VALUES (:id, :hash, "
                               ":kind, :pid, :now, :exp)");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", id);
  db_bind_text(s, ":hash", hash);
  db_bind_text(s, ":kind", kind_str);
  db_bind_text(s, ":pid", principal_id);
  db_bind_text(s, ":now", now);
  db_bind_text(s, ":exp", expires_at);
  enum store_status st = db_exec_stmt(c, s);
  if (st == STORE_OK && id_out)
    memcpy(id_out, id, sizeof id);
  if (st != STORE_OK)
    memset(token_out, 0, STORE_TOKEN_LEN);
  return st;
}

/* The principal's office, role, company and e-mail from column col on, after its kind and
 * id; false (out cleared) when it no longer exists. */
static bool principal_columns(struct db_stmt *s, int col, struct principal *out)
{
  char role[16];
  db_col_text(s, col, out->office_id, sizeof out->office_id);
  db_col_text(s, col + 1, role, sizeof role);
  db_col_text(s, col + 2, out->company_id, sizeof out->company_id);
  bool has_email = !db_col_null(s, col + 3);
  db_col_text(s, col + 3, out->email, sizeof out->email);
  out->role = strcmp(role, "full") == 0      ? OFFICE_ROLE_FULL
              : strcmp(role, "limited") == 0 ? OFFICE_ROLE_LIMITED
                                             : OFFICE_ROLE_NONE;
  if (!has_email || out->kind == PRINCIPAL_NONE) {
    memset(out, 0, sizeof *out);
    return false;
  }
  return true;
}

/* Reads the six PRINCIPAL_SQL_COLS starting at column col into out (kind, id, office, role,
 * company, e-mail). False when the principal no longer exists (out is then cleared). */
static bool principal_read(struct db_stmt *s, int col, struct principal *out)
{
  char kind[24];
  db_col_text(s, col, kind, sizeof kind);
  out->kind = store_principal_kind_parse(kind);
  db_col_text(s, col + 1, out->id, sizeof out->id);
  return principal_columns(s, col + 2, out);
}

/* The principal named by kind (as stored) and id, from the one table the kind names. */
static enum store_status principal_load(struct store_conn *c, const char *kind, const char *id,
                                        struct principal *out)
{
  /* the columns of PRINCIPAL_SQL_COLS after kind and id, from the one table the kind names */
  static const char *const sql[] = {
      [PRINCIPAL_OFFICE_USER] = "SELECT office_id, role, '', email FROM office_users "
                                "WHERE id = :id",
      [PRINCIPAL_CUSTOMER_ADMIN] = "SELECT '', '', company_id, email FROM customer_admins "
                                   "WHERE id = :id",
      [PRINCIPAL_SUPPORT] = "SELECT '', '', '', email FROM support_users WHERE id = :id",
      [PRINCIPAL_ADMIN] = "SELECT '', '', '', email FROM admins WHERE id = :id",
  };
  out->kind = store_principal_kind_parse(kind);
  size_t n = strnlen(id, sizeof out->id - 1);
  memcpy(out->id, id, n);
  out->id[n] = '\0';
  if (out->kind == PRINCIPAL_NONE || (size_t)out->kind >= sizeof sql / sizeof sql[0] ||
      !sql[out->kind]) {
    memset(out, 0, sizeof *out);
    return STORE_NOT_FOUND;
  }
  struct db_stmt *s = db_stmt(c, sql[out->kind]);
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", id);
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK && !principal_columns(s, 0, out))
    st = STORE_NOT_FOUND;
  if (st != STORE_OK)
    memset(out, 0, sizeof *out);
  db_reset(s);
  return st;
}

enum store_status db_principal_of_row(struct store_conn *c, struct db_stmt *s, int col,
                                      struct principal *out)
{
  if (db_dialect(c) == DB_PG) {
    bool exists = principal_read(s, col, out);
    db_reset(s);
    return exists ? STORE_OK : STORE_NOT_FOUND;
  }
  char kind[24], id[STORE_ID_LEN];
  db_col_text(s, col, kind, sizeof kind);
  db_col_text(s, col + 1, id, sizeof id);
  /* s reset after the principal's read, not before: while s is on its row, SQLite's read
   * transaction stays open and the second statement runs in it (reset first, each statement
   * began and ended a read transaction of its own: locks, WAL index and page cache checked
   * twice; 16% of the HTTP worker's samples under the POST load were this authentication) */
  enum store_status st = principal_load(c, kind, id, out);
  db_reset(s);
  return st;
}

/* SQLite reads the token's row alone and then its principal (db_principal_of_row): one statement
 * with a LEFT JOIN for each kind of principal opens a cursor on every joined table and index
 * at every run, which cost about twice the two small ones (callgrind: 23,600 instructions
 * against 13,300). PostgreSQL joins, in one round trip. */
#define TOKEN_WHERE                                                                          \
  "WHERE t.token_hash = :hash AND t.revoked_at IS NULL "                                     \
  "AND (t.expires_at IS NULL OR t.expires_at > :now)"

/* The token's lookup by its hash (at version v when cached: kept then). */
static enum store_status token_lookup(struct store_conn *c, const char *hash, const char *now,
                                      bool cached, const struct db_version *v,
                                      struct principal *out)
{
  /* expires: 64 bytes, so that a longer one is seen as such (token_cache_keep skips it) */
  char stored[65], expires[64];
  bool joined = db_dialect(c) == DB_PG; /* db_principal_of_row reads either form */
  struct db_stmt *s = db_stmt(c, joined ? "SELECT t.id, t.token_hash, coalesce(t.last_used_ms, 0), "
                                          PRINCIPAL_SQL_COLS " FROM tokens t "
                                          PRINCIPAL_SQL_JOINS TOKEN_WHERE
                                        : "SELECT t.id, t.token_hash, coalesce(t.last_used_ms, 0), "
                                          "t.principal_kind, t.principal_id, t.expires_at "
                                          "FROM tokens t " TOKEN_WHERE);
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":hash", hash);
  db_bind_text(s, ":now", now);
  enum store_status st = db_step_row(c, s);
  if (st != STORE_OK)
    return st;
  memset(out, 0, sizeof *out);
  char token_id[sizeof out->token_id];
  db_col_text(s, 0, token_id, sizeof token_id);
  db_col_text(s, 1, stored, sizeof stored);
  int64_t used = db_col_int64(s, 2);
  if (cached) /* SQLite's statement: its column 5, "" for none */
    db_col_text(s, 5, expires, sizeof expires);
  st = db_principal_of_row(c, s, 3, out);
  if (st != STORE_OK && st != STORE_NOT_FOUND)
    return st;
  bool exists = st == STORE_OK;
  /* The principal must still exist and the hash match in constant time. */
  if (!util_const_eq(stored, hash) || !exists) {
    memset(out, 0, sizeof *out);
    return STORE_NOT_FOUND;
  }
  memcpy(out->token_id, token_id, sizeof token_id);
  out->credential_used_ms = used;
  if (cached)
    token_cache_keep(c, hash, v, expires, out);
  return STORE_OK;
}

enum store_status store_token_authenticate(struct store_conn *c, const char *token,
                                           struct principal *out)
{
  char hash[65], now[STORE_TIME_LEN];
  util_sha256_hex(token, hash);
  util_time_iso8601(time(NULL), now, sizeof now);
  /* on SQLite, the token as this connection last read it when nothing has been committed since
   * (token_cache.h): the credential without its two statements. Inside a snapshot (GET) the
   * version is the snapshot's; outside one (a POST) the database's before the two statements'
   * own read transaction begins (db_read_version) */
  struct db_version v;
  bool cached = db_read_version(c, &v);
  if (cached && token_cache_find(c, hash, &v, now, out))
    return STORE_OK;
  return token_lookup(c, hash, now, cached, &v, out);
}

enum store_status store_token_revoke(struct store_conn *c, const char *token_or_id)
{
  char hash[65], now[STORE_TIME_LEN];
  util_sha256_hex(token_or_id, hash);
  util_now_iso8601(now, sizeof now);
  struct db_stmt *s = db_stmt(c, "UPDATE tokens SET revoked_at = :now WHERE revoked_at IS NULL "
                               "AND (token_hash = :hash OR id = :id)");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":now", now);
  db_bind_text(s, ":hash", hash);
  db_bind_text(s, ":id", token_or_id);
  enum store_status st = db_exec_stmt(c, s);
  if (st == STORE_OK && db_changes(c) == 0)
    return STORE_NOT_FOUND;
  return st;
}

enum store_status store_principal_kind_of(struct store_conn *c, const char *id,
                                          enum principal_kind *kind)
{
  struct db_stmt *s = db_stmt(
      c, "SELECT 'office_user' FROM office_users WHERE id = :id UNION ALL "
         "SELECT 'customer_admin' FROM customer_admins WHERE id = :id UNION ALL "
         "SELECT 'support' FROM support_users WHERE id = :id UNION ALL "
         "SELECT 'admin' FROM admins WHERE id = :id");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", id);
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK) {
    char k[24];
    db_col_text(s, 0, k, sizeof k);
    *kind = store_principal_kind_parse(k);
  }
  db_reset(s);
  return st;
}
