/* Unit tests of the e-mail templates (mail_template.h): every template in both languages states
 * the office, the company, the variant's display name, who pays, the period and, with a link,
 * until when it works; no placeholder is left unknown; a template renders from its required
 * members alone and refuses without any one of them, naming it. */
#include "mail_mime.h"
#include "mail_template_fx.h"
#include "texts.h"

#include <stdlib.h>

TEST_MAIN_DEFS

/* Every template of the contract, with a phrase each body must hold (the event it tells). */
static const struct {
  const char *name, *sv, *en;
} contract[] = {
    {"invitation_customer", "vill samarbeta med Ärlig Bygg AB i Visma eEkonomi Smart",
     "would like to work with Ärlig Bygg AB in Visma eEkonomi Smart"},
    {"activation_new_admin", "angett dig, Anna Berg, som företagets administratör",
     "named you, Anna Berg, the company's administrator"},
    {"invitation_office", "godkänner villkoren", "accept the terms"},
    {"office_accepted", "har godkänt villkoren (version 2026-11)",
     "has accepted the terms (version 2026-11)"},
    {"approved_office", "Åsa Öberg (administratör) på Ärlig Bygg AB har godkänt",
     "Åsa Öberg (administratör) at Ärlig Bygg AB has approved"},
    {"collaboration_ended", "Logga in på kundportalen Mina tjänster och gör ert val",
     "Log in to the customer portal Mina tjänster to make your choice"},
    {"renewal_requested", "Meddelande: Vi har redan en byrå", "Message: Vi har redan en byrå"},
    {"declined_office", "har tackat nej till er inbjudan", "has declined your invitation"},
    {"declined_customer", "Angivet skäl: Vi har redan en byrå", "Reason given: Vi har redan en byrå"},
    {"withdrawn_customer", "Länken i inbjudan fungerar inte längre",
     "The link in the invitation no longer works"},
    {"withdrawn_office", "har återkallat sin inbjudan till er byrå",
     "has withdrawn its invitation to your office"},
    {"expired_office", "gick ut den 2026-12-27", "expired on 2026-12-27"},
    {"expired_customer", "gick ut den 2026-12-27", "expired on 2026-12-27"},
    {"activated_customer", "inget nytt debiteras förrän 2027-05-31",
     "nothing new is charged until 2027-05-31"},
    {"ended_office", "betalar själv för den från och med nu", "keep using the service on its own and pay for it from now on"},
    {"service_decided", "fortsätter att använda tjänsten på egen hand",
     "will keep using the service on its own"},
    {"variant_changed_customer", "från Visma eEkonomi Bokföring till Visma eEkonomi Pro",
     "from Visma eEkonomi Bokföring to Visma eEkonomi Pro"},
    {"variant_changed_office", "från Visma eEkonomi Bokföring till Visma eEkonomi Pro",
     "from Visma eEkonomi Bokföring to Visma eEkonomi Pro"},
    {"company_reset_customer", "förlorade: attestflöde, flera användare.",
     "lost: approval flow, several users."},
    {"company_reset_office", "förlorade: attestflöde, flera användare.",
     "lost: approval flow, several users."},
    {"started_office", "började i dag, den dag ni kom överens om",
     "started today, on the day you agreed"},
    {"terms_changed_customer", "betalas tjänsten av företaget, och avtalsperioden är 12 månader",
     "the service is paid for by the company, and the agreement period is 12 months"},
};
#define N_CONTRACT (sizeof contract / sizeof contract[0])

static bool has_link(const struct mail_text_template *t)
{
  return strstr(t->sv.body, "{link}") != NULL;
}

/* Every template in the tables, the customer's first. */
static const struct mail_text_template *nth(size_t i)
{
  return i < mail_texts_customer_count ? &mail_texts_customer[i]
                                       : &mail_texts_office[i - mail_texts_customer_count];
}
#define N_TABLES (mail_texts_customer_count + mail_texts_office_count)

