/* service/api_tokens.h - API tokens for integrations: issuing one (shown once) and revoking
 * one, by an office user with full rights for its office or a customer administrator for its
 * company; both are audited. */
#ifndef ADVISORD_SERVICE_API_TOKENS_H
#define ADVISORD_SERVICE_API_TOKENS_H

#include "app.h"
#include "principal.h"
#include "store_tokens.h"

struct token_in {
  const struct principal *caller;
  const char *name;       /* issue */
  const char *expires_at; /* issue: ISO 8601 UTC, or NULL: never */
  const char *id;         /* revoke */
};
struct token_out {
  struct api_token t;
  char token[STORE_TOKEN_LEN]; /* issue: the token itself, never stored; wipe after use */
};
/* The caller's scope: its office (office users) or its company (customer administrators);
 * NULL for the other. */
const char *token_scope_office(const struct principal *p);
const char *token_scope_company(const struct principal *p);
enum store_status api_token_issue(const struct app *app, const struct token_in *in,
                                  struct token_out *out);
/* NOT_FOUND: no live token of the caller's scope with that id. */
enum store_status api_token_revoke(const struct app *app, const struct token_in *in,
                                   struct token_out *out);
/* A live token of the caller's scope (NOT_FOUND: none). */
enum store_status api_token_read(const struct app *app, const struct principal *caller,
                                 const char *id, struct api_token *out);
/* The live tokens of the caller's scope after the cursor (NULLs: from the start). */
enum store_status api_tokens_page(const struct app *app, const struct principal *caller,
                                  const char *after_created, const char *after_id, int limit,
                                  bool (*fn)(const struct api_token *t, void *arg), void *arg);

#endif
