/* store_tokens.h - the API tokens people make for their integrations (POST /v1/tokens): named,
 * listed by office or company, revoked by id. Such a token acts as the person who made it
 * (store_token_issue in store_identity.h makes every token; only its SHA-256 is kept). */
#ifndef ADVISORD_STORE_TOKENS_H
#define ADVISORD_STORE_TOKENS_H

#include <stdbool.h>
#include <stdint.h>

#include "store_identity.h"

#define STORE_TOKEN_PREFIX_LEN 13 /* "adv_" + 8 characters + NUL */

struct api_token {
  char id[STORE_ID_LEN];
  char name[STORE_NAME_LEN];
  char prefix[STORE_TOKEN_PREFIX_LEN];
  char created_at[STORE_TIME_LEN];
  int64_t last_used_ms;                /* 0: never used */
  char expires_at[STORE_TIME_LEN];     /* empty: never */
  char created_by_id[STORE_ID_LEN];    /* the person it acts as */
  char created_by_email[STORE_EMAIL_LEN];
};

/* Issues a token for the principal (as store_token_issue: token_out >= STORE_TOKEN_LEN, shown
 * once) with a name; fills out (but not the e-mail). */
enum store_status store_api_token_issue(struct store_conn *c, enum principal_kind kind,
                                        const char *principal_id, const char *name,
                                        const char *expires_at, char *token_out,
                                        struct api_token *out);
/* Notes that the token was used at now_ms. */
enum store_status store_token_touch(struct store_conn *c, const char *id, int64_t now_ms);
/* The unrevoked named tokens of the office's users (office_id) or of the company's
 * administrators (company_id; the other NULL), in (created_at, id) order after the cursor, at
 * most limit; fn returns false to stop. */
enum store_status store_api_tokens_list(struct store_conn *c, const char *office_id,
                                        const char *company_id, const char *after_created,
                                        const char *after_id, int limit,
                                        bool (*fn)(const struct api_token *t, void *arg),
                                        void *arg);
/* The unrevoked named token id of the office or company (as the list). NOT_FOUND: none. */
enum store_status store_api_token_get(struct store_conn *c, const char *office_id,
                                      const char *company_id, const char *id,
                                      struct api_token *out);
/* Revokes the unrevoked named token id of the office or company (as the list); fills out.
 * NOT_FOUND: none such. */
enum store_status store_api_token_revoke(struct store_conn *c, const char *office_id,
                                         const char *company_id, const char *id,
                                         struct api_token *out);

#endif
