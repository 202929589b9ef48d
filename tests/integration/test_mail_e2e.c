/* End-to-end test of every e-mail of each way a collaboration starts: the office and the
 * customer act over the API, the mailer delivers to a real SMTP server on loopback, and each
 * message is checked as it arrived (recipient, subject in its language, Message-ID of its
 * outbox row); the invitation link is taken from the delivered body and opened against the
 * API (GET /v1/invitations/{token}), then used to answer. Each body states the facts (office,
 * the company by its own name and never by the office's register name, the variant's display
 * name, who pays, the period, the link's expiry); the matrix's e-mails of each step arrive
 * (invitation to the company's administrator, approval to the office, activation to the
 * administrator; way 4: invitation to the office, acceptance and activation to the company's
 * administrator). Ways 1 and 3 in Swedish, 2 and 4 in English. Finally support's outbox view
 * shows every message sent, and nothing was sent twice. */
#include "collab_fx.h"
#include "smtp_sink.h"

#include <unistd.h>

TEST_MAIN_DEFS

#define PUBLIC_URL "https://advisor.example.se"

static struct server s;
static struct smtp_sink k;
static char office[FX_ID_LEN], tok_office[FX_TOKEN_LEN];
static int mails_checked;

#define N_MAILS 12 /* every e-mail the four ways send: three each */

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
  char sql[300];
  snprintf(sql, sizeof sql,
           "SELECT count(*) FROM outbox WHERE '<' || id || '@advisord>' = ? "
           "AND collaboration_id = '%.36s' "
           "AND template = '%.30s' AND language = '%.2s'",
           collab_id, tpl, lang);
  CHECK_MSG(cx_count(&s, sql, mid) == 1, "%s: %s is not the outbox row's Message-ID", tpl, mid);
  /* The link opens the web app's page with the token in the fragment; the page (and this
   * test) reads the invitation from the API at /v1/invitations/{token}. */
  const char *at = body ? strstr(body, PUBLIC_URL "/invitation#token=") : NULL;
  if (at) {
    at += strlen(PUBLIC_URL "/invitation#token=");
    size_t n = strcspn(at, " \n");
    snprintf(link, len, "/v1/invitations/%.*s", (int)n, at);
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
  snprintf(want, sizeof want, "%s%.10s.", phrase, expires ? expires : "?");
  resp_free(&r);
  const char *body = m ? json_string_value(json_object_get(m, "body")) : NULL;
  CHECK_MSG(body && strstr(body, want), "no '%s' in %s", want, body ? body : "(none)");
}

/* The body states each of facts (NULL-terminated) and not the text `never` (may be NULL), and
 * keeps no placeholder. */
