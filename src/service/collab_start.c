/* collab_start.c - what the two ways a collaboration starts share: the variant asked for, the
 * creation cap, the one-open rule, the common fields, the insert with its first event and
 * invitation e-mails, and running it in one write transaction. */
#include "collab_internal.h"
#include "domain/dates.h"
#include "mailer.h"
#include "webhook_worker.h"
#include "store_batches.h"
#include "store_identity.h"
#include "store_variants.h"
#include "spares.h"
#include "util.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum store_status collab_creations_since(struct store_conn *c, const char *user_id,
                                         const char *since, long *n, char *oldest)
{
  long batches = 0;
  char first_batch[32] = "";
  enum store_status st = store_collab_created_since(c, user_id, since, n, oldest);
  if (st == STORE_OK)
    st = store_batches_created_since(c, user_id, since, &batches, first_batch);
  if (st != STORE_OK)
    return st;
  *n += batches;
  if (first_batch[0] && (!oldest[0] || strcmp(first_batch, oldest) < 0))
    util_text_copy(oldest, 32, first_batch);
  return STORE_OK;
}

long collab_retry_after(const char *oldest, int64_t now_ms)
{
  const int64_t hour_ms = 3600 * 1000;
  int64_t oldest_ms = now_ms;
  date_parse_iso_ms(oldest, &oldest_ms);
  long s = (long)((oldest_ms + hour_ms - now_ms + 999) / 1000);
  return s < 1 ? 1 : s;
}

/* Refuses (429) when the caller already started --collaboration-create-limit collaborations,
 * office invitations or batches in the last hour: each one sends e-mail. */
enum store_status collab_check_creation_cap(struct store_conn *c, struct start *s)
{
  long limit = s->app->cfg->collab_create_limit, n = 0;
  if (limit <= 0)
    return STORE_OK;
  const int64_t now = util_now_ms();
  char since[32], oldest[32] = "";
  date_iso_ms(now - 3600 * 1000, since, sizeof since);
  enum store_status st = collab_creations_since(c, s->in->caller->id, since, &n, oldest);
  if (st != STORE_OK || n < limit)
    return st;
  s->rf.retry_after = collab_retry_after(oldest, now);
  refuse(&s->rf, ERR_RATE_LIMITED,
         "You started %ld collaborations, office invitations or batches in the last hour, "
         "and at most %ld per hour are allowed (each sends e-mail); the next one is possible "
         "in %ld seconds",
         n, limit, s->rf.retry_after);
  return STORE_OK;
}

/* Refuses when the office and the company already have an open collaboration (after
 * recording the expiry of one that lapsed). */
enum store_status collab_check_none_open(struct store_conn *c, struct start *s,
                                         const char *office_id, const char *company_id)
{
  char id[COLLAB_ID_LEN]; /* the row is read only when there is one (rarely: it is refused) */
  enum store_status st = store_collab_open_id(c, office_id, company_id, id);
  if (st != STORE_OK)
    return st == STORE_NOT_FOUND ? STORE_OK : st;
  struct collab *open = malloc(sizeof *open);
  if (!open)
    return STORE_ERROR;
  st = store_collab_get(c, id, open);
  if (st == STORE_OK)
    st = collab_settle_expiry(c, open, util_now_ms());
  if (st == STORE_OK && collab_state_is_open(open->state)) {
    refuse(&s->rf, ERR_OPEN_COLLABORATION,
           "The office already has an open collaboration with %s (%s): %s is %s",
           open->company_name, open->corporate_id, open->id, collab_state_str(open->state));
    refusal_extra(&s->rf, json_pack("{s:s, s:s}", "collaboration_id", open->id, "state",
                                    collab_state_str(open->state)));
  }
  free(open);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}

/* The fields every start shares; the caller fills the terms. */
void collab_fill_common(struct start *s, struct collab *co, const char *office_id,
                        const char *company_id)
{
  const struct config *cfg = s->app->cfg;
  util_uuid(co->id);
  util_text_copy(co->office_id, sizeof co->office_id, office_id);
  util_text_copy(co->company_id, sizeof co->company_id, company_id);
  co->state = COLLAB_INVITED;
  util_text_copy(co->language, sizeof co->language, s->in->language ? s->in->language : "sv");
  util_text_copy(co->inviter_kind, sizeof co->inviter_kind,
                 collab_actor_str(collab_actor_of(s->in->caller)));
  util_text_copy(co->inviter_id, sizeof co->inviter_id, s->in->caller->id);
  co->keep_service = -1;
  co->expires_at_ms = util_now_ms() + (int64_t)cfg->invitation_ttl * 1000;
}

