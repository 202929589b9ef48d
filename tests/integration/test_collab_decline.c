/* Integration tests of invitations that do not go active: the customer declines (with its
 * reason, the office told), the office withdraws (If-Match, a limited user may), and approval
 * through a task closed since the invitation is refused until the office connects an open one.
 * Each step's events and outbox rows are checked. */
#include "exits_fx.h"

TEST_MAIN_DEFS

static void test_decline(struct server *s)
{
  struct invite in;
  invite_account(s, "556100-0067", "Avböjare AB", "a@avbojare.se", &in);
  struct resp r;
  /* only the invited customer answers */
  CHECK(cx_action(s, in.id, "decline", tok_office, NULL, &r));
  CHECK_INT(r.status, 403);
  CHECK(r.body && strstr(r.body, "invited customer"));
  resp_free(&r);
  CHECK(cx_action(s, in.id, "decline", in.tok_cadmin, "{\"reason\":\"Vi sköter det själva\"}",
                  &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "declined");
  resp_free(&r);
  const char *steps[] = {"invite:>invited", "decline:invited>declined", NULL};
  cx_check_events(s, in.id, tok_office, steps);
  char path[160];
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", in.id);
  CHECK(api(s, "GET", path, in.tok_cadmin, NULL, &r));
  json_t *decline = json_array_get(json_object_get(r.json, "items"), 1);
  CHECK_STR(json_string_value(json_object_get(decline, "reason")), "Vi sköter det själva");
  CHECK_STR(json_string_value(json_object_get(json_object_get(decline, "actor"), "kind")),
            "customer_admin");
  resp_free(&r);
  link_status(s, in.link, 404);
  expect_illegal(s, in.id, "withdraw", tok_office, NULL, "declined");
  expect_illegal(s, in.id, "approve", in.tok_cadmin, NULL, "declined");
  /* the invitation, and the office told of the decline with its reason */
  const char *mails[] = {"invitation_customer>a@avbojare.se", "declined_office>info@byra-ett.se",
                         NULL};
  cx_check_mails(s, in.id, mails);
  struct cx_mail m[4];
  int n = cx_mails(s, in.id, m, 4);
  CHECK(n == 2 && json_is_string(json_object_get(m[1].data, "actor_name")));
  if (n == 2)
    CHECK_STR(json_string_value(json_object_get(m[1].data, "reason")), "Vi sköter det själva");
  cx_mails_free(m, n);
  /* declined is not open: the office may invite again */
  cx_activate(s, tok_office, in.customer, in.task, "start", "office", 12, NULL);
}

static void test_withdraw(struct server *s)
{
  struct invite in;
  invite_account(s, "556100-0075", "Tillbakadragen AB", "t@tillbaka.se", &in);
  struct resp r;
  CHECK(cx_action(s, in.id, "withdraw", in.tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 403);
  resp_free(&r);
  /* a stale If-Match loses; any office user may withdraw, a limited one too */
  char path[160];
  snprintf(path, sizeof path, "/v1/collaborations/%s/withdraw", in.id);
  const char *stale[] = {"If-Match: \"7\"", NULL};
  char auth[128];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok_limited);
  const char *hdrs[] = {auth, stale[0], "Content-Type: application/json", NULL};
  CHECK(http(s, "POST", path, hdrs, "{}", &r));
  CHECK_INT(r.status, 412);
  resp_free(&r);
  const char *fresh[] = {auth, "If-Match: \"1\"", "Content-Type: application/json", NULL};
  CHECK(http(s, "POST", path, fresh, "{\"reason\":\"fel kund\"}", &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "cancelled");
  resp_free(&r);
  const char *steps[] = {"invite:>invited", "withdraw:invited>cancelled", NULL};
  cx_check_events(s, in.id, in.tok_cadmin, steps);
  char kind[FX_ID_LEN], who[FX_ID_LEN];
  cx_event_actor(s, in.id, tok_office, 1, kind, who);
  CHECK_STR(who, limited);
  link_status(s, in.link, 404);
  expect_illegal(s, in.id, "approve", in.tok_cadmin, NULL, "cancelled");
  expect_illegal(s, in.id, "reminders", tok_office, NULL, "cancelled");
}

/* PATCHes path with body, naming the version a GET of it shows in If-Match. */
static void patch_current(struct server *s, const char *path, const char *token,
                          const char *body, struct resp *r)
{
  char etag[32] = "", auth[128], im[64];
  CHECK(api(s, "GET", path, token, NULL, r));
  CHECK(resp_header(r, "etag", etag, sizeof etag));
  resp_free(r);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  snprintf(im, sizeof im, "If-Match: %s", etag);
  const char *hdrs[] = {auth, im, "Content-Type: application/json", NULL};
  CHECK(http(s, "PATCH", path, hdrs, body, r));
}

/* Nothing goes active through a task that was closed after the invitation: approval checks
 * that the task is still open and the customer's. */
static void test_closed_task(struct server *s)
{
  struct invite in;
  invite_account(s, "556100-0166", "Stängd AB", "st@stangd.se", &in);
  char path[160];
  struct resp r;
  snprintf(path, sizeof path, "/v1/tasks/%s", in.task);
  patch_current(s, path, tok_office, "{\"status\":\"closed\"}", &r);
  CHECK_INT(r.status, 200);
  resp_free(&r);
  CHECK(cx_action(s, in.id, "approve", in.tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "task_required");
  CHECK(r.body && strstr(r.body, "closed"));
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/invitations/%s/approve", in.link);
  CHECK(api(s, "POST", path, NULL, NULL, &r));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "task_required");
  resp_free(&r);
  char state[16];
  cx_state(s, in.id, tok_office, state, sizeof state);
  CHECK_STR(state, "invited");
  const char *steps[] = {"invite:>invited", NULL};
  cx_check_events(s, in.id, tok_office, steps);
  /* the office connects an open task of the customer; then the approval goes through */
  char task2[FX_ID_LEN], body[96];
  cx_task(s, tok_office, in.customer, "Nytt uppdrag", task2);
  snprintf(path, sizeof path, "/v1/collaborations/%s", in.id);
  snprintf(body, sizeof body, "{\"task_id\":\"%s\"}", task2);
  patch_current(s, path, tok_office, body, &r);
  CHECK_INT(r.status, 200);
  resp_free(&r);
  CHECK(cx_action(s, in.id, "approve", in.tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "active");
  CHECK_STR(resp_str(&r, "task_id"), task2);
  resp_free(&r);
}

int main(void)
{
  struct server s;
  ex_start(&s);
  test_decline(&s);
  test_withdraw(&s);
  test_closed_task(&s);
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