static void test_the_contract_is_the_tables(void)
{
  CHECK_INT(N_TABLES, N_CONTRACT);
  for (size_t i = 0; i < N_CONTRACT; i++)
    CHECK_MSG(mail_template_known(contract[i].name), "%s", contract[i].name);
  for (size_t i = 0; i < N_TABLES; i++)
    for (size_t k = i + 1; k < N_TABLES; k++)
      CHECK(strcmp(nth(i)->name, nth(k)->name) != 0);
}

/* The facts every e-mail states when the data carries them. */
static void check_facts(const char *name, bool en, const char *body, bool link)
{
  const char *facts_sv[] = {"Byrå Öst AB", "Ärlig Bygg AB", "organisationsnummer 556677-8899",
                            "Visma eEkonomi Smart", "Betalas av: företaget",
                            "Avtalsperiod: 12 månader", "Samarbetets id: c-42", "Hej Anna Berg!",
                            "Svara inte på det"};
  const char *facts_en[] = {"Byrå Öst AB", "Ärlig Bygg AB", "corporate ID 556677-8899",
                            "Visma eEkonomi Smart", "Paid for by: the company",
                            "Agreement period: 12 months", "Collaboration id: c-42",
                            "Hello Anna Berg,", "Please do not reply"};
  for (size_t i = 0; i < sizeof facts_sv / sizeof facts_sv[0]; i++) {
    const char *f = en ? facts_en[i] : facts_sv[i];
    CHECK_MSG(strstr(body, f), "%s/%s: no '%s' in:\n%s", name, en ? "en" : "sv", f, body);
  }
  CHECK_MSG(!strstr(body, "Alfa (vår kund)"), "%s: shows the register name", name);
  CHECK_MSG(!strstr(body, "Looked-up Name"), "%s: data.variant_name not preferred", name);
  if (!link) {
    CHECK(strstr(body, "/invitation#token=") == NULL);
    return;
  }
  char token[SECRET_LINK_TOKEN_LEN], line[256];
  secret_token(&key, "invitation", "nonce-0001", token);
  snprintf(line, sizeof line, "\nhttps://advisor.example.se/invitation#token=%s\n", token);
  CHECK_MSG(strstr(body, line), "%s: no link %s", name, line);
  CHECK(strstr(body, "nonce-0001") == NULL); /* the nonce itself is not shown */
  const char *until = en ? "The invitation is valid until 2026-12-27." :
                           "Inbjudan gäller till och med 2026-12-27.";
  CHECK_MSG(strstr(body, until), "%s: no '%s'", name, until);
  const char *reminder = en ? "This is a reminder" : "Det här är en påminnelse";
  CHECK_MSG(strstr(body, reminder), "%s: no reminder line", name);
}

static void test_every_template_from_full_data(void)
{
  json_t *data = json_loads(FULL_DATA, 0, NULL);
  CHECK(data != NULL);
  for (size_t i = 0; i < N_CONTRACT; i++) {
    const struct mail_text_template *t = NULL;
    for (size_t k = 0; k < N_TABLES; k++)
      if (strcmp(nth(k)->name, contract[i].name) == 0)
        t = nth(k);
    if (!t)
      continue;
    for (int en = 0; en < 2; en++) {
      char *subject = NULL;
      char *body = render_body(t->name, en ? "en" : "sv", data, &subject);
      if (!body)
        continue;
      check_facts(t->name, en, body, has_link(t));
      const char *needle = en ? contract[i].en : contract[i].sv;
      CHECK_MSG(strstr(body, needle), "%s/%s: no '%s' in:\n%s", t->name, en ? "en" : "sv",
                needle, body);
      /* every placeholder known and filled; no doubled blank lines from dropped lines */
      CHECK_MSG(!strchr(body, '{') && !strchr(subject, '{'), "%s: %s\n%s", t->name, subject, body);
      CHECK_MSG(!strstr(body, "\n\n\n"), "%s: three line ends in:\n%s", t->name, body);
      CHECK(subject[0] != '\0' && !strchr(subject, '\n') && !strchr(subject, '\r'));
      CHECK_MSG(strstr(subject, "Ärlig Bygg AB") || strstr(subject, "Byrå Öst AB"),
                "%s: subject '%s' names neither party", t->name, subject);
      free(subject);
      free(body);
    }
  }
  json_decref(data);
}

