/* Integration test of one company with many parties: two offices active with the same company
 * share its subscription (B upgrades, A reads the new variant, A's step down is a downgrade;
 * support's reset is seen by both offices and mailed to every administrator), concurrent
 * changes leave exactly one winner, three administrators each get a link of their own and the
 * first to act wins, customer-facing answers never show the office's register name, the office
 * corrects the administrator it named (way 3), and an office accepts the terms in way 4. */
#include "collab_fx.h"

#include <pthread.h>

TEST_MAIN_DEFS

static struct server s;
static char office_a[FX_ID_LEN], tok_a[FX_TOKEN_LEN], office_b[FX_ID_LEN], tok_b[FX_TOKEN_LEN];
static char support[FX_ID_LEN], tok_support[FX_TOKEN_LEN];
static char anna[FX_ID_LEN], tok_anna[FX_TOKEN_LEN], bert[FX_ID_LEN], tok_bert[FX_TOKEN_LEN],
    cilla[FX_ID_LEN], tok_cilla[FX_TOKEN_LEN];
static char collab_a[FX_ID_LEN], collab_b[FX_ID_LEN];

static const char *const admins3[] = {"anna@delad.se", "bert@delad.se", "cilla@delad.se"};

/* The variant of a collaboration as token's holder reads it. */
static void check_variant(const char *id, const char *token, const char *want)
{
  char path[128];
  snprintf(path, sizeof path, "/v1/collaborations/%s", id);
  struct resp r;
  CHECK(api(&s, "GET", path, token, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "variant"), want);
  resp_free(&r);
}

/* The invitation link tokens of the collaboration's invitation e-mails, in order, into
 * tokens[0..return). */
static int invitation_links(const char *id, char (*tokens)[SECRET_LINK_TOKEN_LEN], int max)
{
  struct cx_mail m[16];
  int n = cx_mails(&s, id, m, 16), k = 0;
  for (int i = 0; i < n && k < max; i++)
    if (json_object_get(m[i].data, "token_nonce"))
      cx_token(&s, &m[i], tokens[k++]);
  cx_mails_free(m, n);
  return k;
}

static long link_post(const char *token, const char *action, const char *body)
{
  char path[160];
  snprintf(path, sizeof path, "/v1/invitations/%s/%s", token, action);
  struct resp r;
  CHECK(api(&s, "POST", path, NULL, body, &r));
  long status = r.status;
  resp_free(&r);
  return status;
}

/* Office A activates Delad AB (way 2, Bokföring): every administrator gets a link of its own;
 * Bert answers first, and the two other links stop working. */
