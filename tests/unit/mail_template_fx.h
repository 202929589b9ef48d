/* mail_template_fx.h - what the e-mail template tests share: a key, a render context, a data
 * object with every member an e-mail may carry, and a render helper. Header-only (static). */
#ifndef ADVISORD_TEST_MAIL_TEMPLATE_FX_H
#define ADVISORD_TEST_MAIL_TEMPLATE_FX_H

#include "mail_template.h"
#include "testlib.h"

static struct secret key;
static struct mail_render_ctx ctx = {"https://advisor.example.se/", &key, "Looked-up Name"};

/* Every member of the contract (/work/notes/mail_contract.md), with values found nowhere in
 * the texts themselves, and an office-private register name no customer text may show. */
#define FULL_DATA                                                                           \
  "{\"collaboration_id\":\"c-42\",\"office_name\":\"Byrå Öst AB\","                          \
  "\"company_name\":\"Ärlig Bygg AB\",\"corporate_id\":\"556677-8899\","                     \
  "\"variant\":\"smart\",\"variant_name\":\"Visma eEkonomi Smart\","                         \
  "\"invoice_recipient\":\"customer\",\"agreement_period_months\":12,"                       \
  "\"starts_on\":\"2027-01-01\",\"renews_on\":\"2028-01-01\","                               \
  "\"no_charge_until\":\"2027-05-31\",\"expires_at\":\"2026-12-27T10:00:00.000Z\","          \
  "\"token_nonce\":\"nonce-0001\",\"recipient_name\":\"Anna Berg\","                         \
  "\"actor_name\":\"Åsa Öberg (administratör)\",\"reason\":\"Vi har redan en byrå\","        \
  "\"reminder\":2,\"from_variant_name\":\"Visma eEkonomi Bokföring\","                       \
  "\"to_variant_name\":\"Visma eEkonomi Pro\",\"lost_features\":\"approval_flow,multi_user\","\
  "\"service_kept\":true,\"decision_pending\":true,\"changed\":\"invoice_recipient\","        \
  "\"terms_version\":\"2026-11\",\"customer_name\":\"Alfa (vår kund)\"}"

static void init_key(void)
{
  for (size_t i = 0; i < sizeof key.key; i++)
    key.key[i] = (unsigned char)(i * 7 + 1);
}

/* Renders name in lang with data; the body (malloc'd, caller frees) or NULL with why printed
 * as a failed check. The subject goes to *subject (caller frees) when subject is not NULL. */
static char *render_body(const char *name, const char *lang, json_t *data, char **subject)
{
  struct mail_rendered r;
  char why[200];
  bool ok = mail_template_render(name, lang, data, &ctx, &r, why, sizeof why);
  CHECK_MSG(ok, "%s/%s: %s", name, lang, why);
  if (!ok)
    return NULL;
  if (subject)
    *subject = r.subject;
  else
    free(r.subject);
  return r.body;
}

#endif
