/* Unit tests of the e-mail renderer (mail_template.h): {?name}/{!name} lines come and go with
 * strings, integers and booleans; {payer}, {variant_name} and {lost_features} are computed;
 * unusable data is refused naming the member; data can never add lines or headers. */
#include "mail_template_fx.h"

#include <stdlib.h>

TEST_MAIN_DEFS

/* Renders name in lang from FULL_DATA changed by the JSON object patch (members set to null
 * are removed); the body, malloc'd, or NULL. */
static char *render_with(const char *name, const char *lang, const char *patch)
{
  json_t *d = json_loads(FULL_DATA, 0, NULL);
  json_t *p = json_loads(patch, 0, NULL);
  CHECK_MSG(p != NULL, "bad patch %s", patch);
  const char *k;
  json_t *v;
  json_object_foreach(p, k, v) {
    if (json_is_null(v))
      json_object_del(d, k);
    else
      json_object_set(d, k, v);
  }
  char *body = render_body(name, lang, d, NULL);
  json_decref(p);
  json_decref(d);
  return body;
}

/* The body of name in lang with patch holds (or, with want false, lacks) text. */
static void expect(const char *name, const char *lang, const char *patch, const char *text,
                   bool want)
{
  char *body = render_with(name, lang, patch);
  bool has = body && strstr(body, text) != NULL;
  CHECK_MSG(body && has == want, "%s/%s with %s: '%s' %s in:\n%s", name, lang, patch, text,
            want ? "missing" : "present", body ? body : "(none)");
  free(body);
}

static void test_greeting(void)
{
  expect("invitation_customer", "sv", "{}", "Hej Anna Berg!\n\n", true);
  expect("invitation_customer", "sv", "{}", "Hej!\n", false);
  expect("invitation_customer", "sv", "{\"recipient_name\":null}", "Hej!\n\n", true);
  expect("invitation_customer", "sv", "{\"recipient_name\":\"\"}", "Hej!\n\n", true);
  expect("ended_office", "en", "{}", "Hello Anna Berg,\n\n", true);
  expect("ended_office", "en", "{\"recipient_name\":null}", "Hello,\n\n", true);
  expect("activation_new_admin", "sv", "{\"recipient_name\":null}",
         "Byrån har angett dig som företagets administratör", true);
}

static void test_integer_and_string_conditions(void)
{
  expect("invitation_office", "sv", "{}", "Det här är en påminnelse", true);
  expect("invitation_office", "sv", "{\"reminder\":null}", "påminnelse", false);
  expect("invitation_customer", "en", "{\"reminder\":1}", "This is a reminder", true);
  expect("invitation_customer", "en", "{\"reminder\":false}", "reminder", false);
  expect("invitation_customer", "sv", "{}", "inget nytt debiteras förrän 2027-05-31", true);
  expect("invitation_customer", "sv", "{\"no_charge_until\":null}", "debiteras", false);
  expect("activated_customer", "en", "{\"no_charge_until\":null}", "charged", false);
  expect("declined_office", "sv", "{\"reason\":null}", "skäl", false);
  expect("renewal_requested", "en", "{\"reason\":null}", "Message:", false);
  expect("office_accepted", "sv", "{\"terms_version\":null}", "version", false);
  expect("approved_office", "sv", "{}", "Startdatum: 2027-01-01\n", true);
  expect("approved_office", "sv", "{}", "Förnyelsedatum: 2028-01-01\n", true);
  expect("approved_office", "en", "{\"starts_on\":null}", "Start date", false);
  expect("terms_changed_customer", "sv", "{}", "förnyas nästa gång den 2028-01-01", true);
  expect("terms_changed_customer", "sv", "{\"renews_on\":null}", "förnyas", false);
  expect("company_reset_customer", "sv", "{\"lost_features\":null}", "förlorade", false);
  /* no corporate ID: the company's line names it alone */
  expect("withdrawn_customer", "sv", "{\"corporate_id\":null}", "\nFöretag: Ärlig Bygg AB\n",
         true);
}

static void test_boolean_conditions(void)
{
  const char *keep_sv = "Företaget fortsätter att använda tjänsten på egen hand";
  const char *off_sv = "Företaget avaktiverar tjänsten.";
  const char *names[] = {"ended_office", "service_decided"};
  for (size_t i = 0; i < 2; i++) {
    expect(names[i], "sv", "{\"service_kept\":true}", keep_sv, true);
    expect(names[i], "sv", "{\"service_kept\":true}", off_sv, false);
    expect(names[i], "sv", "{\"service_kept\":false}", keep_sv, false);
    expect(names[i], "sv", "{\"service_kept\":false}", off_sv, true);
    expect(names[i], "sv", "{\"service_kept\":null}", off_sv, true);
    expect(names[i], "en", "{\"service_kept\":false}", "The company will deactivate", true);
  }
  const char *decide = "Logga in på kundportalen Mina tjänster och gör ert val";
  const char *nothing = "ni behöver inte göra något mer";
  expect("collaboration_ended", "sv", "{\"decision_pending\":true}", decide, true);
  expect("collaboration_ended", "sv", "{\"decision_pending\":true}", nothing, false);
  expect("collaboration_ended", "sv", "{\"decision_pending\":false}", decide, false);
  expect("collaboration_ended", "sv", "{\"decision_pending\":false}", nothing, true);
  expect("collaboration_ended", "sv", "{\"decision_pending\":null}", nothing, true);
  expect("collaboration_ended", "en", "{\"decision_pending\":null}", "nothing more you need", true);
}