/* Inserts co with its first event and the invitation e-mail. */
enum store_status collab_insert_invitation(struct store_conn *c, struct start *s, char *details)
{
  struct collab *co = &s->co;
  enum store_status st = store_collab_insert(c, co);
  if (st == STORE_CONFLICT) {
    free(details);
    refuse(&s->rf, ERR_OPEN_COLLABORATION,
           "The office and the company already have an open collaboration");
    return STORE_ABORT;
  }
  if (st == STORE_OK && !s->names_known)
    st = store_collab_get(c, co->id, co); /* the joined names for the e-mail */
  if (st != STORE_OK) {
    free(details);
    return st;
  }
  const char *kind = collab_actor_str(collab_actor_of(s->in->caller));
  struct notify_actor shown; /* read once, for the history and the e-mails */
  st = collab_record_text(c, co, kind, s->in->caller->id, collab_event_str(COLLAB_EV_INVITE),
                          COLLAB_NONE, co->state, NULL, details, NULL, &shown);
  free(details);
  /* every recipient gets a link of its own */
  struct notify_req rq = {.ev = NOTIFY_INVITATION,
                          .actor_kind = kind,
                          .actor_id = s->in->caller->id,
                          .secret = &s->app->secret,
                          .ready = &s->links,
                          .variant = s->has_requested ? &s->requested : NULL,
                          .named = s->has_invitee ? &s->invitee : NULL,
                          .admins = s->admins,
                          .n_admins = s->n_admins,
                          .shown = &shown,
                          .link_mail = &s->mail};
  memset(&s->mail, 0, sizeof s->mail);
  if (st == STORE_OK)
    st = notify_collab(c, co, &rq);
  if (st != STORE_OK)
    return st;
  /* the 201 the request answers (and keeps for a replay) shows it as written here; a batch's
   * row answers nobody */
  if (s->in->in_batch)
    return STORE_OK;
  s->has_mail = s->mail.outbox_id[0] != '\0'; /* as a read back would find it */
  if (!s->in->created)
    return STORE_OK;
  return s->in->created(c, co, s->has_mail ? &s->mail : NULL, s->in->created_arg);
}

void collab_start_reset(struct start *s)
{
  refusal_clear(&s->rf);
  memset(&s->co, 0, sizeof s->co);
  s->names_known = false;
  s->has_invitee = false;
  s->admins = NULL;
  s->n_admins = 0;
  s->has_requested = false;
  s->has_mail = false;
  s->links.used = 0; /* a batch that runs again stores the same links */
}

enum store_status collab_start_variant(struct store_conn *c, struct start *s)
{
  s->has_requested = false;
  if (!s->in->variant)
    return STORE_OK;
  /* its features only where it is compared with a subscription's (store_variant_load_features) */
  enum store_status st = store_variant_get_brief(c, s->in->variant, &s->requested);
  if (st == STORE_NOT_FOUND)
    return refuse_field(&s->rf, "variant", VARIANT_UNKNOWN);
  s->has_requested = st == STORE_OK;
  return st;
}

/* The starts of collab_run_start: taken on an HTTP worker's thread, given back by start_over
 * (on SQLite's writer thread, or on the worker's: PostgreSQL, a store stopping, a failure). */
static struct spares start_spares = SPARES_INIT(sizeof(struct start));

/* After the start's write: the outcome into s->out, the workers woken for its e-mail and
 * webhooks, then s->done; gives s back. */
static void start_over(enum store_status st, void *arg)
{
  struct start *s = arg;
  struct collab_outcome *out = s->out;
  if (refused(&s->rf) && (st == STORE_OK || st == STORE_ABORT)) {
    out->refusal = s->rf;
    st = STORE_OK;
  } else {
    refusal_clear(&s->rf); /* the store failed, whatever an earlier attempt had decided */
    if (st == STORE_OK) {
      mailer_wake(s->app->mailer);
      webhook_worker_wake(s->app->webhooks);
      out->co = s->co;
      out->mail = s->mail;
      out->has_mail = s->has_mail;
    }
  }
  collab_started_fn done = s->done;
  void *done_arg = s->done_arg;
  spares_give(&start_spares, s);
  done(st, done_arg);
}

void collab_run_start(const struct app *app, const struct collab_start_in *in, store_tx_fn tx,
                      struct collab_outcome *out, collab_started_fn done, void *arg)
{
  /* s->co not zeroed: collab_start_reset clears it at the start of every attempt, before any
   * read (start_over copies it only after one succeeded) */
  struct start *s = spares_take_except(&start_spares, offsetof(struct start, co), sizeof s->co);
  if (!s) {
    done(STORE_ERROR, arg);
    return;
  }
  s->app = app;
  s->in = in;
  s->out = out;
  s->done = done;
  s->done_arg = arg;
  /* the invitee's link (one, as a rule) made here, off the writer's thread */
  if (!notify_links_make(&s->links, &app->secret, 1)) {
    spares_give(&start_spares, s);
    done(STORE_ERROR, arg);
    return;
  }
  store_write_async(app->store, tx, s, start_over);
}
