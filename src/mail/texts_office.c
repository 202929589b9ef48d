/* texts_office.c - the e-mails to an accounting office (the user who acted and the office's
 * address), and the two that go to both sides, in Swedish and English (see texts.h). */
#include "texts.h"

#define SV(subject, body) {subject, MAIL_GREETING_SV body MAIL_FOOTER_SV}
#define EN(subject, body) {subject, MAIL_GREETING_EN body MAIL_FOOTER_EN}

const struct mail_text_template mail_texts_office[] = {
    {"invitation_office",
     {"company_name", "corporate_id", "collaboration_id", "token_nonce", "expires_at",
      "variant", "invoice_recipient", "agreement_period_months"},
     SV("{company_name} bjuder in er byrå till samarbete i {variant_name}",
        MAIL_REMINDER_SV
        "{company_name} (organisationsnummer {corporate_id}) vill att er byrå tar hand om "
        "företagets ekonomi i {variant_name} och har bjudit in er till ett samarbete.\n\n"
        MAIL_FACTS_SV
        "\nAktivera samarbetet med länken nedan. Där bekräftar ni byråns organisationsnummer "
        "och e-postadress och godkänner villkoren. Samarbetet blir aktivt när ni sedan har "
        "kopplat det till ett uppdrag.\n\n"
        "{link}\n\n"
        "Inbjudan gäller till och med {expires_on}.\n"
        "Känner ni inte igen inbjudan kan ni bortse från det här meddelandet.\n"),
     EN("{company_name} invites your office to collaborate in {variant_name}",
        MAIL_REMINDER_EN
        "{company_name} (corporate ID {corporate_id}) would like your office to look after the "
        "company's accounts in {variant_name} and has invited you to a collaboration.\n\n"
        MAIL_FACTS_EN
        "\nActivate the collaboration with the link below. There you confirm your office's "
        "corporate ID and e-mail address and accept the terms. The collaboration becomes "
        "active once you have connected it to a task.\n\n"
        "{link}\n\n"
        "The invitation is valid until {expires_on}.\n"
        "If you do not recognise this invitation, you can ignore this message.\n")},
    {"approved_office",
     {"company_name", "collaboration_id", "variant", "actor_name"},
     SV("{company_name} har godkänt samarbetet i {variant_name}",
        "{actor_name} på {company_name} har godkänt villkoren för samarbetet med er byrå.\n"
        "{!starts_later_on}Samarbetet är nu aktivt, och ni kan börja arbeta tillsammans i "
        "{variant_name}.\n"
        "{?starts_later_on}Samarbetet börjar {starts_later_on}, som ni kom överens om; då "
        "kan ni börja arbeta tillsammans i {variant_name}, och ni får ett meddelande.\n"
        "\n" MAIL_FACTS_SV),
     EN("{company_name} has approved the collaboration in {variant_name}",
        "{actor_name} at {company_name} has approved the terms of the collaboration with your "
        "office.\n"
        "{!starts_later_on}The collaboration is now active, and you can start working "
        "together in {variant_name}.\n"
        "{?starts_later_on}The collaboration starts on {starts_later_on}, as agreed; then you "
        "can start working together in {variant_name}, and you will be told.\n"
        "\n" MAIL_FACTS_EN)},
    {"started_office",
     {"company_name", "collaboration_id", "variant"},
     SV("Samarbetet med {company_name} har börjat",
        "Samarbetet med {company_name} i {variant_name} började i dag, den dag ni kom överens "
        "om. Det är nu aktivt, och ni kan börja arbeta tillsammans.\n\n" MAIL_FACTS_SV),
     EN("The collaboration with {company_name} has started",
        "The collaboration with {company_name} in {variant_name} started today, on the day you "
        "agreed. It is now active, and you can start working together.\n\n" MAIL_FACTS_EN)},
    {"declined_office",
     {"company_name", "collaboration_id", "actor_name"},
     SV("{company_name} har tackat nej till samarbetet",
        "{actor_name} på {company_name} har tackat nej till er inbjudan till samarbete. "
        "Länken i inbjudan fungerar inte längre.\n\n"
        MAIL_REASON_SV
        "Vill ni fortfarande samarbeta med företaget kan ni skicka en ny inbjudan.\n\n"
        MAIL_FACTS_SV),
     EN("{company_name} has declined the collaboration",
        "{actor_name} at {company_name} has declined your invitation to collaborate. The link "
        "in the invitation no longer works.\n\n"
        MAIL_REASON_EN
        "If you still want to work with the company, you can send a new invitation.\n\n"
        MAIL_FACTS_EN)},
    {"withdrawn_office",
     {"company_name", "collaboration_id"},
     SV("{company_name} har återkallat sin inbjudan",
        "{company_name} har återkallat sin inbjudan till er byrå om samarbete. Länken i "
        "inbjudan fungerar inte längre, och ni behöver inte göra något.\n"
        "{?actor_name}Inbjudan återkallades av {actor_name}.\n"
        "\n" MAIL_REASON_SV MAIL_FACTS_SV),
     EN("{company_name} has withdrawn its invitation",
        "{company_name} has withdrawn its invitation to your office to collaborate. The link in "
        "the invitation no longer works, and there is nothing you need to do.\n"
        "{?actor_name}The invitation was withdrawn by {actor_name}.\n"
        "\n" MAIL_REASON_EN MAIL_FACTS_EN)},
    {"expired_office",
     {"company_name", "collaboration_id", "expires_at"},
     SV("Er inbjudan till {company_name} har gått ut",
        "Er inbjudan till samarbete med {company_name} gick ut den {expires_on} utan att "
        "företaget hade svarat.\n\n"
        "Vill ni fortfarande samarbeta med företaget kan ni skicka en ny inbjudan.\n\n"
        MAIL_FACTS_SV),
     EN("Your invitation to {company_name} has expired",
        "Your invitation to collaborate with {company_name} expired on {expires_on} without an "
        "answer from the company.\n\n"
        "If you still want to work with the company, you can send a new invitation.\n\n"
        MAIL_FACTS_EN)},
    {"renewal_requested",
     {"collaboration_id", "company_name", "office_name", "actor_name"},
     SV("Ny inbjudan önskas: samarbete mellan {office_name} och {company_name}",
        "{actor_name} hann inte svara på inbjudan till samarbete mellan redovisningsbyrån "
        "{office_name} och {company_name} innan den gick ut, och ber nu om en ny inbjudan.\n\n"
        "{?reason}Meddelande: {reason}\n"
        "{?reason}\n"
        "Den gamla inbjudan öppnas inte igen. Vill ni fortfarande samarbeta skickar ni en ny "
        "inbjudan.\n\n" MAIL_FACTS_SV),
     EN("New invitation requested: collaboration between {office_name} and {company_name}",
        "{actor_name} did not answer the invitation to collaborate between the accounting "
        "office {office_name} and {company_name} before it expired, and now asks for a new "
        "invitation.\n\n"
        "{?reason}Message: {reason}\n"
        "{?reason}\n"
        "The old invitation will not open again. If you still want to work together, send a new "
        "invitation.\n\n" MAIL_FACTS_EN)},
    {"ended_office",
     {"company_name", "collaboration_id", "actor_name"},
     SV("{company_name} har avslutat samarbetet",
        "{actor_name} på {company_name} har avslutat samarbetet med er byrå.\n\n"
        MAIL_REASON_SV
        "{?service_kept}Företaget fortsätter att använda tjänsten på egen hand och betalar "
        "själv för den från och med nu.\n"
        "{!service_kept}Företaget avaktiverar tjänsten.\n"
        "\n" MAIL_FACTS_SV),
     EN("{company_name} has ended the collaboration",
        "{actor_name} at {company_name} has ended the collaboration with your office.\n\n"
        MAIL_REASON_EN
        "{?service_kept}The company will keep using the service on its own and pay for it "
        "from now on.\n"
        "{!service_kept}The company will deactivate the service.\n"
        "\n" MAIL_FACTS_EN)},
    {"service_decided",
     {"company_name", "office_name", "collaboration_id"},
     SV("Beslut om tjänsten för {company_name}",
        "Redovisningsbyrån {office_name} har avslutat samarbetet med {company_name}, och "
        "företaget har nu bestämt vad som händer med tjänsten:\n\n"
        "{?service_kept}Företaget fortsätter att använda tjänsten på egen hand och betalar "
        "själv för den från och med nu.\n"
        "{!service_kept}Företaget avaktiverar tjänsten.\n"
        "{?actor_name}Beslutet fattades av {actor_name}.\n"
        "\n" MAIL_FACTS_SV),
     EN("Decision on the service for {company_name}",
        "The accounting office {office_name} has ended the collaboration with {company_name}, "
        "and the company has now decided what happens to the service:\n\n"
        "{?service_kept}The company will keep using the service on its own and pay for it "
        "from now on.\n"
        "{!service_kept}The company will deactivate the service.\n"
        "{?actor_name}The decision was made by {actor_name}.\n"
        "\n" MAIL_FACTS_EN)},
    {"variant_changed_office",
     {"company_name", "collaboration_id", "from_variant_name", "to_variant_name"},
     SV("{company_name} har bytt till {to_variant_name}",
        "Tjänsten för {company_name} har ändrats från {from_variant_name} till "
        "{to_variant_name}. Ändringen gjordes av en annan redovisningsbyrå som samarbetar med "
        "företaget eller av supporten. Abonnemanget är företagets, så ändringen gäller även "
        "ert samarbete.\n\n" MAIL_FACTS_SV),
     EN("{company_name} has moved to {to_variant_name}",
        "The service for {company_name} has been changed from {from_variant_name} to "
        "{to_variant_name}. The change was made by another accounting office working with the "
        "company, or by support. The subscription is the company's, so the change applies to "
        "your collaboration too.\n\n" MAIL_FACTS_EN)},
    {"company_reset_office",
     {"company_name", "collaboration_id", "from_variant_name", "to_variant_name"},
     SV("{company_name} har bytt till {to_variant_name} och återställts",
        "Supporten har ändrat tjänsten för {company_name} från {from_variant_name} till "
        "{to_variant_name}, och företaget har återställts. Abonnemanget är företagets, så "
        "ändringen gäller även ert samarbete.\n\n"
        "{?lost_features}Bokföringsuppgifter som hörde till följande funktioner kan ha gått "
        "förlorade: {lost_features}.\n"
        "{?lost_features}\n" MAIL_FACTS_SV),
     EN("{company_name} has moved to {to_variant_name} and been reset",
        "Support has changed the service for {company_name} from {from_variant_name} to "
        "{to_variant_name}, and the company has been reset. The subscription is the company's, "
        "so the change applies to your collaboration too.\n\n"
        "{?lost_features}Accounting data belonging to these features may have been lost: "
        "{lost_features}.\n"
        "{?lost_features}\n" MAIL_FACTS_EN)},
};
const size_t mail_texts_office_count = sizeof mail_texts_office / sizeof mail_texts_office[0];
