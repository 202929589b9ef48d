/* collab.c - the collaboration state machine (DOMAIN.md, "The state machine"): one table row
 * per event saying from which states, to which state, and which party may trigger it. */
#include "domain/collab.h"

#include <stdio.h>
#include <string.h>

#define BIT(s) (1u << (s))
#define OPEN_STATES (BIT(COLLAB_INVITED) | BIT(COLLAB_APPROVED) | BIT(COLLAB_ACTIVE))
#define STAYS COLLAB_STATE__COUNT /* "to" of an event that keeps the state */

/* Which party an event belongs to, relative to who started the collaboration. */
enum party {
  PARTY_INVITER,           /* the office in ways 1-3, the customer in way 4 */
  PARTY_INVITEE,           /* the other one; the invitation link stands for it */
  PARTY_OFFICE,            /* the office whichever way it started */
  PARTY_EITHER,            /* the office or the customer */
  PARTY_SYSTEM,            /* the server */
  PARTY_OFFICE_OR_SUPPORT, /* the office or the vendor's support */
  PARTY_CUSTOMER,          /* the company's administrators whichever way it started */
};

struct rule {
  unsigned from_by_office;   /* states it may leave when the office invited; 0: not this way */
  unsigned from_by_customer; /* the same when the customer invited */
  enum collab_state to;
  enum party party;
  bool office_full;          /* office users need full rights */
  bool link;                 /* the invitation link may do it */
};

static const struct rule rules[COLLAB_EVENT__COUNT] = {
    /* a limited office user may activate only where it chooses no terms (see
     * collab_activation_plan) */
    [COLLAB_EV_INVITE] = {BIT(COLLAB_NONE), BIT(COLLAB_NONE), COLLAB_INVITED, PARTY_INVITER, false,
                          false},
    [COLLAB_EV_APPROVE] = {BIT(COLLAB_INVITED), 0, COLLAB_APPROVED, PARTY_INVITEE, true, true},
    [COLLAB_EV_ACCEPT] = {0, BIT(COLLAB_INVITED), COLLAB_APPROVED, PARTY_INVITEE, true, true},
    [COLLAB_EV_PROVISION] = {BIT(COLLAB_APPROVED), 0, COLLAB_ACTIVE, PARTY_SYSTEM, false, false},
    [COLLAB_EV_CONNECT_TASK] = {0, BIT(COLLAB_APPROVED), COLLAB_ACTIVE, PARTY_OFFICE, false,
                                false},
    [COLLAB_EV_DECLINE] = {BIT(COLLAB_INVITED), BIT(COLLAB_INVITED), COLLAB_DECLINED,
                           PARTY_INVITEE, true, true},
    /* any office user may take back an invitation; only terms and ending need full rights */
    [COLLAB_EV_WITHDRAW] = {BIT(COLLAB_INVITED), BIT(COLLAB_INVITED), COLLAB_CANCELLED,
                            PARTY_INVITER, false, false},
    [COLLAB_EV_EXPIRE] = {BIT(COLLAB_INVITED), BIT(COLLAB_INVITED), COLLAB_EXPIRED, PARTY_SYSTEM,
                          false, false},
    [COLLAB_EV_END] = {BIT(COLLAB_APPROVED) | BIT(COLLAB_ACTIVE),
                       BIT(COLLAB_APPROVED) | BIT(COLLAB_ACTIVE), COLLAB_ENDED, PARTY_EITHER, true,
                       false},
    [COLLAB_EV_REMIND] = {BIT(COLLAB_INVITED), BIT(COLLAB_INVITED), STAYS, PARTY_INVITER, false,
                          false},
    /* expired stays expired: the inviter is asked to invite again (a new collaboration) */
    [COLLAB_EV_REQUEST_RENEWAL] = {BIT(COLLAB_EXPIRED), BIT(COLLAB_EXPIRED), STAYS,
                                   PARTY_INVITEE, true, true},
    [COLLAB_EV_CHANGE_VARIANT] = {BIT(COLLAB_ACTIVE), BIT(COLLAB_ACTIVE), STAYS,
                                  PARTY_OFFICE_OR_SUPPORT, true, false},
    /* a way-4 collaboration gets its first task through connect_task, not as a change */
    [COLLAB_EV_CHANGE_TASK] = {OPEN_STATES, BIT(COLLAB_ACTIVE), STAYS, PARTY_OFFICE, false,
                               false},
    /* an invitation's terms are the inviter's proposal: they change only once it is active */
    [COLLAB_EV_CHANGE_TERMS] = {BIT(COLLAB_ACTIVE), BIT(COLLAB_ACTIVE), STAYS, PARTY_OFFICE, true,
                                false},
    [COLLAB_EV_DECIDE_SERVICE] = {BIT(COLLAB_ENDED), BIT(COLLAB_ENDED), STAYS, PARTY_CUSTOMER,
                                  false, false},
    /* way 3 only (the caller checks the way): while nobody has answered */
    [COLLAB_EV_CHANGE_ADMINISTRATOR] = {BIT(COLLAB_INVITED), 0, STAYS, PARTY_OFFICE, false,
                                        false},
    [COLLAB_EV_COMPANY_CHANGE] = {OPEN_STATES, OPEN_STATES, STAYS, PARTY_SYSTEM, false, false},
};

