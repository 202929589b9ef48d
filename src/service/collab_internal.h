/* collab_internal.h - what the collaboration use cases share (src/service/collab_*.c): the one
 * transaction every action runs in (collab_op.c), the steps several actions take, and the start
 * in progress. Not for api/: it includes store headers and knows the transaction's inside. */
#ifndef ADVISORD_SERVICE_COLLAB_INTERNAL_H
#define ADVISORD_SERVICE_COLLAB_INTERNAL_H

#include <jansson.h>

#include "domain/collab.h"
#include "domain/collab_party.h"
#include "domain/variant.h"
#include "service/collab.h"
#include "service/collab_service.h"
#include "service/notify.h"
#include "store_collab.h"

struct collab_op; /* one action on one collaboration: below */
struct customer_admin;

/* Checks that co's task is still an open task of its office for co's customer (it goes on to
 * active through it); else refuses op (task_required, naming what the office must do). */
enum store_status collab_check_task(struct collab_op *op, struct store_conn *c,
                                    const struct collab *co);
/* Sets starts_on and renews_on for a collaboration that becomes active: a continuing agreement
 * keeps the subscription's dates; a new one starts today. */
enum store_status collab_set_agreement_dates(struct store_conn *c, struct collab *co);
/* A new agreement period from the day of now_ms in the offices' time zone (Europe/Stockholm,
 * as every date a person reads): starts_on that day, renews_on after co's period (the day
 * clamped to the month's end). False when the date cannot be computed. */
bool collab_start_agreement_at(struct collab *co, int64_t now_ms);
/* Whether on ("YYYY-MM-DD") may be a scheduled start at now_ms: not before today in the
 * offices' time zone, nor after the agreement's renewal (sub_renews_on for a continuing
 * agreement; NULL: a new one, period_months from today). False with the reason in words in
 * msg. */
bool collab_start_day_ok(const char *on, const char *sub_renews_on, int period_months,
                         int64_t now_ms, char *msg, size_t len);
/* True when co is approved and its scheduled start (starts_on) is after the day of now_ms in
 * the offices' time zone: it stays approved until then. */
bool collab_start_waits(const struct collab *co, int64_t now_ms);
/* For the sweep: when co is approved and its scheduled day has come (at now_ms), approved ->
 * active by the system (as collab_provision), both parties told; else nothing. */
enum store_status collab_start_scheduled(struct store_conn *c, struct collab *co,
                                         const struct secret *secret, int64_t now_ms);
/* The follow-on step of ways 1-3: approved -> active by the system, with its own event; with
 * a scheduled start still to come it stays approved and only the office is told. */
enum store_status collab_provision(struct collab_op *op, struct store_conn *c, struct collab *co);
/* Checks that task_id is an open task of co's office for a customer of co's company; on
 * success sets co->task_id and co->customer_id, else refuses op (task_required). */
enum store_status collab_take_task(struct collab_op *op, struct store_conn *c, struct collab *co,
                                   const char *task_id);
/* The customer administrator an office's invitation (ways 1-3) goes to: co->administrator_id,
 * or else the company's main contact, which then becomes co->administrator_id. NOT_FOUND: the
 * company has no administrator on the portal. */
enum store_status collab_invitee_admin(struct store_conn *c, struct collab *co,
                                      struct customer_admin *ad);
/* When co is stored as invited but its invitation has lapsed, records the expiry (state,
 * version and an event by the system dated at the expiry). */
enum store_status collab_settle_expiry(struct store_conn *c, struct collab *co, int64_t now_ms);
/* Way 3: when co names an administrator nobody confirmed, co lets go of it (administrator_id
 * emptied) and its id goes into unconfirmed (>= COLLAB_ID_LEN; "" otherwise), to be dropped
 * (store_customer_admin_drop_unconfirmed) once co is written. */
void collab_release_admin(struct collab *co, char *unconfirmed);
/* Tells every party of ev on co by op's actor (with op's reason), as the matrix says; extra:
 * more e-mail data (borrowed, may be NULL). */
enum store_status collab_op_tell(struct collab_op *op, struct store_conn *c, struct collab *co,
                                 enum notify_event ev, json_t *extra);

/* The action's own part, run inside the transaction after the state machine allowed it: it
 * changes co (state already set to the verdict's), may add e-mails and further events, and
 * refuses through op->rf. Must be restartable (the transaction may run again). */
typedef enum store_status (*collab_apply_fn)(struct collab_op *op, struct store_conn *c,
                                             struct collab *co);

struct collab_op {
  /* input */
  const struct app *app;
  const struct collab_action_in *in;
  char token_hash[SECRET_LINK_KEY_LEN]; /* through a link: its key (secret_link_key) */
  enum collab_event ev;
  enum collab_actor actor;
  const char *actor_kind; /* as recorded: "office_user", "invitation_link" ... */
  const char *actor_id;   /* for the link: filled in with the one it was sent to */
  collab_apply_fn apply;  /* may be NULL; before the new version is written */
  collab_apply_fn after;  /* may be NULL; after it and the main event (a follow-on step) */
  /* set while running */
  int64_t now_ms;
  enum collab_state from;          /* the effective state before */
  bool consume_link;               /* apply: every link of the collaboration dies */
  char drop_admin[COLLAB_ID_LEN];  /* apply: an unconfirmed administrator to remove after */
  char holder_id[COLLAB_ID_LEN];   /* the link's holder (actor_id points here) */
  bool record_main_event;          /* default true: record ev from -> co->state */
  char reason[COLLAB_REASON_LEN];  /* apply: reason for the main event */
  json_t *details;                 /* apply: details for the main event (owned) */
  bool commit_refusal;             /* apply: refuse, but still write co (e.g. a counter) */
  bool unchanged;                  /* apply: nothing to write; answer with co as it is */
  /* result */
  struct refusal rf;
  struct collab co;                /* after */
};

