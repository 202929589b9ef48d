/* template.c - the e-mail texts (Swedish and English) and their rendering.
 *
 * A text uses {name} for a value: a string (or integer) member of the row's data, or one of
 * the computed values {link} (the invitation link, from data.token_nonce), {variant_name}
 * (the variant's display name, from data.variant) and {expires_on} (the date part of
 * data.expires_at). A body line starting with {?name} is left out when that value is absent.
 * Values lose control characters so that data can never add lines or headers. */
#include "mail_template.h"
#include "mbuf.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 6

struct text {
  const char *subject;
  const char *body;
};

struct template {
  const char *name;
  const char *required[MAX_FIELDS]; /* data members that must be present */
  struct text sv, en;
};

#define FOOTER_SV "\n-- \nDet här meddelandet skickades automatiskt av advisord. Svara inte på det.\n"
#define FOOTER_EN "\n-- \nThis message was sent automatically by advisord. Please do not reply.\n"

static const struct template templates[] = {
    {"invitation_customer",
     {"office_name", "customer_name", "variant", "collaboration_id", "token_nonce"},
     {"{office_name} bjuder in {customer_name} till samarbete i {variant_name}",
      "Hej!\n\n"
      "Redovisningsbyrån {office_name} vill samarbeta med {customer_name} i {variant_name}.\n\n"
      "Logga in på kundportalen Mina tjänster och godkänn villkoren för att starta "
      "samarbetet. Inbjudan öppnar du med länken nedan:\n\n"
      "{link}\n\n"
      "{?expires_on}Inbjudan gäller till och med {expires_on}.\n"
      "Känner du inte igen inbjudan kan du bortse från det här meddelandet.\n\n"
      "Vänliga hälsningar\n{office_name}\n" FOOTER_SV},
     {"{office_name} invites {customer_name} to collaborate in {variant_name}",
      "Hello,\n\n"
      "The accounting office {office_name} would like to work with {customer_name} in "
      "{variant_name}.\n\n"
      "Log in to the customer portal Mina tjänster and approve the terms to start the "
      "collaboration. Open the invitation with the link below:\n\n"
      "{link}\n\n"
      "{?expires_on}The invitation is valid until {expires_on}.\n"
      "If you do not recognise this invitation, you can ignore this message.\n\n"
      "Kind regards\n{office_name}\n" FOOTER_EN}},
    {"activation_new_admin",
     {"office_name", "customer_name", "admin_name", "variant", "collaboration_id",
      "token_nonce"},
     {"{office_name} har aktiverat {variant_name} för {customer_name}",
      "Hej {admin_name}!\n\n"
      "Redovisningsbyrån {office_name} har aktiverat {variant_name} för {customer_name} och "
      "angett dig som administratör för företaget.\n\n"
      "Logga in på kundportalen Mina tjänster och godkänn villkoren, så kan byrån och ni "
      "börja arbeta tillsammans. Inbjudan öppnar du med länken nedan:\n\n"
      "{link}\n\n"
      "{?expires_on}Inbjudan gäller till och med {expires_on}.\n"
      "Känner du inte igen inbjudan kan du bortse från det här meddelandet.\n\n"
      "Vänliga hälsningar\n{office_name}\n" FOOTER_SV},
     {"{office_name} has activated {variant_name} for {customer_name}",
      "Hello {admin_name},\n\n"
      "The accounting office {office_name} has activated {variant_name} for {customer_name} "
      "and named you the company's administrator.\n\n"
      "Log in to the customer portal Mina tjänster and approve the terms so that the office "
      "and you can start working together. Open the invitation with the link below:\n\n"
      "{link}\n\n"
      "{?expires_on}The invitation is valid until {expires_on}.\n"
      "If you do not recognise this invitation, you can ignore this message.\n\n"
      "Kind regards\n{office_name}\n" FOOTER_EN}},
    {"invitation_office",
     {"company_name", "corporate_id", "collaboration_id", "token_nonce"},
     {"{company_name} bjuder in er byrå till samarbete",
      "Hej!\n\n"
      "{company_name} (organisationsnummer {corporate_id}) vill att er byrå tar hand om "
      "företagets ekonomi i Visma eEkonomi och har bjudit in er till ett samarbete.\n\n"
      "Aktivera samarbetet med länken nedan. Där bekräftar ni byråns organisationsnummer och "
      "e-postadress och godkänner villkoren. Samarbetet startar när ni har kopplat det till "
      "ett uppdrag.\n\n"
      "{link}\n\n"
      "{?expires_on}Inbjudan gäller till och med {expires_on}.\n"
      "Känner ni inte igen inbjudan kan ni bortse från det här meddelandet.\n" FOOTER_SV},
     {"{company_name} invites your office to collaborate",
      "Hello,\n\n"
      "{company_name} (corporate ID {corporate_id}) would like your office to look after the "
      "company's accounts in Visma eEkonomi and has invited you to a collaboration.\n\n"
      "Activate the collaboration with the link below. There you confirm your office's "
      "corporate ID and e-mail address and accept the terms. The collaboration starts once "
      "you have connected it to a task.\n\n"
      "{link}\n\n"
      "{?expires_on}The invitation is valid until {expires_on}.\n"
      "If you do not recognise this invitation, you can ignore this message.\n" FOOTER_EN}},
    {"office_accepted",
     {"office_name", "collaboration_id"},
     {"{office_name} har accepterat er inbjudan",
      "Hej!\n\n"
      "Redovisningsbyrån {office_name} har accepterat er inbjudan till ett samarbete. "
      "Samarbetet startar när byrån har kopplat det till ett uppdrag; ni behöver inte göra "
      "något mer.\n\n"
      "Samarbetets id: {collaboration_id}\n" FOOTER_SV},
     {"{office_name} has accepted your invitation",
      "Hello,\n\n"
      "The accounting office {office_name} has accepted your invitation to collaborate. The "
      "collaboration starts once the office has connected it to a task; there is nothing more "
      "you need to do.\n\n"
      "Collaboration id: {collaboration_id}\n" FOOTER_EN}},
    {"approved_office",
     {"customer_name", "collaboration_id"},
     {"{customer_name} har godkänt samarbetet",
      "Hej!\n\n"
      "{customer_name} har godkänt villkoren för samarbetet med er byrå. Ni kan nu börja "
      "arbeta tillsammans i Visma eEkonomi.\n\n"
      "Samarbetets id: {collaboration_id}\n" FOOTER_SV},
     {"{customer_name} has approved the collaboration",
      "Hello,\n\n"
      "{customer_name} has approved the terms of the collaboration with your office. You can "
      "now start working together in Visma eEkonomi.\n\n"
      "Collaboration id: {collaboration_id}\n" FOOTER_EN}},
    {"collaboration_ended",
     {"office_name", "collaboration_id"},
     {"{office_name} har avslutat samarbetet med er",
      "Hej!\n\n"
      "Redovisningsbyrån {office_name} har avslutat samarbetet med er i Visma eEkonomi. "
      "Tjänsten och ert abonnemang fortsätter tills vidare precis som tidigare.\n\n"
      "Nu bestämmer ni om företaget ska fortsätta använda tjänsten på egen hand (och då själva "
      "betala för den från och med nu) eller avaktivera den. Logga in på kundportalen Mina "
      "tjänster och gör ert val.\n\n"
      "Samarbetets id: {collaboration_id}\n" FOOTER_SV},
     {"{office_name} has ended the collaboration with you",
      "Hello,\n\n"
      "The accounting office {office_name} has ended its collaboration with you in Visma "
      "eEkonomi. The service and your subscription carry on as before for now.\n\n"
      "You now decide whether the company keeps using the service on its own (and pays for it "
      "from then on) or deactivates it. Log in to the customer portal Mina tjänster to make "
      "your choice.\n\n"
      "Collaboration id: {collaboration_id}\n" FOOTER_EN}},
    {"renewal_requested",
     {"invitee_name", "collaboration_id"},
     {"{invitee_name} ber om en ny inbjudan till samarbete",
      "Hej!\n\n"
      "{invitee_name} hann inte svara på er inbjudan till samarbete innan den gick ut och ber "
      "nu om en ny.\n\n"
      "Den gamla inbjudan öppnas inte igen. Vill ni fortfarande samarbeta skickar ni en ny "
      "inbjudan.\n\n"
      "Samarbetets id: {collaboration_id}\n" FOOTER_SV},
     {"{invitee_name} asks for a new invitation to collaborate",
      "Hello,\n\n"
      "{invitee_name} did not answer your invitation to collaborate before it expired and now "
      "asks for a new one.\n\n"
      "The old invitation will not open again. If you still want to work together, send a new "
      "invitation.\n\n"
      "Collaboration id: {collaboration_id}\n" FOOTER_EN}},
};
#define N_TEMPLATES (sizeof templates / sizeof templates[0])

