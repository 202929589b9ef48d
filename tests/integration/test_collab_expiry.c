/* Integration tests of expiry, on servers with a short --invitation-ttl: an invitation reads
 * as expired before any sweep, answers are refused, a renewal request tells the inviter (either
 * side, way 2 and way 4) and revives nothing; the sweeper records a lapsed invitation without any
 * request touching it. Each step's events and outbox rows are checked. */
#include "exits_fx.h"

TEST_MAIN_DEFS

/* A server whose invitations expire after a second. */
static void test_expiry(void)
{
  struct server s;
  /* no sweep during the test: what a read shows before anything recorded the expiry */
  const char *args[] = {"--invitation-ttl", "1", "--reminder-interval", "0",
                        "--expiry-sweep-interval", "3600", NULL};
  server_start(&s, args, NULL);
  char off[FX_ID_LEN];
  fx_office(&s, "Byrå Ett AB", "5560360793", "info@byra-ett.se", off, tok_office);
  struct invite in;
  invite_account(&s, "556100-0018", "Sen AB", "s@sen.se", &in);
  sleep_ms(1300);
  /* read as expired before anything recorded it */
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaborations WHERE state = 'invited' AND id = ?",
                     in.id),
            1);
  char state[16];
  cx_state(&s, in.id, tok_office, state, sizeof state);
  CHECK_STR(state, "expired");
  struct resp r;
  CHECK(api(&s, "GET", "/v1/collaborations?state=expired", tok_office, NULL, &r));
  CHECK(r.body && strstr(r.body, in.id));
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/collaborations?state=invited", in.tok_cadmin, NULL, &r));
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 0);
  resp_free(&r);
  char path[160];
  snprintf(path, sizeof path, "/v1/invitations/%s", in.link);
  CHECK(api(&s, "GET", path, NULL, NULL, &r));
  CHECK_STR(resp_str(&r, "state"), "expired");
  CHECK(r.body && strstr(r.body, "\"answers\":[\"renewal-requests\"]"));
  resp_free(&r);
  /* answering too late is refused, and the expiry is recorded by the system */
  expect_illegal(&s, in.id, "approve", in.tok_cadmin, NULL, "expired");
  const char *steps[] = {"invite:>invited", "expire:invited>expired", NULL};
  cx_check_events(&s, in.id, tok_office, steps);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaborations WHERE state = 'expired' AND id = ?",
                     in.id),
            1);
  expect_illegal(&s, in.id, "withdraw", tok_office, NULL, "expired");
  /* only the invitee asks for a new invitation */
  CHECK(cx_action(&s, in.id, "renewal-requests", tok_office, NULL, &r));
  CHECK_INT(r.status, 403);
  resp_free(&r);
  /* the request tells the inviter, and the expired invitation stays expired: nothing revives */
  CHECK(cx_action(&s, in.id, "renewal-requests", in.tok_cadmin, "{\"reason\":\"missade den\"}",
                  &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "expired");
  CHECK(resp_str(&r, "renewal_requested_at") != NULL);
  resp_free(&r);
  cx_state(&s, in.id, tok_office, state, sizeof state);
  CHECK_STR(state, "expired");
  const char *steps2[] = {"invite:>invited", "expire:invited>expired",
                          "renewal_requested:expired>expired", NULL};
  cx_check_events(&s, in.id, tok_office, steps2);
  char kind[FX_ID_LEN], who[FX_ID_LEN];
  cx_event_actor(&s, in.id, tok_office, 2, kind, who);
  CHECK_STR(kind, "customer_admin");
  CHECK_STR(who, in.cadmin);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM outbox WHERE collaboration_id = ? AND "
                         "template = 'invitation_customer'",
                     in.id),
            1);
  /* the office is told of the expiry, then of the request (with its reason) */
  struct cx_mail m[8];
  int n = cx_mails(&s, in.id, m, 8);
  CHECK_INT(n, 3);
  if (n == 3) {
    CHECK_STR(m[1].template_name, "expired_office");
    CHECK_STR(m[1].recipient, "info@byra-ett.se");
    CHECK_STR(m[2].template_name, "renewal_requested");
    CHECK_STR(m[2].recipient, "info@byra-ett.se"); /* the inviting office */
    CHECK_STR(json_string_value(json_object_get(m[2].data, "company_name")), "Sen AB");
    CHECK(json_is_string(json_object_get(m[2].data, "actor_name")));
  }
  cx_mails_free(m, n);
  /* one request per invitation; its link is used up */
  CHECK(cx_action(&s, in.id, "renewal-requests", in.tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "conflict");
  resp_free(&r);
  link_status(&s, in.link, 404);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM outbox WHERE collaboration_id = ?", in.id), 3);
  /* the office invites again: a new collaboration; the expired one does not block it */
  cx_activate(&s, tok_office, in.customer, in.task, "smart", "office", 12, NULL);
  cx_state(&s, in.id, tok_office, state, sizeof state);
  CHECK_STR(state, "expired");

  /* way 4: the office asks through the expired link; the inviting administrator is told */
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN];
  fx_company(&s, "556100-0158", "Kundinbjudan AB", "account", company);
  fx_customer_admin(&s, "556100-0158", "Kia", "kia@kundinbjudan.se", cadmin, tok_cadmin);
  CHECK(cx_post(&s, "/v1/office-invitations", tok_cadmin, &r,
                "{\"office_corporate_id\":\"556036-0793\",\"variant\":\"start\"}"));
  CHECK_INT(r.status, 201);
  struct invite w4 = {0};
  snprintf(w4.id, sizeof w4.id, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
  latest_link(&s, &w4);
  sleep_ms(1300);
  snprintf(path, sizeof path, "/v1/invitations/%s/renewal-requests", w4.link);
  CHECK(api(&s, "POST", path, NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "expired");
  resp_free(&r);
  link_status(&s, w4.link, 404);
  cx_event_actor(&s, w4.id, tok_cadmin, 2, kind, who);
  CHECK_STR(kind, "invitation_link");
  CHECK_STR(who, off); /* the office the link was sent to */
  const char *w4_mails[] = {"invitation_office>info@byra-ett.se",
                            "expired_customer>kia@kundinbjudan.se",
                            "renewal_requested>kia@kundinbjudan.se", NULL};
  cx_check_mails(&s, w4.id, w4_mails);
  n = cx_mails(&s, w4.id, m, 8);
  if (n == 3)
    CHECK_STR(json_string_value(json_object_get(m[2].data, "actor_name")), "Byrå Ett AB");
  cx_mails_free(m, n);
  CHECK(cx_action(&s, w4.id, "renewal-requests", tok_office, NULL, &r));
  CHECK_INT(r.status, 409);
  resp_free(&r);
  CHECK_INT(server_stop(&s, false), 0);
}

/* The sweeper records a lapsed invitation without any request touching it. */
static void test_sweep(void)
{
  struct server s;
  const char *args[] = {"--invitation-ttl", "1", "--expiry-sweep-interval", "1", NULL};
  server_start(&s, args, NULL);
  char off[FX_ID_LEN];
  fx_office(&s, "Byrå Ett AB", "5560360793", "info@byra-ett.se", off, tok_office);
  struct invite in;
  invite_account(&s, "556100-0018", "Sopad AB", "s@sopad.se", &in);
  const char *sql = "SELECT count(*) FROM collaboration_events WHERE collaboration_id = ? AND "
                    "event = 'expire' AND actor_kind = 'system' AND to_state = 'expired'";
  long recorded = 0;
  for (int i = 0; i < 100 && recorded == 0; i++) {
    sleep_ms(100);
    recorded = cx_count(&s, sql, in.id);
  }
  CHECK_INT(recorded, 1);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaborations WHERE state = 'expired' AND id = ?",
                     in.id),
            1);
  const char *steps[] = {"invite:>invited", "expire:invited>expired", NULL};
  cx_check_events(&s, in.id, tok_office, steps);
  CHECK_INT(server_stop(&s, false), 0);
}

int main(void)
{
  test_expiry();
  test_sweep();
  return TEST_REPORT();
}
