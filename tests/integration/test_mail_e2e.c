/* End-to-end test of every e-mail of each way a collaboration starts: the office and the
 * customer act over the API, the mailer delivers to a real SMTP server on loopback, and each
 * message is checked as it arrived (recipient, subject in its language, Message-ID of its
 * outbox row); the invitation link is taken from the delivered body and opened against the
 * API (GET /v1/invitations/{token}), then used to answer. Ways 1 and 3 in Swedish, 2 and 4 in
 * English. Finally support's outbox view shows every message sent. */
#include "collab_fx.h"
#include "smtp_sink.h"

#include <unistd.h>

TEST_MAIN_DEFS

#define PUBLIC_URL "https://advisor.example.se"

static struct server s;
static struct smtp_sink k;
static char office[FX_ID_LEN], tok_office[FX_TOKEN_LEN];
static int mails_checked;

/* Waits for the message to `to` whose subject contains `subject_part`; a deep copy (caller
 * decrefs) or NULL. */
static json_t *wait_mail(const char *to, const char *subject_part)
{
  for (int waited = 0; waited < 30000; waited += 100) {
    json_t *all = sink_received(&k);
    size_t i;
    json_t *m;
    json_array_foreach(all, i, m)
    {
      const char *rcpt = json_string_value(json_array_get(json_object_get(m, "rcpt_tos"), 0));
      const char *subj = json_string_value(json_object_get(m, "subject"));
      if (rcpt && subj && strcmp(rcpt, to) == 0 && strstr(subj, subject_part)) {
        json_t *copy = json_deep_copy(m);
        json_decref(all);
        return copy;
      }
    }
    json_decref(all);
    usleep(100000);
  }
  CHECK_MSG(false, "no e-mail to %s about '%s'", to, subject_part);
  return NULL;
}

/* Checks one delivered message: headers, language, and that its Message-ID is that of an
 * outbox row of the collaboration with this template. Copies the invitation link's path into
 * link (empty when the body has none). */
static void check_mail(json_t *m, const char *collab_id, const char *tpl, const char *lang,
                       const char *greeting, char *link, size_t len)
{
  link[0] = '\0';
  if (!m)
    return;
  mails_checked++;
  CHECK_STR(json_string_value(json_object_get(m, "language")), lang);
  CHECK_STR(json_string_value(json_object_get(m, "content_type")), "text/plain");
  CHECK_STR(json_string_value(json_object_get(m, "charset")), "utf-8");
  CHECK_INT(json_array_size(json_object_get(m, "defects")), 0);
  const char *body = json_string_value(json_object_get(m, "body"));
  CHECK_MSG(body && strncmp(body, greeting, strlen(greeting)) == 0, "%s: %s", tpl, body);
  const char *mid = json_string_value(json_object_get(m, "message_id"));
  char sql[200];
  snprintf(sql, sizeof sql,
           "SELECT count(*) FROM outbox WHERE message_id = ? AND collaboration_id = '%.36s' "
           "AND template = '%.30s' AND language = '%.2s'",
           collab_id, tpl, lang);
  CHECK_MSG(cx_count(&s, sql, mid) == 1, "%s: %s is not the outbox row's Message-ID", tpl, mid);
  const char *at = body ? strstr(body, PUBLIC_URL "/v1/invitations/") : NULL;
  if (at) {
    at += strlen(PUBLIC_URL);
    size_t n = strcspn(at, " \n");
    snprintf(link, len, "%.*s", (int)n, at);
  }
}

/* The body says until when the invitation is valid: the date of the collaboration's
 * expires_at after the phrase. */
static void check_expiry_line(json_t *m, const char *collab_id, const char *phrase)
{
  char path[128], want[160];
  snprintf(path, sizeof path, "/v1/collaborations/%s", collab_id);
  struct resp r;
  CHECK(api(&s, "GET", path, tok_office, NULL, &r));
  const char *expires = resp_str(&r, "expires_at");
  snprintf(want, sizeof want, "%s%.10s.\n", phrase, expires ? expires : "?");
  resp_free(&r);
  const char *body = m ? json_string_value(json_object_get(m, "body")) : NULL;
  CHECK_MSG(body && strstr(body, want), "no '%s' in %s", want, body ? body : "(none)");
}

