/* Unit tests of the collaboration rules: every state x every event x every kind of principal,
 * for both initiators, against an expected table written out here from DOMAIN.md; the reasons
 * for refusals; the names of states, events, ways, relations, initiators and actors, and which
 * states are open; expiry. (The ways in and the variant rule: test_collab_ways.c; agreement
 * dates: test_dates.c.) */
#include "domain/collab.h"
#include "testlib.h"

TEST_MAIN_DEFS

/* States: N none, I invited, P approved, A active, D declined, C cancelled, X expired,
 * E ended. Actors: F office user (full), L office user (limited), C customer admin,
 * S support, A admin, Y system, K invitation link. */
static const char state_letters[] = "NIPADCXE";
static const char actor_letters[] = "FLCSAYK";

struct expect {
  enum collab_initiator by;
  enum collab_event ev;
  const char *states;   /* from which states it is allowed */
  const char *actors;   /* who may */
  const char *to;       /* the letter of the next state, "=" for the same */
  const char *wrongway; /* for events that do not exist in this way: who gets "wrong way" */
};

#define O COLLAB_BY_OFFICE
#define U COLLAB_BY_CUSTOMER

static const struct expect table[] = {
    /* the office invites (ways 1-3) */
    {O, COLLAB_EV_INVITE, "N", "FL", "I", NULL},
    {O, COLLAB_EV_APPROVE, "I", "CK", "P", NULL},
    {O, COLLAB_EV_ACCEPT, "", "", "", "CK"},
    {O, COLLAB_EV_PROVISION, "P", "Y", "A", NULL},
    {O, COLLAB_EV_CONNECT_TASK, "", "", "", "FL"},
    {O, COLLAB_EV_DECLINE, "I", "CK", "D", NULL},
    {O, COLLAB_EV_WITHDRAW, "I", "FL", "C", NULL},
    {O, COLLAB_EV_EXPIRE, "I", "Y", "X", NULL},
    {O, COLLAB_EV_END, "PA", "FC", "E", NULL},
    {O, COLLAB_EV_REMIND, "I", "FL", "=", NULL},
    {O, COLLAB_EV_REQUEST_RENEWAL, "X", "CK", "=", NULL},
    {O, COLLAB_EV_CHANGE_VARIANT, "A", "FS", "=", NULL},
    {O, COLLAB_EV_CHANGE_TASK, "IPA", "FL", "=", NULL},
    {O, COLLAB_EV_CHANGE_TERMS, "A", "F", "=", NULL},
    {O, COLLAB_EV_DECIDE_SERVICE, "E", "C", "=", NULL},
    {O, COLLAB_EV_CHANGE_ADMINISTRATOR, "I", "FL", "=", NULL},
    {O, COLLAB_EV_COMPANY_CHANGE, "IPA", "Y", "=", NULL},
    /* the customer invites the office (way 4) */
    {U, COLLAB_EV_INVITE, "N", "C", "I", NULL},
    {U, COLLAB_EV_APPROVE, "", "", "", "FK"},
    {U, COLLAB_EV_ACCEPT, "I", "FK", "P", NULL},
    {U, COLLAB_EV_PROVISION, "", "", "", "Y"},
    {U, COLLAB_EV_CONNECT_TASK, "P", "FL", "A", NULL},
    {U, COLLAB_EV_DECLINE, "I", "FK", "D", NULL},
    {U, COLLAB_EV_WITHDRAW, "I", "C", "C", NULL},
    {U, COLLAB_EV_EXPIRE, "I", "Y", "X", NULL},
    {U, COLLAB_EV_END, "PA", "FC", "E", NULL},
    {U, COLLAB_EV_REMIND, "I", "C", "=", NULL},
    {U, COLLAB_EV_REQUEST_RENEWAL, "X", "FK", "=", NULL},
    {U, COLLAB_EV_CHANGE_VARIANT, "A", "FS", "=", NULL},
    {U, COLLAB_EV_CHANGE_TASK, "A", "FL", "=", NULL},
    {U, COLLAB_EV_CHANGE_TERMS, "A", "F", "=", NULL},
    {U, COLLAB_EV_DECIDE_SERVICE, "E", "C", "=", NULL},
    {U, COLLAB_EV_CHANGE_ADMINISTRATOR, "", "", "", "FL"},
    {U, COLLAB_EV_COMPANY_CHANGE, "IPA", "Y", "=", NULL},
};

