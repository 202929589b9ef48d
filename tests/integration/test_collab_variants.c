/* Integration tests of changes to an active collaboration: an upgrade by the office at once; a
 * downgrade refused for the office (pointing to support), refused for support without the
 * explicit confirmation of the company reset, carried out by support with it (recorded); and
 * PATCH of task, terms and variant with If-Match and the rights of full and limited users. */
#include "collab_fx.h"

TEST_MAIN_DEFS

static struct server s;
static char office[FX_ID_LEN], tok_office[FX_TOKEN_LEN];
static char limited[FX_ID_LEN], tok_limited[FX_TOKEN_LEN];
static char support[FX_ID_LEN], tok_support[FX_TOKEN_LEN];
static char cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN];
static char customer[FX_ID_LEN], task[FX_ID_LEN], id[FX_ID_LEN];

static void variant_change(const char *token, const char *body, long want, const char *code)
{
  struct resp r;
  CHECK(cx_action(&s, id, "variant-changes", token, body, &r));
  CHECK_MSG(r.status == want, "%s: %ld, want %ld (%s)", body, r.status, want,
            r.body ? r.body : "");
  if (code)
    CHECK_STR(resp_str(&r, "code"), code);
  resp_free(&r);
}

static void check_variant(const char *want)
{
  char path[128];
  snprintf(path, sizeof path, "/v1/collaborations/%s", id);
  struct resp r;
  CHECK(api(&s, "GET", path, tok_office, NULL, &r));
  CHECK_STR(resp_str(&r, "variant"), want);
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/companies/556100-0018", tok_cadmin, NULL, &r));
  CHECK_STR(resp_str(&r, "subscription.variant"), want);
  resp_free(&r);
}

static void setup(void)
{
  char company[FX_ID_LEN];
  fx_company(&s, "556100-0018", "Variant AB", "account", company);
  fx_customer_admin(&s, "556100-0018", "Vera", "vera@variant.se", cadmin, tok_cadmin);
  cx_customer(&s, tok_office, "556100-0018", "Variant", "kontakt@variant.se", customer);
  cx_task(&s, tok_office, customer, "Löpande", task);
  cx_activate(&s, tok_office, customer, task, "smart", "office", 12, id);
  struct resp r;
  /* not yet active: no variant change, and the proposal's terms stay as the customer sees
   * them until it is approved (the task may change) */
  variant_change(tok_office, "{\"variant\":\"pro\"}", 409, "illegal_transition");
  char path[128], auth[128];
  snprintf(path, sizeof path, "/v1/collaborations/%s", id);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok_office);
  const char *hdrs[] = {auth, "If-Match: \"1\"", "Content-Type: application/json", NULL};
  const char *terms[] = {"{\"invoice_recipient\":\"customer\"}",
                         "{\"agreement_period_months\":3}"};
  for (int i = 0; i < 2; i++) {
    CHECK(http(&s, "PATCH", path, hdrs, terms[i], &r));
    CHECK_INT(r.status, 409);
    CHECK_STR(resp_str(&r, "code"), "illegal_transition");
    CHECK_STR(resp_str(&r, "state"), "invited");
    resp_free(&r);
  }
  CHECK(cx_action(&s, id, "approve", tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "active");
  resp_free(&r);
}

