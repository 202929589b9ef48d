/* Unit test of the notification matrix (domain/notify.h): for every event, who started the
 * collaboration and which side acted, exactly the audiences and e-mails of README's "Who is
 * told of what", written out here again; every event tells somebody. */
#include "domain/notify.h"
#include "testlib.h"

#include <stdio.h>

TEST_MAIN_DEFS

#define O COLLAB_BY_OFFICE
#define C COLLAB_BY_CUSTOMER
#define ANY NOTIFY_SIDE_ANY
#define BY_OFFICE NOTIFY_SIDE_OFFICE
#define BY_CUSTOMER NOTIFY_SIDE_CUSTOMER

struct want {
  enum notify_event ev;
  enum collab_initiator by;
  enum notify_side side;
  const char *plan; /* "audience:template[/named template][+link]; ..." */
};

static const struct want table[] = {
    {NOTIFY_INVITATION, O, ANY,
     "administrators:invitation_customer/activation_new_admin+link"},
    {NOTIFY_INVITATION, C, ANY, "office:invitation_office+link"},
    {NOTIFY_REMINDER, O, ANY, "administrators:invitation_customer/activation_new_admin+link"},
    {NOTIFY_REMINDER, C, ANY, "office:invitation_office+link"},
    {NOTIFY_WITHDRAWN, O, BY_OFFICE, "administrators:withdrawn_customer"},
    {NOTIFY_WITHDRAWN, C, BY_CUSTOMER, "office:withdrawn_office"},
    {NOTIFY_DECLINED, O, BY_CUSTOMER, "office:declined_office"},
    {NOTIFY_DECLINED, C, BY_OFFICE, "administrators:declined_customer"},
    {NOTIFY_APPROVED, O, BY_CUSTOMER, "office:approved_office"},
    {NOTIFY_APPROVED, C, BY_OFFICE, ""},
    {NOTIFY_ACTIVATED, O, ANY, "administrators:activated_customer"},
    {NOTIFY_ACTIVATED, C, BY_OFFICE, "administrators:activated_customer"},
    {NOTIFY_EXPIRED, O, ANY, "office:expired_office"},
    {NOTIFY_EXPIRED, C, ANY, "administrators:expired_customer"},
    {NOTIFY_RENEWAL_REQUESTED, O, BY_CUSTOMER, "office:renewal_requested"},
    {NOTIFY_RENEWAL_REQUESTED, C, BY_OFFICE, "administrators:renewal_requested"},
    {NOTIFY_ENDED, O, BY_CUSTOMER, "office:ended_office"},
    {NOTIFY_ENDED, C, BY_CUSTOMER, "office:ended_office"},
    {NOTIFY_ENDED, O, BY_OFFICE, "administrators:collaboration_ended"},
    {NOTIFY_ENDED, C, BY_OFFICE, "administrators:collaboration_ended"},
    {NOTIFY_SERVICE_DECIDED, O, BY_CUSTOMER,
     "office:service_decided; administrators:service_decided"},
    {NOTIFY_VARIANT_CHANGED, O, BY_OFFICE,
     "administrators:variant_changed_customer; other offices:variant_changed_office"},
    {NOTIFY_TERMS_CHANGED, C, BY_OFFICE, "administrators:terms_changed_customer"},
    {NOTIFY_COMPANY_RESET, O, ANY,
     "administrators:company_reset_customer; all offices:company_reset_office"},
    {NOTIFY_OFFICE_ACCEPTED, C, BY_OFFICE, "administrators:office_accepted"},
    {NOTIFY_OFFICE_ACCEPTED, O, BY_OFFICE, ""},
    {NOTIFY_STARTED, O, ANY, "office:started_office"},
    {NOTIFY_STARTED, C, ANY, ""},
};

static void describe(const struct notify_step *steps, size_t n, char *out, size_t len)
{
  size_t used = 0;
  out[0] = '\0';
  for (size_t i = 0; i < n && used < len; i++) {
    int w = snprintf(out + used, len - used, "%s%s:%s%s%s%s", i ? "; " : "",
                     notify_audience_str(steps[i].audience), steps[i].template_name,
                     steps[i].named_admin_template ? "/" : "",
                     steps[i].named_admin_template ? steps[i].named_admin_template : "",
                     steps[i].carries_link ? "+link" : "");
    if (w < 0)
      break;
    used += (size_t)w;
  }
}

int main(void)
{
  char got[512];
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    struct notify_step steps[NOTIFY_MAX_STEPS];
    size_t n = notify_plan(table[i].ev, table[i].by, table[i].side, steps);
    describe(steps, n, got, sizeof got);
    CHECK_MSG(strcmp(got, table[i].plan) == 0, "%s (%s, side %d): '%s', want '%s'",
              notify_event_str(table[i].ev), table[i].by == O ? "office's" : "customer's",
              (int)table[i].side, got, table[i].plan);
  }
  /* every event tells somebody, whoever started it */
  for (int ev = 0; ev < NOTIFY_EVENT__COUNT; ev++) {
    size_t total = 0;
    for (int by = 0; by < 2; by++)
      for (int side = 0; side < 3; side++) {
        struct notify_step steps[NOTIFY_MAX_STEPS];
        total += notify_plan((enum notify_event)ev, (enum collab_initiator)by,
                             (enum notify_side)side, steps);
      }
    CHECK_MSG(total > 0, "nobody is told of %s", notify_event_str((enum notify_event)ev));
    CHECK(strcmp(notify_event_str((enum notify_event)ev), "unknown") != 0);
  }
  return TEST_REPORT();
}
