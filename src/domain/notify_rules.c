/* notify_rules.c - the notification matrix as a table: one row per (event, who started the
 * collaboration, who acted) naming the audience, the e-mail and whether it carries a link.
 * README.md ("Who is told of what") is this table in words; tests/unit/test_notify_rules.c
 * checks both against each other's rows. */
#include "domain/notify.h"

#include <string.h>

#define ANY_BY 2 /* either initiator */

struct row {
  enum notify_event ev;
  int by;               /* enum collab_initiator, or ANY_BY */
  enum notify_side side;
  struct notify_step step;
};

static const struct row rows[] = {
    /* ways 1-3: every administrator gets a link of its own; way 3's named one its own text */
    {NOTIFY_INVITATION, COLLAB_BY_OFFICE, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_ADMINS, "invitation_customer", "activation_new_admin", true}},
    {NOTIFY_INVITATION, COLLAB_BY_CUSTOMER, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_OFFICE, "invitation_office", NULL, true}},
    {NOTIFY_REMINDER, COLLAB_BY_OFFICE, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_ADMINS, "invitation_customer", "activation_new_admin", true}},
    {NOTIFY_REMINDER, COLLAB_BY_CUSTOMER, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_OFFICE, "invitation_office", NULL, true}},
    {NOTIFY_WITHDRAWN, COLLAB_BY_OFFICE, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_ADMINS, "withdrawn_customer", NULL, false}},
    {NOTIFY_WITHDRAWN, COLLAB_BY_CUSTOMER, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_OFFICE, "withdrawn_office", NULL, false}},
    {NOTIFY_DECLINED, COLLAB_BY_OFFICE, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_OFFICE, "declined_office", NULL, false}},
    {NOTIFY_DECLINED, COLLAB_BY_CUSTOMER, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_ADMINS, "declined_customer", NULL, false}},
    {NOTIFY_APPROVED, COLLAB_BY_OFFICE, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_OFFICE, "approved_office", NULL, false}},
    {NOTIFY_ACTIVATED, ANY_BY, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_ADMINS, "activated_customer", NULL, false}},
    {NOTIFY_EXPIRED, COLLAB_BY_OFFICE, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_OFFICE, "expired_office", NULL, false}},
    {NOTIFY_EXPIRED, COLLAB_BY_CUSTOMER, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_ADMINS, "expired_customer", NULL, false}},
    {NOTIFY_RENEWAL_REQUESTED, COLLAB_BY_OFFICE, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_OFFICE, "renewal_requested", NULL, false}},
    {NOTIFY_RENEWAL_REQUESTED, COLLAB_BY_CUSTOMER, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_ADMINS, "renewal_requested", NULL, false}},
    {NOTIFY_ENDED, ANY_BY, NOTIFY_SIDE_CUSTOMER,
     {NOTIFY_TO_OFFICE, "ended_office", NULL, false}},
    {NOTIFY_ENDED, ANY_BY, NOTIFY_SIDE_OFFICE,
     {NOTIFY_TO_ADMINS, "collaboration_ended", NULL, false}},
    {NOTIFY_SERVICE_DECIDED, ANY_BY, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_OFFICE, "service_decided", NULL, false}},
    {NOTIFY_SERVICE_DECIDED, ANY_BY, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_ADMINS, "service_decided", NULL, false}},
    {NOTIFY_VARIANT_CHANGED, ANY_BY, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_ADMINS, "variant_changed_customer", NULL, false}},
    {NOTIFY_VARIANT_CHANGED, ANY_BY, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_OTHER_OFFICES, "variant_changed_office", NULL, false}},
    {NOTIFY_TERMS_CHANGED, ANY_BY, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_ADMINS, "terms_changed_customer", NULL, false}},
    {NOTIFY_COMPANY_RESET, ANY_BY, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_ADMINS, "company_reset_customer", NULL, false}},
    {NOTIFY_COMPANY_RESET, ANY_BY, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_ALL_OFFICES, "company_reset_office", NULL, false}},
    {NOTIFY_OFFICE_ACCEPTED, COLLAB_BY_CUSTOMER, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_ADMINS, "office_accepted", NULL, false}},
    /* a scheduled start: the administrators as at any activation, and the office */
    {NOTIFY_STARTED, COLLAB_BY_OFFICE, NOTIFY_SIDE_ANY,
     {NOTIFY_TO_OFFICE, "started_office", NULL, false}},
};

size_t notify_plan(enum notify_event ev, enum collab_initiator by, enum notify_side side,
                   struct notify_step *steps)
{
  size_t n = 0;
  for (size_t i = 0; i < sizeof rows / sizeof rows[0] && n < NOTIFY_MAX_STEPS; i++) {
    const struct row *r = &rows[i];
    if (r->ev != ev || (r->by != ANY_BY && r->by != (int)by) ||
        (r->side != NOTIFY_SIDE_ANY && r->side != side))
      continue;
    steps[n++] = r->step;
  }
  return n;
}

const char *notify_event_str(enum notify_event ev)
{
  static const char *const names[NOTIFY_EVENT__COUNT] = {
      "invitation", "reminder",  "withdrawn",       "declined",        "approved",
      "activated",  "expired",   "renewal_requested", "ended",         "service_decided",
      "variant_changed", "terms_changed", "company_reset", "office_accepted", "started"};
  return (unsigned)ev < NOTIFY_EVENT__COUNT ? names[ev] : "unknown";
}

const char *notify_audience_str(enum notify_audience a)
{
  switch (a) {
  case NOTIFY_TO_OFFICE:
    return "office";
  case NOTIFY_TO_ADMINS:
    return "administrators";
  case NOTIFY_TO_OTHER_OFFICES:
    return "other offices";
  case NOTIFY_TO_ALL_OFFICES:
    return "all offices";
  }
  return "unknown";
}