static void test_payer_variant_and_features(void)
{
  expect("invitation_customer", "sv", "{\"invoice_recipient\":\"office\"}", "Betalas av: byrån\n",
         true);
  expect("invitation_customer", "en", "{\"invoice_recipient\":\"office\"}",
         "Paid for by: the office\n", true);
  expect("terms_changed_customer", "sv", "{\"invoice_recipient\":\"office\"}",
         "betalas tjänsten av byrån", true);
  expect("terms_changed_customer", "en", "{\"agreement_period_months\":3}",
         "the agreement period is 3 months", true);
  /* variant_name: the data's, else the one the mailer looked up, else the code */
  expect("approved_office", "sv", "{\"variant_name\":null}", "Tjänst: Looked-up Name\n", true);
  struct mail_render_ctx saved = ctx;
  ctx.variant_name = NULL;
  expect("approved_office", "sv", "{\"variant_name\":null}", "Tjänst: smart\n", true);
  ctx = saved;
  expect("company_reset_office", "en",
         "{\"lost_features\":\" supplier_invoices, bookkeeping.full,,x.new \"}",
         "lost: supplier invoices, full bookkeeping, x.new.", true);
  expect("company_reset_office", "sv", "{\"lost_features\":\"invoicing.full\"}",
         "förlorade: fullständig fakturering.", true);
  expect("company_reset_office", "sv", "{\"lost_features\":\" , \"}", "förlorade", false);
}

/* Rendering name with patch fails, the reason holding text. */
static void refused(const char *name, const char *patch, const char *text)
{
  json_t *d = json_loads(FULL_DATA, 0, NULL);
  json_t *p = json_loads(patch, 0, NULL);
  json_object_update(d, p);
  struct mail_rendered r;
  char why[200] = "";
  CHECK_MSG(!mail_template_render(name, "sv", d, &ctx, &r, why, sizeof why), "%s %s", name,
            patch);
  CHECK_MSG(strstr(why, text), "%s %s: '%s'", name, patch, why);
  CHECK(r.subject == NULL && r.body == NULL);
  json_decref(p);
  json_decref(d);
}

static void test_refusals(void)
{
  refused("nope", "{}", "unknown template 'nope'");
  CHECK(!mail_template_known("nope"));
  CHECK(!mail_template_known(NULL));
  refused("invitation_customer", "{\"invoice_recipient\":\"bank\"}",
          "needs data field 'invoice_recipient' (\"office\" or \"customer\")");
  refused("invitation_office", "{\"expires_at\":\"soon\"}", "needs data field 'expires_at'");
  refused("expired_office", "{\"expires_at\":\"2026-12\"}", "needs data field 'expires_at'");
  refused("office_accepted", "{\"office_name\":\"\"}", "needs data field 'office_name'");
  refused("terms_changed_customer", "{\"agreement_period_months\":true}",
          "needs data field 'agreement_period_months'");
  /* an optional member that is present but unusable is refused where it is used */
  refused("approved_office", "{\"invoice_recipient\":\"bank\"}",
          "the data has no usable 'invoice_recipient'");
  json_t *arr = json_array();
  struct mail_rendered r;
  char why[200];
  CHECK(!mail_template_render("office_accepted", "sv", arr, &ctx, &r, why, sizeof why));
  CHECK(strstr(why, "not a JSON object") != NULL);
  json_decref(arr);
}

static void test_unknown_language_is_swedish(void)
{
  expect("office_accepted", "de", "{}", "har accepterat den inbjudan", true);
  expect("office_accepted", NULL, "{}", "har accepterat den inbjudan", true);
}

static void test_data_cannot_add_lines(void)
{
  json_t *d = json_loads(FULL_DATA, 0, NULL);
  json_object_set_new(d, "company_name", json_string("Evil\r\nBcc: all@example.com\n\nHi"));
  json_object_set_new(d, "reason", json_string("a\nb"));
  struct mail_rendered r;
  char why[200];
  CHECK(mail_template_render("declined_office", "en", d, &ctx, &r, why, sizeof why));
  CHECK(r.subject && !strchr(r.subject, '\n') && !strchr(r.subject, '\r'));
  CHECK(r.body && !strstr(r.body, "\nBcc:") && !strchr(r.body, '\r'));
  CHECK(r.body && strstr(r.body, "Reason given: a b\n"));
  mail_rendered_free(&r);
  json_decref(d);
}

int main(void)
{
  init_key();
  test_greeting();
  test_integer_and_string_conditions();
  test_boolean_conditions();
  test_payer_variant_and_features();
  test_refusals();
  test_unknown_language_is_swedish();
  test_data_cannot_add_lines();
  return TEST_REPORT();
}
