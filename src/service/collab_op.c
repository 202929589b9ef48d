/* collab_op.c - the one transaction every change of a collaboration goes through: load it,
 * record a lapsed expiry, check If-Match, ask the state machine, let the action change it,
 * then write the new version (UPDATE ... WHERE version = ?), the event and the e-mails in the
 * same write transaction. Of racing requests exactly one finds the state it needs. */
#include "collab_internal.h"
#include "domain/etag.h"
#include "mailer.h"
#include "webhook_worker.h"
#include "store_identity.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Back to the input: the transaction may run more than once. */
static void op_reset(struct collab_op *op)
{
  op->now_ms = util_now_ms();
  op->from = COLLAB_NONE;
  op->drop_admin[0] = '\0';
  op->consume_link = false;
  op->record_main_event = true;
  op->reason[0] = '\0';
  json_decref(op->details);
  op->details = NULL;
  op->commit_refusal = false;
  op->unchanged = false;
  refusal_clear(&op->rf);
}

static void refuse_by_rules(struct collab_op *op, enum collab_event event, struct collab_verdict v)
{
  static const enum err_code errs[] = {[COLLAB_REFUSED_ACTOR] = ERR_FORBIDDEN,
                                       [COLLAB_REFUSED_WAY] = ERR_NOT_THIS_WAY,
                                       [COLLAB_REFUSED_STATE] = ERR_ILLEGAL_TRANSITION};
  char words[sizeof op->rf.detail];
  collab_refusal_detail(words, sizeof words, v.refusal, event, op->actor, op->co.initiated_by,
                        v.to);
  refuse(&op->rf, errs[v.refusal], "%s", words);
  if (v.refusal == COLLAB_REFUSED_STATE) /* the machine-readable names stay as they were */
    refusal_extra(&op->rf, json_pack("{s:s, s:s}", "state", collab_state_str(v.to), "event",
                                     collab_event_str(event)));
}

enum store_status collab_op_tell(struct collab_op *op, struct store_conn *c, struct collab *co,
                                 enum notify_event ev, json_t *extra)
{
  bool customer = op->actor == COLLAB_ACTOR_CUSTOMER_ADMIN ||
                  (op->actor == COLLAB_ACTOR_LINK && co->initiated_by == COLLAB_BY_OFFICE);
  struct notify_req rq = {.ev = ev,
                          .side = customer ? NOTIFY_SIDE_CUSTOMER : NOTIFY_SIDE_OFFICE,
                          .actor_kind = op->actor_kind,
                          .actor_id = op->actor_id,
                          .reason = op->reason,
                          .extra = extra,
                          .secret = &op->app->secret};
  return notify_collab(c, co, &rq);
}

bool collab_op_allows(struct collab_op *op, enum collab_event ev)
{
  struct collab_verdict v = collab_transition(op->from, ev, op->actor, op->co.initiated_by);
  if (v.refusal == COLLAB_ALLOWED)
    return true;
  refuse_by_rules(op, ev, v);
  return false;
}

void collab_take_reason(struct collab_op *op)
{
  if (op->in->reason)
    snprintf(op->reason, sizeof op->reason, "%s", op->in->reason);
}

/* Loads the collaboration for op (by id for a caller who may see it, else by the link's
 * token); false after refusing op or with a failure in *st. */
static bool op_load(struct collab_op *op, struct store_conn *c, enum store_status *st)
{
  const struct collab_action_in *in = op->in;
  struct collab *co = &op->co;
  *st = in->caller ? store_collab_get(c, in->id, co)
                   : store_collab_get_by_token_hash(c, op->token_hash, co);
  if (*st == STORE_OK && in->caller &&
      !collab_visible_to(co->office_id, co->company_id, in->caller))
    *st = STORE_NOT_FOUND;
  if (*st == STORE_NOT_FOUND) {
    if (in->caller)
      refuse(&op->rf, ERR_NOT_FOUND, "No collaboration %s", in->id);
    else
      refuse(&op->rf, ERR_NOT_FOUND,
             "No such invitation link: it has been used, replaced "
             "by a newer one, or never existed");
    *st = STORE_OK;
    return false;
  }
  if (*st != STORE_OK)
    return false;
  if (in->caller && etag_if_match(in->if_match, co->version) == IF_MATCH_FAILED) {
    refuse(&op->rf, ERR_PRECONDITION_FAILED,
           "If-Match does not name the current version: the collaboration is at "
           "version %lld (ETag \"%lld\")",
           (long long)co->version, (long long)co->version);
    return false;
  }
  return true;
}

