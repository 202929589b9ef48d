/* collab_links.c - SQL for invitation links (one per recipient, only their SHA-256 kept) and for
 * finding the other parties of a company: its open collaborations. */
#include "collab_sql.h"
#include "db.h"
#include "store_collab.h"
#include "util.h"

#include <string.h>

enum store_status store_collab_link_add(struct store_conn *c, const char *collab_id,
                                        const char *token_hash, const char *holder_kind,
                                        const char *holder_id)
{
  struct db_stmt *s = db_stmt(c, "INSERT INTO invitation_links (token_hash, collaboration_id, "
                               "holder_kind, holder_id, created_at) VALUES (:hash, :collab, "
                               ":kind, :holder, :now)");
  if (!s)
    return STORE_ERROR;
  char now[32];
  util_now_iso8601(now, sizeof now);
  db_bind_text_kept(s, ":hash", token_hash);
  db_bind_text_kept(s, ":collab", collab_id);
  db_bind_text_kept(s, ":kind", holder_kind);
  db_bind_text_kept(s, ":holder", holder_id);
  db_bind_text_kept(s, ":now", now);
  return db_exec_stmt(c, s);
}

enum store_status store_collab_links_drop(struct store_conn *c, const char *collab_id)
{
  struct db_stmt *s = db_stmt(c, "DELETE FROM invitation_links WHERE collaboration_id = :collab");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":collab", collab_id);
  return db_exec_stmt(c, s);
}

enum store_status store_collab_link_holder(struct store_conn *c, const char *token_hash,
                                           char *kind, char *id)
{
  struct db_stmt *s = db_stmt(c, "SELECT holder_kind, holder_id FROM invitation_links "
                               "WHERE token_hash = :hash");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":hash", token_hash);
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK) {
    db_col_text(s, 0, kind, 24);
    db_col_text(s, 1, id, COLLAB_ID_LEN);
  }
  db_reset(s);
  return st;
}

enum store_status store_collab_open_of_company(struct store_conn *c, const char *company_id,
                                               char (*ids)[COLLAB_ID_LEN], size_t *n)
{
  struct db_stmt *s = db_stmt(c, "SELECT id FROM collaborations WHERE company_id = :company AND "
                               COLLAB_OPEN_STATE("") " "
                               "ORDER BY created_at, id LIMIT :max");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":company", company_id);
  db_bind_int(s, ":max", COLLAB_MAX_OPEN_PER_COMPANY);
  *n = 0;
  enum store_status st = STORE_OK;
  while (*n < COLLAB_MAX_OPEN_PER_COMPANY && (st = db_step_row(c, s)) == STORE_OK)
    db_col_text(s, 0, ids[(*n)++], COLLAB_ID_LEN);
  db_reset(s);
  return st == STORE_NOT_FOUND || st == STORE_OK ? STORE_OK : st;
}
