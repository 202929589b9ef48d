/* sha256.c - SHA-256 and HMAC-SHA256 (util.h) on OpenSSL's digest, with what every call used
 * to set up again kept per thread: the digest's context (EVP_Digest and EVP_MD_CTX_new made and
 * freed one at every call) and, for the last key a thread used, the HMAC's two states after the
 * key's padded block (RFC 2104: the inner and outer hash start with it; every activation derives
 * its invitation link under the server's one key, and the mailer again for the e-mail, so two
 * of the four SHA-256 blocks of each MAC were the same every time). */
#include "util.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 64 /* SHA-256's block: a longer key is hashed first */

/* A thread's contexts (EVP_MD_CTX owned here, freed at the thread's end by hashes_free). */
struct hashes {
  EVP_MD_CTX *work;
  EVP_MD_CTX *inner, *outer; /* the states after key ^ ipad and key ^ opad (an empty key too) */
  unsigned char key[BLOCK];  /* the key they are for, zero-padded (as HMAC pads it) */
  bool ready;                /* inner and outer are for key */
};

static EVP_MD *sha256; /* fetched once, kept for the process's life */
static pthread_key_t hashes_key;
static bool hashes_keyed;
static __thread struct hashes *mine;

static void hashes_free(void *p)
{
  struct hashes *h = p;
  EVP_MD_CTX_free(h->work);
  EVP_MD_CTX_free(h->inner);
  EVP_MD_CTX_free(h->outer);
  OPENSSL_cleanse(h->key, sizeof h->key);
  free(h);
  mine = NULL;
}

static void setup(void)
{
  /* OpenSSL 3 looks EVP_sha256() up in its provider store (locks, a search) at every use */
  sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
  hashes_keyed = pthread_key_create(&hashes_key, hashes_free) == 0;
}

static const EVP_MD *md(void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, setup);
  return sha256 ? sha256 : EVP_sha256();
}

/* This thread's contexts, made at its first hash; NULL when they could not be (the caller then
 * makes its own). */
static struct hashes *thread_hashes(void)
{
  if (mine)
    return mine;
  md();
  struct hashes *h = calloc(1, sizeof *h);
  if (!h)
    return NULL;
  h->work = EVP_MD_CTX_new();
  h->inner = EVP_MD_CTX_new();
  h->outer = EVP_MD_CTX_new();
  if (!h->work || !h->inner || !h->outer || !hashes_keyed ||
      pthread_setspecific(hashes_key, h) != 0) {
    hashes_free(h);
    return NULL;
  }
  return mine = h;
}

void util_sha256_hex(const char *s, char *out)
{
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  struct hashes *h = thread_hashes();
  bool ok = h && EVP_DigestInit_ex2(h->work, md(), NULL) == 1 &&
            EVP_DigestUpdate(h->work, s, strlen(s)) == 1 &&
            EVP_DigestFinal_ex(h->work, d, &n) == 1;
  if (!ok)
    EVP_Digest(s, strlen(s), d, &n, md(), NULL);
  util_hex(d, n, out);
}

/* c's state after the block of key k xor pad. */
static bool padded(EVP_MD_CTX *c, const unsigned char *k, unsigned char pad)
{
  unsigned char block[BLOCK];
  for (size_t i = 0; i < BLOCK; i++)
    block[i] = k[i] ^ pad;
  bool ok = EVP_DigestInit_ex2(c, md(), NULL) == 1 && EVP_DigestUpdate(c, block, BLOCK) == 1;
  OPENSSL_cleanse(block, sizeof block);
  return ok;
}

/* h->inner and h->outer for the key k (BLOCK bytes, zero-padded: keys that pad to the same
 * block are the same key to HMAC) unless they are already for it. */
static bool keyed(struct hashes *h, const unsigned char *k)
{
  if (h->ready && CRYPTO_memcmp(h->key, k, BLOCK) == 0)
    return true;
  h->ready = false;
  if (!padded(h->inner, k, 0x36) || !padded(h->outer, k, 0x5c))
    return false;
  memcpy(h->key, k, BLOCK);
  h->ready = true;
  return true;
}

bool util_hmac_sha256(const void *key, size_t key_len, const void *msg, size_t len,
                      unsigned char *mac)
{
  unsigned char k[BLOCK] = {0};
  unsigned int n = 0;
  bool ok = true;
  if (key_len > BLOCK) /* a longer key is hashed first */
    ok = EVP_Digest(key, key_len, k, &n, md(), NULL) == 1;
  else if (key_len)
    memcpy(k, key, key_len);
  struct hashes *h = thread_hashes();
  EVP_MD_CTX *own = h ? NULL : EVP_MD_CTX_new();
  EVP_MD_CTX *c = h ? h->work : own;
  if (h) { /* the states after the key's blocks, copied (made once per key and thread) */
    ok = ok && keyed(h, k);
    ok = ok && EVP_MD_CTX_copy_ex(c, h->inner) == 1 && EVP_DigestUpdate(c, msg, len) == 1 &&
         EVP_DigestFinal_ex(c, mac, &n) == 1;
    ok = ok && EVP_MD_CTX_copy_ex(c, h->outer) == 1 && EVP_DigestUpdate(c, mac, 32) == 1 &&
         EVP_DigestFinal_ex(c, mac, &n) == 1;
  } else {
    ok = ok && c && padded(c, k, 0x36) && EVP_DigestUpdate(c, msg, len) == 1 &&
         EVP_DigestFinal_ex(c, mac, &n) == 1;
    ok = ok && padded(c, k, 0x5c) && EVP_DigestUpdate(c, mac, 32) == 1 &&
         EVP_DigestFinal_ex(c, mac, &n) == 1;
  }
  EVP_MD_CTX_free(own);
  OPENSSL_cleanse(k, sizeof k);
  return ok;
}