/* Runs the action ev (apply, then after) of in on its collaboration in one write transaction;
 * the outcome as service/collab.h says. */
enum store_status collab_op_exec(const struct app *app, const struct collab_action_in *in,
                                 enum collab_event ev, collab_apply_fn apply,
                                 collab_apply_fn after, struct collab_outcome *out);
/* Applies a variant change of co to to_code by op's actor (the variant rule), or refuses op;
 * sets op->details for the event. */
enum store_status collab_apply_variant(struct collab_op *op, struct store_conn *c,
                                       struct collab *co, const char *to_code, bool confirm);
/* Checks ev from op->from by op's actor with the state machine; false after refusing op. */
bool collab_op_allows(struct collab_op *op, enum collab_event ev);
/* The input's reason (if any) becomes the main event's reason. */
void collab_take_reason(struct collab_op *op);
/* Sends co's invitation again (ev: NOTIFY_REMINDER, or NOTIFY_INVITATION to a corrected
 * administrator): the old links die, every recipient gets a new one, the expiry starts again.
 * extra: more e-mail data (borrowed, may be NULL). Refuses op when there is nobody on the
 * customer's side to send it to, or (429) when it was sent again less than
 * --reminder-interval ago (a reminder: or sent at all). */
enum store_status collab_resend(struct collab_op *op, struct store_conn *c, struct collab *co,
                                enum notify_event ev, json_t *extra);
/* The invitation e-mail's state of co into out (after a commit, a read); out->has_mail. */
enum store_status collab_outcome_mail(const struct app *app, struct collab_outcome *out);

/* ---- a start in progress (collab_start.c); the transaction may run more than once ---- */
struct start {
  const struct app *app;
  const struct collab_start_in *in;
  struct variant requested;
  bool has_requested;
  struct refusal rf;
  struct collab co;
  bool names_known;               /* co's joined names filled in: no read back after the insert */
  struct customer_admin invitee;  /* co's administrator as this attempt wrote or read it ... */
  bool has_invitee;               /* ... when true (notify_req.named) */
  struct customer_admin *admins;  /* the company's confirmed administrators as this attempt read
                                   * them (notify_req.admins; borrowed from the attempt's
                                   * collab_office_start_tx), NULL when not read ... */
  size_t n_admins;                /* ... and how many */
  struct collab_mail_state mail; /* the invitation e-mail as its transaction wrote it */
  bool has_mail;
  struct notify_links links;      /* the invitation's links, made before the write */
  struct collab_outcome *out;     /* collab_run_start's: where the outcome goes */
  collab_started_fn done;
  void *done_arg;
};

/* An office activates (ways 1-3) inside the caller's write transaction c: s->app and s->in
 * set; the new collaboration in s->co, or a refusal in s->rf and STORE_ABORT (roll back: the
 * caller keeps nothing of a refused start). */
enum store_status collab_office_start_tx(struct store_conn *c, struct start *s);
/* Back to the input: at the start of every attempt of the transaction. */
void collab_start_reset(struct start *s);
/* Looks up the variant the input names (in->variant) into s->requested without its features
 * (store_variant_get_brief; load them to compare it), or refuses s (400 naming the field). */
enum store_status collab_start_variant(struct store_conn *c, struct start *s);
/* What counts against the creation cap since the ISO time since: the collaborations and office
 * invitations user_id started (a batch's rows left out) plus the batches it uploaded, into *n;
 * the oldest of them into oldest (>= 32 bytes, "" when none). */
enum store_status collab_creations_since(struct store_conn *c, const char *user_id,
                                         const char *since, long *n, char *oldest);
/* Seconds until an hour has passed since oldest (an ISO time), at least 1. */
long collab_retry_after(const char *oldest, int64_t now_ms);
/* Refuses (429) when the caller started --collaboration-create-limit collaborations, office
 * invitations or batches in the last hour. */
enum store_status collab_check_creation_cap(struct store_conn *c, struct start *s);
/* Refuses when office and company already have an open collaboration. */
enum store_status collab_check_none_open(struct store_conn *c, struct start *s,
                                         const char *office_id, const char *company_id);
/* The fields every start shares; the caller fills the terms. */
void collab_fill_common(struct start *s, struct collab *co, const char *office_id,
                        const char *company_id);
/* Inserts s->co with its first event (details: its JSON text as collab_record_text takes it,
 * malloc'd, freed here; NULL: "{}") and the invitation e-mails, and hands it to in->created. */
enum store_status collab_insert_invitation(struct store_conn *c, struct start *s,
                                           char *details);
/* Queues tx on a new start of in as one write (store_write_async) and, once it is over, leaves
 * the outcome in out and calls done (collab_office_activates says where and when). */
void collab_run_start(const struct app *app, const struct collab_start_in *in, store_tx_fn tx,
                      struct collab_outcome *out, collab_started_fn done, void *arg);

/* The refusal (ERR_ADMINISTRATOR_NAMED) of a way-3 activation or administrator correction
 * naming another person than another office's unanswered way-3 invitation to the company
 * names: its format, with the company's name and corporate ID. */
#define COLLAB_ADMIN_NAMED_DETAIL                                                             \
  "%s (%s) has no administrator yet, and another office's invitation, still unanswered, "    \
  "already names the person who is to become its administrator: name that same person "      \
  "(the same e-mail address; capital and small letters a-z count as the same), or wait "     \
  "until that invitation is answered, withdrawn or expires"

#endif
