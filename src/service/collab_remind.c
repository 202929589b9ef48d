/* collab_remind.c - sending an invitation again: a reminder by the inviter (and a corrected
 * way-3 administrator, collab_patch.c), limited in rate, with new links and a fresh expiry;
 * and the invitee's request for a new invitation after expiry. */
#include "collab_internal.h"
#include "domain/dates.h"
#include "store_identity.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* ---- reminders: a new link, a fresh expiry, the e-mail again; limited in rate ---- */

/* A new link for every recipient (the old ones die), a fresh expiry, the e-mails again; at most
 * once per --reminder-interval. */
enum store_status collab_resend(struct collab_op *op, struct store_conn *c, struct collab *co,
                                enum notify_event ev, json_t *extra)
{
  const struct config *cfg = op->app->cfg;
  /* limited in rate: counted from the last sending again, or for a reminder from the
   * invitation itself (the first correction of a mistyped address goes at once) */
  int64_t wait_ms = cfg->reminder_interval * 1000, sent_ms = co->last_reminder_ms;
  if (!sent_ms && (ev != NOTIFY_REMINDER || !date_parse_iso_ms(co->created_at, &sent_ms)))
    sent_ms = 0;
  if (sent_ms && op->now_ms - sent_ms < wait_ms) {
    op->rf.retry_after = (long)((sent_ms + wait_ms - op->now_ms + 999) / 1000);
    refuse(&op->rf, ERR_RATE_LIMITED,
           "The invitation was %s less than %ld seconds ago; it can be sent again "
           "(reminder or corrected administrator) in %ld seconds",
           co->last_reminder_ms ? "last sent again" : "sent", cfg->reminder_interval,
           op->rf.retry_after);
    return STORE_OK;
  }
  co->last_reminder_ms = op->now_ms;
  struct customer_admin ad;
  enum store_status st =
      co->way == COLLAB_WAY_CUSTOMER_INVITE ? STORE_OK : collab_invitee_admin(c, co, &ad);
  if (st == STORE_NOT_FOUND) {
    refuse(&op->rf, ERR_CUSTOMER_ADMIN_REQUIRED,
           "%s (%s) has no administrator on the customer portal to send the invitation "
           "to; support can add one",
           co->company_name, co->corporate_id);
    return STORE_OK;
  }
  if (st != STORE_OK || (st = store_collab_links_drop(c, co->id)) != STORE_OK)
    return st;
  co->accept_attempts = 0;
  co->expires_at_ms = op->now_ms + (int64_t)cfg->invitation_ttl * 1000;
  return collab_op_tell(op, c, co, ev, extra);
}

static enum store_status remind_apply(struct collab_op *op, struct store_conn *c, struct collab *co)
{
  co->reminder_count++;
  op->details = json_pack("{s:i}", "reminder", co->reminder_count);
  return collab_resend(op, c, co, NOTIFY_REMINDER, op->details);
}

/* ---- renewal request: the invitee asks for a new invitation after expiry ---- */

/* The expired invitation stays expired: the request is recorded and the inviter is asked by
 * e-mail to invite again (with a new collaboration). Once per collaboration. */
static enum store_status renew_apply(struct collab_op *op, struct store_conn *c, struct collab *co)
{
  if (co->renewal_requested_at[0]) {
    refuse(&op->rf, ERR_CONFLICT,
           "A new invitation was already requested at %s; it is up to the %s to invite "
           "again",
           co->renewal_requested_at, co->initiated_by == COLLAB_BY_OFFICE ? "office" : "customer");
    return STORE_OK;
  }
  collab_take_reason(op);
  util_now_iso8601(co->renewal_requested_at, sizeof co->renewal_requested_at);
  op->consume_link = true;
  return collab_op_tell(op, c, co, NOTIFY_RENEWAL_REQUESTED, NULL);
}

enum store_status collab_remind(const struct app *app, const struct collab_action_in *in,
                                struct collab_outcome *out)
{
  return collab_op_exec(app, in, COLLAB_EV_REMIND, remind_apply, NULL, out);
}

enum store_status collab_request_renewal(const struct app *app, const struct collab_action_in *in,
                                         struct collab_outcome *out)
{
  return collab_op_exec(app, in, COLLAB_EV_REQUEST_RENEWAL, renew_apply, NULL, out);
}
