/* words_sv_details.c - a problem's detail in Swedish: the refusals of the use cases
 * (service/, domain/collab_words.c), the resource handlers (api/) and the front end
 * (http/precheck.c, http/server.c). The parts marked part: a state, a noun or an action
 * that the composed texts carry. */
#include "words_sv_catalog.h"

const struct words_entry words_details[] = {
    /* invalid requests (http/validate.c, service/collab_*.c) */
    {"Invalid field: {}", "Ogiltigt fält: {}", 0},
    {"Invalid fields: {}", "Ogiltiga fält: {}", 0},
    {"Invalid starts_on: {}", "Ogiltigt starts_on: {}", WORDS_DEEP},
    {"Invalid fields for a company whose relation to the vendor is {}: {} and more",
     "Ogiltiga fält för ett företag vars relation till Visma är {}: {} med flera", 0},
    {"Invalid fields for a company whose relation to the vendor is {}: {}",
     "Ogiltiga fält för ett företag vars relation till Visma är {}: {}", 0},
    {"Invalid header Idempotency-Key: {}", "Ogiltigt huvud Idempotency-Key: {}", 0},
    {"Send at least one of {}", "Skicka minst ett av {}", 0},
    {"Invalid query parameter: cursor", "Ogiltig frågeparameter: cursor", 0},
    {"is not a cursor this server gave out", "är ingen markör som den här servern har gett ut", 0},
    {"The corporate ID in the path {}", "Organisationsnumret i sökvägen {}", 0},
    {"The collaboration id must be a UUID", "Samarbetets id måste vara ett UUID", 0},
    {"The customer id must be a UUID", "Kundens id måste vara ett UUID", 0},
    {"The batch id must be a UUID", "Omgångens id måste vara ett UUID", 0},
    {"The session id must be a UUID", "Sessionens id måste vara ett UUID", 0},
    /* the state machine's refusals (domain/collab_words.c) */
    {"You may not {}: {}", "Du får inte {}: {}", WORDS_DEEP},
    {"The office started this collaboration, so no one can {} in it: {}",
     "Byrån startade det här samarbetet, så ingen kan {} i det: {}", WORDS_DEEP},
    {"The customer started this collaboration, so no one can {} in it: {}",
     "Kunden startade det här samarbetet, så ingen kan {} i det: {}", WORDS_DEEP},
    {"The {} started this collaboration, so no one can {} in it: {}",
     "Det här samarbetet startades av {}, så ingen kan {} i det: {}", WORDS_DEEP},
    {"The collaboration is {}; you can {} only when it is {}",
     "Samarbetet är {}; du kan {} bara när det är {}", WORDS_DEEP},
    {"a customer approves an office's invitation; an office answers a customer's invitation by "
     "accepting it with its corporate ID and e-mail address",
     "en kund godkänner en byrås inbjudan; en byrå svarar på en kunds inbjudan genom att anta "
     "den med sitt organisationsnummer och sin e-postadress", 0},
    {"an office accepts a customer's invitation; a customer answers an office's invitation by "
     "approving it",
     "en byrå antar en kunds inbjudan; en kund svarar på en byrås inbjudan genom att godkänna den", 0},
    {"a collaboration the customer started becomes active when the office connects a task",
     "ett samarbete som kunden startade blir aktivt när byrån kopplar ett uppdrag", 0},
    {"a collaboration the office started got its task at activation and becomes active when the "
     "customer approves",
     "ett samarbete som byrån startade fick sitt uppdrag vid aktiveringen och blir aktivt när "
     "kunden godkänner", 0},
    {"this event does not apply to a collaboration started this way",
     "det gäller inte ett samarbete som startade på det här sättet", 0},
    {"the collaboration is not in a state that allows this",
     "samarbetet är inte i ett läge som tillåter det", 0},
    {"this needs an office user with full rights",
     "det kräver en användare på byrån med full behörighet", 0},
    {"only the office that sent the invitation may do this",
     "bara byrån som skickade inbjudan får göra det", 0},
    {"only the customer that sent the invitation may do this",
     "bara kunden som skickade inbjudan får göra det", 0},
    {"only the invited customer may answer this invitation",
     "bara den inbjudna kunden får svara på inbjudan", 0},
    {"only the invited office may answer this invitation",
     "bara den inbjudna byrån får svara på inbjudan", 0},
    {"only the office's users may do this", "bara byråns användare får göra det", 0},
    {"only the office (a user with full rights) or the customer may do this",
     "bara byrån (en användare med full behörighet) eller kunden får göra det", 0},
    {"only the server itself does this", "bara servern själv gör det", 0},
    {"only the office (a user with full rights) or support may change the variant",
     "bara byrån (en användare med full behörighet) eller supporten får byta variant", 0},
    {"only the company's administrators decide whether it keeps the service",
     "bara företagets administratörer bestämmer om det behåller tjänsten", 0},
    {"you may not do this", "du får inte göra det", 0},
    {"start a collaboration", "starta ett samarbete", WORDS_PART},
    {"approve the invitation", "godkänna inbjudan", WORDS_PART},
    {"accept the invitation", "anta inbjudan", WORDS_PART},
    {"put the service in place", "sätta tjänsten på plats", WORDS_PART},
    {"connect a task to the collaboration", "koppla ett uppdrag till samarbetet", WORDS_PART},
    {"decline the invitation", "avböja inbjudan", WORDS_PART},
    {"withdraw the invitation", "dra tillbaka inbjudan", WORDS_PART},
    {"let the invitation expire", "låta inbjudan gå ut", WORDS_PART},
    {"end the collaboration", "avsluta samarbetet", WORDS_PART},
    {"send the invitation again", "skicka inbjudan igen", WORDS_PART},
    {"ask for a new invitation", "be om en ny inbjudan", WORDS_PART},
    {"change the variant", "byta variant", WORDS_PART},
    {"change the task", "byta uppdrag", WORDS_PART},
    {"change the invoice recipient or the agreement period",
     "ändra fakturamottagare eller avtalsperiod", WORDS_PART},
    {"decide whether the company keeps the service",
     "bestämma om företaget behåller tjänsten", WORDS_PART},
    {"correct the administrator the office named", "rätta administratören som byrån angav", WORDS_PART},
    {"record a change of the company's subscription",
     "registrera en ändring av företagets prenumeration", WORDS_PART},
    {"do this", "göra det", WORDS_PART},
    {"invited", "inbjudet", WORDS_PART},
    {"approved", "godkänt", WORDS_PART},
    {"active", "aktivt", WORDS_PART},
    {"declined", "avböjt", WORDS_PART},
    {"cancelled", "tillbakadraget", WORDS_PART},
    {"expired", "utgånget", WORDS_PART},
    {"ended", "avslutat", WORDS_PART},
    {"{}, {} or {}", "{}, {} eller {}", WORDS_PART | WORDS_DEEP},
    {"{} or {}", "{} eller {}", WORDS_PART | WORDS_DEEP},
    /* activations (service/collab_start.c, collab_office_start.c, collab_invite_office.c) */
    {"A collaboration is activated through a task: choose one of the open tasks of {} in task_id",
     "Ett samarbete aktiveras genom ett uppdrag: välj ett av de öppna uppdragen för {} i task_id", 0},
    {"{} has no open task; create one (POST /v1/customers/{}/tasks) and activate the "
     "collaboration through it",
     "{} har inget öppet uppdrag; skapa ett (POST /v1/customers/{}/tasks) och aktivera "
     "samarbetet genom det", 0},
    {"{} has no task {}", "{} har inget uppdrag {}", 0},
    {"Task {} is {}; a collaboration needs an open task of the customer",
     "Uppdraget {} är {}; ett samarbete behöver ett öppet uppdrag för kunden", 0},
    {"Task {} is {}; a collaboration needs an open task",
     "Uppdraget {} är {}; ett samarbete behöver ett öppet uppdrag", 0},
    {"{} subscribes to {}; proposing {} is a downgrade: the customer may lose accounting data and "
     "the company will be reset. An office cannot do this; contact support",
     "{} prenumererar på {}; att föreslå {} är en nedgradering: kunden kan förlora bokföringsdata "
     "och företaget återställs. En byrå kan inte göra det; kontakta supporten", 0},
    {"Choosing the variant, invoice recipient or agreement period needs an office user with full "
     "rights; a limited user can activate a subscriber in its current variant only",
     "Att välja variant, fakturamottagare eller avtalsperiod kräver en användare på byrån med "
     "full behörighet; en begränsad användare kan bara aktivera en prenumerant i dess nuvarande "
     "variant", 0},
    {"{} ({}) has no administrator yet, and another office's invitation, still unanswered, "
     "already names the person who is to become its administrator: name that same person "
     "(the same e-mail address; capital and small letters a-z count as the same), or wait "
     "until that invitation is answered, withdrawn or expires",
     "{} ({}) har ingen administratör än, och en annan byrås inbjudan, ännu obesvarad, anger "
     "redan den person som ska bli dess administratör: ange samma person (samma e-postadress; "
     "stora och små bokstäver a-z räknas som samma), eller vänta tills den inbjudan har "
     "besvarats, dragits tillbaka eller gått ut", 0},
    {"{} ({}) has no administrator on the customer portal who can approve the collaboration; "
     "support can add one (the first becomes the main contact, who gets the invitation)",
     "{} ({}) har ingen administratör i kundportalen som kan godkänna samarbetet; supporten kan "
     "lägga till en (den första blir huvudkontakt och får inbjudan)", 0},
    {"You started {} collaborations, office invitations or batches in the last hour, and at most "
     "{} per hour are allowed (each sends e-mail); the next one is possible in {} seconds",
     "Du har startat {} samarbeten, byråinbjudningar eller omgångar den senaste timmen, och högst "
     "{} i timmen är tillåtet (var och en skickar e-post); nästa är möjlig om {} sekunder", 0},
    {"You started {} collaborations, office invitations or batches in the last hour, and at most "
     "{} per hour are allowed (a batch counts as one); the next one is possible in {} seconds",
     "Du har startat {} samarbeten, byråinbjudningar eller omgångar den senaste timmen, och högst "
     "{} i timmen är tillåtet (en omgång räknas som en); nästa är möjlig om {} sekunder", 0},
    {"The office already has an open collaboration with {} ({}): {} is {}",
     "Byrån har redan ett öppet samarbete med {} ({}): {} är {}", 0},
    {"The office and the company already have an open collaboration",
     "Byrån och företaget har redan ett öppet samarbete", 0},
    {"The company subscribes to {}; {} is a downgrade that may lose accounting data and resets "
     "the company; contact support",
     "Företaget prenumererar på {}; {} är en nedgradering som kan förlora bokföringsdata och "
     "återställer företaget; kontakta supporten", 0},
    {"No accounting office with corporate ID {} works with the service",
     "Ingen redovisningsbyrå med organisationsnummer {} arbetar med tjänsten", 0},
    /* a collaboration's changes (service/collab_*.c) */
    {"The collaboration has no task of the office any more; the office must connect an open task "
     "of the customer (PATCH task_id) before it can go on",
     "Samarbetet har inte längre något uppdrag från byrån; byrån måste koppla ett öppet uppdrag "
     "för kunden (PATCH task_id) innan det kan fortsätta", 0},
    {"The office's task {} for this collaboration is {}; the office must connect an open task of "
     "the customer (PATCH task_id) before it can go on",
     "Byråns uppdrag {} för samarbetet är {}; byrån måste koppla ett öppet uppdrag för kunden "
     "(PATCH task_id) innan det kan fortsätta", 0},
    {"The office's task {} for this collaboration belongs to another customer; the office must "
     "connect an open task of this customer (PATCH task_id)",
     "Byråns uppdrag {} för samarbetet hör till en annan kund; byrån måste koppla ett öppet "
     "uppdrag för den här kunden (PATCH task_id)", 0},
    {"Your office has no task {}", "Er byrå har inget uppdrag {}", 0},
    {"Task {} belongs to your customer {}, not to {} ({}); add {} to your register if needed and "
     "use one of its tasks",
     "Uppdraget {} hör till er kund {}, inte till {} ({}); lägg till {} i ert kundregister om "
     "det behövs och använd ett av dess uppdrag", 0},
    {"This invitation was answered with a wrong corporate ID or e-mail {} times; ask the customer "
     "to send it again",
     "Inbjudan har besvarats med fel organisationsnummer eller e-postadress {} gånger; be kunden "
     "skicka den igen", 0},
    {"The corporate ID and e-mail address do not match this invitation; 1 attempt left",
     "Organisationsnumret och e-postadressen stämmer inte med inbjudan; 1 försök kvar", 0},
    {"The corporate ID and e-mail address do not match this invitation; {} attempts left",
     "Organisationsnumret och e-postadressen stämmer inte med inbjudan; {} försök kvar", 0},
    {"The corporate ID and e-mail address do not match this invitation; {} attempt{} left",
     "Organisationsnumret och e-postadressen stämmer inte med inbjudan; {} försök{} kvar", 0},
    {"The terms and conditions in force are version {}, not {}; read them and accept that version",
     "Villkoren som gäller är version {}, inte {}; läs dem och godkänn den versionen", 0},
    {"{} ({}) has no main contact; ending a collaboration needs one",
     "{} ({}) har ingen huvudkontakt; att avsluta ett samarbete kräver en", 0},
    {"There is no decision about the service pending for this collaboration: it was already made",
     "Inget beslut om tjänsten väntar för samarbetet: det är redan fattat", 0},
    {"There is no decision about the service pending for this collaboration: only the office's "
     "ending of an active collaboration leaves one",
     "Inget beslut om tjänsten väntar för samarbetet: bara byråns avslut av ett aktivt samarbete "
     "lämnar ett", 0},
    {"There is no decision about the service pending for this collaboration: {}",
     "Inget beslut om tjänsten väntar för samarbetet: {}", 0},
    {"If-Match does not name the current version: the collaboration is at version {} (ETag "
     "\"{}\")",
     "If-Match anger inte den aktuella versionen: samarbetet har version {} (ETag \"{}\")", 0},
    {"The collaboration changed meanwhile; read it again",
     "Samarbetet ändrades under tiden; läs det igen", 0},
    {"No such invitation link: it has been used, replaced by a newer one, or never existed",
     "Ingen sådan inbjudningslänk: den har använts, ersatts av en nyare eller har aldrig funnits", 0},
    {"No collaboration {}", "Inget samarbete {}", 0},
    {"No customer {} in your register", "Ingen kund {} i ert kundregister", 0},
    {"The company's existing agreement continues until it renews on {}: its agreement period and "
     "invoice recipient cannot be changed before then",
     "Företagets befintliga avtal fortsätter tills det förnyas den {}: dess avtalsperiod och "
     "fakturamottagare kan inte ändras före dess", 0},
    {"The company's existing agreement continues until it renews: its agreement period and "
     "invoice recipient cannot be changed before then",
     "Företagets befintliga avtal fortsätter tills det förnyas: dess avtalsperiod och "
     "fakturamottagare kan inte ändras före dess", 0},
    {"The company's existing agreement continues until it renews{}: its agreement period and "
     "invoice recipient cannot be changed before then",
     "Företagets befintliga avtal fortsätter tills det förnyas{}: dess avtalsperiod och "
     "fakturamottagare kan inte ändras före dess", 0},
    {"Moving or clearing the start date needs an office user with full rights; a limited user can "
     "change the task",
     "Att flytta eller ta bort startdagen kräver en användare på byrån med full behörighet; en "
     "begränsad användare kan byta uppdrag", 0},
    {"Only the start of an office's invitation, or of an approved collaboration that has not "
     "started yet, can be moved or cleared; this one is {}",
     "Bara starten för en byrås inbjudan, eller för ett godkänt samarbete som inte har startat "
     "än, kan flyttas eller tas bort; det här är {}", 0},
    {"Only an administrator the office named for a company new to the service can be corrected; "
     "this invitation goes to the company's own administrators",
     "Bara en administratör som byrån angav för ett företag som är nytt i tjänsten kan rättas; "
     "den här inbjudan går till företagets egna administratörer", 0},
    {"{} already confirmed being the company's administrator; name another person to change it",
     "{} har redan bekräftat att vara företagets administratör; ange en annan person för att "
     "ändra det", 0},
    {"{} is named by another invitation too; name another person to change it",
     "{} är angiven i en annan inbjudan också; ange en annan person för att ändra det", 0},
    {"The invitation was sent less than {} seconds ago; it can be sent again (reminder or "
     "corrected administrator) in {} seconds",
     "Inbjudan skickades för mindre än {} sekunder sedan; den kan skickas igen (påminnelse eller "
     "rättad administratör) om {} sekunder", 0},
    {"The invitation was last sent again less than {} seconds ago; it can be sent again (reminder "
     "or corrected administrator) in {} seconds",
     "Inbjudan skickades senast igen för mindre än {} sekunder sedan; den kan skickas igen "
     "(påminnelse eller rättad administratör) om {} sekunder", 0},
    {"The invitation was {} less than {} seconds ago; it can be sent again (reminder or corrected "
     "administrator) in {} seconds",
     "Inbjudan skickades ({}) för mindre än {} sekunder sedan; den kan skickas igen (påminnelse "
     "eller rättad administratör) om {} sekunder", 0},
    {"{} ({}) has no administrator on the customer portal to send the invitation to; support can "
     "add one",
     "{} ({}) har ingen administratör i kundportalen att skicka inbjudan till; supporten kan "
     "lägga till en", 0},
    {"A new invitation was already requested at {}; it is up to the office to invite again",
     "En ny inbjudan begärdes redan {}; det är upp till byrån att bjuda in igen", 0},
    {"A new invitation was already requested at {}; it is up to the customer to invite again",
     "En ny inbjudan begärdes redan {}; det är upp till kunden att bjuda in igen", 0},
    {"A new invitation was already requested at {}; it is up to the {} to invite again",
     "En ny inbjudan begärdes redan {}; det är upp till {} att bjuda in igen", 0},
    {"Only an office user with full rights or support may change the variant",
     "Bara en användare på byrån med full behörighet eller supporten får byta variant", 0},
    {"The company already works in {}", "Företaget arbetar redan i {}", 0},
    {"Changing from {} to {} is a downgrade: the customer may lose accounting data and the company "
     "will be reset. An office cannot do this; contact support, who can carry it out once the "
     "reset is confirmed",
     "Att byta från {} till {} är en nedgradering: kunden kan förlora bokföringsdata och "
     "företaget återställs. En byrå kan inte göra det; kontakta supporten, som kan genomföra det "
     "när återställningen är bekräftad", 0},
    {"Changing from {} to {} is a downgrade that resets the company and may lose accounting data; "
     "send \"confirm_company_reset\": true to carry it out",
     "Att byta från {} till {} är en nedgradering som återställer företaget och kan förlora "
     "bokföringsdata; skicka \"confirm_company_reset\": true för att genomföra den", 0},
};
const size_t words_details_len = sizeof words_details / sizeof words_details[0];
