/* words_sv_fields.c - a field's message in Swedish: the request validator's
 * (http/validate.c) and the rules' (domain/contact.c, corporate_id.c, dates.c, webhook.c,
 * collab_terms.c; service/). */
#include "words_sv_catalog.h"

const struct words_entry words_fields[] = {
    /* the request's shape (http/validate.c) */
    {"must be valid UTF-8", "måste vara giltig UTF-8", 0},
    {"must have at least {} characters", "måste ha minst {} tecken", 0},
    {"must have at most {} characters", "får ha högst {} tecken", 0},
    {"must be one of {}", "måste vara något av {}", 0},
    {"must be from {} to {}", "måste vara från {} till {}", 0},
    {"must be an array of 1 to {} strings", "måste vara en lista med 1 till {} texter", 0},
    {"must be a string", "måste vara en text", 0},
    {"must be an integer", "måste vara ett heltal", 0},
    {"must be true or false", "måste vara true eller false", 0},
    {"must be an object", "måste vara ett objekt", 0},
    {"must not be null", "får inte vara null", 0},
    {"must not contain NUL characters", "får inte innehålla NUL-tecken", 0},
    {"is not a known field", "är inget känt fält", 0},
    {"is required", "måste anges", 0},
    {"is not a known query parameter", "är ingen känd frågeparameter", 0},
    {"is given more than once", "anges mer än en gång", 0},
    /* e-mail addresses, phone numbers, names (domain/contact.c) */
    {"must be an e-mail address without spaces or special characters",
     "måste vara en e-postadress utan mellanslag eller specialtecken", 0},
    {"must be an e-mail address like name@example.com",
     "måste vara en e-postadress som namn@exempel.se", 0},
    {"must be a phone number: digits, an optional leading +, spaces or hyphens",
     "måste vara ett telefonnummer: siffror, ett inledande + om du vill, mellanslag eller "
     "bindestreck", 0},
    {"must be a phone number with 6 to 20 digits",
     "måste vara ett telefonnummer med 6 till 20 siffror", 0},
    {"must not contain control characters or line breaks",
     "får inte innehålla styrtecken eller radbrytningar", 0},
    {"must not be blank", "får inte vara tomt", 0},
    /* organisation and personal identity numbers (domain/corporate_id.c) */
    {"must have 10 or 12 digits", "måste ha 10 eller 12 siffror", 0},
    {"may contain only digits and one hyphen or plus (like 556036-0793)",
     "får bara innehålla siffror och ett bindestreck eller plustecken (som 556036-0793)", 0},
    {"may have one hyphen or plus, before the last four digits",
     "får ha ett bindestreck eller plustecken, före de fyra sista siffrorna", 0},
    {"is not a valid organisation number (it cannot start with 0)",
     "är inget giltigt organisationsnummer (det kan inte börja med 0)", 0},
    {"in its 12-digit form an organisation number starts with 16",
     "med 12 siffror börjar ett organisationsnummer med 16", 0},
    {"in its 12-digit form a personal identity number starts with 18, 19 or 20",
     "med 12 siffror börjar ett personnummer med 18, 19 eller 20", 0},
    {"is not a valid personal identity number (no such date of birth)",
     "är inget giltigt personnummer (det finns inget sådant födelsedatum)", 0},
    {"has a wrong check digit", "har fel kontrollsiffra", 0},
    /* the terms of an activation (domain/collab_terms.c, service/collab_*.c) */
    {"the company is a subscriber but has no subscription (variant and invoice recipient) on "
     "record",
     "företaget är prenumerant men har ingen prenumeration (variant och fakturamottagare) registrerad", 0},
    {"the subscriber's existing agreement continues with {} as invoice recipient; leave it out "
     "or send {}",
     "prenumerantens befintliga avtal fortsätter med {} som fakturamottagare; utelämna fältet "
     "eller skicka {}", 0},
    {"the subscriber's existing agreement continues; leave the period out",
     "prenumerantens befintliga avtal fortsätter; utelämna avtalsperioden", 0},
    {"the company's existing agreement continues; leave the period out",
     "företagets befintliga avtal fortsätter; utelämna avtalsperioden", 0},
    {"only a company with no relation to the vendor gets a new administrator",
     "bara ett företag utan relation till Visma får en ny administratör", 0},
    {"required: the company has no subscription, so choose the variant",
     "krävs: företaget har ingen prenumeration, så välj variant", 0},
    {"required: who pays for the service, \"office\" or \"customer\"",
     "krävs: vem som betalar för tjänsten, \"office\" (byrån) eller \"customer\" (kunden)", 0},
    {"required: 3 or 12 months", "krävs: 3 eller 12 månader", 0},
    {"required: the company has no relation to the vendor, so give the name, e-mail and phone "
     "of the person who becomes its administrator",
     "krävs: företaget har ingen relation till Visma, så ange namn, e-postadress och telefon "
     "för den som blir dess administratör", 0},
    {"the company already has a portal account; no administrator is created",
     "företaget har redan ett portalkonto; ingen administratör skapas", 0},
    /* dates (domain/dates.c, service/collab_flow.c) */
    {"must be a date YYYY-MM-DD", "måste vara ett datum ÅÅÅÅ-MM-DD", 0},
    {"{} is in the past: a collaboration can start today ({}, Swedish time) or later",
     "{} har redan varit: ett samarbete kan starta i dag ({}, svensk tid) eller senare", 0},
    {"{} is after the agreement's renewal on {}: choose a day from {} to {}",
     "{} är efter avtalets förnyelse den {}: välj en dag från {} till {}", 0},
    {"must be after starts_on", "måste vara efter starts_on", 0},
    /* the register (service/companies.c, service/tasks.c) */
    {"is only for relation subscriber", "gäller bara relationen subscriber (prenumerant)", 0},
    {"is required for relation subscriber", "krävs för relationen subscriber (prenumerant)", 0},
    {"is not a user of your office", "är ingen användare på er byrå", 0},
    /* webhooks (domain/webhook.c, service/webhooks.c) */
    {"must start with https: or http:", "måste börja med https: eller http:", 0},
    {"must start with https:", "måste börja med https:", 0},
    {"names no host", "anger ingen värd", 0},
    {"must not hold a user name or password", "får inte innehålla användarnamn eller lösenord", 0},
    {"must not hold a fragment (#...)", "får inte innehålla ett fragment (#...)", 0},
    {"holds a space or a character that must be percent-encoded",
     "innehåller ett mellanslag eller ett tecken som måste procentkodas", 0},
    {"names a private, loopback or link-local address; the server calls only public hosts",
     "pekar på en privat, loopback- eller länklokal adress; servern anropar bara publika "
     "värdar", 0},
    {"\"*\" stands alone: it means every event", "\"*\" står ensamt: det betyder alla händelser", 0},
    {"is not an event type (see the webhooks section of openapi.yaml), e.g. "
     "collaboration.approved",
     "är ingen händelsetyp (se avsnittet om webhooks i openapi.yaml), t.ex. "
     "collaboration.approved", 0},
    {"lists too many event types", "listar för många händelsetyper", 0},
    /* the Idempotency-Key header (api/idempotency.c) */
    {"has a bad escape in its quoted string", "har en felaktig escape i sin citerade text", 0},
    {"may contain only visible ASCII characters (quote it: \"...\")",
     "får bara innehålla synliga ASCII-tecken (citera den: \"...\")", 0},
    {"may contain only visible ASCII characters", "får bara innehålla synliga ASCII-tecken", 0},
    {"must be a quoted string like {}", "måste vara en citerad text som {}", 0},
};
const size_t words_fields_len = sizeof words_fields / sizeof words_fields[0];
