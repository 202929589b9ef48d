/* collab_variant.c - a variant change through a collaboration (and a PATCH's variant): the
 * variant is the company's, so a change is judged against the company's current variant,
 * whoever changed it last: an upgrade by a full office user at once; a downgrade only by support
 * with an explicit confirmation that the company will be reset. Every other party is told. */
#include "collab_internal.h"
#include "store_variants.h"

#include <stdio.h>
#include <string.h>

static json_t *feature_list(const char *const *items, size_t n)
{
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(a, json_string(items[i]));
  return a;
}

/* Applies a variant change of co to `to` by op's actor, or refuses op. Shared with PATCH. */
enum store_status collab_apply_variant(struct collab_op *op, struct store_conn *c,
                                       struct collab *co, const char *to_code, bool confirm)
{
  struct variant from, to;
  enum store_status st = store_variant_get(c, co->variant, &from);
  if (st == STORE_OK)
    st = store_variant_get(c, to_code, &to);
  if (st == STORE_NOT_FOUND) {
    refuse_field(&op->rf, "variant", VARIANT_UNKNOWN);
    return STORE_OK;
  }
  if (st != STORE_OK)
    return st;
  struct variant_change ch;
  variant_compare(&from, &to, &ch);
  json_t *lost = feature_list(ch.lost, ch.n_lost), *gained = feature_list(ch.gained, ch.n_gained);
  switch (collab_variant_change(&ch, op->actor, confirm)) {
  case COLLAB_VARIANT_NOT_ALLOWED:
    refuse(&op->rf, ERR_FORBIDDEN,
           "Only an office user with full rights or support may "
           "change the variant");
    break;
  case COLLAB_VARIANT_SAME:
    refuse(&op->rf, ERR_CONFLICT, "The company already works in %s", to.code);
    break;
  case COLLAB_VARIANT_NEEDS_SUPPORT:
    refuse(&op->rf, ERR_DOWNGRADE_REQUIRES_SUPPORT,
           "Changing from %s to %s is a downgrade: the customer may lose accounting "
           "data and the company will be reset. An office cannot do this; contact "
           "support, who can carry it out once the reset is confirmed",
           from.code, to.code);
    refusal_extra(&op->rf, json_pack("{s:s, s:s, s:s, s:O, s:b, s:s}", "from", from.code, "to",
                                     to.code, "kind", "downgrade", "lost_features", lost,
                                     "company_reset", 1, "contact", "support"));
    break;
  case COLLAB_VARIANT_NEEDS_CONFIRM:
    refuse(&op->rf, ERR_RESET_CONFIRMATION_REQUIRED,
           "Changing from %s to %s is a downgrade that resets the company and may "
           "lose accounting data; send \"confirm_company_reset\": true to carry it out",
           from.code, to.code);
    refusal_extra(&op->rf, json_pack("{s:s, s:s, s:s, s:O}", "from", from.code, "to", to.code,
                                     "kind", "downgrade", "lost_features", lost));
    break;
  case COLLAB_VARIANT_UPGRADE:
    op->details = json_pack("{s:s, s:s, s:s, s:O}", "from", from.code, "to", to.code, "kind",
                            "upgrade", "gained_features", gained);
    snprintf(co->variant, sizeof co->variant, "%s", to.code);
    break;
  case COLLAB_VARIANT_DOWNGRADE_RESET:
    op->details = json_pack("{s:s, s:s, s:s, s:O, s:b}", "from", from.code, "to", to.code, "kind",
                            "downgrade", "lost_features", lost, "company_reset", 1);
    snprintf(co->variant, sizeof co->variant, "%s", to.code);
    if (!op->reason[0])
      snprintf(op->reason, sizeof op->reason, "downgrade by support; company reset confirmed");
    break;
  }
  json_decref(lost);
  json_decref(gained);
  if (refused(&op->rf))
    return STORE_OK;
  /* the variant is the company's: every other party learns of it */
  bool reset = ch.kind == VARIANT_DOWNGRADE;
  char lost_csv[VARIANT_MAX_FEATURES * 41] = "";
  for (size_t i = 0; reset && i < ch.n_lost; i++)
    snprintf(lost_csv + strlen(lost_csv), sizeof lost_csv - strlen(lost_csv), "%s%s", i ? ", " : "",
             ch.lost[i]);
  return subscription_variant_changed(c, co, from.code, reset, lost_csv, op->actor_kind,
                                      op->actor_id);
}

static enum store_status variant_apply(struct collab_op *op, struct store_conn *c,
                                       struct collab *co)
{
  collab_take_reason(op);
  return collab_apply_variant(op, c, co, op->in->variant, op->in->confirm_company_reset == 1);
}

enum store_status collab_variant_change_run(const struct app *app,
                                            const struct collab_action_in *in,
                                            struct collab_outcome *out)
{
  return collab_op_exec(app, in, COLLAB_EV_CHANGE_VARIANT, variant_apply, NULL, out);
}
