/* template.c - renders the e-mail texts of texts_customer.c and texts_office.c.
 *
 * A text uses {name} for a value: a string (or integer) member of the row's data, or one of
 * the computed values below ({link}, {sign_in_link}, {variant_name}, {expires_on}, {payer},
 * {lost_features}, {account_role}). A body line may start with conditions: {?name} keeps the line when the
 * value is present and not false (a non-empty string, an integer, true), {!name} when it is
 * absent or false; several conditions on one line must all hold. Values lose control
 * characters so that data can never add lines or headers. */
#include "mail_template.h"
#include "mbuf.h"
#include "texts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A link computed once per rendering (its token is an HMAC: the check of the required data
 * and each {link} in the text would otherwise compute it again). */
struct link {
  int state; /* 0: not yet computed; 1: text holds it; -1: the data gives none */
  char text[512];
};

struct render {
  json_t *data;
  const struct mail_render_ctx *ctx;
  bool en;
  char *why;
  size_t why_len;
  bool failed;
  struct link link, sign_in_link;
};

static bool put_link(struct render *r, struct mbuf *b);
static bool put_variant_name(struct render *r, struct mbuf *b);
static bool put_expires_on(struct render *r, struct mbuf *b);
static bool put_payer(struct render *r, struct mbuf *b);
static bool put_lost_features(struct render *r, struct mbuf *b);
static bool put_sign_in_link(struct render *r, struct mbuf *b);
static bool put_account_role(struct render *r, struct mbuf *b);

/* The computed values, the data member each comes from (named when it is unusable) and what
 * that member must hold. */
static const struct computed {
  const char *name, *source, *wanted;
  bool (*put)(struct render *r, struct mbuf *b);
} computed[] = {
    {"link", "token_nonce", "a non-empty string", put_link},
    {"variant_name", "variant", "a non-empty string", put_variant_name},
    {"expires_on", "expires_at", "an ISO date and time", put_expires_on},
    {"payer", "invoice_recipient", "\"office\" or \"customer\"", put_payer},
    {"lost_features", "lost_features", "a comma-separated list", put_lost_features},
    {"sign_in_link", "sign_in_nonce", "a non-empty string", put_sign_in_link},
    {"account_role", "account_kind", "office_user, customer_admin or support",
     put_account_role},
};
#define N_COMPUTED (sizeof computed / sizeof computed[0])

static const struct mail_text_template *find(const char *name)
{
  for (size_t i = 0; name && i < mail_texts_customer_count; i++)
    if (strcmp(mail_texts_customer[i].name, name) == 0)
      return &mail_texts_customer[i];
  for (size_t i = 0; name && i < mail_texts_office_count; i++)
    if (strcmp(mail_texts_office[i].name, name) == 0)
      return &mail_texts_office[i];
  for (size_t i = 0; name && i < mail_texts_account_count; i++)
    if (strcmp(mail_texts_account[i].name, name) == 0)
      return &mail_texts_account[i];
  return NULL;
}

bool mail_template_known(const char *name) { return find(name) != NULL; }

/* Appends n bytes of s to b (when b is not NULL), control characters made spaces. */
static void put_text(struct mbuf *b, const char *s, size_t n)
{
  if (!b)
    return;
  size_t from = b->len;
  mbuf_addn(b, s, n);
  for (size_t i = from; !b->oom && i < b->len; i++)
    if ((unsigned char)b->p[i] < 0x20 || b->p[i] == 0x7F)
      b->p[i] = ' ';
}

