/* mail_delivery_cases.h - the e-mails test_mail_delivery.c enqueues: every template of the
 * notification matrix, the five that carry or answer a link in both languages and the others
 * in one (the unit tests render each in both). Header-only, included once. */
#ifndef ADVISORD_TEST_MAIL_DELIVERY_CASES_H
#define ADVISORD_TEST_MAIL_DELIVERY_CASES_H

#include <stdbool.h>

/* One e-mail: its data as the service writes it (the collaboration's facts), the subject and
 * greeting it must arrive with, and the facts its body must state (office, company, variant's
 * display name, who pays, period, and for a link until when it works). */
#define MAX_FACTS 9

struct mail_case {
  const char *tpl, *lang, *to, *data, *subject, *greeting;
  bool link;
  const char *facts[MAX_FACTS];
  const char *never; /* a text the body must not have (a condition's line), or NULL */
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
     NULL, ""},
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
     NULL, ""},
    {"activation_new_admin", "sv", "admin@example.se",
     "{" FACTS("start", "customer", 3) ",\"collaboration_id\":\"c3\",\"token_nonce\":\"nonce-a3\","
     "\"recipient_name\":\"Åsa Öberg\",\"expires_at\":\"2027-01-20T08:00:00.000Z\"}",
     "Byrå Öst AB har aktiverat Visma eEkonomi Start för Ärlig Bygg AB", "Hej Åsa Öberg!\n",
     true,
     {"Byrån har angett dig, Åsa Öberg, som företagets administratör",
      "Redovisningsbyrå: Byrå Öst AB", "Tjänst: Visma eEkonomi Start", "Betalas av: företaget",
      "Avtalsperiod: 3 månader", "Inbjudan gäller till och med 2027-01-20."},
     NULL, ""},
    {"activation_new_admin", "en", "admin2@example.se",
     "{" FACTS("pro", "office", 12) ",\"collaboration_id\":\"c4\",\"token_nonce\":\"nonce-a4\","
     "\"recipient_name\":\"Åsa Öberg\",\"expires_at\":\"2027-01-21T08:00:00.000Z\"}",
     "Byrå Öst AB has activated Visma eEkonomi Pro for Ärlig Bygg AB", "Hello Åsa Öberg,\n",
     true,
     {"The office has named you, Åsa Öberg, the company's administrator",
      "Accounting office: Byrå Öst AB", "Service: Visma eEkonomi Pro",
      "Paid for by: the office", "Agreement period: 12 months",
      "The invitation is valid until 2027-01-21."},
     NULL, ""},
    {"invitation_office", "sv", "byra@example.se",
     "{" FACTS("smart", "customer", 12) ",\"collaboration_id\":\"c5\",\"token_nonce\":\"nonce-a5\","
     "\"expires_at\":\"2027-01-22T08:00:00.000Z\"}",
     "Ärlig Bygg AB bjuder in er byrå till samarbete i Visma eEkonomi Smart", "Hej!\n", true,
     {"Ärlig Bygg AB (organisationsnummer 556036-0793) vill att er byrå",
      "godkänner villkoren", "Tjänst: Visma eEkonomi Smart", "Betalas av: företaget",
      "Avtalsperiod: 12 månader", "Inbjudan gäller till och med 2027-01-22."},
     NULL, ""},
    {"invitation_office", "en", "byra2@example.se",
     "{" FACTS("fakturering", "office", 3) ",\"collaboration_id\":\"c6\","
     "\"token_nonce\":\"nonce-a6\",\"expires_at\":\"2027-01-23T08:00:00.000Z\"}",
     "Ärlig Bygg AB invites your office to collaborate in Visma eEkonomi Fakturering",
     "Hello,\n", true,
     {"Ärlig Bygg AB (corporate ID 556036-0793) would like your office", "accept the terms",
      "Service: Visma eEkonomi Fakturering", "Paid for by: the office",
      "Agreement period: 3 months", "The invitation is valid until 2027-01-23."},
     NULL, ""},
    {"office_accepted", "sv", "kundadmin@example.se",
     "{" FACTS("smart", "customer", 12) ",\"collaboration_id\":\"c7\","
     "\"recipient_name\":\"Anna Berg\",\"terms_version\":\"2026-11\"}",
     "Byrå Öst AB har accepterat er inbjudan", "Hej Anna Berg!\n", false,
     {"Redovisningsbyrån Byrå Öst AB har accepterat den inbjudan till samarbete som Ärlig Bygg "
      "AB skickade.",
      "Byrån har godkänt villkoren (version 2026-11).", "Tjänst: Visma eEkonomi Smart",
      "Betalas av: företaget", "Avtalsperiod: 12 månader"},
     NULL, ""},
    {"office_accepted", "en", "kundadmin2@example.se",
     "{" FACTS("bokforing", "office", 3) ",\"collaboration_id\":\"c8\"}",
     "Byrå Öst AB has accepted your invitation", "Hello,\n", false,
     {"The accounting office Byrå Öst AB has accepted the invitation to collaborate that Ärlig "
      "Bygg AB sent.",
      "Service: Visma eEkonomi Bokföring", "Paid for by: the office",
      "Agreement period: 3 months"},
     NULL, ""},
    {"approved_office", "sv", "byra3@example.se",
     "{" FACTS("smart", "office", 12) ",\"collaboration_id\":\"c9\","
     "\"actor_name\":\"Anna Berg (administratör)\",\"starts_on\":\"2027-01-01\","
     "\"renews_on\":\"2027-12-31\"}",
     "Ärlig Bygg AB har godkänt samarbetet i Visma eEkonomi Smart", "Hej!\n", false,
     {"Anna Berg (administratör) på Ärlig Bygg AB har godkänt villkoren",
      "Redovisningsbyrå: Byrå Öst AB", "Betalas av: byrån", "Avtalsperiod: 12 månader",
      "Startdatum: 2027-01-01", "Förnyelsedatum: 2027-12-31"},
     NULL, ""},
    {"approved_office", "en", "byra4@example.se",
     "{" FACTS("pro", "customer", 3) ",\"collaboration_id\":\"c10\","
     "\"actor_name\":\"Anna Berg (administrator)\"}",
     "Ärlig Bygg AB has approved the collaboration in Visma eEkonomi Pro", "Hello,\n", false,
     {"Anna Berg (administrator) at Ärlig Bygg AB has approved the terms",
      "Accounting office: Byrå Öst AB", "Paid for by: the company",
      "Agreement period: 3 months"},
     NULL, ""},
    /* the matrix's other e-mails, one language each */
    {"activated_customer", "sv", "kund3@example.se",
     "{" FACTS("smart", "customer", 12) ",\"collaboration_id\":\"c11\","
     "\"recipient_name\":\"Anna Berg\",\"starts_on\":\"2027-01-01\",\"renews_on\":\"2027-12-31\","
     "\"no_charge_until\":\"2027-12-31\"}",
     "Samarbetet med Byrå Öst AB är nu aktivt", "Hej Anna Berg!\n", false,
     {"Samarbetet mellan Ärlig Bygg AB och redovisningsbyrån Byrå Öst AB i Visma eEkonomi Smart "
      "är nu aktivt.",
      "inget nytt debiteras förrän 2027-12-31.", "Betalas av: företaget",
      "Avtalsperiod: 12 månader", "Startdatum: 2027-01-01", "Förnyelsedatum: 2027-12-31"},
     NULL, ""},
    {"declined_office", "en", "byra5@example.se",
     "{" FACTS("bokforing", "office", 3) ",\"collaboration_id\":\"c12\","
     "\"actor_name\":\"Anna Berg (administrator)\",\"reason\":\"Vi har redan en byrå\"}",
     "Ärlig Bygg AB has declined the collaboration", "Hello,\n", false,
     {"Anna Berg (administrator) at Ärlig Bygg AB has declined your invitation",
      "Reason given: Vi har redan en byrå", "Service: Visma eEkonomi Bokföring",
      "Paid for by: the office", "Agreement period: 3 months"},
     NULL, ""},
    {"declined_customer", "sv", "kund4@example.se",
     "{" FACTS("pro", "customer", 12) ",\"collaboration_id\":\"c13\"}",
     "Byrå Öst AB har tackat nej till er inbjudan", "Hej!\n", false,
     {"Redovisningsbyrån Byrå Öst AB har tackat nej till den inbjudan till samarbete som Ärlig "
      "Bygg AB skickade.",
      "Tjänst: Visma eEkonomi Pro", "Betalas av: företaget", "Avtalsperiod: 12 månader"},
     "Angivet skäl", ""},
    {"withdrawn_customer", "en", "kund5@example.se",
     "{" FACTS("start", "office", 3) ",\"collaboration_id\":\"c14\",\"reason\":\"Fel kund\"}",
     "Byrå Öst AB has withdrawn its invitation", "Hello,\n", false,
     {"Byrå Öst AB has withdrawn its invitation to collaborate with Ärlig Bygg AB",
      "The link in the invitation no longer works", "Reason given: Fel kund",
      "Service: Visma eEkonomi Start", "Paid for by: the office", "Agreement period: 3 months"},
     NULL, ""},
    {"withdrawn_office", "sv", "byra6@example.se",
     "{" FACTS("smart", "customer", 3) ",\"collaboration_id\":\"c15\","
     "\"actor_name\":\"Anna Berg (administratör)\"}",
     "Ärlig Bygg AB har återkallat sin inbjudan", "Hej!\n", false,
     {"Inbjudan återkallades av Anna Berg (administratör).", "Tjänst: Visma eEkonomi Smart",
      "Betalas av: företaget", "Avtalsperiod: 3 månader"},
     "Angivet skäl", ""},
    {"expired_office", "en", "byra7@example.se",
     "{" FACTS("smart", "office", 12) ",\"collaboration_id\":\"c16\","
     "\"expires_at\":\"2027-01-10T09:00:00.000Z\"}",
     "Your invitation to Ärlig Bygg AB has expired", "Hello,\n", false,
     {"Your invitation to collaborate with Ärlig Bygg AB expired on 2027-01-10 without an "
      "answer",
      "Service: Visma eEkonomi Smart", "Paid for by: the office", "Agreement period: 12 months"},
     NULL, ""},
    {"expired_customer", "sv", "kund6@example.se",
     "{" FACTS("bokforing", "customer", 12) ",\"collaboration_id\":\"c17\","
     "\"expires_at\":\"2027-01-11T09:00:00.000Z\"}",
     "Er inbjudan till Byrå Öst AB har gått ut", "Hej!\n", false,
     {"Inbjudan från Ärlig Bygg AB till redovisningsbyrån Byrå Öst AB gick ut den 2027-01-11",
      "Tjänst: Visma eEkonomi Bokföring", "Betalas av: företaget", "Avtalsperiod: 12 månader"},
     NULL, ""},
    {"collaboration_ended", "en", "kund7@example.se",
     "{" FACTS("smart", "customer", 12) ",\"collaboration_id\":\"c18\","
     "\"actor_name\":\"Bo Byrå\",\"reason\":\"Vi avvecklar byrån\",\"decision_pending\":true}",
     "Byrå Öst AB has ended the collaboration with Ärlig Bygg AB", "Hello,\n", false,
     {"The collaboration was ended by Bo Byrå.", "Reason given: Vi avvecklar byrån",
      "You now decide whether the company keeps using the service on its own",
      "Service: Visma eEkonomi Smart", "Paid for by: the company",
      "Agreement period: 12 months"},
     "there is nothing more you need to do", ""},
    {"renewal_requested", "sv", "byra8@example.se",
     "{" FACTS("start", "office", 3) ",\"collaboration_id\":\"c19\","
     "\"actor_name\":\"Anna Berg (administratör)\",\"reason\":\"Vi var på semester\"}",
     "Ny inbjudan önskas: samarbete mellan Byrå Öst AB och Ärlig Bygg AB", "Hej!\n", false,
     {"Anna Berg (administratör) hann inte svara", "Meddelande: Vi var på semester",
      "Tjänst: Visma eEkonomi Start", "Betalas av: byrån", "Avtalsperiod: 3 månader"},
     NULL, ""},
    {"ended_office", "en", "byra9@example.se",
     "{" FACTS("pro", "customer", 12) ",\"collaboration_id\":\"c20\","
     "\"actor_name\":\"Anna Berg (administrator)\",\"service_kept\":true}",
     "Ärlig Bygg AB has ended the collaboration", "Hello,\n", false,
     {"Anna Berg (administrator) at Ärlig Bygg AB has ended the collaboration with your office.",
      "The company will keep using the service on its own and pay for it from now on.",
      "Service: Visma eEkonomi Pro", "Paid for by: the company", "Agreement period: 12 months"},
     "will deactivate", ""},
    {"service_decided", "sv", "byra10@example.se",
     "{" FACTS("smart", "customer", 12) ",\"collaboration_id\":\"c21\",\"service_kept\":false}",
     "Beslut om tjänsten för Ärlig Bygg AB", "Hej!\n", false,
     {"Redovisningsbyrån Byrå Öst AB har avslutat samarbetet med Ärlig Bygg AB",
      "Företaget avaktiverar tjänsten.", "Tjänst: Visma eEkonomi Smart",
      "Betalas av: företaget", "Avtalsperiod: 12 månader"},
     "på egen hand", ""},
    {"variant_changed_customer", "en", "kund8@example.se",
     "{" FACTS("pro", "office", 12) ",\"collaboration_id\":\"c22\",\"actor_name\":\"Bo Byrå\","
     "\"from_variant_name\":\"Visma eEkonomi Smart\",\"to_variant_name\":\"Visma eEkonomi Pro\"}",
     "Ärlig Bygg AB has been upgraded to Visma eEkonomi Pro", "Hello,\n", false,
     {"Bo Byrå at the accounting office Byrå Öst AB has upgraded Ärlig Bygg AB from Visma "
      "eEkonomi Smart to Visma eEkonomi Pro.",
      "Paid for by: the office", "Agreement period: 12 months"},
     NULL, ""},
    {"variant_changed_office", "sv", "byra11@example.se",
     "{" FACTS("pro", "customer", 12) ",\"collaboration_id\":\"c23\","
     "\"from_variant_name\":\"Visma eEkonomi Smart\",\"to_variant_name\":\"Visma eEkonomi Pro\"}",
     "Ärlig Bygg AB har bytt till Visma eEkonomi Pro", "Hej!\n", false,
     {"Tjänsten för Ärlig Bygg AB har ändrats från Visma eEkonomi Smart till Visma eEkonomi Pro.",
      "Betalas av: företaget", "Avtalsperiod: 12 månader"},
     NULL, ""},
    {"company_reset_customer", "en", "kund9@example.se",
     "{" FACTS("bokforing", "customer", 12) ",\"collaboration_id\":\"c24\","
     "\"from_variant_name\":\"Visma eEkonomi Pro\","
     "\"to_variant_name\":\"Visma eEkonomi Bokföring\","
     "\"lost_features\":\"approval_flow,multi_user\"}",
     "Ärlig Bygg AB has moved to Visma eEkonomi Bokföring and been reset", "Hello,\n", false,
     {"Support has changed the service for Ärlig Bygg AB from Visma eEkonomi Pro to Visma "
      "eEkonomi Bokföring.",
      "may have been lost: approval flow, several users.", "Paid for by: the company",
      "Agreement period: 12 months"},
     NULL, ""},
    {"company_reset_office", "sv", "byra12@example.se",
     "{" FACTS("bokforing", "office", 3) ",\"collaboration_id\":\"c25\","
     "\"from_variant_name\":\"Visma eEkonomi Pro\","
     "\"to_variant_name\":\"Visma eEkonomi Bokföring\"}",
     "Ärlig Bygg AB har bytt till Visma eEkonomi Bokföring och återställts", "Hej!\n", false,
     {"Supporten har ändrat tjänsten för Ärlig Bygg AB från Visma eEkonomi Pro till Visma "
      "eEkonomi Bokföring, och företaget har återställts.",
      "Betalas av: byrån", "Avtalsperiod: 3 månader"},
     "kan ha gått förlorade", ""},
    {"terms_changed_customer", "en", "kund10@example.se",
     "{" FACTS("smart", "office", 3) ",\"collaboration_id\":\"c26\",\"actor_name\":\"Bo Byrå\","
     "\"renews_on\":\"2027-06-30\",\"changed\":\"invoice_recipient,agreement_period_months\"}",
     "Byrå Öst AB has changed the terms of the collaboration", "Hello,\n", false,
     {"Bo Byrå at the accounting office Byrå Öst AB has changed the terms",
      "From now on the service is paid for by the office, and the agreement period is 3 months.",
      "The agreement next renews on 2027-06-30.", "Service: Visma eEkonomi Smart"},
     NULL, ""},
};

#endif
