/* service/sign_in.h - signing in by e-mail link: sending a link to every account of an
 * address, and turning a link's token into a browser session. Both run inside the caller's
 * store_write transaction. The link's token is secret_token(secret, "sign-in", nonce): the
 * nonce travels only in the outbox row, the database keeps the token's SHA-256. */
#ifndef ADVISORD_SERVICE_SIGN_IN_H
#define ADVISORD_SERVICE_SIGN_IN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "secret.h"
#include "store_session.h"

#define SIGN_IN_LINK_TTL_MS (15 * 60 * 1000)
#define SIGN_IN_INVITE_TTL_MS ((int64_t)7 * 24 * 60 * 60 * 1000)
#define SIGN_IN_COOKIE_LEN 64 /* "advs_" + 43 base64url characters + NUL */

struct sign_in_ask {
  const char *email;            /* the address asked for */
  const char *language;         /* "sv" or "en" */
  const struct secret *secret;
  int64_t now_ms;
};

/* Makes a link and enqueues a "sign_in_link" e-mail for every account of the address;
 * *sent: how many (0 for an address nobody has). */
enum store_status sign_in_send_links(struct store_conn *c, const struct sign_in_ask *a,
                                     size_t *sent);

/* A new office user, told by e-mail ("user_invited") with a sign-in link of its own that
 * works once within 7 days. */
struct sign_in_invitation {
  const char *user_id, *email, *office_name;
  const char *actor_name;       /* who added the user; may be NULL */
  bool full;                    /* the user has full rights */
  const char *language;         /* "sv" or "en" */
  const struct secret *secret;
  int64_t now_ms;
};
enum store_status sign_in_invite(struct store_conn *c, const struct sign_in_invitation *inv);

enum sign_in_outcome { SIGN_IN_STARTED, SIGN_IN_UNKNOWN, SIGN_IN_USED, SIGN_IN_EXPIRED,
                       SIGN_IN_GONE /* the account was removed since */ };

struct session_start {
  const char *token;            /* the link's token */
  const char *user_agent;       /* may be NULL */
  int64_t now_ms, max_ms;       /* the session lasts at most max_ms */
  /* out */
  enum sign_in_outcome outcome;
  struct session session;       /* SIGN_IN_STARTED: the new session */
  char cookie[SIGN_IN_COOKIE_LEN]; /* SIGN_IN_STARTED: the cookie's value; never stored */
};

/* Uses the link once and, when it is good, starts a session for its holder. The outcome says
 * which; only SIGN_IN_STARTED changes anything. */
enum store_status sign_in_start_session(struct store_conn *c, struct session_start *s);

#endif
