/* fixtures.h - integration-test helpers that create principals with `advisord admin` and
 * read back their id and token (header-only: each test binary includes it once). */
#ifndef ADVISORD_TEST_FIXTURES_H
#define ADVISORD_TEST_FIXTURES_H

#include "harness.h"
#include "testdb.h"
#include "testlib.h"

#include <stdlib.h>

#define FX_ID_LEN 37
#define FX_TOKEN_LEN 64

/* Runs an admin command; fills id and token (either may be NULL) from its output. Returns
 * the exit code. */
static inline int fx_admin(struct server *s, const char *const *args, char *id, char *token)
{
  char *out = NULL;
  int rc = run_cli(s, args, &out);
  if (id && !cli_value(out ? out : "", "id", id, FX_ID_LEN))
    id[0] = '\0';
  if (token && !cli_value(out ? out : "", "token", token, FX_TOKEN_LEN))
    token[0] = '\0';
  free(out);
  return rc;
}

/* An office and its first user (role full). */
static inline void fx_office(struct server *s, const char *name, const char *corporate_id,
                             const char *email, char *office_id, char *token)
{
  const char *args[] = {"admin", "create-office", "--name", name, "--corporate-id",
                        corporate_id, "--email", email, NULL};
  CHECK_INT(fx_admin(s, args, office_id, token), 0);
}

/* Another user of an office: role "full" or "limited". */
static inline void fx_user(struct server *s, const char *office_id, const char *email,
                           const char *role, char *user_id, char *token)
{
  const char *args[] = {"admin", "create-user", "--office", office_id, "--email", email,
                        "--role", role, NULL};
  CHECK_INT(fx_admin(s, args, user_id, token), 0);
}

/* A company with relation none or account (subscribers: call fx_admin with the flags). */
static inline void fx_company(struct server *s, const char *corporate_id, const char *name,
                              const char *relation, char *company_id)
{
  const char *args[] = {"admin", "create-company", "--corporate-id", corporate_id, "--name",
                        name, "--relation", relation, NULL};
  CHECK_INT(fx_admin(s, args, company_id, NULL), 0);
}

/* A subscriber company: its variant, who pays ("customer" or "office"), the agreement period
 * in months and the renewal date (YYYY-MM-DD). */
static inline void fx_subscriber(struct server *s, const char *corporate_id, const char *name,
                                 const char *variant, const char *payer, const char *months,
                                 const char *renews_on, char *company_id)
{
  const char *args[] = {"admin", "create-company", "--corporate-id", corporate_id, "--name",
                        name, "--relation", "subscriber", "--variant", variant,
                        "--invoice-recipient", payer, "--period", months, "--renews-on",
                        renews_on, NULL};
  CHECK_INT(fx_admin(s, args, company_id, NULL), 0);
}

static inline void fx_customer_admin(struct server *s, const char *corporate_id,
                                     const char *name, const char *email, char *admin_id,
                                     char *token)
{
  const char *args[] = {"admin", "create-customer-admin", "--corporate-id", corporate_id,
                        "--name", name, "--email", email, NULL};
  CHECK_INT(fx_admin(s, args, admin_id, token), 0);
}

static inline void fx_support(struct server *s, const char *email, char *id, char *token)
{
  const char *args[] = {"admin", "create-support", "--email", email, NULL};
  CHECK_INT(fx_admin(s, args, id, token), 0);
}

/* True when needle occurs anywhere in the bytes of the file (a log, an e-mail); the stored
 * data is searched with testdb_contains. */
static inline bool fx_file_contains(const char *path, const char *needle)
{
  return test_file_contains(path, needle);
}

#endif