/* The link opens the invitation: 200 with the answers it offers. */
static void check_link_opens(const char *link, const char *answers)
{
  CHECK_MSG(link[0] != '\0', "no invitation link");
  struct resp r;
  CHECK(api(&s, "GET", link, NULL, NULL, &r));
  CHECK_MSG(r.status == 200, "GET %s: %ld %s", link, r.status, r.body);
  CHECK(r.body && strstr(r.body, answers));
  resp_free(&r);
}

static void answer_link(const char *link, const char *action, const char *body,
                        const char *state)
{
  char path[200];
  snprintf(path, sizeof path, "%s/%s", link, action);
  struct resp r;
  CHECK(api(&s, "POST", path, NULL, body, &r));
  CHECK_MSG(r.status == 200, "POST %s: %ld %s", path, r.status, r.body);
  CHECK_STR(resp_str(&r, "state"), state);
  resp_free(&r);
  CHECK(api(&s, "GET", link, NULL, NULL, &r)); /* used up */
  CHECK_INT(r.status, 404);
  resp_free(&r);
}

/* The office activates a collaboration with the customer: body holds "TASK" for the task. */
static void activate(const char *customer, const char *body, const char *task, char *id)
{
  char path[160], text[1024];
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
  const char *at = strstr(body, "TASK");
  snprintf(text, sizeof text, "%.*s%s%s", at ? (int)(at - body) : (int)strlen(body), body,
           at ? task : "", at ? at + 4 : "");
  struct resp r;
  CHECK(api(&s, "POST", path, tok_office, text, &r));
  CHECK_MSG(r.status == 201, "%ld %s", r.status, r.body);
  snprintf(id, FX_ID_LEN, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
}

/* Way 1 (Swedish): a subscriber is invited; approves through the link; the office hears. */
static void way1(void)
{
  char company[FX_ID_LEN], customer[FX_ID_LEN], task[FX_ID_LEN], id[FX_ID_LEN], link[200];
  fx_subscriber(&s, "556100-0026", "Prenumerant AB", "bokforing", "customer", "12",
                "2031-03-31", company);
  /* the invitation goes to the company's administrator on the portal (its main contact) */
  char cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN];
  fx_customer_admin(&s, "556100-0026", "Pia Prenumerant", "pia@prenumerant.se", cadmin,
                    tok_cadmin);
  cx_customer(&s, tok_office, "556100-0026", "Prenumeranten", "info@prenumerant.se", customer);
  cx_task(&s, tok_office, customer, "Bokslut 2027", task);
  activate(customer, "{\"task_id\":\"TASK\"}", task, id);
  json_t *m = wait_mail("pia@prenumerant.se", "Byrå Ett AB bjuder in Prenumeranten till "
                                              "samarbete i Visma eEkonomi Bokföring");
  check_mail(m, id, "invitation_customer", "sv", "Hej!", link, sizeof link);
  check_expiry_line(m, id, "Inbjudan gäller till och med ");
  json_decref(m);
  check_link_opens(link, "\"answers\":[\"approve\",\"decline\"]");
  answer_link(link, "approve", NULL, "active");
  m = wait_mail("info@byra-ett.se", "Prenumeranten har godkänt samarbetet");
  check_mail(m, id, "approved_office", "sv", "Hej!", link, sizeof link);
  CHECK_STR(link, "");
  json_decref(m);
}

/* Way 2 (English): a company with an account; the office picks the terms. */
static void way2(void)
{
  char company[FX_ID_LEN], customer[FX_ID_LEN], task[FX_ID_LEN], id[FX_ID_LEN], link[200];
  fx_company(&s, "556100-0018", "Konto AB", "account", company);
  char cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN];
  fx_customer_admin(&s, "556100-0018", "Kim Konto", "kim@konto.se", cadmin, tok_cadmin);
  cx_customer(&s, tok_office, "5561000018", "Konto (our customer)", "kontakt@konto.se",
              customer);
  cx_task(&s, tok_office, customer, "Löpande bokföring 2027", task);
  activate(customer,
           "{\"task_id\":\"TASK\",\"variant\":\"smart\",\"invoice_recipient\":\"office\","
           "\"agreement_period_months\":12,\"language\":\"en\"}",
           task, id);
  json_t *m = wait_mail("kim@konto.se", "Byrå Ett AB invites Konto (our customer) to "
                                        "collaborate in Visma eEkonomi Smart");
  check_mail(m, id, "invitation_customer", "en", "Hello,", link, sizeof link);
  check_expiry_line(m, id, "The invitation is valid until ");
  json_decref(m);
  check_link_opens(link, "\"answers\":[\"approve\",\"decline\"]");
  answer_link(link, "approve", NULL, "active");
  m = wait_mail("info@byra-ett.se", "Konto (our customer) has approved the collaboration");
  check_mail(m, id, "approved_office", "en", "Hello,", link, sizeof link);
  json_decref(m);
}

