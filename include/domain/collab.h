/* domain/collab.h - the collaboration rules (DOMAIN.md): the state machine and who may move it,
 * the four ways in and what each needs, the variant-change rule, expiry and agreement dates.
 * Pure: no I/O, no SQL, no HTTP. api/ asks these functions and stores what they decide. */
#ifndef ADVISORD_DOMAIN_COLLAB_H
#define ADVISORD_DOMAIN_COLLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/variant.h"

/* COLLAB_NONE is "no collaboration yet": the state before the first event. */
enum collab_state {
  COLLAB_NONE = 0,
  COLLAB_INVITED,
  COLLAB_APPROVED,
  COLLAB_ACTIVE,
  COLLAB_DECLINED,
  COLLAB_CANCELLED,
  COLLAB_EXPIRED,
  COLLAB_ENDED,
  COLLAB_STATE__COUNT
};

enum collab_event {
  COLLAB_EV_INVITE = 0,      /* the inviter activates (office) or invites (customer) */
  COLLAB_EV_APPROVE,         /* the customer approves the office's terms (ways 1-3) */
  COLLAB_EV_ACCEPT,          /* the office accepts a customer's invitation (way 4) */
  COLLAB_EV_PROVISION,       /* the service is in place after approval (ways 1-3) */
  COLLAB_EV_CONNECT_TASK,    /* the office connects an approved way-4 collaboration to a task */
  COLLAB_EV_DECLINE,         /* the invitee says no */
  COLLAB_EV_WITHDRAW,        /* the inviter takes the invitation back */
  COLLAB_EV_EXPIRE,          /* nobody answered before expires_at */
  COLLAB_EV_END,             /* either party ends an approved or active collaboration */
  COLLAB_EV_REMIND,          /* the inviter resends the invitation (new link) */
  COLLAB_EV_REQUEST_RENEWAL, /* the invitee asks for a new invitation after expiry; the
                              * invitation stays expired, the inviter invites again */
  COLLAB_EV_CHANGE_VARIANT,  /* upgrade (office) or downgrade (support, company reset) */
  COLLAB_EV_CHANGE_TASK,     /* another task of the office for the same customer */
  COLLAB_EV_CHANGE_TERMS,    /* invoice recipient or agreement period */
  COLLAB_EV_DECIDE_SERVICE,  /* after the office ended it: the customer keeps or drops the
                              * service (once; whether it is still pending is the caller's) */
  COLLAB_EV_CHANGE_ADMINISTRATOR, /* way 3: the office corrects the administrator it named */
  COLLAB_EV_COMPANY_CHANGE,  /* the company's subscription changed through another
                              * collaboration or support (recorded by the system) */
  COLLAB_EVENT__COUNT
};

/* Who acts, as the rules see it. Membership (that an office user belongs to the
 * collaboration's office, a customer admin to its company) is checked before asking. */
enum collab_actor {
  COLLAB_ACTOR_OFFICE_FULL = 0,
  COLLAB_ACTOR_OFFICE_LIMITED,
  COLLAB_ACTOR_CUSTOMER_ADMIN,
  COLLAB_ACTOR_SUPPORT,
  COLLAB_ACTOR_ADMIN,  /* the operator: manages the register, is no party to a collaboration */
  COLLAB_ACTOR_SYSTEM, /* the server itself: provisioning, expiry */
  COLLAB_ACTOR_LINK,   /* whoever holds the invitation link: stands for the invitee */
  COLLAB_ACTOR__COUNT
};

enum collab_initiator { COLLAB_BY_OFFICE = 0, COLLAB_BY_CUSTOMER };

enum collab_way {
  COLLAB_WAY_SUBSCRIBER = 0, /* 1: the company already pays for a variant */
  COLLAB_WAY_ACCOUNT,        /* 2: a portal account, no subscription */
  COLLAB_WAY_NEW_CUSTOMER,   /* 3: no relation; an administrator is created */
  COLLAB_WAY_CUSTOMER_INVITE /* 4: the customer invites the office */
};

enum company_relation { RELATION_NONE = 0, RELATION_ACCOUNT, RELATION_SUBSCRIBER };

/* Why a transition is refused. */
enum collab_refusal {
  COLLAB_ALLOWED = 0,
  COLLAB_REFUSED_ACTOR,     /* this kind of principal may not do it (403) */
  COLLAB_REFUSED_STATE,     /* not from the current state (409 illegal_transition) */
  COLLAB_REFUSED_WAY,       /* not in this way in, e.g. accept on an office's invitation */
};

struct collab_verdict {
  enum collab_refusal refusal;
  enum collab_state to; /* the next state when allowed (may equal the current one) */
};

/* The rule for one event by one actor in one state of a collaboration started by initiator.
 * Checks the actor first (so a refusal never reveals the state to the wrong party), then the
 * way in, then the state. */
struct collab_verdict collab_transition(enum collab_state from, enum collab_event ev,
                                        enum collab_actor actor,
                                        enum collab_initiator initiator);

/* A sentence (static storage) saying why a refusal happened, for a problem's detail. */
const char *collab_refusal_reason(enum collab_refusal r, enum collab_event ev,
                                  enum collab_actor actor, enum collab_initiator initiator);
