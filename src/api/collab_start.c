/* collab_start.c - what the two ways a collaboration starts share: refusals, the creation cap,
 * the one-open rule, the common fields, the insert with its first event and invitation e-mails,
 * and running it in one transaction behind its Idempotency-Key. */
#include "app.h"
#include "collab_api.h"
#include "collab_start.h"
#include "domain/contact.h"
#include "domain/corporate_id.h"
#include "domain/dates.h"
#include "handlers.h"
#include "mailer.h"
#include "resource.h"
#include "store_identity.h"
#include "store_register.h"
#include "store_variants.h"
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const collab_languages[] = {"sv", "en", NULL};
const char *const collab_periods[] = {"3", "12", NULL};

void collab_start_refuse(struct start *s, enum err_code err, json_t *extra, const char *fmt, ...)
{
  s->err = err;
  json_decref(s->extra);
  s->extra = extra;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->detail, sizeof s->detail, fmt, ap);
  va_end(ap);
}

void collab_start_reset(struct start *s)
{
  s->err = ERR_NONE;
  s->retry_after = 0;
  s->detail[0] = '\0';
  json_decref(s->extra);
  s->extra = NULL;
  json_decref(s->body);
  s->body = NULL;
  memset(&s->co, 0, sizeof s->co);
}

/* The 201 the request answers, kept for a replay with the same Idempotency-Key. */
static enum store_status finish_created(struct store_conn *c, struct start *s)
{
  struct collab_mail_state mail;
  enum store_status st = store_collab_invitation_mail(c, s->co.id, &mail);
  if (st != STORE_OK && st != STORE_NOT_FOUND)
    return st;
  s->body = collab_json(&s->co, st == STORE_OK ? &mail : NULL, util_now_ms(), &s->req->principal);
  snprintf(s->location, sizeof s->location, "/v1/collaborations/%s", s->co.id);
  api_etag(s->co.version, s->etag, sizeof s->etag);
  return api_idem_finish(c, s->req, s->ik, 201, s->body, s->location, s->etag);
}

/* Refuses (429) when the caller already started --collaboration-create-limit collaborations or
 * office invitations in the last hour: each one sends an e-mail. */
enum store_status collab_check_creation_cap(struct store_conn *c, struct start *s)
{
  long limit = s->req->app->cfg->collab_create_limit, n = 0;
  if (limit <= 0)
    return STORE_OK;
  const int64_t hour_ms = 3600 * 1000, now = util_now_ms();
  char since[32], oldest[32] = "";
  date_iso_ms(now - hour_ms, since, sizeof since);
  enum store_status st = store_collab_created_since(c, s->req->principal.id, since, &n, oldest);
  if (st != STORE_OK || n < limit)
    return st;
  int64_t oldest_ms = now;
  date_parse_iso_ms(oldest, &oldest_ms);
  s->retry_after = (long)((oldest_ms + hour_ms - now + 999) / 1000);
  if (s->retry_after < 1)
    s->retry_after = 1;
  collab_start_refuse(s, ERR_RATE_LIMITED, NULL,
               "You started %ld collaborations or office invitations in the last hour, and at "
               "most %ld per hour are allowed (each sends an e-mail); the next one is possible "
               "in %ld seconds",
               n, limit, s->retry_after);
  return STORE_OK;
}

/* Refuses when the office and the company already have an open collaboration (after
 * recording the expiry of one that lapsed). */
enum store_status collab_check_none_open(struct store_conn *c, struct start *s,
                                         const char *office_id, const char *company_id)
{
  struct collab *open = malloc(sizeof *open);
  if (!open)
    return STORE_ERROR;
  enum store_status st = store_collab_get_open(c, office_id, company_id, open);
  if (st == STORE_OK)
    st = collab_settle_expiry(c, open, util_now_ms());
  if (st == STORE_OK && collab_state_is_open(open->state))
    collab_start_refuse(s, ERR_OPEN_COLLABORATION,
                 json_pack("{s:s, s:s}", "collaboration_id", open->id, "state",
                           collab_state_str(open->state)),
                 "The office already has an open collaboration with %s (%s): %s is %s",
                 open->company_name, open->corporate_id, open->id,
                 collab_state_str(open->state));
  free(open);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}

