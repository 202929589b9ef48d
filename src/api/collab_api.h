/* collab_api.h - what the collaboration handlers share (collaborations.c, collab_actions.c,
 * collab_invitations.c): the caller as the rules see it, rendering, the invitation link, the
 * e-mails, and one transaction runner that loads a collaboration, records a lapsed expiry,
 * checks If-Match and the state machine, lets the action change it, and writes the new version,
 * the event and the outbox rows together. */
#ifndef ADVISORD_API_COLLAB_API_H
#define ADVISORD_API_COLLAB_API_H

#include <jansson.h>

#include "api.h"
#include "domain/collab.h"
#include "service/collab_service.h"
#include "service/notify.h"
#include "store_collab.h"

struct collab_op; /* one action on one collaboration: below */

#define COLLAB_MAX_ACCEPT_ATTEMPTS 5
#define COLLAB_TOKEN_HASH_LEN 65

/* The rules' view of an authenticated caller. */
enum collab_actor collab_actor_of(const struct principal *p);
/* Whether the caller may see the collaboration: its office's users, its company's
 * administrators, support and admin. */
bool collab_visible_to(const struct collab *co, const struct principal *p);

/* The collaboration as served to viewer (new reference); mail may be NULL (no invitation
 * e-mail). Only an office user sees the office's register name and the way-3 contact. */
json_t *collab_json(const struct collab *co, const struct collab_mail_state *mail, int64_t now_ms,
                    const struct principal *viewer);
/* The invitation as its link shows it (new reference): what is proposed, by whom, until when,
 * and which answers the link can give now. */
json_t *collab_invitation_json(const struct collab *co, int64_t now_ms);
/* The event as served (new reference). */
json_t *collab_event_json(const struct collab_event_rec *e);
/* Replies 200 (or status) with the collaboration re-read from the store, its ETag and, for a
 * 201, its Location. */
enum MHD_Result collab_reply(struct request *req, unsigned status, const struct collab *co);

/* SHA-256 of a presented token into hash. */
void collab_token_hash(const char *token, char *hash);

/* Checks that co's task is still an open task of its office for co's customer (it goes on to
 * active through it); else refuses op (task_required, naming what the office must do). */
enum store_status collab_check_task(struct collab_op *op, struct store_conn *c,
                                    const struct collab *co);
/* Sets starts_on and renews_on for a collaboration that becomes active: a continuing agreement
 * keeps the subscription's dates; a new one starts today. */
enum store_status collab_set_agreement_dates(struct store_conn *c, struct collab *co);
/* A new agreement period from today: starts_on today, renews_on after co's period (the day
 * clamped to the month's end). False when the date cannot be computed. */
bool collab_start_agreement_today(struct collab *co);
/* The follow-on step of ways 1-3: approved -> active by the system, with its own event. */
enum store_status collab_provision(struct collab_op *op, struct store_conn *c, struct collab *co);
/* Checks that task_id is an open task of co's office for a customer of co's company; on
 * success sets co->task_id and co->customer_id, else refuses op (task_required). */
enum store_status collab_take_task(struct collab_op *op, struct store_conn *c, struct collab *co,
                                   const char *task_id);
/* The customer administrator an office's invitation (ways 1-3) goes to: co->administrator_id,
 * or else the company's main contact, which then becomes co->administrator_id. NOT_FOUND: the
 * company has no administrator on the portal. */
struct customer_admin;
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

/* One action on one collaboration. The handler fills the input part and calls collab_op_run. */
/* The action's own part, run inside the transaction after the state machine allowed it: it
 * changes co (state already set to the verdict's), may add e-mails and further events, and
 * sets op->err to refuse. Must be restartable (the transaction may run again). */
typedef enum store_status (*collab_apply_fn)(struct collab_op *op, struct store_conn *c,
                                             struct collab *co);

struct collab_op {
  /* input */
  struct request *req;
  const char *id;         /* the collaboration, or NULL when found by token_hash */
  const char *token_hash;
  enum collab_event ev;
  enum collab_actor actor;
  const char *actor_kind; /* as recorded: "office_user", "invitation_link" ... */
  const char *actor_id;   /* for the link: filled in with the one it was sent to */
  bool check_if_match;    /* a sent If-Match must name the current version (else 412) */
  bool link_view;         /* answer with the invitation as a link shows it */
  collab_apply_fn apply;  /* may be NULL; before the new version is written */
  collab_apply_fn after;  /* may be NULL; after it and the main event (a follow-on step) */
  void *arg;
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
  long retry_after;                /* seconds for a Retry-After header; 0: none */
  enum err_code err;
  char detail[700];
  json_t *extra;                   /* owned; merged into the problem */
  struct collab co;                /* after */
};

/* Applies a variant change of co to to_code by op's actor (the variant rule), or refuses op;
 * sets op->details for the event. */
enum store_status collab_change_variant(struct collab_op *op, struct store_conn *c,
                                        struct collab *co, const char *to_code, bool confirm);
/* Checks ev from op->from by op's actor with the state machine; false after refusing op. */
bool collab_op_allows(struct collab_op *op, enum collab_event ev);

/* Runs one action on the collaboration named by the path's id (or, by_link, the path's
 * token): validates the body with fields, then the op with ev, apply and after. */
struct field_spec;
enum MHD_Result collab_action_run(struct request *req, const struct field_spec *fields,
                                  enum collab_event ev, collab_apply_fn apply,
                                  collab_apply_fn after, bool by_link);
/* A string member of the request body, or NULL (points into the body). */
const char *collab_body_str(struct request *req, const char *name);
/* The body's reason (if any) becomes the main event's reason. */
void collab_take_reason(struct collab_op *op);
/* Sends co's invitation again (ev: NOTIFY_REMINDER, or NOTIFY_INVITATION to a corrected
 * administrator): the old links die, every recipient gets a new one, the expiry starts again.
 * extra: more e-mail data (borrowed, may be NULL). Refuses op when there is nobody on the
 * customer's side to send it to, or (429) when it was sent again less than
 * --reminder-interval ago (a reminder: or sent at all). */
enum store_status collab_resend(struct collab_op *op, struct store_conn *c, struct collab *co,
                                enum notify_event ev, json_t *extra);
/* The administrator contact of a way-3 activation (name, email, phone), for a field_spec array
 * (an activation's and a correction's); needs validate.h and domain/contact.h. */
#define COLLAB_ADMIN_FIELDS                                                                  \
  {                                                                                          \
    {.name = "name", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 200,   \
     .check = contact_name_check},                                                          \
        {.name = "email", .type = FIELD_STRING, .required = true, .min_len = 3,             \
         .max_len = 254, .check = contact_email_check},                                     \
        {.name = "phone", .type = FIELD_STRING, .required = true, .min_len = 6,             \
         .max_len = 40, .check = contact_phone_check},                                      \
    {                                                                                        \
      0                                                                                      \
    }                                                                                        \
  }

/* Runs op in one write transaction and replies: 200 with the collaboration, or the problem. */
enum MHD_Result collab_op_run(struct collab_op *op);
/* Sets op's refusal (printf-style detail). */
void collab_op_refuse(struct collab_op *op, enum err_code err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
