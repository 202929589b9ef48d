/* texts_account.c - the e-mails about a person's own account (not about a collaboration):
 * the sign-in link and the invitation of a new office user, in Swedish and English (see
 * texts.h). Their link is {sign_in_link}. Also the notice that a webhook endpoint was
 * disabled because its receiver kept failing. */
#include "texts.h"

#define SV(subject, body) {subject, MAIL_GREETING_SV body MAIL_FOOTER_SV}
#define EN(subject, body) {subject, MAIL_GREETING_EN body MAIL_FOOTER_EN}

const struct mail_text_template mail_texts_account[] = {
    {"sign_in_link",
     {"sign_in_nonce", "valid_minutes", "account_kind"},
     SV("Din inloggningslänk till advisord",
        "Någon, förhoppningsvis du, bad om att få logga in på advisord med den här "
        "e-postadressen.\n\n"
        "{?account_name}Konto: {account_name} ({account_role})\n"
        "{!account_name}Konto: {account_role}\n"
        "\nLogga in med länken nedan. Den fungerar en gång och i {valid_minutes} minuter.\n\n"
        "{sign_in_link}\n\n"
        "Bad du inte om att logga in kan du bortse från det här meddelandet; ingen kommer in "
        "utan länken.\n"),
     EN("Your sign-in link to advisord",
        "Someone, hopefully you, asked to sign in to advisord with this e-mail address.\n\n"
        "{?account_name}Account: {account_name} ({account_role})\n"
        "{!account_name}Account: {account_role}\n"
        "\nSign in with the link below. It works once and for {valid_minutes} minutes.\n\n"
        "{sign_in_link}\n\n"
        "If you did not ask to sign in, you can ignore this message; nobody gets in without "
        "the link.\n")},
    {"user_invited",
     {"sign_in_nonce", "valid_days", "office_name"},
     SV("Du har lagts till som användare på {office_name} i advisord",
        "{?actor_name}{actor_name} har lagt till dig som användare på {office_name} i "
        "advisord.\n"
        "{!actor_name}Du har lagts till som användare på {office_name} i advisord.\n"
        "{?full}Du har fulla rättigheter: du kan också hantera byråns användare och "
        "API-nycklar.\n"
        "\nLogga in med länken nedan. Den fungerar en gång och i {valid_days} dagar; därefter "
        "ber du om en ny inloggningslänk med din e-postadress.\n\n"
        "{sign_in_link}\n\n"
        "Känner du inte igen byrån kan du bortse från det här meddelandet.\n"),
     EN("You have been added as a user of {office_name} in advisord",
        "{?actor_name}{actor_name} has added you as a user of {office_name} in advisord.\n"
        "{!actor_name}You have been added as a user of {office_name} in advisord.\n"
        "{?full}You have full rights: you can also manage the office's users and API "
        "tokens.\n"
        "\nSign in with the link below. It works once and for {valid_days} days; after that, "
        "ask for a new sign-in link with your e-mail address.\n\n"
        "{sign_in_link}\n\n"
        "If you do not know the office, you can ignore this message.\n")},
    {"webhook_disabled",
     {"webhook_id", "url", "failing_since", "last_error"},
     SV("Din webhook till {url} har stängts av",
        "Webhooken {webhook_id} till {url} har inte tagit emot några händelser sedan "
        "{failing_since}, så advisord har stängt av den.\n\n"
        "Senaste felet: {last_error}\n\n"
        "Händelser som inte levererats finns kvar. När mottagaren fungerar igen slår du på "
        "webhooken (PATCH /v1/webhooks/{webhook_id} med \"enabled\": true) och skickar om dem "
        "som misslyckades.\n"),
     EN("Your webhook to {url} has been disabled",
        "The webhook {webhook_id} to {url} has not accepted any event since {failing_since}, "
        "so advisord has disabled it.\n\n"
        "Last error: {last_error}\n\n"
        "Events not delivered are kept. Once the receiver works again, enable the webhook "
        "(PATCH /v1/webhooks/{webhook_id} with \"enabled\": true) and redeliver those that "
        "failed.\n")},
};
const size_t mail_texts_account_count = sizeof mail_texts_account / sizeof mail_texts_account[0];
