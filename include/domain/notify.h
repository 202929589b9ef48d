/* domain/notify.h - the notification matrix (DOMAIN.md, "E-mails"): for every event of a
 * collaboration, which parties are told and with which e-mail. Pure data and rules; the
 * service (service/notify.c) turns a plan into outbox rows inside the event's transaction. */
#ifndef ADVISORD_DOMAIN_NOTIFY_H
#define ADVISORD_DOMAIN_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/collab.h"

enum notify_event {
  NOTIFY_INVITATION = 0,   /* an invitation was sent (activation, office invitation) */
  NOTIFY_REMINDER,         /* the inviter sent it again (new links) */
  NOTIFY_WITHDRAWN,        /* the inviter took it back */
  NOTIFY_DECLINED,         /* the invitee said no (with its reason) */
  NOTIFY_APPROVED,         /* the customer approved an office's invitation (ways 1-3) */
  NOTIFY_ACTIVATED,        /* the collaboration became active */
  NOTIFY_EXPIRED,          /* nobody answered before the link expired */
  NOTIFY_RENEWAL_REQUESTED,/* the invitee asks for a new invitation (with its reason) */
  NOTIFY_ENDED,            /* either party ended it */
  NOTIFY_SERVICE_DECIDED,  /* after the office's ending, the customer kept or dropped it */
  NOTIFY_VARIANT_CHANGED,  /* an upgrade of the company's variant */
  NOTIFY_TERMS_CHANGED,    /* the payer or the agreement period changed */
  NOTIFY_COMPANY_RESET,    /* support carried out a downgrade: the company was reset */
  NOTIFY_OFFICE_ACCEPTED,  /* the office accepted a customer's invitation (way 4) */
  NOTIFY_STARTED,          /* an approved collaboration's scheduled day came: it is active */
  NOTIFY_EVENT__COUNT
};

enum notify_audience {
  /* the office: its address and the office user responsible (who invited, or who accepted) */
  NOTIFY_TO_OFFICE = 0,
  /* every administrator of the company (and the one the office named in way 3) */
  NOTIFY_TO_ADMINS,
  /* every other office with an active collaboration with the company */
  NOTIFY_TO_OTHER_OFFICES,
  /* every office with an open collaboration with the company, this one included */
  NOTIFY_TO_ALL_OFFICES,
};

/* Which side acted, where the matrix depends on it (an ending). */
enum notify_side { NOTIFY_SIDE_ANY = 0, NOTIFY_SIDE_OFFICE, NOTIFY_SIDE_CUSTOMER };

struct notify_step {
  enum notify_audience audience;
  const char *template_name;       /* static */
  const char *named_admin_template; /* way 3: the administrator the office named (NULL: same) */
  bool carries_link;               /* each recipient gets an invitation link of its own */
};

#define NOTIFY_MAX_STEPS 3

/* The steps for ev on a collaboration started by `by`, acted on by `side`, into
 * steps[0..return). 0: nobody is told. */
size_t notify_plan(enum notify_event ev, enum collab_initiator by, enum notify_side side,
                   struct notify_step *steps);

/* "invitation", "withdrawn", ... (static), for documentation and tests. */
const char *notify_event_str(enum notify_event ev);
/* "office", "administrators", "other offices", "all offices" (static). */
const char *notify_audience_str(enum notify_audience a);

#endif
