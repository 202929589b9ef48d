/* collab_expiry.c - an invitation that lapsed unanswered is recorded as expired (state,
 * version, an event by the system dated at the expiry, the e-mails); a way-3 administrator
 * nobody confirmed lets go; and whom an office's invitation goes to. */
#include "collab_internal.h"
#include "domain/dates.h"
#include "store_identity.h"

#include <stdio.h>
#include <string.h>

enum store_status collab_invitee_admin(struct store_conn *c, struct collab *co,
                                       struct customer_admin *ad)
{
  if (co->administrator_id[0])
    return store_customer_admin_get(c, co->administrator_id, ad);
  enum store_status st = store_customer_admin_main_contact(c, co->company_id, ad);
  if (st == STORE_OK)
    snprintf(co->administrator_id, sizeof co->administrator_id, "%s", ad->id);
  return st;
}

enum store_status collab_settle_expiry(struct store_conn *c, struct collab *co, int64_t now_ms)
{
  if (collab_effective_state(co->state, co->expires_at_ms, now_ms) == co->state)
    return STORE_OK;
  enum collab_state from = co->state;
  co->state = collab_effective_state(co->state, co->expires_at_ms, now_ms);
  struct notify_req rq = {.ev = NOTIFY_EXPIRED};
  enum store_status st = notify_collab(c, co, &rq);
  char unconfirmed[COLLAB_ID_LEN];
  collab_release_admin(co, unconfirmed);
  if (st == STORE_OK) /* the links stay: through them the invitee may ask for a new one */
    st = store_collab_update(c, co, false);
  if (st != STORE_OK)
    return st;
  char at[32];
  date_iso_ms(co->expires_at_ms, at, sizeof at);
  st = collab_record(c, co, collab_actor_str(COLLAB_ACTOR_SYSTEM), NULL,
                     collab_event_str(COLLAB_EV_EXPIRE), from, co->state,
                     "nobody answered the invitation before it expired", NULL, at);
  return st == STORE_OK && unconfirmed[0] ? store_customer_admin_drop_unconfirmed(c, unconfirmed)
                                          : st;
}

void collab_release_admin(struct collab *co, char *unconfirmed)
{
  unconfirmed[0] = '\0';
  if (co->way != COLLAB_WAY_NEW_CUSTOMER || !co->administrator_id[0] || co->admin_confirmed)
    return;
  memcpy(unconfirmed, co->administrator_id, COLLAB_ID_LEN);
  co->administrator_id[0] = '\0';
}