/* The data member's non-empty string, or NULL. */
static const char *member_str(struct render *r, const char *name)
{
  json_t *v = json_object_get(r->data, name);
  return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

/* Appends the link made by make from the data member nonce_member (computed at its first use
 * in this rendering); false when the data gives none. */
static bool put_cached_link(struct render *r, struct mbuf *b, struct link *l,
                            const char *nonce_member,
                            bool (*make)(const struct mail_render_ctx *, const char *, char *,
                                         size_t))
{
  if (l->state == 0) {
    const char *nonce = member_str(r, nonce_member);
    l->state = nonce && make(r->ctx, nonce, l->text, sizeof l->text) ? 1 : -1;
  }
  if (l->state < 0)
    return false;
  put_text(b, l->text, strlen(l->text));
  return true;
}

static bool put_link(struct render *r, struct mbuf *b)
{
  return put_cached_link(r, b, &r->link, "token_nonce", mail_invitation_link);
}

static bool put_sign_in_link(struct render *r, struct mbuf *b)
{
  return put_cached_link(r, b, &r->sign_in_link, "sign_in_nonce", mail_sign_in_link);
}

/* What kind of account signs in, in the e-mail's language, from data.account_kind. */
static bool put_account_role(struct render *r, struct mbuf *b)
{
  const char *k = member_str(r, "account_kind");
  const char *s = NULL;
  if (k && strcmp(k, "office_user") == 0)
    s = r->en ? "user of the accounting office" : "användare på redovisningsbyrån";
  else if (k && strcmp(k, "customer_admin") == 0)
    s = r->en ? "administrator of the company" : "företagets administratör";
  else if (k && strcmp(k, "support") == 0)
    s = r->en ? "support" : "support";
  if (s)
    put_text(b, s, strlen(s));
  return s != NULL;
}

/* data.variant_name, else the name the mailer looked up, else the code. */
static bool put_variant_name(struct render *r, struct mbuf *b)
{
  const char *s = member_str(r, "variant_name");
  if (!s && r->ctx->variant_name && *r->ctx->variant_name)
    s = r->ctx->variant_name;
  if (!s)
    s = member_str(r, "variant");
  if (s)
    put_text(b, s, strlen(s));
  return s != NULL;
}

/* The date part of data.expires_at. */
static bool put_expires_on(struct render *r, struct mbuf *b)
{
  const char *at = member_str(r, "expires_at");
  static const char shape[] = "dddd-dd-dd";
  for (size_t i = 0; at && i < 10; i++)
    if (shape[i] == 'd' ? at[i] < '0' || at[i] > '9' : at[i] != '-')
      return false;
  if (at)
    put_text(b, at, 10);
  return at != NULL;
}

/* Who pays, in the e-mail's language, from data.invoice_recipient. */
static bool put_payer(struct render *r, struct mbuf *b)
{
  const char *who = member_str(r, "invoice_recipient");
  const char *s = NULL;
  if (who && strcmp(who, "office") == 0)
    s = r->en ? "the office" : "byrån";
  else if (who && strcmp(who, "customer") == 0)
    s = r->en ? "the company" : "företaget";
  if (s)
    put_text(b, s, strlen(s));
  return s != NULL;
}

/* The features of a variant in words; an unknown code is shown as it is. */
static const struct {
  const char *code, *sv, *en;
} features[] = {
    {"bookkeeping.basic", "grundläggande bokföring", "basic bookkeeping"},
    {"bookkeeping.full", "fullständig bokföring", "full bookkeeping"},
    {"invoicing.basic", "grundläggande fakturering", "basic invoicing"},
    {"invoicing.full", "fullständig fakturering", "full invoicing"},
    {"supplier_invoices", "leverantörsfakturor", "supplier invoices"},
    {"approval_flow", "attestflöde", "approval flow"},
    {"multi_user", "flera användare", "several users"},
};

/* data.lost_features ("a,b") as "A, B" in the e-mail's language. */
static bool put_lost_features(struct render *r, struct mbuf *b)
{
  const char *list = member_str(r, "lost_features");
  size_t shown = 0;
  for (const char *p = list; p && *p;) {
    size_t n = strcspn(p, ",");
    const char *code = p;
    size_t cn = n;
    while (cn > 0 && *code == ' ')
      code++, cn--;
    while (cn > 0 && code[cn - 1] == ' ')
      cn--;
    p += n + (p[n] == ',');
    if (cn == 0)
      continue;
    const char *word = NULL;
    for (size_t i = 0; !word && i < sizeof features / sizeof features[0]; i++)
      if (strlen(features[i].code) == cn && memcmp(features[i].code, code, cn) == 0)
        word = r->en ? features[i].en : features[i].sv;
    if (shown++ > 0)
      put_text(b, ", ", 2);
    put_text(b, word ? word : code, word ? strlen(word) : cn);
  }
  return shown > 0;
}

static const struct computed *computed_value(const char *name)
{
  for (size_t i = 0; i < N_COMPUTED; i++)
    if (strcmp(computed[i].name, name) == 0)
      return &computed[i];
  return NULL;
}

/* Appends the value of a placeholder to b (b NULL: only checks); false when it has none. */
static bool put_value(struct render *r, const char *name, struct mbuf *b)
{
  const struct computed *c = computed_value(name);
  if (c)
    return c->put(r, b);
  json_t *v = json_object_get(r->data, name);
  if (json_is_string(v) && json_string_length(v) > 0) {
    put_text(b, json_string_value(v), json_string_length(v));
    return true;
  }
  if (!json_is_integer(v))
    return false;
  if (b)
    mbuf_addf(b, "%lld", (long long)json_integer_value(v));
  return true;
}

/* A line condition: the value is present and not false. */
static bool holds(struct render *r, const char *name)
{
  json_t *v = json_object_get(r->data, name);
  if (json_is_boolean(v))
    return json_is_true(v);
  return put_value(r, name, NULL);
}

/* The data member a placeholder comes from, for a reason. */
static const char *source_of(const char *name)
{
  const struct computed *c = computed_value(name);
  return c ? c->source : name;
}

/* Copies the name inside "{name}" at open (n bytes available) into name; its length, or 0
 * when there is none. */
static size_t name_at(const char *open, size_t n, char name[64])
{
  const char *close = memchr(open, '}', n);
  size_t nl = close ? (size_t)(close - open - 1) : 0;
  if (!close || nl == 0 || nl >= 64)
    return 0;
  memcpy(name, open + 1, nl);
  name[nl] = '\0';
  return nl;
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
    char name[64];
    size_t nl = name_at(open, (size_t)(end - open), name);
    if (nl == 0) {
      mbuf_addc(b, '{');
      p = open + 1;
      continue;
    }
    if (!put_value(r, name, b)) {
      snprintf(r->why, r->why_len, "the data has no usable '%s'", source_of(name));
      r->failed = true;
      return;
    }
    p = open + nl + 2;
  }
}

