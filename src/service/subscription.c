/* subscription.c - the subscription is the company's: variant, payer, period and dates live on
 * the company, every active collaboration reads them from there (store/collaborations.c), and
 * a change made through one collaboration is recorded in the history of every other open one
 * and told to the company's administrators and the other offices. */
#include "service/collab_service.h"
#include "service/notify.h"
#include "store_identity.h"
#include "store_variants.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum store_status subscription_write(struct store_conn *c, const struct collab *co)
{
  struct company *cp = malloc(sizeof *cp);
  if (!cp)
    return STORE_ERROR;
  enum store_status st = store_company_get(c, co->company_id, cp);
  if (st != STORE_OK)
    goto cleanup;
  int64_t version = cp->version;
  snprintf(cp->relation, sizeof cp->relation, "subscriber");
  cp->has_subscription = true;
  snprintf(cp->sub.variant, sizeof cp->sub.variant, "%s", co->variant);
  snprintf(cp->sub.invoice_recipient, sizeof cp->sub.invoice_recipient, "%s",
           co->invoice_recipient);
  cp->sub.agreement_period_months = co->agreement_period_months;
  snprintf(cp->sub.starts_on, sizeof cp->sub.starts_on, "%s", co->starts_on);
  snprintf(cp->sub.renews_on, sizeof cp->sub.renews_on, "%s", co->renews_on);
  st = store_company_update(c, cp, version);
cleanup:
  free(cp);
  return st;
}

enum store_status subscription_on_activation(struct store_conn *c, struct collab *co,
                                             const char **outcome)
{
  struct company *cp = malloc(sizeof *cp);
  if (!cp)
    return STORE_ERROR;
  *outcome = "created";
  enum store_status st = store_company_get(c, co->company_id, cp);
  if (st != STORE_OK || !cp->has_subscription) {
    free(cp);
    return st == STORE_OK ? subscription_write(c, co) : st;
  }
  /* the company's agreement goes on, whoever else works with it */
  co->agreement_continues = true;
  snprintf(co->invoice_recipient, sizeof co->invoice_recipient, "%s", cp->sub.invoice_recipient);
  co->agreement_period_months = cp->sub.agreement_period_months;
  snprintf(co->starts_on, sizeof co->starts_on, "%s", cp->sub.starts_on);
  snprintf(co->renews_on, sizeof co->renews_on, "%s", cp->sub.renews_on);
  char current[16];
  snprintf(current, sizeof current, "%s", cp->sub.variant);
  free(cp);
  struct variant from, to;
  if ((st = store_variant_get(c, current, &from)) != STORE_OK ||
      (st = store_variant_get(c, co->variant, &to)) != STORE_OK)
    return st == STORE_NOT_FOUND ? STORE_ERROR : st;
  struct variant_change ch;
  variant_compare(&from, &to, &ch);
  if (ch.kind != VARIANT_UPGRADE) {
    /* never lower through an approval: the company keeps what it has */
    *outcome = "kept";
    snprintf(co->variant, sizeof co->variant, "%s", current);
    return STORE_OK;
  }
  *outcome = "upgraded";
  /* the office whose proposal it was: who invited, or who accepted the customer's invitation */
  bool inviter = strcmp(co->inviter_kind, "office_user") == 0;
  return subscription_variant_changed(c, co, current, false, NULL,
                                      inviter ? co->inviter_kind : co->approved_by_kind,
                                      inviter ? co->inviter_id : co->approved_by_id);
}

/* Records a change of the company's subscription made through co in the history of the
 * company's other open collaborations (details: stolen; reason) and moves their version on,
 * so a stale If-Match there is refused. The acting office is not named: another office reads
 * these. */
static enum store_status record_on_others(struct store_conn *c, const struct collab *co,
                                          json_t *details, const char *reason)
{
  char (*ids)[COLLAB_ID_LEN] = malloc(COLLAB_MAX_OPEN_PER_COMPANY * sizeof *ids);
  struct collab *other = malloc(sizeof *other);
  size_t n = 0;
  enum store_status st = ids && other ? store_collab_open_of_company(c, co->company_id, ids, &n)
                                      : STORE_ERROR;
  for (size_t i = 0; st == STORE_OK && i < n; i++) {
    if (strcmp(ids[i], co->id) == 0)
      continue;
    if ((st = store_collab_get(c, ids[i], other)) != STORE_OK)
      break;
    if ((st = store_collab_update(c, other, false)) != STORE_OK)
      break;
    st = collab_record(c, other, "system", NULL, collab_event_str(COLLAB_EV_COMPANY_CHANGE),
                       other->state, other->state, reason, json_deep_copy(details), NULL);
  }
  json_decref(details);
  free(ids);
  free(other);
  return st;
}

enum store_status subscription_terms_changed(struct store_conn *c, const struct collab *co,
                                             const char *actor_kind)
{
  enum store_status st = subscription_write(c, co);
  if (st != STORE_OK)
    return st;
  const char *by = strcmp(actor_kind, "support") == 0 ? "support" : "another office";
  char reason[200];
  snprintf(reason, sizeof reason,
           "the company's payer or agreement period was changed by %s: paid by the %s, %d "
           "months",
           by, strcmp(co->invoice_recipient, "office") == 0 ? "office" : "company",
           co->agreement_period_months);
  return record_on_others(c, co,
                          json_pack("{s:s, s:i, s:s}", "invoice_recipient", co->invoice_recipient,
                                    "agreement_period_months", co->agreement_period_months,
                                    "changed_by", by),
                          reason);
}

enum store_status subscription_variant_changed(struct store_conn *c, struct collab *co,
                                               const char *from_code, bool reset,
                                               const char *lost_features,
                                               const char *actor_kind, const char *actor_id)
{
  const char *by = strcmp(actor_kind, "support") == 0 ? "support" : "another office";
  char reason[160];
  snprintf(reason, sizeof reason, "the company's variant was changed from %s to %s by %s%s",
           from_code, co->variant, by, reset ? "; the company was reset" : "");
  enum store_status st = subscription_write(c, co);
  if (st == STORE_OK)
    st = record_on_others(c, co,
                          json_pack("{s:s, s:s, s:s, s:b, s:s}", "from", from_code, "to",
                                    co->variant, "kind", reset ? "downgrade" : "upgrade",
                                    "company_reset", reset, "changed_by", by),
                          reason);
  if (st != STORE_OK)
    return st;
  struct variant from, to;
  if ((st = store_variant_get(c, from_code, &from)) != STORE_OK ||
      (st = store_variant_get(c, co->variant, &to)) != STORE_OK)
    return st == STORE_NOT_FOUND ? STORE_ERROR : st;
  json_t *extra = json_pack("{s:s, s:s}", "from_variant_name", from.name, "to_variant_name",
                            to.name);
  if (lost_features && lost_features[0])
    json_object_set_new(extra, "lost_features", json_string(lost_features));
  struct notify_req rq = {.ev = reset ? NOTIFY_COMPANY_RESET : NOTIFY_VARIANT_CHANGED,
                          .actor_kind = actor_kind,
                          .actor_id = actor_id,
                          .extra = extra};
  st = notify_collab(c, co, &rq);
  json_decref(extra);
  return st;
}
