/* Integration test: e-mails enqueued in the running server's database are delivered over SMTP
 * to a real SMTP server on loopback (tests/mail/smtp_sink.py): every template in Swedish and
 * English arrives with the right recipient, subject, language, MIME headers, Message-ID and
 * a working invitation link token; a message that cannot be built is failed with its reason;
 * and with no SMTP URL the same message lands in the spool folder as <id>.eml. */
#include "harness.h"
#include "secret.h"
#include "smtp_sink.h"
#include "store_outbox.h"
#include "testlib.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

TEST_MAIN_DEFS

/* One e-mail: its data as the service writes it (the collaboration's facts), the subject and
 * greeting it must arrive with, and the facts its body must state (office, company, variant's
 * display name, who pays, period, and for a link until when it works). */
#define MAX_FACTS 9

struct mail_case {
  const char *tpl, *lang, *to, *data, *subject, *greeting;
  bool link;
  const char *facts[MAX_FACTS];
  char id[37];
};

/* The facts the service puts in every e-mail of a collaboration. */
#define FACTS(variant, payer, months)                                                        \
  "\"office_name\":\"Byrå Öst AB\",\"company_name\":\"Ärlig Bygg AB\","                     \
  "\"corporate_id\":\"556036-0793\",\"variant\":\"" variant "\",\"invoice_recipient\":\""  \
  payer "\",\"agreement_period_months\":" #months

