/* Integration test of way 4, end to end over HTTP: the customer invites the office; it accepts
 * with its corporate ID and e-mail, rests in approved, adds the customer to its register and
 * connects a task: active. Each step's events and outbox rows are checked, and the invitation
 * links are rebuilt from the outbox with the server's secret. */
#include "ways_fx.h"

TEST_MAIN_DEFS

/* Way 4: the customer invites the office; it accepts with its corporate ID and e-mail, rests in
 * approved, adds the customer to its register and connects a task: active. */
static void way_customer_invite(void)
{
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN], path[160];
  fx_subscriber(&s, "556100-0042", "Inbjudare AB", "smart", "customer", "3", "2030-06-30", company);
  fx_customer_admin(&s, "556100-0042", "Ida Inbjudare", "ida@inbjudare.se", cadmin, tok_cadmin);
  struct resp r;
  CHECK(cx_post(&s, "/v1/office-invitations", tok_cadmin, &r,
                "{\"office_corporate_id\":\"556036-0793\"}"));
  CHECK_INT(r.status, 201);
  char id[FX_ID_LEN];
  snprintf(id, sizeof id, "%s", resp_str(&r, "id"));
  CHECK_STR(resp_str(&r, "way"), "customer_invite");
  CHECK_STR(resp_str(&r, "initiated_by"), "customer");
  CHECK_STR(resp_str(&r, "variant"), "smart");
  CHECK(r.body && strstr(r.body, "\"customer_id\":null"));
  resp_free(&r);
  struct cx_mail m[8];
  int n = cx_mails(&s, id, m, 8);
  CHECK_INT(n, 1);
  CHECK_STR(m[0].template_name, "invitation_office");
  CHECK_STR(m[0].recipient, "info@byra-ett.se");
  const char *keys[] = {"company_name", "corporate_id", "collaboration_id", "token_nonce",
                        "expires_at", NULL};
  cx_check_facts(&m[0], keys);
  char token[SECRET_LINK_TOKEN_LEN];
  cx_token(&s, &m[0], token);
  cx_mails_free(m, n);

  /* the link: approve is not how an office answers; a wrong e-mail is refused and counted */
  snprintf(path, sizeof path, "/v1/invitations/%s", token);
  CHECK(api(&s, "GET", path, NULL, NULL, &r));
  CHECK(r.body && strstr(r.body, "\"answers\":[\"accept\",\"decline\"]"));
  CHECK(r.body && !strstr(r.body, "556036-0793")); /* the office must know its own ID */
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/invitations/%s/approve", token);
  CHECK(api(&s, "POST", path, NULL, NULL, &r));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "not_for_this_way");
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/invitations/%s/accept", token);
  CHECK(cx_post(&s, path, NULL, &r,
                "{\"corporate_id\":\"556036-0793\",\"email\":\"fel@byra-ett.se\",\"terms_version\":\"2026-11\"}"));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "identity_mismatch");
  /* one answer for any mismatch, not naming which of the two is wrong */
  CHECK(r.body && strstr(r.body, "\"attempts_left\":4") && !strstr(r.body, "mismatched") &&
        strstr(r.body, "The corporate ID and e-mail address do not match this invitation"));
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT accept_attempts FROM collaborations WHERE id = ?", id), 1);
  CHECK(cx_post(&s, path, NULL, &r,
                "{\"corporate_id\":\"5560360793\",\"email\":\"INFO@byra-ett.se\",\"terms_version\":\"2026-11\"}"));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "approved");
  resp_free(&r);
  n = cx_mails(&s, id, m, 8);
  CHECK_INT(n, 2);
  CHECK_STR(m[1].template_name, "office_accepted");
  CHECK_STR(m[1].recipient, "ida@inbjudare.se");
  const char *acc_keys[] = {"office_name", "collaboration_id", NULL};
  cx_check_facts(&m[1], acc_keys);
  cx_mails_free(m, n);

  /* it rests in approved until the office connects a task of a customer of that company */
  char state[16];
  cx_state(&s, id, tok_office, state, sizeof state);
  CHECK_STR(state, "approved");
  char other_task[FX_ID_LEN], other_customer[FX_ID_LEN];
  cx_customer(&s, tok_office, "556100-0059", "Någon annan", "annan@example.se", other_customer);
  cx_task(&s, tok_office, other_customer, "Annat uppdrag", other_task);
  char body[128];
  snprintf(body, sizeof body, "{\"task_id\":\"%s\"}", other_task);
  CHECK(cx_action(&s, id, "activate", tok_limited, body, &r));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "task_required");
  resp_free(&r);
  char customer[FX_ID_LEN], task[FX_ID_LEN];
  cx_customer(&s, tok_office, "556100-0042", "Inbjudaren", "ekonomi@inbjudare.se", customer);
  cx_task(&s, tok_office, customer, "Löpande bokföring", task);
  snprintf(body, sizeof body, "{\"task_id\":\"%s\"}", task);
  CHECK(cx_action(&s, id, "activate", tok_limited, body, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "active");
  CHECK_STR(resp_str(&r, "customer_id"), customer);
  CHECK_STR(resp_str(&r, "task_id"), task);
  CHECK_STR(resp_str(&r, "renews_on"), "2030-06-30");
  resp_free(&r);
  const char *steps[] = {"invite:>invited", "accept:invited>approved",
                         "connect_task:approved>active", NULL};
  cx_check_events(&s, id, tok_cadmin, steps);
  char kind[FX_ID_LEN], who[FX_ID_LEN];
  cx_event_actor(&s, id, tok_cadmin, 1, kind, who);
  CHECK_STR(kind, "invitation_link");
  CHECK_STR(who, office);
  cx_check_events(&s, id, tok_office, steps);
  /* the office's own list and the customer's list both show it */
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
  CHECK(api(&s, "GET", path, tok_office, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK(r.body && strstr(r.body, id));
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/collaborations?initiated_by=customer", tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK(r.body && strstr(r.body, id));
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 1);
  resp_free(&r);
}

int main(void)
{
  ways_start();
  way_customer_invite();
  return ways_stop();
}