static const struct template *find(const char *name)
{
  for (size_t i = 0; name && i < N_TEMPLATES; i++)
    if (strcmp(templates[i].name, name) == 0)
      return &templates[i];
  return NULL;
}

bool mail_template_known(const char *name) { return find(name) != NULL; }

bool mail_invitation_link(const struct mail_render_ctx *ctx, const char *nonce, char *out,
                          size_t len)
{
  char token[SECRET_TOKEN_LEN];
  secret_token(ctx->secret, "invitation", nonce, token);
  const char *base = ctx->public_url ? ctx->public_url : "";
  size_t bl = strlen(base);
  while (bl > 0 && base[bl - 1] == '/')
    bl--;
  int n = snprintf(out, len, "%.*s/v1/invitations/%s", (int)bl, base, token);
  return n > 0 && (size_t)n < len;
}

struct render {
  json_t *data;
  const struct mail_render_ctx *ctx;
  char *why;
  size_t why_len;
  bool failed;
};

/* The value of a placeholder into buf; false when absent. */
static bool value_of(struct render *r, const char *name, char *buf, size_t len)
{
  if (strcmp(name, "link") == 0) {
    const char *nonce = json_string_value(json_object_get(r->data, "token_nonce"));
    return nonce && *nonce && mail_invitation_link(r->ctx, nonce, buf, len);
  }
  json_t *v = json_object_get(r->data, strcmp(name, "variant_name") == 0 ? "variant" : name);
  const char *at = json_string_value(json_object_get(r->data, "expires_at"));
  if (strcmp(name, "variant_name") == 0 && r->ctx->variant_name && *r->ctx->variant_name)
    snprintf(buf, len, "%s", r->ctx->variant_name);
  else if (strcmp(name, "expires_on") == 0 && at && strlen(at) >= 10)
    snprintf(buf, len, "%.10s", at);
  else if (strcmp(name, "expires_on") != 0 && json_is_string(v) && json_string_length(v) > 0)
    snprintf(buf, len, "%s", json_string_value(v));
  else if (strcmp(name, "expires_on") != 0 && json_is_integer(v))
    snprintf(buf, len, "%lld", (long long)json_integer_value(v));
  else
    return false;
  /* A value longer than buf is cut, maybe inside a character: that one becomes '?', so that
   * the mail stays UTF-8 and can be built. */
  util_utf8_sanitize(buf);
  for (char *p = buf; *p; p++) /* no line breaks or other controls from data */
    if ((unsigned char)*p < 0x20 || *p == 0x7F)
      *p = ' ';
  return true;
}

