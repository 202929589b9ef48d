/* store_session.h - sign-in links and browser sessions. Only SHA-256 hashes of link tokens
 * and cookie values are stored; callers hash (util_sha256_hex) before calling. Every call
 * takes the calling thread's connection; writes belong inside store_write(). Records are plain
 * structs with fixed buffers: nothing to free. */
#ifndef ADVISORD_STORE_SESSION_H
#define ADVISORD_STORE_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store_identity.h"

/* A principal an e-mail address signs in as, and how its e-mail names the account. */
struct sign_in_account {
  enum principal_kind kind;           /* office user, customer administrator or support */
  char id[STORE_ID_LEN];
  char email[STORE_EMAIL_LEN];        /* as stored */
  char account_name[STORE_NAME_LEN];  /* the office's or the company's name; "" for support */
};

#define STORE_MAX_SIGN_IN_ACCOUNTS 8
/* Every principal whose e-mail address is email (ASCII letters compared without case): office
 * users, confirmed customer administrators and support users, at most max into out[0..*n). */
enum store_status store_sign_in_accounts(struct store_conn *c, const char *email,
                                         struct sign_in_account *out, size_t max, size_t *n);

/* Records a sign-in link for the principal, valid until expires_ms (unix ms). */
enum store_status store_sign_in_link_add(struct store_conn *c, enum principal_kind kind,
                                         const char *principal_id, const char *token_hash,
                                         int64_t expires_ms);

enum sign_in_link_state { SIGN_IN_LINK_OK, SIGN_IN_LINK_USED, SIGN_IN_LINK_EXPIRED };
/* Uses the link with token_hash once: STORE_OK with *state SIGN_IN_LINK_OK and the holder in
 * *kind and principal_id (>= STORE_ID_LEN), now marked used; STORE_OK with *state USED or
 * EXPIRED when it cannot be used (nothing changes); STORE_NOT_FOUND for an unknown hash. */
enum store_status store_sign_in_link_use(struct store_conn *c, const char *token_hash,
                                         int64_t now_ms, enum sign_in_link_state *state,
                                         enum principal_kind *kind, char *principal_id);

struct session {
  char id[STORE_ID_LEN];
  enum principal_kind kind;
  char principal_id[STORE_ID_LEN];
  char created_at[STORE_TIME_LEN];
  int64_t last_seen_ms, expires_ms;   /* unix ms */
  char user_agent[256];               /* empty when the browser sent none */
};

/* Inserts s (id, kind, principal_id, times and user agent filled by the caller) under the
 * hash of its cookie value. */
enum store_status store_session_create(struct store_conn *c, const struct session *s,
                                       const char *secret_hash);
/* The principal of the live session with secret_hash (not ended, not past expires_ms, used
 * within idle_ms): STORE_OK and *out filled (session_id, credential_used_ms); or NOT_FOUND. */
enum store_status store_session_authenticate(struct store_conn *c, const char *secret_hash,
                                             int64_t now_ms, int64_t idle_ms,
                                             struct principal *out);
/* Notes that the session was used at now_ms. */
enum store_status store_session_touch(struct store_conn *c, const char *id, int64_t now_ms);
/* Calls fn for each live session of the principal, newest first; fn returns false to stop.
 * s is valid only during the call. */
enum store_status store_sessions_of(struct store_conn *c, const char *principal_id,
                                    int64_t now_ms, int64_t idle_ms,
                                    bool (*fn)(const struct session *s, void *arg), void *arg);
/* Ends the live session id of the principal (sign-out). NOT_FOUND: no such live session. */
enum store_status store_session_end(struct store_conn *c, const char *principal_id,
                                    const char *id);
/* Ends every session of the principal (it was removed); *n the number ended (may be NULL). */
enum store_status store_sessions_end_all(struct store_conn *c, const char *principal_id,
                                         int *n);

/* Deletes the sign-in links that expired before before_ms and the sessions that ended,
 * expired or lapsed (unused for idle_ms) before it; *n how many rows went (may be NULL). */
enum store_status store_sign_in_purge(struct store_conn *c, int64_t before_ms, int64_t idle_ms,
                                      int *n);

#endif
