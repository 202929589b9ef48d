/* secret.c - loading or creating the server secret, and deriving tokens from it. */
#include "secret.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool read_key(const char *path, struct secret *out, char *why, size_t len)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    snprintf(why, len, "cannot read %s: %s", path, strerror(errno));
    return false;
  }
  ssize_t n = read(fd, out->key, SECRET_BYTES);
  close(fd);
  if (n != SECRET_BYTES) {
    snprintf(why, len, "%s does not hold a %d-byte key", path, SECRET_BYTES);
    return false;
  }
  return true;
}

bool secret_load(const char *path, struct secret *out, char *why, size_t len)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return errno == EEXIST ? read_key(path, out, why, len)
                           : (snprintf(why, len, "cannot create %s: %s", path, strerror(errno)),
                              false);
  bool ok = RAND_bytes(out->key, SECRET_BYTES) == 1 &&
            write(fd, out->key, SECRET_BYTES) == SECRET_BYTES && fsync(fd) == 0;
  close(fd);
  if (!ok) {
    unlink(path);
    snprintf(why, len, "cannot write a new key to %s", path);
  }
  return ok;
}

void secret_token(const struct secret *s, const char *purpose, const char *nonce, char *out)
{
  /* the MAC of "purpose:nonce", cut at 255 bytes (as snprintf into msg[256] was, without its
   * cost: a POST that invites makes one or two) */
  char msg[256];
  size_t pl = strnlen(purpose, sizeof msg - 1), ml = pl;
  memcpy(msg, purpose, pl);
  if (ml < sizeof msg - 1)
    msg[ml++] = ':';
  size_t nl = strnlen(nonce, sizeof msg - 1 - ml);
  memcpy(msg + ml, nonce, nl);
  ml += nl;
  unsigned char mac[32];
  size_t n = util_hmac_sha256(s->key, SECRET_BYTES, msg, ml, mac) ? sizeof mac : 0;
  util_base64url(mac, n, out);
  OPENSSL_cleanse(mac, sizeof mac);
}

/* True when text is a prefixed link nonce, token or key: its length is len, it starts with
 * "v" and 12 lower-case hex digits. */
static bool link_prefixed(const char *text, size_t len)
{
  if (strlen(text) != len || text[0] != 'v')
    return false;
  for (int i = 1; i < SECRET_LINK_PREFIX_LEN; i++)
    if (!((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f')))
      return false;
  return true;
}

bool secret_link_nonce(char *out, long long now_ms)
{
  /* "v" and the low 48 bits of now_ms as 12 lower-case hex digits (snprintf's "v%012llx") */
  unsigned char t[6];
  for (int i = 0; i < 6; i++)
    t[i] = (unsigned char)((unsigned long long)now_ms >> (40 - 8 * i));
  out[0] = 'v';
  util_hex(t, sizeof t, out + 1);
  return util_random_token(out + SECRET_LINK_PREFIX_LEN,
                           SECRET_LINK_NONCE_LEN - SECRET_LINK_PREFIX_LEN, 32);
}

void secret_link_token(const struct secret *s, const char *nonce, char *out)
{
  size_t p = link_prefixed(nonce, SECRET_LINK_NONCE_LEN - 1) ? SECRET_LINK_PREFIX_LEN : 0;
  memcpy(out, nonce, p);
  secret_token(s, "invitation", nonce, out + p);
}

void secret_link_key(const char *token, char *out)
{
  size_t p = link_prefixed(token, SECRET_LINK_TOKEN_LEN - 1) ? SECRET_LINK_PREFIX_LEN : 0;
  memcpy(out, token, p);
  util_sha256_hex(token, out + p);
}

void secret_webhook(const struct secret *s, const char *nonce, char *out)
{
  char token[SECRET_TOKEN_LEN];
  secret_token(s, "webhook", nonce, token);
  snprintf(out, SECRET_WEBHOOK_LEN, "whsec_%s", token);
  OPENSSL_cleanse(token, sizeof token);
}

void secret_hmac_hex(const char *key, const char *a, const char *b, const char *c, char *out)
{
  unsigned char mac[32];
  size_t n = 0;
  size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
  unsigned char *msg = malloc(la + lb + lc + 1);
  if (msg) {
    memcpy(msg, a, la);
    memcpy(msg + la, b, lb);
    memcpy(msg + la + lb, c, lc);
    if (util_hmac_sha256(key, strlen(key), msg, la + lb + lc, mac))
      n = sizeof mac;
    free(msg);
  }
  util_hex(mac, n, out);
}