/* After the action's own part: the new version, the main event, the follow-on step. */
static enum store_status op_write(struct collab_op *op, struct store_conn *c, struct collab *co)
{
  enum store_status st = store_collab_update(c, co, op->consume_link);
  if (st == STORE_CONFLICT) {
    refuse(&op->rf, ERR_CONFLICT, "The collaboration changed meanwhile; read it again");
    return STORE_ABORT;
  }
  if (st != STORE_OK || refused(&op->rf))
    return st; /* a committed refusal writes only co's counters */
  if (op->record_main_event) {
    json_t *details = op->details;
    op->details = NULL;
    st = collab_record(c, co, op->actor_kind, op->actor_id, collab_event_str(op->ev), op->from,
                       co->state, op->reason[0] ? op->reason : NULL, details, NULL);
    if (st != STORE_OK)
      return st;
  }
  if (op->after && (st = op->after(op, c, co)) != STORE_OK)
    return st;
  if (op->drop_admin[0] &&
      (st = store_customer_admin_drop_unconfirmed(c, op->drop_admin)) != STORE_OK)
    return st;
  return refused(&op->rf) ? STORE_ABORT : STORE_OK;
}

static enum store_status op_tx(struct store_conn *c, void *arg)
{
  struct collab_op *op = arg;
  op_reset(op);
  struct collab *co = &op->co;
  enum store_status st;
  if (!op_load(op, c, &st))
    return st;
  if ((st = collab_settle_expiry(c, co, op->now_ms)) != STORE_OK)
    return st;
  if (op->actor == COLLAB_ACTOR_LINK) { /* the link stands for the one it was sent to */
    char kind[24];
    if ((st = store_collab_link_holder(c, op->token_hash, kind, op->holder_id)) != STORE_OK)
      return st == STORE_NOT_FOUND ? STORE_ERROR : st;
    op->actor_id = op->holder_id;
  }
  op->from = co->state;
  struct collab_verdict v = collab_transition(co->state, op->ev, op->actor, co->initiated_by);
  if (v.refusal != COLLAB_ALLOWED) {
    refuse_by_rules(op, op->ev, v);
    return STORE_OK; /* keeps only a recorded expiry */
  }
  co->state = v.to;
  if (op->apply && (st = op->apply(op, c, co)) != STORE_OK)
    return st;
  if (refused(&op->rf) && !op->commit_refusal)
    return STORE_ABORT;
  if (op->unchanged)
    return STORE_OK;
  return op_write(op, c, co);
}

enum store_status collab_outcome_mail(const struct app *app, struct collab_outcome *out)
{
  struct store_conn *c = store_conn(app->store);
  if (!c)
    return STORE_ERROR;
  enum store_status st = store_collab_invitation_mail(c, out->co.id, &out->mail);
  out->has_mail = st == STORE_OK;
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}

void collab_outcome_clear(struct collab_outcome *out)
{
  refusal_clear(&out->refusal);
}

enum store_status collab_op_exec(const struct app *app, const struct collab_action_in *in,
                                 enum collab_event ev, collab_apply_fn apply, collab_apply_fn after,
                                 struct collab_outcome *out)
{
  struct collab_op *op = calloc(1, sizeof *op);
  if (!op)
    return STORE_ERROR;
  op->app = app;
  op->in = in;
  op->ev = ev;
  op->apply = apply;
  op->after = after;
  if (in->caller) {
    op->actor = collab_actor_of(in->caller);
    op->actor_id = in->caller->id;
  } else {
    secret_link_key(in->token, op->token_hash);
    op->actor = COLLAB_ACTOR_LINK;
  }
  op->actor_kind = collab_actor_str(op->actor);
  enum store_status st = store_write(app->store, op_tx, op);
  json_decref(op->details);
  /* a refusal commits (STORE_OK) or rolls back (STORE_ABORT); anything else is the store's
   * failure, whatever an earlier attempt of the transaction had decided */
  if (refused(&op->rf) && (st == STORE_OK || st == STORE_ABORT)) {
    out->refusal = op->rf;
    st = STORE_OK;
  } else {
    refusal_clear(&op->rf);
    if (st == STORE_OK) {
      mailer_wake(app->mailer);
      webhook_worker_wake(app->webhooks);
      out->co = op->co;
      if (in->caller)
        st = collab_outcome_mail(app, out);
    }
  }
  free(op);
  return st;
}
