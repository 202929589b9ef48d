/* texts_customer.c - the e-mails to a company's administrators, in Swedish and English (see
 * texts.h). They name the company by its own name only: the office's register name for its
 * customer is never in their data. */
#include "texts.h"

#define SV(subject, body) {subject, MAIL_GREETING_SV body MAIL_FOOTER_SV}
#define EN(subject, body) {subject, MAIL_GREETING_EN body MAIL_FOOTER_EN}

const struct mail_text_template mail_texts_customer[] = {
    {"invitation_customer",
     {"office_name", "company_name", "variant", "collaboration_id", "token_nonce", "expires_at",
      "invoice_recipient", "agreement_period_months"},
     SV("{office_name} bjuder in {company_name} till samarbete i {variant_name}",
        MAIL_REMINDER_SV
        "Redovisningsbyrån {office_name} vill samarbeta med {company_name} i {variant_name}.\n\n"
        MAIL_NO_CHARGE_SV MAIL_FACTS_SV
        "\nLogga in på kundportalen Mina tjänster och godkänn villkoren för att starta "
        "samarbetet. Inbjudan öppnar du med din personliga länk:\n\n"
        "{link}\n\n"
        "Inbjudan gäller till och med {expires_on}. Om en annan administratör i företaget "
        "svarar först slutar länken att fungera.\n"
        "Känner du inte igen inbjudan kan du bortse från det här meddelandet.\n\n"
        "Vänliga hälsningar\n{office_name}\n"),
     EN("{office_name} invites {company_name} to collaborate in {variant_name}",
        MAIL_REMINDER_EN
        "The accounting office {office_name} would like to work with {company_name} in "
        "{variant_name}.\n\n"
        MAIL_NO_CHARGE_EN MAIL_FACTS_EN
        "\nLog in to the customer portal Mina tjänster and approve the terms to start the "
        "collaboration. Open the invitation with your personal link:\n\n"
        "{link}\n\n"
        "The invitation is valid until {expires_on}. If another administrator of the company "
        "answers first, the link stops working.\n"
        "If you do not recognise this invitation, you can ignore this message.\n\n"
        "Kind regards\n{office_name}\n")},
    {"activation_new_admin",
     {"office_name", "company_name", "variant", "collaboration_id", "token_nonce", "expires_at",
      "invoice_recipient", "agreement_period_months"},
     SV("{office_name} har aktiverat {variant_name} för {company_name}",
        MAIL_REMINDER_SV
        "Redovisningsbyrån {office_name} har aktiverat {variant_name} för {company_name}.\n\n"
        "{?recipient_name}Byrån har angett dig, {recipient_name}, som företagets administratör "
        "i kundportalen Mina tjänster.\n"
        "{!recipient_name}Byrån har angett dig som företagets administratör i kundportalen "
        "Mina tjänster.\n\n"
        MAIL_NO_CHARGE_SV MAIL_FACTS_SV
        "\nLogga in på Mina tjänster och godkänn villkoren, så kan byrån och ni börja arbeta "
        "tillsammans. Inbjudan öppnar du med din personliga länk:\n\n"
        "{link}\n\n"
        "Inbjudan gäller till och med {expires_on}.\n"
        "Känner du inte igen inbjudan kan du bortse från det här meddelandet.\n\n"
        "Vänliga hälsningar\n{office_name}\n"),
     EN("{office_name} has activated {variant_name} for {company_name}",
        MAIL_REMINDER_EN
        "The accounting office {office_name} has activated {variant_name} for {company_name}.\n\n"
        "{?recipient_name}The office has named you, {recipient_name}, the company's "
        "administrator in the customer portal Mina tjänster.\n"
        "{!recipient_name}The office has named you the company's administrator in the customer "
        "portal Mina tjänster.\n\n"
        MAIL_NO_CHARGE_EN MAIL_FACTS_EN
        "\nLog in to Mina tjänster and approve the terms so that the office and you can start "
        "working together. Open the invitation with your personal link:\n\n"
        "{link}\n\n"
        "The invitation is valid until {expires_on}.\n"
        "If you do not recognise this invitation, you can ignore this message.\n\n"
        "Kind regards\n{office_name}\n")},
    {"office_accepted",
     {"office_name", "company_name", "collaboration_id"},
     SV("{office_name} har accepterat er inbjudan",
        "Redovisningsbyrån {office_name} har accepterat den inbjudan till samarbete som "
        "{company_name} skickade.\n"
        "{?terms_version}Byrån har godkänt villkoren (version {terms_version}).\n"
        "\nSamarbetet blir aktivt när byrån har kopplat det till ett uppdrag. Ni behöver inte "
        "göra något mer.\n\n" MAIL_FACTS_SV),
     EN("{office_name} has accepted your invitation",
        "The accounting office {office_name} has accepted the invitation to collaborate that "
        "{company_name} sent.\n"
        "{?terms_version}The office has accepted the terms (version {terms_version}).\n"
        "\nThe collaboration becomes active once the office has connected it to a task. There "
        "is nothing more you need to do.\n\n" MAIL_FACTS_EN)},
    {"activated_customer",
     {"office_name", "company_name", "collaboration_id", "variant", "invoice_recipient",
      "agreement_period_months"},
     SV("Samarbetet med {office_name} är nu aktivt",
        "Samarbetet mellan {company_name} och redovisningsbyrån {office_name} i {variant_name} "
        "är nu aktivt.\n\n"
        MAIL_NO_CHARGE_SV MAIL_FACTS_SV),
     EN("The collaboration with {office_name} is now active",
        "The collaboration between {company_name} and the accounting office {office_name} in "
        "{variant_name} is now active.\n\n"
        MAIL_NO_CHARGE_EN MAIL_FACTS_EN)},
    {"declined_customer",
     {"office_name", "company_name", "collaboration_id"},
     SV("{office_name} har tackat nej till er inbjudan",
        "Redovisningsbyrån {office_name} har tackat nej till den inbjudan till samarbete som "
        "{company_name} skickade.\n\n"
        MAIL_REASON_SV
        "Vill ni samarbeta med en redovisningsbyrå kan ni skicka en ny inbjudan, till samma "
        "eller en annan byrå.\n\n" MAIL_FACTS_SV),
     EN("{office_name} has declined your invitation",
        "The accounting office {office_name} has declined the invitation to collaborate that "
        "{company_name} sent.\n\n"
        MAIL_REASON_EN
        "If you want to work with an accounting office, you can send a new invitation, to the "
        "same office or another one.\n\n" MAIL_FACTS_EN)},
    {"withdrawn_customer",
     {"office_name", "company_name", "collaboration_id"},
     SV("{office_name} har återkallat sin inbjudan",
        "Redovisningsbyrån {office_name} har återkallat sin inbjudan till samarbete med "
        "{company_name}. Länken i inbjudan fungerar inte längre, och ni behöver inte göra "
        "något.\n\n" MAIL_REASON_SV MAIL_FACTS_SV),
     EN("{office_name} has withdrawn its invitation",
        "The accounting office {office_name} has withdrawn its invitation to collaborate with "
        "{company_name}. The link in the invitation no longer works, and there is nothing you "
        "need to do.\n\n" MAIL_REASON_EN MAIL_FACTS_EN)},
    {"expired_customer",
     {"office_name", "company_name", "collaboration_id", "expires_at"},
     SV("Er inbjudan till {office_name} har gått ut",
        "Inbjudan från {company_name} till redovisningsbyrån {office_name} gick ut den "
        "{expires_on} utan att byrån hade svarat.\n\n"
        "Vill ni fortfarande samarbeta med byrån kan ni skicka en ny inbjudan.\n\n"
        MAIL_FACTS_SV),
     EN("Your invitation to {office_name} has expired",
        "The invitation from {company_name} to the accounting office {office_name} expired on "
        "{expires_on} without an answer from the office.\n\n"
        "If you still want to work with the office, you can send a new invitation.\n\n"
        MAIL_FACTS_EN)},
    {"collaboration_ended",
     {"office_name", "company_name", "collaboration_id"},
     SV("{office_name} har avslutat samarbetet med {company_name}",
        "Redovisningsbyrån {office_name} har avslutat samarbetet med {company_name}.\n"
        "{?actor_name}Samarbetet avslutades av {actor_name}.\n"
        "\n" MAIL_REASON_SV
        "{?decision_pending}Tjänsten och abonnemanget fortsätter tills vidare som tidigare. Nu "
        "bestämmer ni om företaget ska fortsätta använda tjänsten på egen hand (och då själva "
        "betala för den från och med nu) eller avaktivera den. Logga in på kundportalen Mina "
        "tjänster och gör ert val.\n"
        "{!decision_pending}Tjänsten hade ännu inte tagits i bruk inom samarbetet, så ni "
        "behöver inte göra något mer.\n"
        "\n" MAIL_FACTS_SV),
     EN("{office_name} has ended the collaboration with {company_name}",
        "The accounting office {office_name} has ended its collaboration with {company_name}.\n"
        "{?actor_name}The collaboration was ended by {actor_name}.\n"
        "\n" MAIL_REASON_EN
        "{?decision_pending}The service and your subscription carry on as before for now. You "
        "now decide whether the company keeps using the service on its own (and pays for it "
        "from now on) or deactivates it. Log in to the customer portal Mina tjänster to make "
        "your choice.\n"
        "{!decision_pending}The service had not yet been taken into use in the collaboration, "
        "so there is nothing more you need to do.\n"
        "\n" MAIL_FACTS_EN)},
    {"variant_changed_customer",
     {"office_name", "company_name", "collaboration_id", "from_variant_name", "to_variant_name",
      "actor_name"},
     SV("{company_name} har uppgraderats till {to_variant_name}",
        "{actor_name} på redovisningsbyrån {office_name} har uppgraderat {company_name} från "
        "{from_variant_name} till {to_variant_name}. Ändringen gäller direkt.\n\n"
        MAIL_FACTS_SV),
     EN("{company_name} has been upgraded to {to_variant_name}",
        "{actor_name} at the accounting office {office_name} has upgraded {company_name} from "
        "{from_variant_name} to {to_variant_name}. The change applies at once.\n\n"
        MAIL_FACTS_EN)},
    {"company_reset_customer",
     {"company_name", "collaboration_id", "from_variant_name", "to_variant_name"},
     SV("{company_name} har bytt till {to_variant_name} och återställts",
        "Supporten har ändrat tjänsten för {company_name} från {from_variant_name} till "
        "{to_variant_name}. Eftersom {to_variant_name} saknar funktioner som ingick i "
        "{from_variant_name} har företaget återställts.\n\n"
        "{?lost_features}Bokföringsuppgifter som hörde till följande funktioner kan ha gått "
        "förlorade: {lost_features}.\n"
        "{?lost_features}\n"
        "Har ni frågor om ändringen kan ni kontakta supporten.\n\n" MAIL_FACTS_SV),
     EN("{company_name} has moved to {to_variant_name} and been reset",
        "Support has changed the service for {company_name} from {from_variant_name} to "
        "{to_variant_name}. As {to_variant_name} lacks features that {from_variant_name} "
        "had, the company has been reset.\n\n"
        "{?lost_features}Accounting data belonging to these features may have been lost: "
        "{lost_features}.\n"
        "{?lost_features}\n"
        "If you have questions about the change, please contact support.\n\n" MAIL_FACTS_EN)},
    {"terms_changed_customer",
     {"office_name", "company_name", "collaboration_id", "invoice_recipient",
      "agreement_period_months", "actor_name"},
     SV("{office_name} har ändrat villkoren för samarbetet",
        "{actor_name} på redovisningsbyrån {office_name} har ändrat villkoren för samarbetet "
        "med {company_name}.\n\n"
        "Från och med nu betalas tjänsten av {payer}, och avtalsperioden är "
        "{agreement_period_months} månader.\n"
        "{?renews_on}Avtalet förnyas nästa gång den {renews_on}.\n"
        "\n" MAIL_FACTS_SV),
     EN("{office_name} has changed the terms of the collaboration",
        "{actor_name} at the accounting office {office_name} has changed the terms of the "
        "collaboration with {company_name}.\n\n"
        "From now on the service is paid for by {payer}, and the agreement period is "
        "{agreement_period_months} months.\n"
        "{?renews_on}The agreement next renews on {renews_on}.\n"
        "\n" MAIL_FACTS_EN)},
};
const size_t mail_texts_customer_count = sizeof mail_texts_customer / sizeof mail_texts_customer[0];