static void test_variant_changes(void)
{
  /* upgrade: a full user, at once */
  variant_change(tok_limited, "{\"variant\":\"pro\"}", 403, "forbidden");
  variant_change(tok_cadmin, "{\"variant\":\"pro\"}", 403, "forbidden");
  variant_change(tok_office, "{\"variant\":\"pro\"}", 200, NULL);
  check_variant("pro");
  variant_change(tok_office, "{\"variant\":\"pro\"}", 409, "conflict");
  variant_change(tok_office, "{\"variant\":\"gold\"}", 400, "validation_failed");

  /* downgrade: refused for the office, explaining the data loss and reset, pointing to support */
  struct resp r;
  CHECK(cx_action(&s, id, "variant-changes", tok_office, "{\"variant\":\"bokforing\"}", &r));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "downgrade_requires_support");
  CHECK_STR(resp_str(&r, "contact"), "support");
  CHECK(r.body && strstr(r.body, "lose accounting data") && strstr(r.body, "reset") &&
        strstr(r.body, "\"supplier_invoices\"") && strstr(r.body, "\"invoicing.full\""));
  resp_free(&r);
  /* even with the confirmation */
  variant_change(tok_office, "{\"variant\":\"bokforing\",\"confirm_company_reset\":true}", 422,
                 "downgrade_requires_support");
  check_variant("pro");
  /* support: only with the explicit confirmation */
  variant_change(tok_support, "{\"variant\":\"bokforing\"}", 422,
                 "company_reset_confirmation_required");
  variant_change(tok_support, "{\"variant\":\"bokforing\",\"confirm_company_reset\":false}", 422,
                 "company_reset_confirmation_required");
  check_variant("pro");
  variant_change(tok_support,
                 "{\"variant\":\"bokforing\",\"confirm_company_reset\":true,"
                 "\"reason\":\"kunden bad om det i ärende 4711\"}",
                 200, NULL);
  check_variant("bokforing");
  const char *steps[] = {"invite:>invited", "approve:invited>approved",
                         "provision:approved>active", "change_variant:active>active",
                         "change_variant:active>active", NULL};
  cx_check_events(&s, id, tok_cadmin, steps);
  char path[160];
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", id);
  CHECK(api(&s, "GET", path, tok_office, NULL, &r));
  json_t *items = json_object_get(r.json, "items");
  json_t *up = json_array_get(items, 3), *down = json_array_get(items, 4);
  CHECK_STR(json_string_value(json_object_get(json_object_get(up, "details"), "kind")),
            "upgrade");
  CHECK_STR(json_string_value(json_object_get(json_object_get(down, "actor"), "kind")),
            "support");
  CHECK_STR(json_string_value(json_object_get(json_object_get(down, "actor"), "id")), support);
  CHECK(json_is_true(json_object_get(json_object_get(down, "details"), "company_reset")));
  CHECK_STR(json_string_value(json_object_get(down, "reason")),
            "kunden bad om det i ärende 4711");
  resp_free(&r);
  /* support sees the collaboration; the lists show it to support too */
  CHECK(api(&s, "GET", "/v1/collaborations?variant=bokforing", tok_support, NULL, &r));
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 1);
  resp_free(&r);
}

static bool patch(const char *token, const char *if_match, const char *body, struct resp *r)
{
  char path[128], auth[128], im[64];
  snprintf(path, sizeof path, "/v1/collaborations/%s", id);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  snprintf(im, sizeof im, "If-Match: %s", if_match ? if_match : "");
  const char *hdrs[] = {auth, "Content-Type: application/json", if_match ? im : NULL, NULL};
  return http(&s, "PATCH", path, hdrs, body, r);
}

static void current_etag(char *etag, size_t len)
{
  char path[128];
  snprintf(path, sizeof path, "/v1/collaborations/%s", id);
  struct resp r;
  etag[0] = '\0';
  CHECK(api(&s, "GET", path, tok_office, NULL, &r));
  CHECK(resp_header(&r, "etag", etag, len));
  resp_free(&r);
}