/* The states from which ev is possible, as "invited or approved" into buf. */
void collab_event_from_states(enum collab_event ev, char *buf, size_t len);
/* What ev does, as the verb phrase of a sentence ("change the variant", "ask for a new
 * invitation"; static storage): the words people read instead of the event's internal name. */
const char *collab_event_phrase(enum collab_event ev);
/* The whole sentence of a refusal (refusal != COLLAB_ALLOWED) of ev by actor on a
 * collaboration started by initiator that is in state, for a problem's detail, into buf
 * (>= 400 bytes to hold the longest): plain words, no internal names. */
void collab_refusal_detail(char *buf, size_t len, enum collab_refusal refusal,
                           enum collab_event ev, enum collab_actor actor,
                           enum collab_initiator initiator, enum collab_state state);

/* invited, approved, active: an open collaboration (at most one per office and company). */
bool collab_state_is_open(enum collab_state s);
/* The state as the world sees it at time now: an invitation past expires_at reads as expired
 * even before any sweep has recorded it. expires_at 0: no expiry. */
enum collab_state collab_effective_state(enum collab_state s, int64_t expires_at, int64_t now);

/* ---- names (static storage); parsers return false on an unknown name ---- */
const char *collab_state_str(enum collab_state s);
bool collab_state_parse(const char *s, enum collab_state *out);
const char *collab_event_str(enum collab_event ev);
bool collab_event_parse(const char *s, enum collab_event *out);
const char *collab_actor_str(enum collab_actor a); /* office_user, customer_admin, ... */
const char *collab_initiator_str(enum collab_initiator i);
bool collab_initiator_parse(const char *s, enum collab_initiator *out);
const char *collab_way_str(enum collab_way w);
bool collab_way_parse(const char *s, enum collab_way *out);
const char *company_relation_str(enum company_relation r);
bool company_relation_parse(const char *s, enum company_relation *out);

/* ---- the ways in ---- */

/* The way an office's activation takes, from the company's relation to the vendor. */
enum collab_way collab_way_for_relation(enum company_relation r);

#define COLLAB_MAX_FIELD_ERRORS 8

struct collab_field_error {
  const char *field;   /* e.g. "invoice_recipient" (static) */
  const char *message; /* static */
};

/* What an office asks for when it activates (NULL / 0: not given). */
struct collab_activation_request {
  enum company_relation relation;
  const struct variant *current;      /* the subscription's variant (subscriber only) */
  const char *sub_invoice_recipient;  /* the subscription's payer, subscriber only: it stays */
  int sub_period_months;              /* the subscription's, subscriber only */
  const struct variant *requested;    /* NULL: not given */
  const char *invoice_recipient;      /* "office" | "customer" | NULL */
  int period_months;                  /* 3 | 12 | 0 */
  bool has_administrator;             /* an administrator object was sent */
  bool full_rights;                   /* the office user has full rights */
};

/* What the activation becomes. */
struct collab_activation {
  enum collab_way way;
  const char *variant;           /* points into current or requested */
  const char *invoice_recipient; /* static or from the request */
  int period_months;
  bool upgrade;                  /* subscriber: proposed above the current variant */
  bool agreement_continues;      /* subscriber: dates from the subscription, no charge now */
  bool creates_administrator;    /* way 3 */
};

enum collab_activation_result {
  COLLAB_ACTIVATION_OK = 0,
  COLLAB_ACTIVATION_INVALID,   /* fields are missing or not allowed in this way: see errors */
  COLLAB_ACTIVATION_DOWNGRADE, /* subscriber: a lower variant than the current one */
  COLLAB_ACTIVATION_NEEDS_FULL_RIGHTS, /* a limited user chose terms (variant, payer, period) */
};

/* Decides the way and the terms of an office's activation, or which fields are wrong
 * (errors[0..*n_errors)), or that it is a downgrade (only support can do those), or that a
 * limited user chose terms: only full rights choose the variant, payer and period, so a limited
 * user can activate only a subscriber in its current variant. */
enum collab_activation_result collab_activation_plan(const struct collab_activation_request *rq,
                                                     struct collab_activation *out,
                                                     struct collab_field_error *errors,
                                                     size_t *n_errors);

/* ---- variant changes on a collaboration ---- */

enum collab_variant_verdict {
  COLLAB_VARIANT_UPGRADE = 0,      /* apply at once */
  COLLAB_VARIANT_DOWNGRADE_RESET,  /* support, confirmed: apply and record the company reset */
  COLLAB_VARIANT_SAME,             /* nothing to change (409: already in that variant) */
  COLLAB_VARIANT_NEEDS_SUPPORT,    /* an office asked for a downgrade (422, points to support) */
  COLLAB_VARIANT_NEEDS_CONFIRM,    /* support without confirm_company_reset (422) */
  COLLAB_VARIANT_NOT_ALLOWED,      /* anyone else (403) */
};

/* The variant rule: an upgrade by a full office user or support at once; a downgrade only by
 * support with an explicit confirmation that the company will be reset. */
enum collab_variant_verdict collab_variant_change(const struct variant_change *ch,
                                                  enum collab_actor actor,
                                                  bool confirm_company_reset);

/* The version of the terms and conditions an office accepts when it answers a customer's
 * invitation (way 4); the accept request names it. */
#define COLLAB_TERMS_VERSION "2026-11"

#endif
