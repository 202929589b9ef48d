/* words_sv_requests.c - a problem's detail in Swedish, the rest of words_sv_details.c: the
 * register, users and credentials, sign-in, webhooks, batches, the outbox, and the front end
 * (http/precheck.c, http/server.c, api/auth.c, api/idempotency.c, api/common.c). */
#include "words_sv_catalog.h"

const struct words_entry words_requests[] = {
    /* the register (service/companies.c, customers.c, tasks.c) */
    {"A company with corporate ID {} exists already",
     "Det finns redan ett företag med organisationsnummer {}", 0},
    {"{} has an open collaboration with an accounting office ({}): change its variant, payer or "
     "period through a collaboration (variant-changes or PATCH), where the variant rule applies "
     "and every party is told",
     "{} har ett öppet samarbete med en redovisningsbyrå ({}): ändra variant, betalare eller "
     "period genom samarbetet (variant-changes eller PATCH), där regeln för varianter gäller och "
     "alla parter får veta", 0},
    {"No company with corporate ID {}", "Inget företag med organisationsnummer {}", 0},
    {"The {} has changed: its current ETag is \"{}\"; GET it again",
     "Ändrat ({}): den aktuella ETag är \"{}\"; hämta igen", WORDS_DEEP},
    {"Your register already has a customer with corporate ID {}",
     "Ert kundregister har redan en kund med organisationsnummer {}", 0},
    {"No such customer in your register", "Ingen sådan kund i ert kundregister", 0},
    {"The customer has an open collaboration; end or withdraw it first",
     "Kunden har ett öppet samarbete; avsluta det eller dra tillbaka det först", 0},
    {"The customer has collaboration history that refers to it",
     "Kunden har samarbetshistorik som hänvisar till den", 0},
    {"Deleting a customer needs an office user with full rights",
     "Att ta bort en kund kräver en användare på byrån med full behörighet", 0},
    {"Send If-Match with the ETag of the version you are changing (from a GET of {})",
     "Skicka If-Match med ETag för versionen du ändrar (från en GET av {})", 0},
    {"The company has changed: its current ETag is \"{}\"; GET it again",
     "Företaget har ändrats: dess aktuella ETag är \"{}\"; hämta det igen", 0},
    {"The customer has changed: its current ETag is \"{}\"; GET it again",
     "Kunden har ändrats: dess aktuella ETag är \"{}\"; hämta den igen", 0},
    {"The customer has changed: its current ETag is \"{}\"",
     "Kunden har ändrats: dess aktuella ETag är \"{}\"", 0},
    {"The task has changed: its current ETag is \"{}\"; GET it again",
     "Uppdraget har ändrats: dess aktuella ETag är \"{}\"; hämta det igen", 0},
    /* users, API tokens, the audit log */
    {"{} is already a user of your office", "{} är redan användare på er byrå", 0},
    {"{} is the office's last user with full rights and cannot be made limited; give another user "
     "full rights first",
     "{} är byråns sista användare med full behörighet och kan inte begränsas; ge en annan "
     "användare full behörighet först", 0},
    {"{} is the office's last user with full rights and cannot be removed; give another user full "
     "rights first",
     "{} är byråns sista användare med full behörighet och kan inte tas bort; ge en annan "
     "användare full behörighet först", 0},
    {"{} is the office's last user with full rights and cannot be {}; give another user full "
     "rights first",
     "{} är byråns sista användare med full behörighet och kan inte ändras ({}); ge en annan "
     "användare full behörighet först", 0},
    {"Only a user of the office with full rights may manage its users",
     "Bara en användare på byrån med full behörighet får hantera dess användare", 0},
    {"No such user in your office", "Ingen sådan användare på er byrå", 0},
    {"No such task in your office", "Inget sådant uppdrag på er byrå", 0},
    {"Only a user of the office with full rights (or a company's administrator) may manage API "
     "tokens",
     "Bara en användare på byrån med full behörighet (eller ett företags administratör) får "
     "hantera API-nycklar", 0},
    {"Only a user of the office with full rights (or a company's administrator) may manage "
     "webhooks",
     "Bara en användare på byrån med full behörighet (eller ett företags administratör) får "
     "hantera webhooks", 0},
    {"Only a user of the office with full rights (or a company's administrator) may read the audit "
     "log",
     "Bara en användare på byrån med full behörighet (eller ett företags administratör) får läsa "
     "granskningsloggen", 0},
    {"No such API token of yours", "Ingen sådan API-nyckel hos dig", 0},
    {"No such live API token of {}", "Ingen sådan giltig API-nyckel hos {}", 0},
    /* signing in (api/sessions.c, api/auth.c, http/precheck.c) */
    {"Too many sign-in requests for this address or from your address; try again in {} seconds",
     "För många inloggningsförsök för den här adressen eller från din adress; försök igen om {} "
     "sekunder", 0},
    {"No such sign-in link; ask for a new one", "Ingen sådan inloggningslänk; be om en ny", 0},
    {"This sign-in link was already used; ask for a new one",
     "Inloggningslänken är redan använd; be om en ny", 0},
    {"This sign-in link has expired; ask for a new one",
     "Inloggningslänken har gått ut; be om en ny", 0},
    {"The account this link was sent for no longer exists",
     "Kontot som länken skickades till finns inte längre", 0},
    {"You have no live session with this id", "Du har ingen giltig session med det id:t", 0},
    {"The session cookie is not one this server gave out; sign in again",
     "Sessionskakan kommer inte från den här servern; logga in igen", 0},
    {"The session has ended or expired; sign in again",
     "Sessionen har avslutats eller gått ut; logga in igen", 0},
    {"The request's Origin is not this server's public URL: a change made with the session cookie "
     "must come from this site",
     "Anropets Origin är inte serverns publika adress: en ändring med sessionskakan måste komma "
     "från den här webbplatsen", 0},
    {"The X-CSRF-Token header does not belong to this session; send the csrf_token given at "
     "sign-in",
     "Huvudet X-CSRF-Token hör inte till den här sessionen; skicka den csrf_token som gavs vid "
     "inloggningen", 0},
    {"A change made with the session cookie needs the header X-CSRF-Token with the csrf_token "
     "given at sign-in",
     "En ändring med sessionskakan kräver huvudet X-CSRF-Token med den csrf_token som gavs vid "
     "inloggningen", 0},
    {"Too many failed attempts from your address; try again in {} seconds",
     "För många misslyckade försök från din adress; försök igen om {} sekunder", 0},
    {"Send a valid token as Authorization: Bearer <token>, or sign in for a session cookie",
     "Skicka en giltig nyckel som Authorization: Bearer <token>, eller logga in för en "
     "sessionskaka", 0},
    {"This endpoint is not open to your account", "Den här adressen är inte öppen för ditt konto", 0},
    /* webhooks (api/webhooks.c) */
    {"No such webhook endpoint of {}", "Ingen sådan webhook-mottagare hos {}", 0},
    {"No such delivery of this webhook endpoint of yours",
     "Ingen sådan leverans till den här webhook-mottagaren", 0},
    {"The delivery is still pending: it is sent on its turn; redeliver one that was delivered or "
     "failed",
     "Leveransen väntar fortfarande: den skickas i tur och ordning; skicka om en som har "
     "levererats eller misslyckats", 0},
    {"You have {} webhook endpoints, the most there may be; delete one first",
     "Du har {} webhook-mottagare, det största antal som får finnas; ta bort en först", 0},
    /* batches (service/batch.c, api/batch_*.c, api/batches.c) */
    {"Uploading a batch of activations needs an office user with full rights (each row chooses a "
     "variant, invoice recipient and agreement period); ask a colleague with full rights",
     "Att ladda upp en omgång aktiveringar kräver en användare på byrån med full behörighet "
     "(varje rad väljer variant, fakturamottagare och avtalsperiod); be en kollega med full "
     "behörighet", 0},
    {"You uploaded {} batches in the last hour, and at most {} per hour are allowed; the next one "
     "is possible in {} seconds (a dry run is not counted)",
     "Du har laddat upp {} omgångar den senaste timmen, och högst {} i timmen är tillåtet; nästa "
     "är möjlig om {} sekunder (en provkörning räknas inte)", 0},
    {"Your office has no batch {}", "Er byrå har ingen omgång {}", 0},
    {"A batch has at most {} rows: {}; split the file",
     "En omgång har högst {} rader: {}; dela upp filen", WORDS_DEEP},
    {"A batch has at most {} rows, and the array has {}; split it",
     "En omgång har högst {} rader, och listan har {}; dela upp den", 0},
    {"The file could not be read: out of memory", "Filen kunde inte läsas: minnet är slut", 0},
    {"The file cannot be read as CSV: {}", "Filen kan inte läsas som CSV: {}", WORDS_DEEP},
    {"The upload could not be read", "Uppladdningen kunde inte läsas", 0},
    {"The file has a header line but no rows", "Filen har en rubrikrad men inga rader", 0},
    {"The array has no rows; send 1 to {} row objects",
     "Listan har inga rader; skicka 1 till {} radobjekt", 0},
    {"Row {} of the array is not an object", "Rad {} i listan är inget objekt", 0},
    {"Row {} has an unknown member \"{}\"; the members are: {}",
     "Rad {} har en okänd medlem \"{}\"; medlemmarna är: {}", 0},
    {"A batch sends up to {} invitations: send an Idempotency-Key header (a new random value, such "
     "as a UUID, for each upload), so that sending it again after a lost answer cannot start it "
     "twice",
     "En omgång skickar upp till {} inbjudningar: skicka huvudet Idempotency-Key (ett nytt "
     "slumpvärde, till exempel ett UUID, för varje uppladdning), så att den inte kan starta två "
     "gånger om den skickas igen efter ett förlorat svar", 0},
    {"column {} of the header line has no name", "kolumn {} i rubrikraden har inget namn", 0},
    {"the header line names an unknown column \"{}\" (column {}); the columns are: {}",
     "rubrikraden namnger en okänd kolumn \"{}\" (kolumn {}); kolumnerna är: {}", 0},
    {"the header line names the column {} twice", "rubrikraden namnger kolumnen {} två gånger", 0},
    /* the CSV reader's reasons (core/csv.c), in the two texts above that carry them */
    {"line {}: a quoted cell is not closed (a \" is missing)",
     "rad {}: en citerad cell är inte stängd (ett \" saknas)", WORDS_PART},
    {"line {}: text follows the closing quote of a cell (write a quote inside a quoted cell as "
     "\"\")",
     "rad {}: text följer efter cellens avslutande citattecken (skriv ett citattecken i en "
     "citerad cell som \"\")", WORDS_PART},
    {"line {}: a quote inside an unquoted cell (quote the whole cell and write the quote as \"\")",
     "rad {}: ett citattecken i en cell utan citattecken (citera hela cellen och skriv "
     "citattecknet som \"\")", WORDS_PART},
    {"line {} is not valid UTF-8 (byte {} of the line is the first bad one; save the file as "
     "\"CSV UTF-8\")",
     "rad {} är inte giltig UTF-8 (byte {} på raden är den första felaktiga; spara filen som "
     "\"CSV UTF-8\")", WORDS_PART},
    {"the file is empty: it needs a header line naming the columns",
     "filen är tom: den behöver en rubrikrad som namnger kolumnerna", WORDS_PART},
    {"line {} has {} cells, but the header line names {} columns (quote a cell that holds a '{}')",
     "rad {} har {} celler, men rubrikraden namnger {} kolumner (citera en cell som innehåller "
     "'{}')", WORDS_PART},
    {"the header line (line {}) names {} columns; at most {} are read",
     "rubrikraden (rad {}) namnger {} kolumner; högst {} läses", WORDS_PART},
    {"the file has more than {} rows after the header line (line {} is row {})",
     "filen har fler än {} rader efter rubrikraden (rad {} är rad {})", WORDS_PART},
    /* the outbox, variants, the web app's files */
    {"No outbox message '{}'", "Inget utgående meddelande '{}'", 0},
    {"Only a failed message can be retried; this one is {}",
     "Bara ett misslyckat meddelande kan skickas igen; det här är {}", 0},
    {"No variant '{}'; the codes are start, bokforing, fakturering, smart and pro",
     "Ingen variant '{}'; koderna är start, bokforing, fakturering, smart och pro", 0},
    {"The file {} is missing from this build", "Filen {} saknas i den här versionen", 0},
    {"No file /assets/{}", "Ingen fil /assets/{}", 0},
    /* repeated requests (api/idempotency.c) */
    {"The stored response could not be replayed", "Det sparade svaret kunde inte spelas upp igen", 0},
    {"The request could not be checked against its Idempotency-Key: out of memory",
     "Anropet kunde inte jämföras med sin Idempotency-Key: minnet är slut", 0},
    {"This Idempotency-Key was used with a different request (method, path or body); use a new "
     "key for a new request",
     "Den här Idempotency-Key användes med ett annat anrop (metod, sökväg eller innehåll); "
     "använd en ny nyckel för ett nytt anrop", 0},
    {"The first request with this Idempotency-Key is still running; retry shortly to get its "
     "response",
     "Det första anropet med den här Idempotency-Key pågår fortfarande; försök igen om en stund "
     "för att få dess svar", 0},
    /* any resource (api/common.c) */
    {"No such {}", "Hittades inte: {}", WORDS_DEEP},
    {"The {} conflicts with an existing one", "Krockar med en befintlig: {}", WORDS_DEEP},
    {"The database is busy; try again shortly", "Databasen är upptagen; försök igen om en stund", 0},
    {"The request could not be completed: out of memory",
     "Anropet kunde inte slutföras: minnet är slut", 0},
    {"The request could not be completed", "Anropet kunde inte slutföras", 0},
    {"The answer could not be made; any change the request asked for may have been saved: "
     "read the resource again before retrying",
     "Svaret kunde inte skapas; en ändring som anropet bad om kan ha sparats: läs resursen "
     "igen innan du försöker på nytt", 0},
    {"Out of memory", "Minnet är slut", 0},
    {"The database does not answer", "Databasen svarar inte", 0},
    /* the front end (http/precheck.c, http/server.c) */
    {"Send the body with a Content-Length instead of Transfer-Encoding",
     "Skicka innehållet med Content-Length i stället för Transfer-Encoding", 0},
    {"The body has {} bytes; at most {} are accepted",
     "Innehållet har {} byte; högst {} tas emot", 0},
    {"Send the body as Content-Type: text/csv (a file with a header line) or application/json (an "
     "array of rows)",
     "Skicka innehållet som Content-Type: text/csv (en fil med rubrikrad) eller application/json "
     "(en lista med rader)", 0},
    {"An HTTP/1.1 request needs a Host header", "Ett HTTP/1.1-anrop kräver huvudet Host", 0},
    {"The request URI is longer than {} bytes", "Anropets URI är längre än {} byte", 0},
    {"No endpoint at {}", "Ingen adress {}", 0},
    {"{} is not allowed on {}; use {}", "{} är inte tillåtet på {}; använd {}", 0},
    {"The body is larger than the {} bytes accepted",
     "Innehållet är större än de {} byte som tas emot", 0},
    {"{} {} needs a body: a CSV file (text/csv) or a JSON array of rows",
     "{} {} kräver ett innehåll: en CSV-fil (text/csv) eller en JSON-lista med rader", 0},
    {"{} {} takes no request body", "{} {} tar inget innehåll", 0},
    {"{} {} needs a JSON object body", "{} {} kräver ett JSON-objekt som innehåll", 0},
    {"The body must be a JSON array of row objects",
     "Innehållet måste vara en JSON-lista med radobjekt", 0},
    {"The body must be a JSON object", "Innehållet måste vara ett JSON-objekt", 0},
    {"{} (line {}, column {})", "{} (rad {}, kolumn {})", 0},
    /* the titles of the problems (core/errors.c's table, include/errors.h) */
    {"OK", "OK", 0},
    {"The request body is not valid JSON", "Anropets innehåll är inte giltig JSON", 0},
    {"The request body is not a CSV file that can be read",
     "Anropets innehåll är ingen CSV-fil som kan läsas", 0},
    {"The request has invalid fields", "Anropet har ogiltiga fält", 0},
    {"The query string has invalid parameters", "Frågesträngen har ogiltiga parametrar", 0},
    {"A path parameter is invalid", "En parameter i sökvägen är ogiltig", 0},
    {"This request needs a JSON body", "Anropet kräver ett JSON-innehåll", 0},
    {"The HTTP request is malformed", "HTTP-anropet är felaktigt", 0},
    {"Authentication is required", "Inloggning krävs", 0},
    {"You may not do this", "Du får inte göra det här", 0},
    {"A change made with the session cookie needs proof that this site asked for it",
     "En ändring med sessionskakan kräver bevis på att den här webbplatsen bad om den", 0},
    {"Not found", "Hittades inte", 0},
    {"No such endpoint", "Ingen sådan adress", 0},
    {"Method not allowed on this endpoint", "Metoden är inte tillåten på den här adressen", 0},
    {"The request conflicts with the current state", "Anropet krockar med det aktuella läget", 0},
    {"The collaboration cannot make this transition in its current state",
     "Samarbetet kan inte göra den här övergången i sitt nuvarande läge", 0},
    {"There is already an open collaboration", "Det finns redan ett öppet samarbete", 0},
    {"Another office's invitation already names the company's administrator-to-be",
     "En annan byrås inbjudan anger redan den som ska bli företagets administratör", 0},
    {"Too many failed attempts to accept this invitation",
     "För många misslyckade försök att anta inbjudan", 0},
    {"The resource already exists", "Resursen finns redan", 0},
    {"A request with this Idempotency-Key is still being processed",
     "Ett anrop med den här Idempotency-Key behandlas fortfarande", 0},
    {"The resource is no longer available", "Resursen finns inte längre", 0},
    {"The request body needs a Content-Length", "Anropets innehåll kräver Content-Length", 0},
    {"If-Match does not match the current version",
     "If-Match stämmer inte med den aktuella versionen", 0},
    {"The request body is too large", "Anropets innehåll är för stort", 0},
    {"The request URI is too long", "Anropets URI är för lång", 0},
    {"The request body must be application/json",
     "Anropets innehåll måste vara application/json", 0},
    {"This Idempotency-Key was used with another request",
     "Den här Idempotency-Key användes med ett annat anrop", 0},
    {"The request cannot be carried out", "Anropet kan inte genomföras", 0},
    {"A downgrade can only be carried out by support",
     "En nedgradering kan bara genomföras av supporten", 0},
    {"A downgrade resets the company and must be confirmed",
     "En nedgradering återställer företaget och måste bekräftas", 0},
    {"An open task of the office for this customer is required",
     "Ett öppet uppdrag från byrån för kunden krävs", 0},
    {"The corporate ID or e-mail address does not match",
     "Organisationsnumret eller e-postadressen stämmer inte", 0},
    {"This action does not apply to a collaboration started this way",
     "Det gäller inte ett samarbete som startade på det här sättet", 0},
    {"The company needs a main contact", "Företaget behöver en huvudkontakt", 0},
    {"The company has no administrator on the customer portal",
     "Företaget har ingen administratör i kundportalen", 0},
    {"This update needs an If-Match header", "Ändringen kräver huvudet If-Match", 0},
    {"This request needs an Idempotency-Key header", "Anropet kräver huvudet Idempotency-Key", 0},
    {"Too many requests", "För många anrop", 0},
    {"Internal server error", "Internt serverfel", 0},
    {"The service is temporarily unavailable", "Tjänsten är tillfälligt otillgänglig", 0},
    /* the things "No such {}" and "The {} conflicts with an existing one" name */
    {"collaboration", "samarbete", WORDS_PART},
    {"company", "företag", WORDS_PART},
    {"customer in your register", "kund i ert kundregister", WORDS_PART},
    {"customer", "kund", WORDS_PART},
    {"delivery", "leverans", WORDS_PART},
    {"idempotency key", "Idempotency-Key", WORDS_PART},
    {"invitation", "inbjudan", WORDS_PART},
    {"outbox message", "utgående meddelande", WORDS_PART},
    {"session", "session", WORDS_PART},
    {"sign-in", "inloggning", WORDS_PART},
    {"task in your office", "uppdrag på er byrå", WORDS_PART},
    {"task", "uppdrag", WORDS_PART},
    {"token", "API-nyckel", WORDS_PART},
    {"user", "användare", WORDS_PART},
    {"variant", "variant", WORDS_PART},
    {"webhook", "webhook-mottagare", WORDS_PART},
};
const size_t words_requests_len = sizeof words_requests / sizeof words_requests[0];