/* The fields every start shares; the caller fills the terms. */
void collab_fill_common(struct start *s, struct collab *co, const char *office_id,
                        const char *company_id)
{
  const struct config *cfg = s->req->app->cfg;
  util_uuid(co->id);
  snprintf(co->office_id, sizeof co->office_id, "%s", office_id);
  snprintf(co->company_id, sizeof co->company_id, "%s", company_id);
  co->state = COLLAB_INVITED;
  const char *lang = json_str_member(s->req->json, "language");
  snprintf(co->language, sizeof co->language, "%s", lang ? lang : "sv");
  snprintf(co->inviter_kind, sizeof co->inviter_kind, "%s",
           collab_actor_str(collab_actor_of(&s->req->principal)));
  snprintf(co->inviter_id, sizeof co->inviter_id, "%s", s->req->principal.id);
  co->keep_service = -1;
  co->expires_at_ms = util_now_ms() + (int64_t)cfg->invitation_ttl * 1000;
}

/* Inserts co with its first event and the invitation e-mail. */
enum store_status collab_insert_invitation(struct store_conn *c, struct start *s,
                                           json_t *details)
{
  struct collab *co = &s->co;
  enum store_status st = store_collab_insert(c, co);
  if (st == STORE_CONFLICT) {
    json_decref(details);
    collab_start_refuse(s, ERR_OPEN_COLLABORATION, NULL,
                 "The office and the company already have an open collaboration");
    return STORE_ABORT;
  }
  if (st == STORE_OK)
    st = store_collab_get(c, co->id, co); /* the joined names for the e-mail */
  if (st != STORE_OK) {
    json_decref(details);
    return st;
  }
  const char *kind = collab_actor_str(collab_actor_of(&s->req->principal));
  st = collab_record(c, co, kind, s->req->principal.id, collab_event_str(COLLAB_EV_INVITE),
                     COLLAB_NONE, co->state, NULL, details, NULL);
  /* every recipient gets a link of its own */
  struct notify_req rq = {.ev = NOTIFY_INVITATION,
                          .actor_kind = kind,
                          .actor_id = s->req->principal.id,
                          .secret = &s->req->app->secret};
  if (st == STORE_OK)
    st = notify_collab(c, co, &rq);
  return st == STORE_OK ? finish_created(c, s) : st;
}

static enum MHD_Result start_reply(struct start *s, enum store_status st)
{
  struct request *req = s->req;
  enum MHD_Result r;
  if (s->err != ERR_NONE || st != STORE_OK)
    api_idem_abandon(req, s->ik);
  if (s->err != ERR_NONE) {
    if (s->retry_after > 0) {
      char secs[24];
      snprintf(secs, sizeof secs, "%ld", s->retry_after);
      http_add_header(req, "Retry-After", secs);
    }
    r = reply_problem_extra(req, s->err, s->extra, "%s", s->detail);
    s->extra = NULL;
  } else if (st != STORE_OK) {
    r = api_store_failure(req, st, "collaboration");
  } else {
    mailer_wake(req->app->mailer);
    http_add_header(req, "Location", s->location);
    r = reply_json_etag(req, 201, s->body, s->etag);
    s->body = NULL;
  }
  json_decref(s->extra);
  json_decref(s->body);
  free(s);
  return r;
}

/* Reserves the request's Idempotency-Key; true after answering (a replay or a refusal). */
static bool begin_idem(struct request *req, struct start *s, struct idem *ik, enum MHD_Result *r)
{
  s->ik = ik;
  if (!api_idem_begin(req, ik, r))
    return false;
  free(s);
  return true;
}

/* Reserves the Idempotency-Key, runs tx in one transaction and answers; frees s. */
enum MHD_Result collab_run_start(struct start *s, store_tx_fn tx)
{
  enum MHD_Result r;
  struct idem ik;
  if (begin_idem(s->req, s, &ik, &r))
    return r;
  enum store_status st = store_write(s->req->app->store, tx, s);
  if (st != STORE_OK && st != STORE_ABORT)
    s->err = ERR_NONE; /* the store failed, whatever an earlier attempt had decided */
  if (st == STORE_ABORT && s->err != ERR_NONE)
    st = STORE_OK;
  return start_reply(s, st);
}

/* Checks the variant named in the body; false after answering 400. */
bool collab_load_requested(struct request *req, struct start *s, enum MHD_Result *r)
{
  const char *code = json_str_member(req->json, "variant");
  if (!code)
    return true;
  s->has_requested = api_variant_lookup(req, code, "variant", &s->requested, r);
  return s->has_requested;
}