static struct mail_case cases[] = {
    /* way 1: the company subscribes already; the data names the variant (no look-up) */
    {"invitation_customer", "sv", "kund1@example.se",
     "{" FACTS("bokforing", "customer", 12) ",\"variant_name\":\"Visma eEkonomi Bokföring\","
     "\"collaboration_id\":\"c1\",\"token_nonce\":\"nonce-a1\",\"recipient_name\":\"Anna Berg\","
     "\"expires_at\":\"2027-01-15T10:00:00.000Z\",\"no_charge_until\":\"2027-03-31\"}",
     "Byrå Öst AB bjuder in Ärlig Bygg AB till samarbete i Visma eEkonomi Bokföring",
     "Hej Anna Berg!\n",
     true,
     {"Redovisningsbyrån Byrå Öst AB vill samarbeta med Ärlig Bygg AB i Visma eEkonomi "
      "Bokföring.",
      "Företag: Ärlig Bygg AB, organisationsnummer 556036-0793", "Betalas av: företaget",
      "Avtalsperiod: 12 månader",
      "Företagets befintliga avtal fortsätter att gälla, och inget nytt debiteras förrän "
      "2027-03-31.",
      "Inbjudan gäller till och med 2027-01-15."},
     ""},
    /* a reminder; the variant's name comes from the mailer's look-up */
    {"invitation_customer", "en", "kund2@example.se",
     "{" FACTS("smart", "office", 3) ",\"collaboration_id\":\"c2\",\"token_nonce\":\"nonce-a2\","
     "\"expires_at\":\"2027-02-01T23:30:00.000Z\",\"reminder\":1}",
     "Byrå Öst AB invites Ärlig Bygg AB to collaborate in Visma eEkonomi Smart", "Hello,\n",
     true,
     {"This is a reminder: the invitation below has not been answered yet.",
      "The accounting office Byrå Öst AB would like to work with Ärlig Bygg AB in Visma "
      "eEkonomi Smart.",
      "Paid for by: the office", "Agreement period: 3 months",
      "The invitation is valid until 2027-02-01."},
     ""},
    {"activation_new_admin", "sv", "admin@example.se",
     "{" FACTS("start", "customer", 3) ",\"collaboration_id\":\"c3\",\"token_nonce\":\"nonce-a3\","
     "\"recipient_name\":\"Åsa Öberg\",\"expires_at\":\"2027-01-20T08:00:00.000Z\"}",
     "Byrå Öst AB har aktiverat Visma eEkonomi Start för Ärlig Bygg AB", "Hej Åsa Öberg!\n",
     true,
     {"Byrån har angett dig, Åsa Öberg, som företagets administratör",
      "Redovisningsbyrå: Byrå Öst AB", "Tjänst: Visma eEkonomi Start", "Betalas av: företaget",
      "Avtalsperiod: 3 månader", "Inbjudan gäller till och med 2027-01-20."},
     ""},
    {"activation_new_admin", "en", "admin2@example.se",
     "{" FACTS("pro", "office", 12) ",\"collaboration_id\":\"c4\",\"token_nonce\":\"nonce-a4\","
     "\"recipient_name\":\"Åsa Öberg\",\"expires_at\":\"2027-01-21T08:00:00.000Z\"}",
     "Byrå Öst AB has activated Visma eEkonomi Pro for Ärlig Bygg AB", "Hello Åsa Öberg,\n",
     true,
     {"The office has named you, Åsa Öberg, the company's administrator",
      "Accounting office: Byrå Öst AB", "Service: Visma eEkonomi Pro",
      "Paid for by: the office", "Agreement period: 12 months",
      "The invitation is valid until 2027-01-21."},
     ""},
    {"invitation_office", "sv", "byra@example.se",
     "{" FACTS("smart", "customer", 12) ",\"collaboration_id\":\"c5\",\"token_nonce\":\"nonce-a5\","
     "\"expires_at\":\"2027-01-22T08:00:00.000Z\"}",
     "Ärlig Bygg AB bjuder in er byrå till samarbete i Visma eEkonomi Smart", "Hej!\n", true,
     {"Ärlig Bygg AB (organisationsnummer 556036-0793) vill att er byrå",
      "godkänner villkoren", "Tjänst: Visma eEkonomi Smart", "Betalas av: företaget",
      "Avtalsperiod: 12 månader", "Inbjudan gäller till och med 2027-01-22."},
     ""},
    {"invitation_office", "en", "byra2@example.se",
     "{" FACTS("fakturering", "office", 3) ",\"collaboration_id\":\"c6\","
     "\"token_nonce\":\"nonce-a6\",\"expires_at\":\"2027-01-23T08:00:00.000Z\"}",
     "Ärlig Bygg AB invites your office to collaborate in Visma eEkonomi Fakturering",
     "Hello,\n", true,
     {"Ärlig Bygg AB (corporate ID 556036-0793) would like your office", "accept the terms",
      "Service: Visma eEkonomi Fakturering", "Paid for by: the office",
      "Agreement period: 3 months", "The invitation is valid until 2027-01-23."},
     ""},
    {"office_accepted", "sv", "kundadmin@example.se",
     "{" FACTS("smart", "customer", 12) ",\"collaboration_id\":\"c7\","
     "\"recipient_name\":\"Anna Berg\",\"terms_version\":\"2026-11\"}",
     "Byrå Öst AB har accepterat er inbjudan", "Hej Anna Berg!\n", false,
     {"Redovisningsbyrån Byrå Öst AB har accepterat den inbjudan till samarbete som Ärlig Bygg "
      "AB skickade.",
      "Byrån har godkänt villkoren (version 2026-11).", "Tjänst: Visma eEkonomi Smart",
      "Betalas av: företaget", "Avtalsperiod: 12 månader"},
     ""},
    {"office_accepted", "en", "kundadmin2@example.se",
     "{" FACTS("bokforing", "office", 3) ",\"collaboration_id\":\"c8\"}",
     "Byrå Öst AB has accepted your invitation", "Hello,\n", false,
     {"The accounting office Byrå Öst AB has accepted the invitation to collaborate that Ärlig "
      "Bygg AB sent.",
      "Service: Visma eEkonomi Bokföring", "Paid for by: the office",
      "Agreement period: 3 months"},
     ""},
    {"approved_office", "sv", "byra3@example.se",
     "{" FACTS("smart", "office", 12) ",\"collaboration_id\":\"c9\","
     "\"actor_name\":\"Anna Berg (administratör)\",\"starts_on\":\"2027-01-01\","
     "\"renews_on\":\"2027-12-31\"}",
     "Ärlig Bygg AB har godkänt samarbetet i Visma eEkonomi Smart", "Hej!\n", false,
     {"Anna Berg (administratör) på Ärlig Bygg AB har godkänt villkoren",
      "Redovisningsbyrå: Byrå Öst AB", "Betalas av: byrån", "Avtalsperiod: 12 månader",
      "Startdatum: 2027-01-01", "Förnyelsedatum: 2027-12-31"},
     ""},
    {"approved_office", "en", "byra4@example.se",
     "{" FACTS("pro", "customer", 3) ",\"collaboration_id\":\"c10\","
     "\"actor_name\":\"Anna Berg (administrator)\"}",
     "Ärlig Bygg AB has approved the collaboration in Visma eEkonomi Pro", "Hello,\n", false,
     {"Anna Berg (administrator) at Ärlig Bygg AB has approved the terms",
      "Accounting office: Byrå Öst AB", "Paid for by: the company",
      "Agreement period: 3 months"},
     ""},
};
#define N_CASES (sizeof cases / sizeof cases[0])

