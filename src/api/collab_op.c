/* collab_op.c - the one transaction every change of a collaboration goes through: load it,
 * record a lapsed expiry, check If-Match, ask the state machine, let the action change it,
 * then write the new version (UPDATE ... WHERE version = ?), the event and the e-mails in the
 * same BEGIN IMMEDIATE transaction. Of racing requests exactly one finds the state it needs. */
#include "app.h"
#include "collab_api.h"
#include "mailer.h"
#include "resource.h"
#include "store_identity.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void collab_op_refuse(struct collab_op *op, enum err_code err, const char *fmt, ...)
{
  op->err = err;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(op->detail, sizeof op->detail, fmt, ap);
  va_end(ap);
}

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
  op->retry_after = 0;
  op->err = ERR_NONE;
  op->detail[0] = '\0';
  json_decref(op->extra);
  op->extra = NULL;
}

static void refuse_by_rules(struct collab_op *op, enum collab_event event, struct collab_verdict v)
{
  static const enum err_code errs[] = {[COLLAB_REFUSED_ACTOR] = ERR_FORBIDDEN,
                                       [COLLAB_REFUSED_WAY] = ERR_NOT_THIS_WAY,
                                       [COLLAB_REFUSED_STATE] = ERR_ILLEGAL_TRANSITION};
  op->err = errs[v.refusal];
  collab_refusal_detail(op->detail, sizeof op->detail, v.refusal, event, op->actor,
                        op->co.initiated_by, v.to);
  if (v.refusal == COLLAB_REFUSED_STATE) /* the machine-readable names stay as they were */
    op->extra = json_pack("{s:s, s:s}", "state", collab_state_str(v.to), "event",
                          collab_event_str(event));
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
                          .secret = &op->req->app->secret};
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

static enum store_status op_tx(struct store_conn *c, void *arg)
{
  struct collab_op *op = arg;
  op_reset(op);
  struct collab *co = &op->co;
  enum store_status st = op->id ? store_collab_get(c, op->id, co)
                                : store_collab_get_by_token_hash(c, op->token_hash, co);
  if (st == STORE_OK && op->id && !collab_visible_to(co, &op->req->principal))
    st = STORE_NOT_FOUND;
  if (st == STORE_NOT_FOUND) {
    if (op->id)
      collab_op_refuse(op, ERR_NOT_FOUND, "No collaboration %s", op->id);
    else
      collab_op_refuse(op, ERR_NOT_FOUND, "No such invitation link: it has been used, replaced "
                                          "by a newer one, or never existed");
    return STORE_OK;
  }
  if (st != STORE_OK)
    return st;
  if (op->check_if_match && api_if_match(op->req, co->version) == IF_MATCH_FAILED) {
    collab_op_refuse(op, ERR_PRECONDITION_FAILED,
                     "If-Match does not name the current version: the collaboration is at "
                     "version %lld (ETag \"%lld\")",
                     (long long)co->version, (long long)co->version);
    return STORE_OK;
  }
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
  if (op->err != ERR_NONE && !op->commit_refusal)
    return STORE_ABORT;
  if (op->unchanged)
    return STORE_OK;
  st = store_collab_update(c, co, op->consume_link);
  if (st == STORE_CONFLICT) {
    collab_op_refuse(op, ERR_CONFLICT, "The collaboration changed meanwhile; read it again");
    return STORE_ABORT;
  }
  if (st != STORE_OK || op->err != ERR_NONE)
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
  if (op->drop_admin[0] && (st = store_customer_admin_drop_unconfirmed(c, op->drop_admin)) != STORE_OK)
    return st;
  return op->err == ERR_NONE ? STORE_OK : STORE_ABORT;
}

enum MHD_Result collab_op_run(struct collab_op *op)
{
  struct request *req = op->req;
  op->details = op->extra = NULL;
  enum store_status st = store_write(req->app->store, op_tx, op);
  json_decref(op->details);
  op->details = NULL;
  enum MHD_Result r;
  /* a refusal commits (STORE_OK) or rolls back (STORE_ABORT); anything else is the store's
   * failure, whatever an earlier attempt of the transaction had decided */
  if (op->err != ERR_NONE && (st == STORE_OK || st == STORE_ABORT)) {
    if (op->retry_after > 0) {
      char secs[24];
      snprintf(secs, sizeof secs, "%ld", op->retry_after);
      http_add_header(req, "Retry-After", secs);
    }
    r = reply_problem_extra(req, op->err, op->extra, "%s", op->detail);
    op->extra = NULL;
    return r;
  }
  json_decref(op->extra);
  op->extra = NULL;
  if (st != STORE_OK)
    return api_store_failure(req, st, "collaboration");
  mailer_wake(req->app->mailer);
  if (op->link_view)
    return reply_json(req, 200, collab_invitation_json(&op->co, util_now_ms()));
  return collab_reply(req, 200, &op->co);
}