/* The body: line by line, each line's leading {?name} and {!name} conditions decide whether
 * the rest of it is kept. */
static void fill_body(struct render *r, struct mbuf *b, const char *body)
{
  for (const char *line = body; *line && !r->failed;) {
    size_t with_nl = strcspn(line, "\n");
    with_nl += line[with_nl] == '\n';
    const char *p = line;
    bool keep = true;
    char name[64];
    size_t nl;
    while ((p[0] == '{' && (p[1] == '?' || p[1] == '!')) &&
           (nl = name_at(p + 1, with_nl - (size_t)(p + 1 - line), name)) > 0) {
      keep = keep && holds(r, name) == (p[1] == '?');
      p += nl + 3;
    }
    if (keep)
      fill(r, b, p, with_nl - (size_t)(p - line));
    line += with_nl;
  }
}

/* The first required member the data lacks, or that a value computed from it cannot use. */
static bool check_required(struct render *r, const struct mail_text_template *t)
{
  for (size_t i = 0; i < MAIL_MAX_REQUIRED && t->required[i]; i++) {
    const char *need = t->required[i];
    const char *wanted = NULL;
    bool ok = put_value(r, need, NULL);
    for (size_t k = 0; ok && k < N_COMPUTED; k++)
      if (strcmp(computed[k].source, need) == 0 && !computed[k].put(r, NULL))
        ok = false, wanted = computed[k].wanted;
    if (!ok) {
      snprintf(r->why, r->why_len, "template '%s' needs data field '%s'%s%s%s", t->name, need,
               wanted ? " (" : "", wanted ? wanted : "", wanted ? ")" : "");
      return false;
    }
  }
  return true;
}

bool mail_template_render(const char *name, const char *language, json_t *data,
                          const struct mail_render_ctx *ctx, struct mail_rendered *out,
                          char *why, size_t why_len)
{
  memset(out, 0, sizeof *out);
  const struct mail_text_template *t = find(name);
  if (!t) {
    snprintf(why, why_len, "unknown template '%.60s'", name ? name : "");
    return false;
  }
  if (!json_is_object(data)) {
    snprintf(why, why_len, "the data of template '%s' is not a JSON object", t->name);
    return false;
  }
  bool en = language && strcmp(language, "en") == 0;
  struct render r = {data, ctx, en, why, why_len, false, {0, ""}, {0, ""}};
  if (!check_required(&r, t))
    return false;
  const struct mail_text *tx = en ? &t->en : &t->sv;
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
