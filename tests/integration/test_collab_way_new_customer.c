/* Integration test of way 3, end to end over HTTP: a company with no relation; the office names
 * the administrator, who is created and ends in active; after a withdrawal the administrator never
 * confirmed is removed (and told) and the next activation names the person afresh; an
 * administrator's name with a line break or another control character is refused (400 naming
 * administrator.name) and nothing is created. Each step's events and outbox rows are checked, and
 * the invitation links are rebuilt from the outbox with the server's secret. */
#include "ways_fx.h"

TEST_MAIN_DEFS

/* Way 3: no relation; the office names the administrator, who is created. */
static void way_new_customer(void)
{
  char customer[FX_ID_LEN], task[FX_ID_LEN], path[160];
  cx_customer(&s, tok_office, "556100-0034", "Nystart", "hej@nystart.se", customer);
  cx_task(&s, tok_office, customer, "Löpande 2027", task);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
  struct resp r;
  CHECK(cx_post(&s, path, tok_office, &r,
                "{\"task_id\":\"%s\",\"variant\":\"start\",\"invoice_recipient\":\"customer\","
                "\"agreement_period_months\":3}",
                task));
  CHECK_INT(r.status, 400);
  CHECK(r.body && strstr(r.body, "\"administrator\""));
  resp_free(&r);
  /* with an Idempotency-Key: a retry replays the first answer and creates nothing more */
  char body[512], auth[128];
  snprintf(body, sizeof body,
           "{\"task_id\":\"%s\",\"variant\":\"start\",\"invoice_recipient\":\"customer\","
           "\"agreement_period_months\":3,\"administrator\":{\"name\":\"Nils Ny\","
           "\"email\":\"nils@nystart.se\",\"phone\":\"+46 70 123 45 67\"}}",
           task);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok_office);
  const char *hdrs[] = {auth, "Content-Type: application/json",
                        "Idempotency-Key: \"nystart-activation-1\"", NULL};
  CHECK(http(&s, "POST", path, hdrs, body, &r));
  CHECK_INT(r.status, 201);
  char id[FX_ID_LEN];
  snprintf(id, sizeof id, "%s", resp_str(&r, "id"));
  CHECK_STR(resp_str(&r, "way"), "new_customer");
  CHECK(resp_str(&r, "administrator_id") != NULL);
  resp_free(&r);
  CHECK(http(&s, "POST", path, hdrs, body, &r));
  CHECK_INT(r.status, 201);
  CHECK_STR(resp_str(&r, "id"), id);
  char replayed[16];
  CHECK(resp_header(&r, "idempotency-replayed", replayed, sizeof replayed) &&
        strcmp(replayed, "true") == 0);
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM customer_admins WHERE email = ?",
                     "nils@nystart.se"),
            1);
  struct cx_mail m[8];
  int n = cx_mails(&s, id, m, 8);
  CHECK_INT(n, 1);
  CHECK_STR(m[0].template_name, "activation_new_admin");
  CHECK_STR(m[0].recipient, "nils@nystart.se");
  cx_check_facts(&m[0], customer_keys);
  CHECK_STR(json_string_value(json_object_get(m[0].data, "recipient_name")), "Nils Ny");
  char token[SECRET_LINK_TOKEN_LEN];
  cx_token(&s, &m[0], token);
  cx_mails_free(m, n);
  /* the link's token and key start with the time it was made (secret.h): its row went to the
   * right edge of the links' b-tree */
  CHECK_INT((long)strlen(token), SECRET_LINK_TOKEN_LEN - 1);
  char key[SECRET_LINK_KEY_LEN];
  secret_link_key(token, key);
  CHECK_INT(strncmp(key, token, SECRET_LINK_PREFIX_LEN), 0);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM invitation_links WHERE token_hash = ? AND "
                         "token_hash > 'ffff'", key), 1);
  snprintf(path, sizeof path, "/v1/invitations/%s", token);
  CHECK(api(&s, "GET", path, NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  /* a link sent before keys began with the time (only the token's SHA-256) still works */
  char old[SECRET_TOKEN_LEN];
  cx_old_link(&s, id, old);
  CHECK_INT((long)strlen(old), SECRET_TOKEN_LEN - 1);
  snprintf(path, sizeof path, "/v1/invitations/%s", old);
  CHECK(api(&s, "GET", path, NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "collaboration_id"), id);
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/invitations/%s/approve", old);
  CHECK(api(&s, "POST", path, NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "active");
  resp_free(&r);
  const char *steps[] = {"invite:>invited", "approve:invited>approved",
                         "provision:approved>active", NULL};
  cx_check_events(&s, id, tok_office, steps);
  char kind[FX_ID_LEN], who[FX_ID_LEN], admin_id[FX_ID_LEN];
  snprintf(path, sizeof path, "/v1/collaborations/%s", id);
  CHECK(api(&s, "GET", path, tok_office, NULL, &r));
  snprintf(admin_id, sizeof admin_id, "%s", resp_str(&r, "administrator_id") ? resp_str(&r, "administrator_id") : "?");
  resp_free(&r);
  cx_event_actor(&s, id, tok_office, 1, kind, who);
  CHECK_STR(kind, "invitation_link");
  CHECK_STR(who, admin_id);
  /* approving through its link confirmed the administrator the office named, who became the
   * company's main contact */
  CHECK_INT(cx_count(&s, "SELECT confirmed + is_main_contact FROM customer_admins WHERE id = ?",
                     admin_id),
            2);
  const char *mails[] = {"activation_new_admin>nils@nystart.se",
                         "approved_office>info@byra-ett.se",
                         "activated_customer>nils@nystart.se", NULL};
  cx_check_mails(&s, id, mails);
  /* the history names who approved: display name and role */
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", id);
  CHECK(api(&s, "GET", path, tok_office, NULL, &r));
  json_t *actor = json_object_get(json_array_get(json_object_get(r.json, "items"), 1), "actor");
  CHECK_STR(json_string_value(json_object_get(actor, "name")), "Nils Ny");
  CHECK_STR(json_string_value(json_object_get(actor, "role")), "administrator");
  resp_free(&r);
}

/* Way 3 by a second office for a company the first office's way 3 invitation is still open
 * for, naming the same address (not confirmed yet): that administrator is reused as it is
 * (its name, not the one given now), the details say it was not created, and the invitation
 * greets it by its own name. */
static void way_new_customer_other_office(void)
{
  char office2[FX_ID_LEN], tok2[FX_TOKEN_LEN], customer[FX_ID_LEN], task[FX_ID_LEN];
  char customer1[FX_ID_LEN], task1[FX_ID_LEN], before[FX_ID_LEN] = "";
  struct resp r;
  cx_customer(&s, tok_office, "556100-0422", "Tvåbyrå", "hej@tvabyra.se", customer1);
  cx_task(&s, tok_office, customer1, "Löpande 2027", task1);
  cx_activate_way3(&s, tok_office, customer1, task1, "Tove Två", "tove@tvabyra.se", &r);
  CHECK_INT(r.status, 201);
  resp_free(&r);
  fx_office(&s, "Byrå Två AB", "5560360801", "info@byra-tva.se", office2, tok2);
  cx_customer(&s, tok2, "556100-0422", "Tvåbyrå", "hej@tvabyra.se", customer);
  cx_task(&s, tok2, customer, "Bokslut 2027", task);
  cx_activate_way3(&s, tok2, customer, task, "T. Annat Namn", "tove@tvabyra.se", &r);
  CHECK_MSG(r.status == 201, "status %ld: %s", r.status, r.body ? r.body : "");
  CHECK_STR(resp_str(&r, "way"), "new_customer");
  char id[FX_ID_LEN];
  snprintf(id, sizeof id, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  snprintf(before, sizeof before, "%s",
           resp_str(&r, "administrator_id") ? resp_str(&r, "administrator_id") : "");
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM customer_admins WHERE email = ?", "tove@tvabyra.se"),
            1);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM customer_admins WHERE name = 'Tove Två' AND id = ?",
                     before),
            1);
  struct cx_mail m[4];
  int n = cx_mails(&s, id, m, 4);
  CHECK_INT(n, 1);
  if (n == 1)
    CHECK_STR(json_string_value(json_object_get(m[0].data, "recipient_name")), "Tove Två");
  cx_mails_free(m, n);
  char path[160];
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", id);
  CHECK(api(&s, "GET", path, tok2, NULL, &r));
  json_t *details = json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "details");
  CHECK(json_is_false(json_object_get(details, "administrator_created")));
  CHECK_STR(json_string_value(json_object_get(details, "administrator_id")), before);
  resp_free(&r);
}

