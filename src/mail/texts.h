/* texts.h - the e-mail texts, one table per audience (internal to src/mail/; rendered by
 * template.c, which documents the placeholders and the {?name}/{!name} line conditions).
 * Every template names the data members it needs; the rest of a text's members sit on
 * conditional lines. The tables are static data: nothing here is allocated. */
#ifndef ADVISORD_MAIL_TEXTS_H
#define ADVISORD_MAIL_TEXTS_H

#include <stddef.h>

#define MAIL_MAX_REQUIRED 10

struct mail_text {
  const char *subject; /* one line; placeholders only, no conditions */
  const char *body;
};

struct mail_text_template {
  const char *name;
  const char *required[MAIL_MAX_REQUIRED]; /* data members that must be present */
  struct mail_text sv, en;
};

/* The e-mails to a company's administrators, and to the offices. */
extern const struct mail_text_template mail_texts_customer[];
extern const size_t mail_texts_customer_count;
extern const struct mail_text_template mail_texts_office[];
extern const size_t mail_texts_office_count;
/* The e-mails about a person's own account (texts_account.c). */
extern const struct mail_text_template mail_texts_account[];
extern const size_t mail_texts_account_count;

/* The parts every text shares. */
#define MAIL_GREETING_SV "{?recipient_name}Hej {recipient_name}!\n{!recipient_name}Hej!\n\n"
#define MAIL_GREETING_EN "{?recipient_name}Hello {recipient_name},\n{!recipient_name}Hello,\n\n"

#define MAIL_REMINDER_SV                                                                     \
  "{?reminder}Det här är en påminnelse: inbjudan nedan har ännu inte besvarats.\n"          \
  "{?reminder}\n"
#define MAIL_REMINDER_EN                                                                     \
  "{?reminder}This is a reminder: the invitation below has not been answered yet.\n"        \
  "{?reminder}\n"

/* The collaboration's facts: each line comes when the data carries its member. */
#define MAIL_FACTS_SV                                                                        \
  "Uppgifter om samarbetet:\n"                                                               \
  "{?office_name}Redovisningsbyrå: {office_name}\n"                                          \
  "{?corporate_id}Företag: {company_name}, organisationsnummer {corporate_id}\n"             \
  "{!corporate_id}Företag: {company_name}\n"                                                 \
  "{?variant_name}Tjänst: {variant_name}\n"                                                  \
  "{?invoice_recipient}Betalas av: {payer}\n"                                                \
  "{?agreement_period_months}Avtalsperiod: {agreement_period_months} månader\n"              \
  "{?starts_on}Startdatum: {starts_on}\n"                                                    \
  "{?renews_on}Förnyelsedatum: {renews_on}\n"                                                \
  "Samarbetets id: {collaboration_id}\n"
#define MAIL_FACTS_EN                                                                        \
  "Collaboration details:\n"                                                                 \
  "{?office_name}Accounting office: {office_name}\n"                                         \
  "{?corporate_id}Company: {company_name}, corporate ID {corporate_id}\n"                    \
  "{!corporate_id}Company: {company_name}\n"                                                 \
  "{?variant_name}Service: {variant_name}\n"                                                 \
  "{?invoice_recipient}Paid for by: {payer}\n"                                               \
  "{?agreement_period_months}Agreement period: {agreement_period_months} months\n"           \
  "{?starts_on}Start date: {starts_on}\n"                                                    \
  "{?renews_on}Renewal date: {renews_on}\n"                                                  \
  "Collaboration id: {collaboration_id}\n"

/* Way 1: the company already subscribes. */
#define MAIL_NO_CHARGE_SV                                                                    \
  "{?no_charge_until}Företagets befintliga avtal fortsätter att gälla, och inget nytt "      \
  "debiteras förrän {no_charge_until}.\n"                                                    \
  "{?no_charge_until}\n"
#define MAIL_NO_CHARGE_EN                                                                    \
  "{?no_charge_until}The company's existing agreement continues, and nothing new is "       \
  "charged until {no_charge_until}.\n"                                                       \
  "{?no_charge_until}\n"

#define MAIL_REASON_SV "{?reason}Angivet skäl: {reason}\n{?reason}\n"
#define MAIL_REASON_EN "{?reason}Reason given: {reason}\n{?reason}\n"

#define MAIL_FOOTER_SV                                                                       \
  "\n-- \nDet här meddelandet skickades automatiskt av advisord. Svara inte på det.\n"
#define MAIL_FOOTER_EN "\n-- \nThis message was sent automatically by advisord. Please do not reply.\n"

#endif
