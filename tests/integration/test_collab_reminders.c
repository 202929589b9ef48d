/* Integration tests of invitation reminders: a new link each time (the old one dies), limited
 * in rate from the invitation and from the last reminder (429 with Retry-After); and a way-4
 * invitation whose accept attempts run out until the customer sends a reminder. Each step's
 * events and outbox rows are checked. */
#include "exits_fx.h"

TEST_MAIN_DEFS

static void test_reminders(struct server *s)
{
  struct invite in;
  invite_account(s, "556100-0083", "Påmind AB", "p@paminn.se", &in);
  char first[SECRET_LINK_TOKEN_LEN];
  snprintf(first, sizeof first, "%s", in.link);
  struct resp r;
  CHECK(cx_action(s, in.id, "reminders", in.tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 403); /* only the inviter resends */
  resp_free(&r);
  /* limited in rate from the invitation itself: not right after it */
  char retry[16];
  CHECK(cx_action(s, in.id, "reminders", tok_limited, NULL, &r));
  CHECK_INT(r.status, 429);
  CHECK_STR(resp_str(&r, "code"), "rate_limited");
  CHECK(resp_header(&r, "retry-after", retry, sizeof retry) && atoi(retry) >= 1 &&
        atoi(retry) <= REMINDER_INTERVAL);
  resp_free(&r);
  CHECK_INT(cx_count(s, "SELECT count(*) FROM outbox WHERE collaboration_id = ?", in.id), 1);
  sleep_ms(REMINDER_INTERVAL * 1000 + 100);
  CHECK(cx_action(s, in.id, "reminders", tok_limited, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "invited");
  CHECK(r.body && strstr(r.body, "\"count\":1"));
  resp_free(&r);
  latest_link(s, &in);
  CHECK(strcmp(first, in.link) != 0);
  link_status(s, first, 404); /* the old link died */
  link_status(s, in.link, 200);
  /* limited in rate: not again right after the reminder */
  CHECK(cx_action(s, in.id, "reminders", tok_office, NULL, &r));
  CHECK_INT(r.status, 429);
  CHECK_STR(resp_str(&r, "code"), "rate_limited");
  CHECK(resp_header(&r, "retry-after", retry, sizeof retry) && atoi(retry) >= 1 &&
        atoi(retry) <= REMINDER_INTERVAL);
  resp_free(&r);
  struct cx_mail m[8];
  int n = cx_mails(s, in.id, m, 8);
  CHECK_INT(n, 2);
  CHECK_STR(m[1].template_name, "invitation_customer");
  CHECK(strcmp(json_string_value(json_object_get(m[0].data, "token_nonce")),
               json_string_value(json_object_get(m[1].data, "token_nonce"))) != 0);
  cx_mails_free(m, n);
  const char *steps[] = {"invite:>invited", "remind:invited>invited", NULL};
  cx_check_events(s, in.id, tok_office, steps);
  /* the new link works */
  char path[160];
  snprintf(path, sizeof path, "/v1/invitations/%s/approve", in.link);
  CHECK(api(s, "POST", path, NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "active");
  resp_free(&r);
  char kind[FX_ID_LEN], who[FX_ID_LEN];
  cx_event_actor(s, in.id, tok_office, 2, kind, who);
  CHECK_STR(kind, "invitation_link");
  CHECK_STR(who, in.cadmin); /* the reminder went to the same administrator */
}

/* Way 4: wrong answers are counted; after the last one the link dies until a reminder. */
static void test_accept_attempts(struct server *s)
{
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN];
  fx_company(s, "556100-0125", "Försökare AB", "account", company);
  fx_customer_admin(s, "556100-0125", "Fia", "fia@forsokare.se", cadmin, tok_cadmin);
  struct resp r;
  CHECK(cx_post(s, "/v1/office-invitations", tok_cadmin, &r,
                "{\"office_corporate_id\":\"556036-0793\",\"variant\":\"pro\"}"));
  CHECK_INT(r.status, 201);
  struct invite in = {0};
  snprintf(in.id, sizeof in.id, "%s", resp_str(&r, "id"));
  resp_free(&r);
  latest_link(s, &in);
  for (int i = 1; i <= 5; i++) {
    CHECK(cx_action(s, in.id, "accept", tok_office,
                    "{\"corporate_id\":\"556100-0018\",\"email\":\"info@byra-ett.se\",\"terms_version\":\"2026-11\"}", &r));
    CHECK_INT(r.status, 422);
    CHECK_STR(resp_str(&r, "code"), "identity_mismatch");
    char want[32];
    snprintf(want, sizeof want, "\"attempts_left\":%d", 5 - i);
    /* one answer for any mismatch: it does not tell which of the two is wrong */
    const char *detail = resp_str(&r, "detail");
    CHECK(r.body && strstr(r.body, want) && !strstr(r.body, "mismatched"));
    CHECK(detail && strstr(detail, "The corporate ID and e-mail address do not match this "
                                   "invitation"));
    resp_free(&r);
  }
  CHECK(cx_action(s, in.id, "accept", tok_office,
                  "{\"corporate_id\":\"556036-0793\",\"email\":\"info@byra-ett.se\",\"terms_version\":\"2026-11\"}", &r));
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "accept_attempts_exhausted");
  resp_free(&r);
  link_status(s, in.link, 404);
  const char *steps[] = {"invite:>invited", NULL};
  cx_check_events(s, in.id, tok_cadmin, steps);
  /* the customer resends (once the reminder interval has passed): a new link, the attempts
   * start over */
  sleep_ms(REMINDER_INTERVAL * 1000 + 100);
  CHECK(cx_action(s, in.id, "reminders", tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  latest_link(s, &in);
  char path[160];
  snprintf(path, sizeof path, "/v1/invitations/%s/accept", in.link);
  CHECK(cx_post(s, path, NULL, &r,
                "{\"corporate_id\":\"556036-0793\",\"email\":\"info@byra-ett.se\",\"terms_version\":\"2026-11\"}"));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "approved");
  resp_free(&r);
  /* the customer can end it while it waits for a task */
  CHECK(cx_action(s, in.id, "end", tok_cadmin, "{\"keep_service\":true}", &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "ended");
  resp_free(&r);
  const char *steps2[] = {"invite:>invited", "remind:invited>invited", "accept:invited>approved",
                          "end:approved>ended", NULL};
  cx_check_events(s, in.id, tok_office, steps2);
}

int main(void)
{
  struct server s;
  ex_start(&s);
  test_reminders(&s);
  test_accept_attempts(&s);
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