static void three_administrators(void)
{
  char company[FX_ID_LEN], customer[FX_ID_LEN], task[FX_ID_LEN];
  fx_company(&s, "556100-2006", "Delad AB", "account", company);
  fx_customer_admin(&s, "556100-2006", "Anna Andersson", admins3[0], anna, tok_anna);
  fx_customer_admin(&s, "556100-2006", "Bert Berg", admins3[1], bert, tok_bert);
  fx_customer_admin(&s, "556100-2006", "Cilla Ceder", admins3[2], cilla, tok_cilla);
  cx_customer(&s, tok_a, "556100-2006", "Delad (A:s kund)", "kontakt@delad.se", customer);
  cx_task(&s, tok_a, customer, "Bokföring 2027", task);
  cx_activate(&s, tok_a, customer, task, "bokforing", "customer", 12, collab_a);
  const char *invited[] = {"invitation_customer>anna@delad.se",
                           "invitation_customer>bert@delad.se",
                           "invitation_customer>cilla@delad.se", NULL};
  cx_check_mails(&s, collab_a, invited);
  char links[3][SECRET_LINK_TOKEN_LEN];
  CHECK_INT(invitation_links(collab_a, links, 3), 3);
  CHECK(strcmp(links[0], links[1]) != 0 && strcmp(links[1], links[2]) != 0);
  /* each link opens the invitation, naming the company by its own name */
  char path[160];
  struct resp r;
  snprintf(path, sizeof path, "/v1/invitations/%s", links[2]);
  CHECK(api(&s, "GET", path, NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "company.name"), "Delad AB");
  CHECK(r.body && !strstr(r.body, "A:s kund"));
  resp_free(&r);
  CHECK_INT(link_post(links[1], "approve", NULL), 200);
  /* the other two links are dead: never a second transition */
  CHECK_INT(link_post(links[0], "approve", NULL), 404);
  CHECK_INT(link_post(links[2], "decline", "{\"reason\":\"nej\"}"), 404);
  snprintf(path, sizeof path, "/v1/invitations/%s", links[0]);
  CHECK(api(&s, "GET", path, NULL, NULL, &r));
  CHECK_INT(r.status, 404);
  resp_free(&r);
  const char *steps[] = {"invite:>invited", "approve:invited>approved",
                         "provision:approved>active", NULL};
  cx_check_events(&s, collab_a, tok_anna, steps);
  /* the history names who acted, with display name and role, for both parties */
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", collab_a);
  CHECK(api(&s, "GET", path, tok_a, NULL, &r));
  json_t *items = json_object_get(r.json, "items");
  json_t *invite = json_object_get(json_array_get(items, 0), "actor");
  json_t *approve = json_object_get(json_array_get(items, 1), "actor");
  CHECK_STR(json_string_value(json_object_get(approve, "id")), bert);
  CHECK_STR(json_string_value(json_object_get(approve, "name")), "Bert Berg");
  CHECK_STR(json_string_value(json_object_get(approve, "role")), "administrator");
  CHECK_STR(json_string_value(json_object_get(invite, "kind")), "office_user");
  CHECK_STR(json_string_value(json_object_get(invite, "role")), "full");
  CHECK(json_is_string(json_object_get(invite, "name")));
  resp_free(&r);
  /* the office learns who approved; every administrator that it is active */
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM outbox WHERE collaboration_id = ? AND "
                         "template = 'approved_office' AND data LIKE '%Bert Berg%'",
                     collab_a),
            1);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM outbox WHERE collaboration_id = ? AND "
                         "template = 'activated_customer'",
                     collab_a),
            3);
  /* the customer's view never shows the office's register name; the office's does */
  snprintf(path, sizeof path, "/v1/collaborations/%s", collab_a);
  CHECK(api(&s, "GET", path, tok_cilla, NULL, &r));
  CHECK(r.body && !strstr(r.body, "A:s kund") && strstr(r.body, "\"customer_name\":null"));
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/collaborations", tok_anna, NULL, &r));
  CHECK(r.body && !strstr(r.body, "A:s kund"));
  resp_free(&r);
  CHECK(api(&s, "GET", path, tok_a, NULL, &r));
  CHECK_STR(resp_str(&r, "customer_name"), "Delad (A:s kund)");
  resp_free(&r);
}