static enum store_status enqueue_all(struct store_conn *c, void *arg)
{
  (void)arg;
  for (size_t i = 0; i < N_CASES; i++) {
    struct outbox_message m = {cases[i].to, cases[i].tpl, cases[i].lang, cases[i].data, NULL};
    enum store_status st = store_outbox_enqueue(c, &m, cases[i].id);
    if (st != STORE_OK)
      return st;
  }
  return STORE_OK;
}

struct one {
  struct outbox_message m;
  char id[37];
};

static enum store_status enqueue_one(struct store_conn *c, void *arg)
{
  struct one *o = arg;
  return store_outbox_enqueue(c, &o->m, o->id);
}

static struct store *open_db(const struct server *s)
{
  char why[256];
  struct store *st = store_open(s->db, false, why, sizeof why);
  CHECK_MSG(st != NULL, "%s", why);
  return st;
}

/* Waits until the row leaves pending; returns its final status into r. */
static void wait_settled(struct store *st, const char *id, struct outbox_row *r)
{
  for (int i = 0; i < 600; i++) {
    if (store_outbox_get(store_conn(st), id, r) == STORE_OK && strcmp(r->status, "pending") != 0)
      return;
    usleep(50000);
  }
}

static void check_message(json_t *got, const struct mail_case *c, const struct secret *key)
{
  char mid[64];
  snprintf(mid, sizeof mid, "<%s@advisord>", c->id);
  CHECK_MSG(got != NULL, "no message %s (%s/%s)", mid, c->tpl, c->lang);
  if (!got)
    return;
  json_t *rcpt = json_object_get(got, "rcpt_tos");
  CHECK_INT(json_array_size(rcpt), 1);
  CHECK_STR(json_string_value(json_array_get(rcpt, 0)), c->to);
  CHECK_STR(json_string_value(json_object_get(got, "to")), c->to);
  CHECK_STR(json_string_value(json_object_get(got, "mail_from")), "no-reply@advisord.test");
  CHECK_STR(json_string_value(json_object_get(got, "from")),
            "Rådgivning advisord <no-reply@advisord.test>");
  CHECK_STR(json_string_value(json_object_get(got, "subject")), c->subject);
  CHECK_STR(json_string_value(json_object_get(got, "language")), c->lang);
  CHECK_STR(json_string_value(json_object_get(got, "mime_version")), "1.0");
  CHECK_STR(json_string_value(json_object_get(got, "content_type")), "text/plain");
  CHECK_STR(json_string_value(json_object_get(got, "charset")), "utf-8");
  CHECK_STR(json_string_value(json_object_get(got, "transfer_encoding")), "quoted-printable");
  CHECK(strlen(json_string_value(json_object_get(got, "date"))) > 20);
  CHECK_INT(json_array_size(json_object_get(got, "defects")), 0);
  const char *body = json_string_value(json_object_get(got, "body"));
  CHECK_MSG(body && strncmp(body, c->greeting, strlen(c->greeting)) == 0, "%s/%s body: %s",
            c->tpl, c->lang, body ? body : "(none)");
  if (c->link) {
    json_t *data = json_loads(c->data, 0, NULL);
    char token[SECRET_TOKEN_LEN], link[200];
    secret_token(key, "invitation", json_string_value(json_object_get(data, "token_nonce")),
                 token);
    snprintf(link, sizeof link, "\nhttp://advisor.test:8080/v1/invitations/%s\n", token);
    CHECK_MSG(body && strstr(body, link), "%s/%s: link %s missing", c->tpl, c->lang, link);
    json_decref(data);
  } else {
    CHECK(body && !strstr(body, "/v1/invitations/"));
  }
  for (size_t i = 0; i < MAX_FACTS && c->facts[i]; i++)
    CHECK_MSG(body && strstr(body, c->facts[i]), "%s/%s: no '%s' in %s", c->tpl, c->lang,
              c->facts[i], body ? body : "(none)");
  CHECK_MSG(body && !strchr(body, '{'), "%s/%s: a placeholder left in %s", c->tpl, c->lang,
            body ? body : "(none)");
}