static void test_patch(void)
{
  char etag[32], task2[FX_ID_LEN];
  cx_task(&s, tok_office, customer, "Bokslut", task2);
  current_etag(etag, sizeof etag);
  struct resp r;
  char body[160];
  snprintf(body, sizeof body, "{\"task_id\":\"%s\"}", task2);
  CHECK(patch(tok_limited, NULL, body, &r));
  CHECK_INT(r.status, 428);
  resp_free(&r);
  CHECK(patch(tok_limited, "\"99\"", body, &r));
  CHECK_INT(r.status, 412);
  resp_free(&r);
  CHECK(patch(tok_limited, etag, "{}", &r));
  CHECK_INT(r.status, 400);
  resp_free(&r);
  /* a limited user changes the task, not the terms */
  CHECK(patch(tok_limited, etag, "{\"invoice_recipient\":\"customer\"}", &r));
  CHECK_INT(r.status, 403);
  CHECK(r.body && strstr(r.body, "full rights"));
  resp_free(&r);
  CHECK(patch(tok_limited, etag, body, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "task_id"), task2);
  char etag2[32];
  CHECK(resp_header(&r, "etag", etag2, sizeof etag2) && strcmp(etag, etag2) != 0);
  resp_free(&r);
  /* the old ETag is stale now */
  CHECK(patch(tok_office, etag, "{\"agreement_period_months\":3}", &r));
  CHECK_INT(r.status, 412);
  resp_free(&r);
  /* a task of another customer is refused */
  char other[FX_ID_LEN], other_task[FX_ID_LEN];
  cx_customer(&s, tok_office, "556100-0026", "Annan", "annan@example.se", other);
  cx_task(&s, tok_office, other, "Annat", other_task);
  snprintf(body, sizeof body, "{\"task_id\":\"%s\"}", other_task);
  CHECK(patch(tok_office, etag2, body, &r));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "task_required");
  resp_free(&r);
  /* terms by a full user, both in one event; a new period is a new agreement period that
   * starts today (not on the old start date, here a year ago) */
  CHECK(cx_exec(&s, "UPDATE collaborations SET starts_on = '2025-01-31', renews_on = "
                    "'2026-01-31' WHERE id = ?",
                id));
  CHECK(patch(tok_office, etag2, "{\"agreement_period_months\":3,\"invoice_recipient\":"
                                  "\"customer\"}",
              &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "invoice_recipient"), "customer");
  CHECK(r.body && strstr(r.body, "\"agreement_period_months\":3"));
  char today[16], renews[16];
  cx_today_plus_months(0, today);
  cx_today_plus_months(3, renews);
  CHECK_STR(resp_str(&r, "starts_on"), today);
  CHECK_STR(resp_str(&r, "renews_on"), renews);
  CHECK(r.body && strstr(r.body, "\"agreement_continues\":false"));
  char etag3[32];
  CHECK(resp_header(&r, "etag", etag3, sizeof etag3));
  resp_free(&r);
  /* the variant through PATCH follows the same rule */
  CHECK(patch(tok_office, etag3, "{\"variant\":\"start\"}", &r));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "downgrade_requires_support");
  resp_free(&r);
  CHECK(patch(tok_office, etag3, "{\"variant\":\"smart\"}", &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "variant"), "smart");
  resp_free(&r);
  check_variant("smart");
  const char *steps[] = {"invite:>invited", "approve:invited>approved",
                         "provision:approved>active", "change_variant:active>active",
                         "change_variant:active>active", "change_task:active>active",
                         "change_terms:active>active", "change_variant:active>active", NULL};
  cx_check_events(&s, id, tok_office, steps);
  CHECK(api(&s, "GET", "/v1/companies/556100-0018", tok_cadmin, NULL, &r));
  CHECK_STR(resp_str(&r, "subscription.invoice_recipient"), "customer");
  CHECK(r.body && strstr(r.body, "\"agreement_period_months\":3"));
  CHECK_STR(resp_str(&r, "subscription.starts_on"), today);
  CHECK_STR(resp_str(&r, "subscription.renews_on"), renews);
  resp_free(&r);
  /* the customer may not PATCH */
  current_etag(etag, sizeof etag);
  CHECK(patch(tok_cadmin, etag, "{\"variant\":\"pro\"}", &r));
  CHECK_INT(r.status, 403);
  resp_free(&r);
}