/* Office B starts with the same company, now a subscriber: its agreement continues. */
static void second_office(void)
{
  char customer[FX_ID_LEN], task[FX_ID_LEN], path[160];
  cx_customer(&s, tok_b, "556100-2006", "Delad (B)", "b-kontakt@delad.se", customer);
  cx_task(&s, tok_b, customer, "Rådgivning", task);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
  struct resp r;
  CHECK(cx_post(&s, path, tok_b, &r, "{\"task_id\":\"%s\"}", task));
  CHECK_INT(r.status, 201);
  CHECK_STR(resp_str(&r, "way"), "subscriber");
  CHECK_STR(resp_str(&r, "variant"), "bokforing");
  snprintf(collab_b, sizeof collab_b, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
  CHECK(cx_action(&s, collab_b, "approve", tok_anna, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "active");
  resp_free(&r);
}

/* B upgrades to Pro: A reads Pro, A's history records it, and A's step to Smart is a
 * downgrade. Everybody else is told. */
static void shared_subscription(void)
{
  struct resp r;
  char path[160], auth[128];
  snprintf(path, sizeof path, "/v1/collaborations/%s", collab_a);
  CHECK(api(&s, "GET", path, tok_a, NULL, &r));
  long version_a = (long)json_integer_value(json_object_get(r.json, "version"));
  resp_free(&r);
  CHECK(cx_action(&s, collab_b, "variant-changes", tok_b, "{\"variant\":\"pro\"}", &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "variant"), "pro");
  resp_free(&r);
  check_variant(collab_a, tok_a, "pro");
  check_variant(collab_a, tok_anna, "pro");
  CHECK(api(&s, "GET", "/v1/companies/556100-2006", tok_anna, NULL, &r));
  CHECK_STR(resp_str(&r, "subscription.variant"), "pro");
  resp_free(&r);
  /* A's history records the change without naming the other office; its version moved on */
  const char *steps[] = {"invite:>invited", "approve:invited>approved",
                         "provision:approved>active", "company_changed:active>active", NULL};
  cx_check_events(&s, collab_a, tok_a, steps);
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", collab_a);
  CHECK(api(&s, "GET", path, tok_a, NULL, &r));
  CHECK(r.body && strstr(r.body, "another office") && !strstr(r.body, "Byrå Två") &&
        !strstr(r.body, office_b));
  resp_free(&r);
  /* a stale If-Match on A's collaboration: 412, never a silent change */
  snprintf(path, sizeof path, "/v1/collaborations/%s", collab_a);
  snprintf(auth, sizeof auth, "If-Match: \"%ld\"", version_a);
  const char *hdr[] = {auth, NULL};
  CHECK(api_with(&s, "PATCH", path, tok_a, "{\"variant\":\"smart\"}", hdr, &r));
  CHECK_INT(r.status, 412);
  resp_free(&r);
  /* judged against the company's current variant: Smart is below Pro */
  CHECK(cx_action(&s, collab_a, "variant-changes", tok_a, "{\"variant\":\"smart\"}", &r));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "downgrade_requires_support");
  CHECK_STR(resp_str(&r, "from"), "pro");
  resp_free(&r);
  check_variant(collab_b, tok_b, "pro");
  /* nor can support step around the rule by editing the company while offices work with it */
  CHECK(api(&s, "GET", "/v1/companies/556100-2006", tok_support, NULL, &r));
  char company_etag[32] = "", im[48];
  resp_header(&r, "etag", company_etag, sizeof company_etag);
  resp_free(&r);
  snprintf(im, sizeof im, "If-Match: %s", company_etag);
  const char *cim[] = {im, NULL};
  CHECK(api_with(&s, "PATCH", "/v1/companies/556100-2006", tok_support,
                 "{\"relation\":\"subscriber\",\"subscription\":{\"variant\":\"start\","
                 "\"invoice_recipient\":\"customer\",\"agreement_period_months\":12,"
                 "\"starts_on\":\"2026-01-01\",\"renews_on\":\"2027-01-01\"}}",
                 cim, &r));
  CHECK_INT(r.status, 409);
  CHECK(r.body && strstr(r.body, "through a collaboration"));
  resp_free(&r);
  CHECK(api_with(&s, "PATCH", "/v1/companies/556100-2006", tok_support,
                 "{\"name\":\"Delad Aktiebolag\"}", cim, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  check_variant(collab_b, tok_b, "pro");
  /* told: every administrator (B's collaboration) and office A (its own collaboration) */
  const char *sql_b = "SELECT count(*) FROM outbox WHERE collaboration_id = ? AND template = "
                      "'variant_changed_customer'";
  CHECK_INT(cx_count(&s, sql_b, collab_b), 3);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM outbox WHERE collaboration_id = ? AND template = "
                         "'variant_changed_office' AND recipient = 'info@byra-ett.se'",
                     collab_a),
            1);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM outbox WHERE template = 'variant_changed_office' "
                         "AND recipient = ?",
                     "info@byra-tva.se"),
            0);
}

struct racer {
  const char *id, *token, *body;
  long status;
};

static void *race(void *arg)
{
  struct racer *rc = arg;
  struct resp r;
  if (cx_action(&s, rc->id, "variant-changes", rc->token, rc->body, &r))
    rc->status = r.status;
  resp_free(&r);
  return NULL;
}

/* Support resets the company to Smart through A's collaboration; then A and B race to Pro:
 * exactly one wins, the other is told the company already works in Pro. */
