/* collab_read.c - reading one collaboration: by id for a caller who may see it, or through an
 * invitation link's token. */
#include "collab_internal.h"
#include "util.h"

enum store_status collab_read(const struct app *app, const struct principal *caller, const char *id,
                              struct collab_outcome *out)
{
  struct store_conn *c = store_conn(app->store);
  enum store_status st =
      c ? store_collab_get_with_mail(c, id, &out->co, &out->mail, &out->has_mail) : STORE_ERROR;
  if (st == STORE_OK && !collab_visible_to(out->co.office_id, out->co.company_id, caller))
    st = STORE_NOT_FOUND;
  if (st == STORE_NOT_FOUND) {
    refuse(&out->refusal, ERR_NOT_FOUND, "No collaboration %s", id);
    return STORE_OK;
  }
  return st;
}

enum store_status collab_read_by_link(const struct app *app, const char *token,
                                      struct collab_outcome *out)
{
  char hash[SECRET_LINK_KEY_LEN];
  secret_link_key(token, hash);
  struct store_conn *c = store_conn(app->store);
  enum store_status st = c ? store_collab_get_by_token_hash(c, hash, &out->co) : STORE_ERROR;
  if (st == STORE_NOT_FOUND) {
    refuse(&out->refusal, ERR_NOT_FOUND,
           "No such invitation link: it has been used, replaced "
           "by a newer one, or never existed");
    return STORE_OK;
  }
  return st;
}