static void check_facts(json_t *m, const char *const *facts, const char *never)
{
  const char *body = m ? json_string_value(json_object_get(m, "body")) : NULL;
  for (size_t i = 0; facts[i]; i++)
    CHECK_MSG(body && strstr(body, facts[i]), "no '%s' in %s", facts[i],
              body ? body : "(none)");
  CHECK_MSG(body && (!never || !strstr(body, never)), "'%s' in %s", never ? never : "",
            body ? body : "(none)");
  CHECK_MSG(body && !strchr(body, '{'), "a placeholder left in %s", body ? body : "(none)");
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
  /* the company's own name, never the office's register name ("Prenumeranten") */
  json_t *m = wait_mail("pia@prenumerant.se", "Byrå Ett AB bjuder in Prenumerant AB till "
                                              "samarbete i Visma eEkonomi Bokföring");
  check_mail(m, id, "invitation_customer", "sv", "Hej Pia Prenumerant!\n", link, sizeof link);
  check_expiry_line(m, id, "Inbjudan gäller till och med ");
  const char *invited[] = {"Redovisningsbyrån Byrå Ett AB vill samarbeta med Prenumerant AB i "
                           "Visma eEkonomi Bokföring.",
                           "Företag: Prenumerant AB, organisationsnummer 556100-0026",
                           "Betalas av: företaget", "Avtalsperiod: 12 månader", NULL};
  check_facts(m, invited, "Prenumeranten");
  json_decref(m);
  check_link_opens(link, "\"answers\":[\"approve\",\"decline\"]");
  answer_link(link, "approve", NULL, "active");
  m = wait_mail("info@byra-ett.se", "Prenumerant AB har godkänt samarbetet i Visma eEkonomi "
                                    "Bokföring");
  check_mail(m, id, "approved_office", "sv", "Hej!\n", link, sizeof link);
  CHECK_STR(link, "");
  const char *approved[] = {"Pia Prenumerant (administratör) på Prenumerant AB har godkänt",
                            "Samarbetet är nu aktivt", "Betalas av: företaget",
                            "Avtalsperiod: 12 månader", NULL};
  check_facts(m, approved, NULL);
  json_decref(m);
  m = wait_mail("pia@prenumerant.se", "Samarbetet med Byrå Ett AB är nu aktivt");
  check_mail(m, id, "activated_customer", "sv", "Hej Pia Prenumerant!\n", link, sizeof link);
  CHECK_STR(link, "");
  const char *active[] = {"Samarbetet mellan Prenumerant AB och redovisningsbyrån Byrå Ett AB i "
                          "Visma eEkonomi Bokföring är nu aktivt.",
                          /* way 1: the company's agreement goes on, nothing new charged */
                          "inget nytt debiteras förrän 2031-03-31.", "Betalas av: företaget",
                          "Avtalsperiod: 12 månader", "Förnyelsedatum: 2031-03-31", NULL};
  check_facts(m, active, "Prenumeranten");
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
  json_t *m = wait_mail("kim@konto.se", "Byrå Ett AB invites Konto AB to collaborate in "
                                        "Visma eEkonomi Smart");
  check_mail(m, id, "invitation_customer", "en", "Hello Kim Konto,\n", link, sizeof link);
  check_expiry_line(m, id, "The invitation is valid until ");
  const char *invited[] = {"The accounting office Byrå Ett AB would like to work with Konto AB "
                           "in Visma eEkonomi Smart.",
                           "Company: Konto AB, corporate ID 556100-0018", "Paid for by: the office",
                           "Agreement period: 12 months", NULL};
  check_facts(m, invited, "our customer");
  const char *body = m ? json_string_value(json_object_get(m, "body")) : NULL;
  CHECK(body && !strstr(body, "nothing new is charged")); /* not way 1 */
  json_decref(m);
  check_link_opens(link, "\"answers\":[\"approve\",\"decline\"]");
  answer_link(link, "approve", NULL, "active");
  m = wait_mail("info@byra-ett.se", "Konto AB has approved the collaboration in Visma eEkonomi "
                                    "Smart");
  check_mail(m, id, "approved_office", "en", "Hello,\n", link, sizeof link);
  const char *approved[] = {"Kim Konto (administrator) at Konto AB has approved",
                            "Paid for by: the office", "Agreement period: 12 months", NULL};
  check_facts(m, approved, NULL);
  json_decref(m);
  m = wait_mail("kim@konto.se", "The collaboration with Byrå Ett AB is now active");
  check_mail(m, id, "activated_customer", "en", "Hello Kim Konto,\n", link, sizeof link);
  const char *active[] = {"The collaboration between Konto AB and the accounting office Byrå "
                          "Ett AB in Visma eEkonomi Smart is now active.",
                          "Paid for by: the office", "Agreement period: 12 months", NULL};
  check_facts(m, active, "our customer");
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
  check_mail(m, id, "activation_new_admin", "sv", "Hej Nils Ny!\n", link, sizeof link);
  check_expiry_line(m, id, "Inbjudan gäller till och med ");
  const char *invited[] = {"Byrån har angett dig, Nils Ny, som företagets administratör",
                           "Redovisningsbyrå: Byrå Ett AB", "Tjänst: Visma eEkonomi Start",
                           "Betalas av: företaget", "Avtalsperiod: 3 månader", NULL};
  check_facts(m, invited, NULL);
  json_decref(m);
  check_link_opens(link, "\"answers\":[\"approve\",\"decline\"]");
  answer_link(link, "approve", NULL, "active");
  m = wait_mail("info@byra-ett.se", "Nystart har godkänt samarbetet i Visma eEkonomi Start");
  check_mail(m, id, "approved_office", "sv", "Hej!\n", link, sizeof link);
  const char *approved[] = {"Nils Ny (administratör) på Nystart har godkänt",
                            "Betalas av: företaget", "Avtalsperiod: 3 månader", NULL};
  check_facts(m, approved, NULL);
  json_decref(m);
  m = wait_mail("nils@nystart.se", "Samarbetet med Byrå Ett AB är nu aktivt");
  check_mail(m, id, "activated_customer", "sv", "Hej Nils Ny!\n", link, sizeof link);
  const char *active[] = {"Tjänst: Visma eEkonomi Start", "Betalas av: företaget",
                          "Avtalsperiod: 3 månader", NULL};
  check_facts(m, active, NULL);
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
  json_t *m = wait_mail("info@byra-ett.se", "Inbjudare AB invites your office to collaborate "
                                            "in Visma eEkonomi Smart");
  check_mail(m, id, "invitation_office", "en", "Hello,\n", link, sizeof link);
  check_expiry_line(m, id, "The invitation is valid until ");
  const char *invited[] = {"Inbjudare AB (corporate ID 556100-0042) would like your office",
                           "accept the terms", "Service: Visma eEkonomi Smart",
                           "Paid for by: the company", "Agreement period: 3 months", NULL};
  check_facts(m, invited, NULL);
  json_decref(m);
  check_link_opens(link, "\"answers\":[\"accept\",\"decline\"]");
  answer_link(link, "accept",
              "{\"corporate_id\":\"556036-0793\",\"email\":\"info@byra-ett.se\","
              "\"terms_version\":\"2026-11\"}",
              "approved");
  m = wait_mail("ida@inbjudare.se", "Byrå Ett AB has accepted your invitation");
  check_mail(m, id, "office_accepted", "en", "Hello Ida Inbjudare,\n", link, sizeof link);
  const char *accepted[] = {"The accounting office Byrå Ett AB has accepted the invitation to "
                            "collaborate that Inbjudare AB sent.",
                            "Service: Visma eEkonomi Smart", "Paid for by: the company",
                            "Agreement period: 3 months", NULL};
  check_facts(m, accepted, NULL);
  json_decref(m);
  /* active once the office connects a task of its customer: the administrator hears */
  char customer[FX_ID_LEN], task[FX_ID_LEN];
  cx_customer(&s, tok_office, "556100-0042", "Inbjudaren", "ekonomi@inbjudare.se", customer);
  cx_task(&s, tok_office, customer, "Löpande bokföring", task);
  char body[128];
  snprintf(body, sizeof body, "{\"task_id\":\"%s\"}", task);
  CHECK(cx_action(&s, id, "activate", tok_office, body, &r));
  CHECK_MSG(r.status == 200, "%ld %s", r.status, r.body);
  CHECK_STR(resp_str(&r, "state"), "active");
  resp_free(&r);
  m = wait_mail("ida@inbjudare.se", "The collaboration with Byrå Ett AB is now active");
  check_mail(m, id, "activated_customer", "en", "Hello Ida Inbjudare,\n", link, sizeof link);
  CHECK_STR(link, "");
  const char *active[] = {"The collaboration between Inbjudare AB and the accounting office "
                          "Byrå Ett AB in Visma eEkonomi Smart is now active.",
                          "Paid for by: the company", "Agreement period: 3 months",
                          "Renewal date: 2030-06-30", NULL};
  check_facts(m, active, "Inbjudaren");
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
  CHECK_INT(mails_checked, N_MAILS);

  char support_id[FX_ID_LEN], tok_support[FX_TOKEN_LEN];
  fx_support(&s, "support@vendor.example", support_id, tok_support);
  struct resp r;
  CHECK(api(&s, "GET", "/v1/outbox?status=sent&limit=50", tok_support, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), N_MAILS);
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/outbox?status=failed", tok_support, NULL, &r));
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 0);
  resp_free(&r);
  json_t *all = sink_received(&k);
  CHECK_INT(json_array_size(all), N_MAILS); /* nothing sent twice */
  json_decref(all);

  CHECK_INT(server_stop(&s, false), 0);
  sink_cleanup(&k);
  return TEST_REPORT();
}
