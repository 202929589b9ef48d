/* ways_fx.h - the server, office and checks the tests of the ways a collaboration starts share
 * (test_collab_way_*.c; header-only: each test binary includes it once): a server whose mailer
 * has no SMTP server, the office "Byrå Ett AB" with its first user and a limited user, and what
 * every invitation to the customer states. */
#ifndef ADVISORD_TEST_WAYS_FX_H
#define ADVISORD_TEST_WAYS_FX_H

#include "collab_fx.h"

static struct server s;
static char office[FX_ID_LEN], tok_office[FX_TOKEN_LEN];
static char limited[FX_ID_LEN], tok_limited[FX_TOKEN_LEN];

/* what every invitation to the customer states */
static const char *const customer_keys[] = {
    "office_name", "company_name",      "corporate_id",           "variant",        "variant_name",
    "invoice_recipient", "agreement_period_months", "collaboration_id", "token_nonce",
    "expires_at", "recipient_name", NULL};

/* Starts the server and makes the office and its limited user. */
static inline void ways_start(void)
{
  const char *env[] = {"ADVISORD_SMTP_URL=", NULL};
  server_start(&s, NULL, env);
  fx_office(&s, "Byrå Ett AB", "5560360793", "info@byra-ett.se", office, tok_office);
  fx_user(&s, office, "limited@byra-ett.se", "limited", limited, tok_limited);
}

/* Stops the server; the test program's exit status. */
static inline int ways_stop(void)
{
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}

#endif