static bool office_may(const struct rule *r, enum collab_actor a)
{
  return a == COLLAB_ACTOR_OFFICE_FULL || (a == COLLAB_ACTOR_OFFICE_LIMITED && !r->office_full);
}

static bool actor_may(const struct rule *r, enum collab_actor a, enum collab_initiator by)
{
  bool office = office_may(r, a), customer = a == COLLAB_ACTOR_CUSTOMER_ADMIN;
  switch (r->party) {
  case PARTY_INVITER:
    return by == COLLAB_BY_OFFICE ? office : customer;
  case PARTY_INVITEE:
    if (r->link && a == COLLAB_ACTOR_LINK)
      return true;
    return by == COLLAB_BY_OFFICE ? customer : office;
  case PARTY_OFFICE:
    return office;
  case PARTY_EITHER:
    return office || customer;
  case PARTY_SYSTEM:
    return a == COLLAB_ACTOR_SYSTEM;
  case PARTY_OFFICE_OR_SUPPORT:
    return office || a == COLLAB_ACTOR_SUPPORT;
  case PARTY_CUSTOMER:
    return customer;
  }
  return false;
}

struct collab_verdict collab_transition(enum collab_state from, enum collab_event ev,
                                        enum collab_actor actor, enum collab_initiator by)
{
  struct collab_verdict v = {COLLAB_REFUSED_STATE, from};
  if ((unsigned)ev >= COLLAB_EVENT__COUNT || (unsigned)from >= COLLAB_STATE__COUNT)
    return v;
  const struct rule *r = &rules[ev];
  if (!actor_may(r, actor, by)) {
    v.refusal = COLLAB_REFUSED_ACTOR;
    return v;
  }
  unsigned mask = by == COLLAB_BY_OFFICE ? r->from_by_office : r->from_by_customer;
  if (mask == 0) {
    v.refusal = COLLAB_REFUSED_WAY;
    return v;
  }
  if (!(mask & BIT(from)))
    return v;
  v.refusal = COLLAB_ALLOWED;
  v.to = r->to == STAYS ? from : r->to;
  return v;
}

const char *collab_refusal_reason(enum collab_refusal refusal, enum collab_event ev,
                                  enum collab_actor actor, enum collab_initiator by)
{
  if (refusal == COLLAB_REFUSED_WAY) {
    switch (ev) {
    case COLLAB_EV_APPROVE:
      return "a customer approves an office's invitation; an office answers a customer's "
             "invitation by accepting it with its corporate ID and e-mail address";
    case COLLAB_EV_ACCEPT:
      return "an office accepts a customer's invitation; a customer answers an office's "
             "invitation by approving it";
    case COLLAB_EV_PROVISION:
      return "a collaboration the customer started becomes active when the office connects "
             "a task";
    case COLLAB_EV_CONNECT_TASK:
      return "a collaboration the office started got its task at activation and becomes "
             "active when the customer approves";
    default:
      return "this event does not apply to a collaboration started this way";
    }
  }
  if (refusal != COLLAB_REFUSED_ACTOR)
    return "the collaboration is not in a state that allows this";
  const struct rule *r = &rules[(unsigned)ev < COLLAB_EVENT__COUNT ? ev : 0];
  if (actor == COLLAB_ACTOR_OFFICE_LIMITED && actor_may(r, COLLAB_ACTOR_OFFICE_FULL, by))
    return "this needs an office user with full rights";
  switch (r->party) {
  case PARTY_INVITER:
    return by == COLLAB_BY_OFFICE ? "only the office that sent the invitation may do this"
                                  : "only the customer that sent the invitation may do this";
  case PARTY_INVITEE:
    return by == COLLAB_BY_OFFICE ? "only the invited customer may answer this invitation"
                                  : "only the invited office may answer this invitation";
  case PARTY_OFFICE:
    return "only the office's users may do this";
  case PARTY_EITHER:
    return "only the office (a user with full rights) or the customer may do this";
  case PARTY_SYSTEM:
    return "only the server itself does this";
  case PARTY_OFFICE_OR_SUPPORT:
    return "only the office (a user with full rights) or support may change the variant";
  case PARTY_CUSTOMER:
    return "only the company's administrators decide whether it keeps the service";
  }
  return "you may not do this";
}