static const struct expect *find(enum collab_initiator by, enum collab_event ev)
{
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (table[i].by == by && table[i].ev == ev)
      return &table[i];
  return NULL;
}

static bool has(const char *set, char c)
{
  return set && c && strchr(set, c) != NULL;
}

static void test_every_state_event_actor(void)
{
  int allowed = 0, combos = 0;
  for (int by = O; by <= U; by++)
    for (int ev = 0; ev < COLLAB_EVENT__COUNT; ev++) {
      const struct expect *e = find((enum collab_initiator)by, (enum collab_event)ev);
      CHECK_MSG(e != NULL, "no expectation for event %s", collab_event_str(ev));
      if (!e)
        continue;
      for (int s = 0; s < COLLAB_STATE__COUNT; s++)
        for (int a = 0; a < COLLAB_ACTOR__COUNT; a++) {
          combos++;
          struct collab_verdict v = collab_transition((enum collab_state)s, (enum collab_event)ev,
                                                      (enum collab_actor)a,
                                                      (enum collab_initiator)by);
          char sl = state_letters[s], al = actor_letters[a];
          enum collab_refusal want;
          if (has(e->actors, al))
            want = has(e->states, sl) ? COLLAB_ALLOWED : COLLAB_REFUSED_STATE;
          else
            want = has(e->wrongway, al) ? COLLAB_REFUSED_WAY : COLLAB_REFUSED_ACTOR;
          CHECK_MSG(v.refusal == want, "%s: %s in %s by %c: refusal %d, want %d",
                    by == O ? "office-initiated" : "customer-initiated", collab_event_str(ev),
                    collab_state_str(s), al, v.refusal, want);
          if (want == COLLAB_ALLOWED) {
            allowed++;
            int to = e->to[0] == '=' ? s : (int)(strchr(state_letters, e->to[0]) - state_letters);
            CHECK_MSG((int)v.to == to, "%s in %s by %c: to %s, want %s", collab_event_str(ev),
                      collab_state_str(s), al, collab_state_str(v.to), collab_state_str(to));
          } else {
            CHECK_MSG((int)v.to == s, "a refusal keeps the state (%s in %s)",
                      collab_event_str(ev), collab_state_str(s));
            const char *why = collab_refusal_reason(v.refusal, (enum collab_event)ev,
                                                    (enum collab_actor)a,
                                                    (enum collab_initiator)by);
            CHECK(why && strlen(why) > 10);
          }
        }
    }
  CHECK_INT(combos, 2 * COLLAB_STATE__COUNT * COLLAB_EVENT__COUNT * COLLAB_ACTOR__COUNT);
  fprintf(stderr, "state machine: %d combinations, %d allowed\n", combos, allowed);
  /* terminal states admit nothing but a renewal request after expiry and the customer's
   * decision about the service after an end; neither leaves the state */
  for (int by = O; by <= U; by++)
    for (int ev = 0; ev < COLLAB_EVENT__COUNT; ev++)
      for (int a = 0; a < COLLAB_ACTOR__COUNT; a++) {
        enum collab_state terminal[] = {COLLAB_DECLINED, COLLAB_CANCELLED, COLLAB_ENDED};
        for (int t = 0; t < 3; t++) {
          struct collab_verdict v = collab_transition(terminal[t], (enum collab_event)ev,
                                                      (enum collab_actor)a,
                                                      (enum collab_initiator)by);
          bool decision = terminal[t] == COLLAB_ENDED && ev == COLLAB_EV_DECIDE_SERVICE &&
                          a == COLLAB_ACTOR_CUSTOMER_ADMIN;
          CHECK((v.refusal == COLLAB_ALLOWED) == decision);
          CHECK(v.to == terminal[t]);
        }
      }
}