/* Way 4: the invited office cannot rewrite the customer's proposal before accepting it. */
static void test_patch_invitee(void)
{
  char company[FX_ID_LEN], admin[FX_ID_LEN], tok_admin[FX_TOKEN_LEN], path[128], cid[FX_ID_LEN];
  fx_company(&s, "556100-0042", "Bjuder AB", "account", company);
  fx_customer_admin(&s, "556100-0042", "Berit", "berit@bjuder.se", admin, tok_admin);
  struct resp r;
  CHECK(cx_post(&s, "/v1/office-invitations", tok_admin, &r,
                "{\"office_corporate_id\":\"556036-0793\",\"variant\":\"smart\","
                "\"agreement_period_months\":12}"));
  CHECK_INT(r.status, 201);
  snprintf(cid, sizeof cid, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/collaborations/%s", cid);
  char auth[128];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok_office);
  const char *hdrs[] = {auth, "If-Match: \"1\"", "Content-Type: application/json", NULL};
  CHECK(http(&s, "PATCH", path, hdrs,
             "{\"invoice_recipient\":\"office\",\"agreement_period_months\":3}", &r));
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "illegal_transition");
  CHECK(r.body && strstr(r.body, "only when it is active"));
  resp_free(&r);
  CHECK(api(&s, "GET", path, tok_admin, NULL, &r));
  CHECK_STR(resp_str(&r, "invoice_recipient"), "customer");
  CHECK(r.body && strstr(r.body, "\"agreement_period_months\":12") &&
        strstr(r.body, "\"version\":1"));
  resp_free(&r);
}

/* A subscriber's collaboration continues its existing agreement: its period and payer cannot
 * be changed until it renews; the task can. */
static void test_patch_continuing(void)
{
  char company[FX_ID_LEN], admin[FX_ID_LEN], tok_admin[FX_TOKEN_LEN], cust[FX_ID_LEN],
      t1[FX_ID_LEN], t2[FX_ID_LEN], cid[FX_ID_LEN], path[160];
  fx_subscriber(&s, "556100-0034", "Fortsätter AB", "bokforing", "customer", "12",
                "2031-03-31", company);
  fx_customer_admin(&s, "556100-0034", "Frida", "frida@fortsatter.se", admin, tok_admin);
  cx_customer(&s, tok_office, "556100-0034", "Fortsätter", "f@fortsatter.se", cust);
  cx_task(&s, tok_office, cust, "Löpande", t1);
  cx_task(&s, tok_office, cust, "Bokslut", t2);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", cust);
  struct resp r;
  CHECK(cx_post(&s, path, tok_office, &r, "{\"task_id\":\"%s\"}", t1));
  CHECK_INT(r.status, 201);
  snprintf(cid, sizeof cid, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
  CHECK(cx_action(&s, cid, "approve", tok_admin, NULL, &r));
  CHECK_STR(resp_str(&r, "state"), "active");
  char etag[32] = "";
  CHECK(resp_header(&r, "etag", etag, sizeof etag));
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/collaborations/%s", cid);
  char auth[128], im[64], body[96];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok_office);
  snprintf(im, sizeof im, "If-Match: %s", etag);
  const char *hdrs[] = {auth, im, "Content-Type: application/json", NULL};
  const char *refused[] = {"{\"agreement_period_months\":3}",
                           "{\"invoice_recipient\":\"office\"}"};
  for (int i = 0; i < 2; i++) {
    CHECK(http(&s, "PATCH", path, hdrs, refused[i], &r));
    CHECK_INT(r.status, 409);
    CHECK_STR(resp_str(&r, "code"), "conflict");
    CHECK(r.body && strstr(r.body, "continues until it renews") && strstr(r.body, "2031-03-31"));
    resp_free(&r);
  }
  snprintf(body, sizeof body, "{\"task_id\":\"%s\"}", t2);
  CHECK(http(&s, "PATCH", path, hdrs, body, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "task_id"), t2);
  CHECK_STR(resp_str(&r, "renews_on"), "2031-03-31");
  CHECK(r.body && strstr(r.body, "\"agreement_continues\":true") &&
        strstr(r.body, "\"agreement_period_months\":12"));
  resp_free(&r);
}

int main(void)
{
  server_start(&s, NULL, NULL);
  fx_office(&s, "Byrå Ett AB", "5560360793", "info@byra-ett.se", office, tok_office);
  fx_user(&s, office, "limited@byra-ett.se", "limited", limited, tok_limited);
  fx_support(&s, "support@vendor.se", support, tok_support);
  setup();
  test_variant_changes();
  test_patch();
  test_patch_continuing();
  test_patch_invitee();
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