static const char *const state_names[COLLAB_STATE__COUNT] = {
    "none", "invited", "approved", "active", "declined", "cancelled", "expired", "ended"};

static const char *const event_names[COLLAB_EVENT__COUNT] = {
    "invite", "approve", "accept", "provision", "connect_task", "decline", "withdraw",
    "expire", "end", "remind", "renewal_requested", "change_variant", "change_task",
    "change_terms", "service_decision", "change_administrator", "company_changed"};

static const char *const actor_names[COLLAB_ACTOR__COUNT] = {
    "office_user", "office_user", "customer_admin", "support", "admin", "system",
    "invitation_link"};

void collab_event_from_states(enum collab_event ev, char *buf, size_t len)
{
  unsigned mask = 0;
  if ((unsigned)ev < COLLAB_EVENT__COUNT)
    mask = rules[ev].from_by_office | rules[ev].from_by_customer;
  size_t n = 0, count = 0, total = 0;
  for (int s = 0; s < COLLAB_STATE__COUNT; s++)
    total += (mask & BIT(s)) != 0;
  if (len)
    buf[0] = '\0';
  for (int s = 0; s < COLLAB_STATE__COUNT && n < len; s++) {
    if (!(mask & BIT(s)))
      continue;
    const char *sep = count == 0 ? "" : count + 1 == total ? " or " : ", ";
    int w = snprintf(buf + n, len - n, "%s%s", sep, state_names[s]);
    if (w < 0)
      break;
    n += (size_t)w;
    count++;
  }
}

bool collab_state_is_open(enum collab_state s)
{
  return s == COLLAB_INVITED || s == COLLAB_APPROVED || s == COLLAB_ACTIVE;
}

enum collab_state collab_effective_state(enum collab_state s, int64_t expires_at, int64_t now)
{
  if (s == COLLAB_INVITED && expires_at > 0 && now >= expires_at)
    return COLLAB_EXPIRED;
  return s;
}

static bool parse_name(const char *const *names, int n, const char *s, int *out)
{
  for (int i = 0; s && i < n; i++)
    if (strcmp(names[i], s) == 0) {
      *out = i;
      return true;
    }
  return false;
}

const char *collab_state_str(enum collab_state s)
{
  return (unsigned)s < COLLAB_STATE__COUNT ? state_names[s] : "unknown";
}

bool collab_state_parse(const char *s, enum collab_state *out)
{
  int i;
  if (!parse_name(state_names, COLLAB_STATE__COUNT, s, &i) || i == COLLAB_NONE)
    return false;
  *out = (enum collab_state)i;
  return true;
}

const char *collab_event_str(enum collab_event ev)
{
  return (unsigned)ev < COLLAB_EVENT__COUNT ? event_names[ev] : "unknown";
}

bool collab_event_parse(const char *s, enum collab_event *out)
{
  int i;
  if (!parse_name(event_names, COLLAB_EVENT__COUNT, s, &i))
    return false;
  *out = (enum collab_event)i;
  return true;
}

const char *collab_actor_str(enum collab_actor a)
{
  return (unsigned)a < COLLAB_ACTOR__COUNT ? actor_names[a] : "unknown";
}

static const char *const initiator_names[] = {"office", "customer"};

const char *collab_initiator_str(enum collab_initiator i)
{
  return initiator_names[i == COLLAB_BY_CUSTOMER];
}

bool collab_initiator_parse(const char *s, enum collab_initiator *out)
{
  int i;
  if (!parse_name(initiator_names, 2, s, &i))
    return false;
  *out = (enum collab_initiator)i;
  return true;
}

static const char *const way_names[] = {"subscriber", "account", "new_customer",
                                        "customer_invite"};

const char *collab_way_str(enum collab_way w)
{
  return (unsigned)w < 4 ? way_names[w] : "unknown";
}

bool collab_way_parse(const char *s, enum collab_way *out)
{
  int i;
  if (!parse_name(way_names, 4, s, &i))
    return false;
  *out = (enum collab_way)i;
  return true;
}

static const char *const relation_names[] = {"none", "account", "subscriber"};

const char *company_relation_str(enum company_relation r)
{
  return (unsigned)r < 3 ? relation_names[r] : "unknown";
}

bool company_relation_parse(const char *s, enum company_relation *out)
{
  int i;
  if (!parse_name(relation_names, 3, s, &i))
    return false;
  *out = (enum company_relation)i;
  return true;
}