static void reset_and_race(void)
{
  struct resp r;
  CHECK(cx_action(&s, collab_a, "variant-changes", tok_support,
                  "{\"variant\":\"smart\",\"confirm_company_reset\":true}", &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  check_variant(collab_a, tok_a, "smart");
  check_variant(collab_b, tok_b, "smart");
  /* seen by both offices (each in its own history and mailbox) and mailed to the customer */
  const char *steps_b[] = {"invite:>invited", "approve:invited>approved",
                           "provision:approved>active", "change_variant:active>active",
                           "company_changed:active>active", NULL};
  cx_check_events(&s, collab_b, tok_b, steps_b);
  const char *office_sql = "SELECT count(*) FROM outbox WHERE template = 'company_reset_office' "
                           "AND recipient = ?";
  CHECK_INT(cx_count(&s, office_sql, "info@byra-ett.se"), 1);
  CHECK_INT(cx_count(&s, office_sql, "info@byra-tva.se"), 1);
  for (int i = 0; i < 3; i++)
    CHECK_INT(cx_count(&s, "SELECT count(*) FROM outbox WHERE template = "
                           "'company_reset_customer' AND recipient = ?",
                       admins3[i]),
              1);
  struct racer rs[2] = {{collab_a, tok_a, "{\"variant\":\"pro\"}", 0},
                        {collab_b, tok_b, "{\"variant\":\"pro\"}", 0}};
  pthread_t t[2];
  for (int i = 0; i < 2; i++)
    pthread_create(&t[i], NULL, race, &rs[i]);
  for (int i = 0; i < 2; i++)
    pthread_join(t[i], NULL);
  CHECK_MSG((rs[0].status == 200) != (rs[1].status == 200), "A %ld, B %ld", rs[0].status,
            rs[1].status);
  CHECK(rs[0].status == 409 || rs[1].status == 409);
  check_variant(collab_a, tok_a, "pro");
  check_variant(collab_b, tok_b, "pro");
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaboration_events WHERE event = "
                         "'change_variant' AND details LIKE '%\"to\":\"pro\"%' AND "
                         "collaboration_id IN (SELECT id FROM collaborations WHERE company_id = "
                         "(SELECT id FROM companies WHERE corporate_id = ?))",
                     "556100-2006"),
            2); /* B's first upgrade and the race's one winner */
  /* A changes who pays: B reads it, B's history records it and B's version moves on */
  char path[128], im[48], etag[32] = "";
  snprintf(path, sizeof path, "/v1/collaborations/%s", collab_b);
  CHECK(api(&s, "GET", path, tok_b, NULL, &r));
  long version_b = (long)json_integer_value(json_object_get(r.json, "version"));
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/collaborations/%s", collab_a);
  CHECK(api(&s, "GET", path, tok_a, NULL, &r));
  resp_header(&r, "etag", etag, sizeof etag);
  resp_free(&r);
  snprintf(im, sizeof im, "If-Match: %s", etag);
  const char *hdr[] = {im, NULL};
  CHECK(api_with(&s, "PATCH", path, tok_a, "{\"invoice_recipient\":\"office\"}", hdr, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/collaborations/%s", collab_b);
  CHECK(api(&s, "GET", path, tok_b, NULL, &r));
  CHECK_STR(resp_str(&r, "invoice_recipient"), "office");
  CHECK_INT(json_integer_value(json_object_get(r.json, "version")), version_b + 1);
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaboration_events WHERE collaboration_id = ? "
                         "AND event = 'company_changed' AND details LIKE "
                         "'%\"invoice_recipient\":\"office\"%'",
                     collab_b),
            1);
}

/* A company new to the vendor, added to an office's register with its own name: the other
 * office, the invitation and the e-mails name it by that name, never by the first office's
 * register name. */
static void company_own_name(void)
{
  struct resp r;
  CHECK(cx_post(&s, "/v1/customers", tok_a, &r,
                "{\"corporate_id\":\"556100-2014\",\"name\":\"Gamma (vår kund, svår)\","
                "\"email\":\"g@gamma.se\",\"company_name\":\"Gamma Bygg AB\"}"));
  CHECK_INT(r.status, 201);
  CHECK_STR(resp_str(&r, "name"), "Gamma (vår kund, svår)");
  resp_free(&r);
  char cu_b[FX_ID_LEN], t_b[FX_ID_LEN], id[FX_ID_LEN], path[160];
  cx_customer(&s, tok_b, "556100-2014", "Gamma hos B", "b@gamma.se", cu_b);
  snprintf(path, sizeof path, "/v1/customers/%s", cu_b);
  CHECK(api(&s, "GET", path, tok_b, NULL, &r));
  CHECK(r.body && !strstr(r.body, "svår")); /* A's register name is A's alone */
  resp_free(&r);
  cx_task(&s, tok_b, cu_b, "Start", t_b);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", cu_b);
  CHECK(cx_post(&s, path, tok_b, &r,
                "{\"task_id\":\"%s\",\"variant\":\"start\",\"invoice_recipient\":\"office\","
                "\"agreement_period_months\":3,\"administrator\":{\"name\":\"Gun Gamma\","
                "\"email\":\"gun@gamma.se\",\"phone\":\"+46 70 555 33 33\"}}",
                t_b));
  CHECK_INT(r.status, 201);
  snprintf(id, sizeof id, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  CHECK_STR(resp_str(&r, "company.name"), "Gamma Bygg AB");
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM outbox WHERE collaboration_id = ? AND data LIKE "
                         "'%Gamma Bygg AB%' AND data NOT LIKE '%svår%'",
                     id),
            1);
}

int main(void)
{
  server_start(&s, NULL, NULL);
  fx_office(&s, "Byrå Ett AB", "556036-0793", "info@byra-ett.se", office_a, tok_a);
  fx_office(&s, "Byrå Två AB", "556703-7485", "info@byra-tva.se", office_b, tok_b);
  fx_support(&s, "support@vendor.example", support, tok_support);
  three_administrators();
  second_office();
  shared_subscription();
  reset_and_race();
  company_own_name();
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
