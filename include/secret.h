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

/* A webhook endpoint's signing secret: "whsec_" + secret_token(s, "webhook", nonce), into out
 * (>= SECRET_WEBHOOK_LEN bytes). */
#define SECRET_WEBHOOK_LEN 52
void secret_webhook(const struct secret *s, const char *nonce, char *out);
/* Lower-case hex HMAC-SHA256 of the concatenation a b c under key (a text) into out (>= 65
 * bytes); "" when OpenSSL fails. */
void secret_hmac_hex(const char *key, const char *a, const char *b, const char *c, char *out);

#endif