static void test_refusal_reasons(void)
{
  const char *w = collab_refusal_reason(COLLAB_REFUSED_ACTOR, COLLAB_EV_END,
                                        COLLAB_ACTOR_OFFICE_LIMITED, O);
  CHECK(strstr(w, "full rights") != NULL);
  w = collab_refusal_reason(COLLAB_REFUSED_ACTOR, COLLAB_EV_APPROVE, COLLAB_ACTOR_OFFICE_FULL, O);
  CHECK(strstr(w, "customer") != NULL);
  w = collab_refusal_reason(COLLAB_REFUSED_WAY, COLLAB_EV_APPROVE, COLLAB_ACTOR_OFFICE_FULL, U);
  CHECK(strstr(w, "accept") != NULL);
  w = collab_refusal_reason(COLLAB_REFUSED_ACTOR, COLLAB_EV_DECIDE_SERVICE,
                            COLLAB_ACTOR_OFFICE_FULL, O);
  CHECK(strstr(w, "administrators decide") != NULL);
  char buf[80];
  collab_event_from_states(COLLAB_EV_DECIDE_SERVICE, buf, sizeof buf);
  CHECK_STR(buf, "ended");
  collab_event_from_states(COLLAB_EV_END, buf, sizeof buf);
  CHECK_STR(buf, "approved or active");
  collab_event_from_states(COLLAB_EV_CHANGE_TERMS, buf, sizeof buf);
  CHECK_STR(buf, "active");
  collab_event_from_states(COLLAB_EV_CHANGE_TASK, buf, sizeof buf);
  CHECK_STR(buf, "invited, approved or active");
  collab_event_from_states(COLLAB_EV_APPROVE, buf, sizeof buf);
  CHECK_STR(buf, "invited");
}

static void test_names(void)
{
  for (int s = 1; s < COLLAB_STATE__COUNT; s++) {
    enum collab_state back;
    CHECK(collab_state_parse(collab_state_str(s), &back) && (int)back == s);
  }
  enum collab_state st;
  CHECK(!collab_state_parse("none", &st));
  CHECK(!collab_state_parse("Invited", &st));
  CHECK(!collab_state_parse(NULL, &st));
  for (int ev = 0; ev < COLLAB_EVENT__COUNT; ev++) {
    enum collab_event back;
    CHECK(collab_event_parse(collab_event_str(ev), &back) && (int)back == ev);
  }
  for (int w = 0; w < 4; w++) {
    enum collab_way back;
    CHECK(collab_way_parse(collab_way_str(w), &back) && (int)back == w);
  }
  for (int r = 0; r < 3; r++) {
    enum company_relation back;
    CHECK(company_relation_parse(company_relation_str(r), &back) && (int)back == r);
  }
  enum collab_initiator i;
  CHECK(collab_initiator_parse("customer", &i) && i == U);
  CHECK(collab_initiator_parse("office", &i) && i == O);
  CHECK(!collab_initiator_parse("support", &i));
  CHECK_STR(collab_actor_str(COLLAB_ACTOR_OFFICE_LIMITED), "office_user");
  CHECK_STR(collab_actor_str(COLLAB_ACTOR_LINK), "invitation_link");
  CHECK(collab_state_is_open(COLLAB_INVITED) && collab_state_is_open(COLLAB_APPROVED) &&
        collab_state_is_open(COLLAB_ACTIVE));
  CHECK(!collab_state_is_open(COLLAB_EXPIRED) && !collab_state_is_open(COLLAB_ENDED) &&
        !collab_state_is_open(COLLAB_DECLINED) && !collab_state_is_open(COLLAB_CANCELLED) &&
        !collab_state_is_open(COLLAB_NONE));
}

static void test_expiry(void)
{
  for (int s = 0; s < COLLAB_STATE__COUNT; s++) {
    /* before expiry nothing changes; at and after it only an invitation reads as expired */
    CHECK((int)collab_effective_state(s, 1000, 999) == s);
    enum collab_state want = s == COLLAB_INVITED ? COLLAB_EXPIRED : (enum collab_state)s;
    CHECK(collab_effective_state(s, 1000, 1000) == want);
    CHECK(collab_effective_state(s, 1000, 5000) == want);
    CHECK((int)collab_effective_state(s, 0, 5000) == s);
  }
}

int main(void)
{
  test_every_state_event_actor();
  test_refusal_reasons();
  test_names();
  test_expiry();
  return TEST_REPORT();
}