/* The data of template t with only its required members, taken from full. */
static json_t *required_only(const struct mail_text_template *t, json_t *full)
{
  json_t *d = json_object();
  for (size_t k = 0; k < MAIL_MAX_REQUIRED && t->required[k]; k++)
    json_object_set(d, t->required[k], json_object_get(full, t->required[k]));
  return d;
}

static void test_required_members_alone_and_each_missing(void)
{
  json_t *full = json_loads(FULL_DATA, 0, NULL);
  for (size_t i = 0; i < N_TABLES; i++) {
    const struct mail_text_template *t = nth(i);
    json_t *d = required_only(t, full);
    for (int en = 0; en < 2; en++) { /* every other line is conditional */
      char *body = render_body(t->name, en ? "en" : "sv", d, NULL);
      CHECK_MSG(body && !strchr(body, '{') && !strstr(body, "\n\n\n"), "%s: %s", t->name,
                body ? body : "");
      const char *hello = en ? "Hello,\n\n" : "Hej!\n\n"; /* no recipient_name */
      CHECK(body && strncmp(body, hello, strlen(hello)) == 0);
      free(body);
    }
    for (size_t k = 0; k < MAIL_MAX_REQUIRED && t->required[k]; k++) {
      json_t *less = json_deep_copy(d);
      json_object_del(less, t->required[k]);
      struct mail_rendered r;
      char why[200];
      CHECK(!mail_template_render(t->name, "sv", less, &ctx, &r, why, sizeof why));
      char want[120];
      snprintf(want, sizeof want, "needs data field '%s'", t->required[k]);
      CHECK_MSG(strstr(why, want), "%s without %s: %s", t->name, t->required[k], why);
      CHECK(r.subject == NULL && r.body == NULL);
      json_decref(less);
    }
    json_decref(d);
  }
  json_decref(full);
}

/* Found by fuzzing (tests/fuzz/corpus/template/regression-long-utf8-value): a data value
 * longer than the old renderer's 1023-byte field was cut in the middle of a character, and the
 * body was then not UTF-8, which the MIME builder refused (the mail could never be sent). The
 * renderer now copies a value whole: a long value with letters beyond ASCII is kept as it is and
 * the mail can be built. */
static void test_long_value_stays_utf8(void)
{
  char name[1700]; /* 1,022 bytes and 100 times "åäö" (6 bytes) */
  memset(name, 'a', 1022);
  name[1022] = '\0';
  for (int i = 0; i < 100; i++)
    strcat(name, "åäö");
  json_t *data = json_pack("{s:s, s:s, s:s}", "office_name", name, "company_name", "Bolag AB",
                           "collaboration_id", "c-9");
  struct mail_rendered out;
  char why[200];
  CHECK(mail_template_render("office_accepted", "sv", data, &ctx, &out, why, sizeof why));
  struct mail_message m = {.from = "advisord <no-reply@advisord.local>", .to = "a@b.se",
                           .subject = out.subject, .body = out.body,
                           .message_id = "<t-1@advisord>", .language = "sv"};
  char *msg = mail_mime_build(&m, why, sizeof why);
  CHECK_MSG(msg != NULL, "%s", why);
  CHECK(out.body && strstr(out.body, name)); /* whole, not cut */
  free(msg);
  mail_rendered_free(&out);
  json_decref(data);
}

int main(void)
{
  init_key();
  test_the_contract_is_the_tables();
  test_every_template_from_full_data();
  test_required_members_alone_and_each_missing();
  test_long_value_stays_utf8();
  return TEST_REPORT();
}
