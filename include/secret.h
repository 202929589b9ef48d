/* secret.h - the server's secret key, kept in a file outside the database. Invitation tokens
 * are derived from it (HMAC-SHA256 over a random nonce stored with the invitation), so the
 * database holds only the nonce and the token's hash, and the mailer can rebuild the link. */
#ifndef ADVISORD_SECRET_H
#define ADVISORD_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#define SECRET_BYTES 32
#define SECRET_TOKEN_LEN 44 /* base64url of 32 bytes (43) + NUL */

struct secret {
  unsigned char key[SECRET_BYTES];
};

/* Reads the key from path, creating the file (mode 0600, 32 random bytes) when missing.
 * On failure writes the reason into why and returns false. */
bool secret_load(const char *path, struct secret *out, char *why, size_t why_len);
/* The token for (purpose, nonce): base64url(HMAC-SHA256(key, purpose ":" nonce)) into out
 * (>= SECRET_TOKEN_LEN bytes). */
void secret_token(const struct secret *s, const char *purpose, const char *nonce, char *out);

/* Invitation links. A link's token is derived from the secret and the link's nonce (kept in
 * the invitation e-mail's outbox row, so the mailer rebuilds the link); the database finds the
 * link by its key, which holds only the token's SHA-256. A nonce made by secret_link_nonce
 * starts with a public prefix, "v" and the 12 lower-case hex digits of the unix milliseconds it
 * was made at, and so do its token (the prefix and secret_token(s, "invitation", nonce)) and
 * its key (the prefix and the token's SHA-256 in hex): keys made one after another sort one
 * after another, after every older key, so a new link's row goes to the right edge of the
 * links' b-tree instead of a random page of it (one WAL page per activation, issue 12). Links
 * made before (43-character nonce and token, no prefix; key: the token's SHA-256) keep
 * working: a nonce, token or key is of the prefixed kind only at its length here. */
#define SECRET_LINK_PREFIX_LEN 13                                  /* "v" + 12 hex digits */
#define SECRET_LINK_NONCE_LEN (SECRET_LINK_PREFIX_LEN + 43 + 1)   /* prefix, 32 bytes base64url */
#define SECRET_LINK_TOKEN_LEN (SECRET_LINK_PREFIX_LEN + SECRET_TOKEN_LEN)
#define SECRET_LINK_KEY_LEN (SECRET_LINK_PREFIX_LEN + 64 + 1)
/* A new link's nonce, made at now_ms, into out (>= SECRET_LINK_NONCE_LEN bytes); false when
 * there was no randomness. */
bool secret_link_nonce(char *out, long long now_ms);
/* The token of the link with this nonce (either kind) into out (>= SECRET_LINK_TOKEN_LEN). */
void secret_link_token(const struct secret *s, const char *nonce, char *out);
/* The key a link is stored under, from its token (either kind; any text) into out
 * (>= SECRET_LINK_KEY_LEN). */
void secret_link_key(const char *token, char *out);

/* A webhook endpoint's signing secret: "whsec_" + secret_token(s, "webhook", nonce), into out
 * (>= SECRET_WEBHOOK_LEN bytes). */
#define SECRET_WEBHOOK_LEN 52
void secret_webhook(const struct secret *s, const char *nonce, char *out);
/* Lower-case hex HMAC-SHA256 of the concatenation a b c under key (a text) into out (>= 65
 * bytes); "" when OpenSSL fails. */
void secret_hmac_hex(const char *key, const char *a, const char *b, const char *c, char *out);

#endif