/* Way 3 again after a withdrawal: the administrator the first activation named was never
 * confirmed, so the withdrawal removed it (and told it); the next activation names the person
 * afresh, with the contact given now. */
static void way_new_customer_again(void)
{
  char customer[FX_ID_LEN], task[FX_ID_LEN], path[160], first[FX_ID_LEN], admin1[FX_ID_LEN];
  cx_customer(&s, tok_office, "556100-0174", "Omstart", "hej@omstart.se", customer);
  cx_task(&s, tok_office, customer, "Löpande 2028", task);
  struct resp r;
  cx_activate_way3(&s, tok_office, customer, task, "Olle Omstart", "olle@omstart.se", &r);
  CHECK_INT(r.status, 201);
  snprintf(first, sizeof first, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  snprintf(admin1, sizeof admin1, "%s",
           resp_str(&r, "administrator_id") ? resp_str(&r, "administrator_id") : "");
  /* the office sees the contact it gave, not yet confirmed */
  CHECK_STR(resp_str(&r, "administrator.email"), "olle@omstart.se");
  CHECK(r.body && strstr(r.body, "\"confirmed\":false"));
  resp_free(&r);
  CHECK(cx_action(&s, first, "withdraw", tok_office, "{\"reason\":\"fel uppdrag\"}", &r));
  CHECK_INT(r.status, 200);
  CHECK(resp_str(&r, "administrator_id") == NULL);
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM customer_admins WHERE id = ?", admin1), 0);
  const char *told[] = {"activation_new_admin>olle@omstart.se",
                        "withdrawn_customer>olle@omstart.se", NULL};
  cx_check_mails(&s, first, told);
  /* the same person again (other name and phone given): named afresh */
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
  CHECK(cx_post(&s, path, tok_office, &r,
                "{\"task_id\":\"%s\",\"variant\":\"smart\",\"invoice_recipient\":\"office\","
                "\"agreement_period_months\":12,\"administrator\":{\"name\":\"O. Omstart\","
                "\"email\":\"olle@omstart.se\",\"phone\":\"+46 70 999 99 99\"}}",
                task));
  CHECK_INT(r.status, 201);
  char second[FX_ID_LEN], admin2[FX_ID_LEN];
  snprintf(second, sizeof second, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  snprintf(admin2, sizeof admin2, "%s",
           resp_str(&r, "administrator_id") ? resp_str(&r, "administrator_id") : "");
  CHECK(strcmp(admin2, admin1) != 0);
  resp_free(&r);
  /* named, not confirmed: not the company's main contact until it approves */
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM customer_admins WHERE name = 'O. Omstart' AND "
                         "phone = '+46 70 999 99 99' AND is_main_contact = 0 AND confirmed = 0 "
                         "AND id = ?",
                     admin2),
            1);
  struct cx_mail m[4];
  int n = cx_mails(&s, second, m, 4);
  CHECK_INT(n, 1);
  if (n == 1) {
    CHECK_STR(m[0].template_name, "activation_new_admin");
    CHECK_STR(m[0].recipient, "olle@omstart.se");
    CHECK_STR(json_string_value(json_object_get(m[0].data, "recipient_name")), "O. Omstart");
  }
  cx_mails_free(m, n);
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", second);
  CHECK(api(&s, "GET", path, tok_office, NULL, &r));
  json_t *details = json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "details");
  CHECK(json_is_true(json_object_get(details, "administrator_created")));
  resp_free(&r);
}

