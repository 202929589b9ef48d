/* Unit tests of the collaboration rules in plain words: for every state x every event x every
 * kind of principal x both initiators that the state machine refuses, the problem's detail is
 * a sentence with no internal name in it (no event or actor name such as change_variant,
 * renewal_requested, connect_task, office_user, no snake_case word at all), and it says what
 * was asked in its plain phrase. */
#include "domain/collab.h"
#include "testlib.h"

#include <ctype.h>
#include <stdbool.h>

TEST_MAIN_DEFS

/* The first snake_case word of s ("change_variant") into word, or false when there is none. */
static bool snake_word(const char *s, char *word, size_t len)
{
  for (const char *p = s; *p;) {
    if (!isalnum((unsigned char)*p) && *p != '_') {
      p++;
      continue;
    }
    const char *start = p;
    bool under = false;
    while (isalnum((unsigned char)*p) || *p == '_')
      under |= *p++ == '_';
    if (under) {
      snprintf(word, len, "%.*s", (int)(p - start), start);
      return true;
    }
  }
  return false;
}

static void test_snake_word(void)
{
  char w[64];
  CHECK(snake_word("The collaboration is active; change_variant is possible", w, sizeof w));
  CHECK_STR(w, "change_variant");
  CHECK(snake_word("(renewal_requested)", w, sizeof w));
  CHECK_STR(w, "renewal_requested");
  CHECK(!snake_word("You may not change the variant: only support may", w, sizeof w));
}

static void test_phrases(void)
{
  for (int ev = 0; ev < COLLAB_EVENT__COUNT; ev++) {
    const char *p = collab_event_phrase((enum collab_event)ev);
    char w[64];
    CHECK_MSG(p && strlen(p) > 3, "event %d has no phrase", ev);
    if (!p)
      continue;
    CHECK_MSG(!snake_word(p, w, sizeof w), "the phrase of %s names %s",
              collab_event_str((enum collab_event)ev), w);
    CHECK_MSG(strcmp(p, collab_event_str((enum collab_event)ev)) != 0, "%s is its own phrase", p);
    for (int other = 0; other < ev; other++)
      CHECK_MSG(strcmp(p, collab_event_phrase((enum collab_event)other)) != 0,
                "two events say '%s'", p);
  }
  CHECK_STR(collab_event_phrase(COLLAB_EV_CHANGE_VARIANT), "change the variant");
  CHECK_STR(collab_event_phrase(COLLAB_EV_REQUEST_RENEWAL), "ask for a new invitation");
}

static void test_every_refusal(void)
{
  int refusals = 0;
  for (int by = 0; by < 2; by++)
    for (int st = 0; st < COLLAB_STATE__COUNT; st++)
      for (int ev = 0; ev < COLLAB_EVENT__COUNT; ev++)
        for (int a = 0; a < COLLAB_ACTOR__COUNT; a++) {
          struct collab_verdict v =
              collab_transition((enum collab_state)st, (enum collab_event)ev,
                                (enum collab_actor)a, (enum collab_initiator)by);
          if (v.refusal == COLLAB_ALLOWED)
            continue;
          refusals++;
          char detail[700], w[64];
          collab_refusal_detail(detail, sizeof detail, v.refusal, (enum collab_event)ev,
                                (enum collab_actor)a, (enum collab_initiator)by, v.to);
          const char *ctx_ev = collab_event_str((enum collab_event)ev);
          CHECK_MSG(!snake_word(detail, w, sizeof w), "%s by %s in %s: '%s' names %s", ctx_ev,
                    collab_actor_str((enum collab_actor)a), collab_state_str(v.to), detail, w);
          CHECK_MSG(strstr(detail, collab_event_phrase((enum collab_event)ev)) != NULL,
                    "%s: '%s' does not say what was asked", ctx_ev, detail);
          CHECK_MSG(isupper((unsigned char)detail[0]) && strlen(detail) < 400,
                    "%s: '%s' is not a sentence of at most 400 bytes", ctx_ev, detail);
        }
  CHECK(refusals > 500);
}

static void test_examples(void)
{
  char d[700];
  collab_refusal_detail(d, sizeof d, COLLAB_REFUSED_STATE, COLLAB_EV_CHANGE_VARIANT,
                        COLLAB_ACTOR_OFFICE_FULL, COLLAB_BY_OFFICE, COLLAB_INVITED);
  CHECK_STR(d, "The collaboration is invited; you can change the variant only when it is active");
  collab_refusal_detail(d, sizeof d, COLLAB_REFUSED_ACTOR, COLLAB_EV_END,
                        COLLAB_ACTOR_OFFICE_LIMITED, COLLAB_BY_OFFICE, COLLAB_ACTIVE);
  CHECK_STR(d, "You may not end the collaboration: this needs an office user with full rights");
  collab_refusal_detail(d, sizeof d, COLLAB_REFUSED_WAY, COLLAB_EV_CONNECT_TASK,
                        COLLAB_ACTOR_OFFICE_FULL, COLLAB_BY_OFFICE, COLLAB_INVITED);
  CHECK(strncmp(d, "The office started this collaboration, so no one can connect a task", 67) ==
        0);
}

int main(void)
{
  test_snake_word();
  test_phrases();
  test_every_refusal();
  test_examples();
  return TEST_REPORT();
}