static void test_smtp(void)
{
  struct smtp_sink k;
  sink_start(&k, 0, 0);
  const char *args[] = {"--smtp-url", k.url, "--mail-retry-min", "1", "--mail-retry-max", "2",
                        "--public-url", "http://advisor.test:8080/", "--mail-from",
                        "Rådgivning advisord <no-reply@advisord.test>", NULL};
  struct server s;
  server_start(&s, args, NULL);
  struct store *st = open_db(&s);
  char key_path[320], why[256];
  struct secret key;
  snprintf(key_path, sizeof key_path, "%s/secret.key", s.dir);
  CHECK_MSG(secret_load(key_path, &key, why, sizeof why), "%s", why);

  CHECK_INT(store_write(st, enqueue_all, NULL), STORE_OK);
  struct one bad = {{"x@example.se", "no_such_template", "sv", "{}", NULL}, ""};
  CHECK_INT(store_write(st, enqueue_one, &bad), STORE_OK);
  size_t got = sink_wait(&k, N_CASES, 30000);
  CHECK_INT(got, N_CASES);
  json_t *recv = sink_received(&k);
  for (size_t i = 0; i < N_CASES; i++) {
    char mid[64];
    snprintf(mid, sizeof mid, "<%s@advisord>", cases[i].id);
    check_message(sink_find(recv, mid), &cases[i], &key);
    struct outbox_row r;
    wait_settled(st, cases[i].id, &r);
    CHECK_STR(r.status, "sent");
    CHECK_INT(r.attempts, 1);
    CHECK(r.sent_at[0] != '\0');
  }
  json_decref(recv);
  struct outbox_row r;
  wait_settled(st, bad.id, &r);
  CHECK_STR(r.status, "failed");
  CHECK_INT(r.attempts, 1);
  CHECK_MSG(strstr(r.last_error, "unknown template 'no_such_template'"), "%s", r.last_error);

  struct resp h;
  CHECK(api(&s, "GET", "/healthz", NULL, NULL, &h) && h.status == 200);
  resp_free(&h);
  store_close(st);
  CHECK_INT(server_stop(&s, false), 0);
  sink_cleanup(&k);
}

static void test_spool(void)
{
  struct server s;
  server_start(&s, NULL, NULL);
  struct store *st = open_db(&s);
  struct one o = {{"kund@example.se", "office_accepted", "sv",
                   "{\"office_name\":\"Byrå Öst AB\",\"company_name\":\"Ärlig Bygg AB\","
                   "\"collaboration_id\":\"c1\"}",
                   NULL},
                  ""};
  CHECK_INT(store_write(st, enqueue_one, &o), STORE_OK);
  struct outbox_row r;
  wait_settled(st, o.id, &r);
  CHECK_STR(r.status, "sent");
  char path[400], tmp[400];
  snprintf(path, sizeof path, "%s/mail/%s.eml", s.dir, o.id);
  snprintf(tmp, sizeof tmp, "%s/mail/.%s.eml.tmp", s.dir, o.id);
  FILE *f = fopen(path, "r");
  CHECK_MSG(f != NULL, "no %s", path);
  char text[8192] = "";
  size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
  text[n] = '\0';
  if (f)
    fclose(f);
  char mid[80];
  snprintf(mid, sizeof mid, "\r\nMessage-ID: <%s@advisord>\r\n", o.id);
  CHECK(strstr(text, mid) != NULL);
  CHECK(strstr(text, "\r\nTo: kund@example.se\r\n") != NULL);
  CHECK(strstr(text, "Content-Type: text/plain; charset=utf-8\r\n") != NULL);
  CHECK(access(tmp, F_OK) != 0); /* no temporary file left */
  store_close(st);
  CHECK_INT(server_stop(&s, false), 0);
}

int main(void)
{
  test_smtp();
  test_spool();
  return TEST_REPORT();
}