/* Way 3: the administrator's name is a one-line display name like a customer's, task's or
 * company's: a line break (header injection in the e-mail to them) or another control
 * character is refused with 400 naming administrator.name, and nothing is created. */
static void way_new_customer_admin_name(void)
{
  char customer[FX_ID_LEN], task[FX_ID_LEN], path[160];
  cx_customer(&s, tok_office, "556100-0208", "Radbryt", "hej@radbryt.se", customer);
  cx_task(&s, tok_office, customer, "Löpande 2029", task);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
  const char *names[] = {"Nils\\r\\nBcc: x@example.com", "Nils\\nNy", "Nils\\u0007Ny",
                         "Nils\\u007fNy", "   "};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    struct resp r;
    CHECK(cx_post(&s, path, tok_office, &r,
                  "{\"task_id\":\"%s\",\"variant\":\"start\",\"invoice_recipient\":"
                  "\"customer\",\"agreement_period_months\":3,\"administrator\":{\"name\":"
                  "\"%s\",\"email\":\"nils@radbryt.se\",\"phone\":\"+46 70 123 45 67\"}}",
                  task, names[i]));
    CHECK_MSG(r.status == 400, "name %s: status %ld", names[i], r.status);
    CHECK_MSG(r.body && strstr(r.body, "\"administrator.name\""), "name %s: %s", names[i],
              r.body ? r.body : "");
    resp_free(&r);
  }
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM customer_admins WHERE email = ?",
                     "nils@radbryt.se"),
            0);
}

int main(void)
{
  ways_start();
  way_new_customer();
  way_new_customer_other_office();
  way_new_customer_again();
  way_new_customer_admin_name();
  return ways_stop();
}