/* Appends text with its placeholders filled; a missing value fails the rendering. */
static void fill(struct render *r, struct mbuf *b, const char *text, size_t n)
{
  const char *p = text, *end = text + n;
  while (p < end && !r->failed) {
    const char *open = memchr(p, '{', (size_t)(end - p));
    if (!open) {
      mbuf_addn(b, p, (size_t)(end - p));
      break;
    }
    mbuf_addn(b, p, (size_t)(open - p));
    const char *close = memchr(open, '}', (size_t)(end - open));
    char name[64], value[1024];
    size_t nl = close ? (size_t)(close - open - 1) : 0;
    if (!close || nl == 0 || nl >= sizeof name) {
      mbuf_addc(b, '{');
      p = open + 1;
      continue;
    }
    memcpy(name, open + 1, nl);
    name[nl] = '\0';
    if (!value_of(r, name, value, sizeof value)) {
      snprintf(r->why, r->why_len, "the data has no usable '%s'",
               strcmp(name, "link") == 0 ? "token_nonce" : name);
      r->failed = true;
      return;
    }
    mbuf_add(b, value);
    p = close + 1;
  }
}

/* The body: line by line, dropping "{?name}" lines whose value is absent. */
static void fill_body(struct render *r, struct mbuf *b, const char *body)
{
  for (const char *line = body; *line && !r->failed;) {
    size_t n = strcspn(line, "\n");
    size_t with_nl = n + (line[n] == '\n');
    if (strncmp(line, "{?", 2) == 0) {
      const char *close = memchr(line, '}', n);
      char name[64], value[1024];
      size_t nl = close ? (size_t)(close - line - 2) : 0;
      if (close && nl > 0 && nl < sizeof name) {
        memcpy(name, line + 2, nl);
        name[nl] = '\0';
        if (value_of(r, name, value, sizeof value))
          fill(r, b, close + 1, with_nl - (size_t)(close + 1 - line));
        line += with_nl;
        continue;
      }
    }
    fill(r, b, line, with_nl);
    line += with_nl;
  }
}

bool mail_template_render(const char *name, const char *language, json_t *data,
                          const struct mail_render_ctx *ctx, struct mail_rendered *out,
                          char *why, size_t why_len)
{
  memset(out, 0, sizeof *out);
  const struct template *t = find(name);
  if (!t) {
    snprintf(why, why_len, "unknown template '%.60s'", name ? name : "");
    return false;
  }
  if (!json_is_object(data)) {
    snprintf(why, why_len, "the data of template '%s' is not a JSON object", t->name);
    return false;
  }
  struct render r = {data, ctx, why, why_len, false};
  char value[1024];
  for (size_t i = 0; i < MAX_FIELDS && t->required[i]; i++)
    if (!value_of(&r, t->required[i], value, sizeof value)) {
      snprintf(why, why_len, "template '%s' needs data field '%s'", t->name, t->required[i]);
      return false;
    }
  const struct text *tx = language && strcmp(language, "en") == 0 ? &t->en : &t->sv;
  struct mbuf s = {0}, b = {0};
  fill(&r, &s, tx->subject, strlen(tx->subject));
  fill_body(&r, &b, tx->body);
  out->subject = mbuf_take(&s);
  out->body = mbuf_take(&b);
  if (r.failed || !out->subject || !out->body) {
    if (!r.failed)
      snprintf(why, why_len, "out of memory");
    mail_rendered_free(out);
    return false;
  }
  return true;
}

void mail_rendered_free(struct mail_rendered *r)
{
  free(r->subject);
  free(r->body);
  r->subject = r->body = NULL;
}
