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
#include "store_collab.h"

struct collab_op; /* one action on one collaboration: below */

#define COLLAB_MAX_ACCEPT_ATTEMPTS 5
#define COLLAB_TOKEN_HASH_LEN 65

/* The rules' view of an authenticated caller. */
enum collab_actor collab_actor_of(const struct principal *p);
/* Whether the caller may see the collaboration: its office's users, its company's
 * administrators, support and admin. */
bool collab_visible_to(const struct collab *co, const struct principal *p);

/* The collaboration as served (new reference); mail may be NULL (no invitation e-mail). */
json_t *collab_json(const struct collab *co, const struct collab_mail_state *mail, int64_t now_ms);
/* The invitation as its link shows it (new reference): what is proposed, by whom, until when,
 * and which answers the link can give now. */
json_t *collab_invitation_json(const struct collab *co, int64_t now_ms);
/* The event as served (new reference). */
json_t *collab_event_json(const struct collab_event_rec *e);
/* Replies 200 (or status) with the collaboration re-read from the store, its ETag and, for a
 * 201, its Location. */
enum MHD_Result collab_reply(struct request *req, unsigned status, const struct collab *co);

/* A fresh invitation link for co: new nonce into co->token_nonce, the token's SHA-256 into
 * hash (>= COLLAB_TOKEN_HASH_LEN). False when the random source fails. */
bool collab_new_link(struct request *req, struct collab *co, char *hash);
/* SHA-256 of a presented token into hash. */
void collab_token_hash(const char *token, char *hash);

/* Appends an event to co's history. actor_id may be NULL; reason may be NULL; details (may be
 * NULL, reference stolen) becomes the JSON text; at NULL: now. */
enum store_status collab_record(struct store_conn *c, const struct collab *co,
                                const char *actor_kind, const char *actor_id, const char *event,
                                enum collab_state from, enum collab_state to, const char *reason,
                                json_t *details, const char *at);
/* The office's name for the company, or the vendor's when the office has no entry yet
 * (points into co). */
const char *collab_customer_name(const struct collab *co);
/* Checks that co's task is still an open task of its office for co's customer (it goes on to
 * active through it); else refuses op (task_required, naming what the office must do). */
enum store_status collab_check_task(struct collab_op *op, struct store_conn *c,
                                    const struct collab *co);
/* Enqueues one e-mail about co in its language; data's reference is stolen. */
enum store_status collab_mail(struct store_conn *c, const struct collab *co, const char *tmpl,
                              const char *recipient, json_t *data);
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
/* Enqueues the invitation e-mail that fits co's way carrying co->token_nonce: in ways 1-3 to
 * the administrator of collab_invitee_admin (NOT_FOUND: none), in way 4 to the office. */
enum store_status collab_mail_invitation(struct store_conn *c, struct collab *co);
/* Who holds co's invitation link, for the history: the administrator it was sent to (ways
 * 1-3) or the office (way 4); NULL when not known. Points into co. */
const char *collab_link_holder(const struct collab *co);
/* When co is stored as invited but its invitation has lapsed, records the expiry (state,
 * version and an event by the system dated at the expiry). */
enum store_status collab_settle_expiry(struct store_conn *c, struct collab *co, int64_t now_ms);
/* Makes the company's subscription follow an active collaboration's terms. */
enum store_status collab_sync_subscription(struct store_conn *c, const struct collab *co);

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
  const char *actor_id;   /* NULL for the link */
  bool check_if_match;    /* a sent If-Match must name the current version (else 412) */
  bool link_view;         /* answer with the invitation as a link shows it */
  collab_apply_fn apply;  /* may be NULL; before the new version is written */
  collab_apply_fn after;  /* may be NULL; after it and the main event (a follow-on step) */
  void *arg;
  /* set while running */
  int64_t now_ms;
  enum collab_state from;          /* the effective state before */
  char new_hash[COLLAB_TOKEN_HASH_LEN]; /* apply: a new link ("" none) */
  bool consume_link;               /* apply: the link is used up */
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

/* Runs op in one write transaction and replies: 200 with the collaboration, or the problem. */
enum MHD_Result collab_op_run(struct collab_op *op);
/* Sets op's refusal (printf-style detail). */
void collab_op_refuse(struct collab_op *op, enum err_code err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