/* Way 3 (Swedish): no relation; the new administrator gets the activation e-mail. */
static void way3(void)
{
  char customer[FX_ID_LEN], task[FX_ID_LEN], id[FX_ID_LEN], link[200];
  cx_customer(&s, tok_office, "556100-0034", "Nystart", "hej@nystart.se", customer);
  cx_task(&s, tok_office, customer, "Löpande 2027", task);
  activate(customer,
           "{\"task_id\":\"TASK\",\"variant\":\"start\",\"invoice_recipient\":\"customer\","
           "\"agreement_period_months\":3,\"administrator\":{\"name\":\"Nils Ny\","
           "\"email\":\"nils@nystart.se\",\"phone\":\"+46 70 123 45 67\"}}",
           task, id);
  json_t *m = wait_mail("nils@nystart.se", "Byrå Ett AB har aktiverat Visma eEkonomi Start "
                                           "för Nystart");
  check_mail(m, id, "activation_new_admin", "sv", "Hej Nils Ny!", link, sizeof link);
  json_decref(m);
  check_link_opens(link, "\"answers\":[\"approve\",\"decline\"]");
  answer_link(link, "approve", NULL, "active");
  m = wait_mail("info@byra-ett.se", "Nystart har godkänt samarbetet");
  check_mail(m, id, "approved_office", "sv", "Hej!", link, sizeof link);
  json_decref(m);
}

/* Way 4 (English): the customer invites the office, which accepts through the link. */
static void way4(void)
{
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN], id[FX_ID_LEN],
      link[200];
  fx_subscriber(&s, "556100-0042", "Inbjudare AB", "smart", "customer", "3", "2030-06-30", company);
  fx_customer_admin(&s, "556100-0042", "Ida Inbjudare", "ida@inbjudare.se", cadmin, tok_cadmin);
  struct resp r;
  CHECK(cx_post(&s, "/v1/office-invitations", tok_cadmin, &r,
                "{\"office_corporate_id\":\"556036-0793\",\"language\":\"en\"}"));
  CHECK_MSG(r.status == 201, "%ld %s", r.status, r.body);
  snprintf(id, sizeof id, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
  json_t *m = wait_mail("info@byra-ett.se", "Inbjudare AB invites your office to collaborate");
  check_mail(m, id, "invitation_office", "en", "Hello,", link, sizeof link);
  const char *body = m ? json_string_value(json_object_get(m, "body")) : NULL;
  CHECK(body && strstr(body, "corporate ID 556100-0042"));
  json_decref(m);
  check_link_opens(link, "\"answers\":[\"accept\",\"decline\"]");
  answer_link(link, "accept", "{\"corporate_id\":\"556036-0793\",\"email\":\"info@byra-ett.se\"}",
              "approved");
  m = wait_mail("ida@inbjudare.se", "Byrå Ett AB has accepted your invitation");
  check_mail(m, id, "office_accepted", "en", "Hello,", link, sizeof link);
  json_decref(m);
}

int main(void)
{
  sink_start(&k, 0, 0);
  const char *args[] = {"--smtp-url", k.url, "--mail-retry-min", "1", "--mail-retry-max", "2",
                        "--public-url", PUBLIC_URL, NULL};
  server_start(&s, args, NULL);
  fx_office(&s, "Byrå Ett AB", "5560360793", "info@byra-ett.se", office, tok_office);
  way1();
  way2();
  way3();
  way4();
  CHECK_INT(mails_checked, 8);

  char support_id[FX_ID_LEN], tok_support[FX_TOKEN_LEN];
  fx_support(&s, "support@vendor.example", support_id, tok_support);
  struct resp r;
  CHECK(api(&s, "GET", "/v1/outbox?status=sent&limit=50", tok_support, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 8);
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/outbox?status=failed", tok_support, NULL, &r));
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 0);
  resp_free(&r);
  json_t *all = sink_received(&k);
  CHECK_INT(json_array_size(all), 8); /* nothing sent twice */
  json_decref(all);

  CHECK_INT(server_stop(&s, false), 0);
  sink_cleanup(&k);
  return TEST_REPORT();
}
