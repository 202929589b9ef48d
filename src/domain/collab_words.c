/* collab_words.c - the collaboration rules in plain words, for people: what each event is
 * called in a sentence, and the whole sentence of a refusal by the state machine. Internal
 * names (connect_task, change_variant, renewal_requested ...) stay machine-readable members of
 * a problem; they never appear in its detail. */
#include "domain/collab.h"

#include <stdio.h>

static const char *const phrases[COLLAB_EVENT__COUNT] = {
    [COLLAB_EV_INVITE] = "start a collaboration",
    [COLLAB_EV_APPROVE] = "approve the invitation",
    [COLLAB_EV_ACCEPT] = "accept the invitation",
    [COLLAB_EV_PROVISION] = "put the service in place",
    [COLLAB_EV_CONNECT_TASK] = "connect a task to the collaboration",
    [COLLAB_EV_DECLINE] = "decline the invitation",
    [COLLAB_EV_WITHDRAW] = "withdraw the invitation",
    [COLLAB_EV_EXPIRE] = "let the invitation expire",
    [COLLAB_EV_END] = "end the collaboration",
    [COLLAB_EV_REMIND] = "send the invitation again",
    [COLLAB_EV_REQUEST_RENEWAL] = "ask for a new invitation",
    [COLLAB_EV_CHANGE_VARIANT] = "change the variant",
    [COLLAB_EV_CHANGE_TASK] = "change the task",
    [COLLAB_EV_CHANGE_TERMS] = "change the invoice recipient or the agreement period",
    [COLLAB_EV_DECIDE_SERVICE] = "decide whether the company keeps the service",
    [COLLAB_EV_CHANGE_ADMINISTRATOR] = "correct the administrator the office named",
    [COLLAB_EV_COMPANY_CHANGE] = "record a change of the company's subscription",
};

const char *collab_event_phrase(enum collab_event ev)
{
  return (unsigned)ev < COLLAB_EVENT__COUNT ? phrases[ev] : "do this";
}

void collab_refusal_detail(char *buf, size_t len, enum collab_refusal refusal,
                           enum collab_event ev, enum collab_actor actor,
                           enum collab_initiator initiator, enum collab_state state)
{
  const char *what = collab_event_phrase(ev);
  const char *why = collab_refusal_reason(refusal, ev, actor, initiator);
  if (refusal == COLLAB_REFUSED_ACTOR) {
    snprintf(buf, len, "You may not %s: %s", what, why);
  } else if (refusal == COLLAB_REFUSED_WAY) {
    snprintf(buf, len, "The %s started this collaboration, so no one can %s in it: %s",
             collab_initiator_str(initiator), what, why);
  } else {
    char from[80];
    collab_event_from_states(ev, from, sizeof from);
    snprintf(buf, len, "The collaboration is %s; you can %s only when it is %s",
             collab_state_str(state), what, from);
  }
}
