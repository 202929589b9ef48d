/* util.c - time, ids, random tokens and hashing used by every layer. */
#include "util.h"

#include "domain/dates.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <uuid/uuid.h>

void util_now_iso8601(char *buf, size_t len)
{
  date_iso_ms(util_now_ms(), buf, len);
}

void util_time_iso8601(time_t t, char *buf, size_t len)
{
  date_iso_s((int64_t)t * 1000, buf, len);
}

int64_t util_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t util_mono_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t util_mono_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct timespec util_mono_after(int64_t ms)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  if (ms < 0)
    ms = 0;
  int64_t ns = ts.tv_nsec + (ms % 1000) * 1000000L;
  ts.tv_sec += (time_t)(ms / 1000 + ns / 1000000000L);
  ts.tv_nsec = (long)(ns % 1000000000L);
  return ts;
}

/* The kernel's random bytes, drawn 256 at a time per thread and each handed out once (wiped
 * as it goes): one getrandom(2) per call was 1.6% of the HTTP worker's samples under the POST
 * load (each activation draws its invitation link's nonce; the kernel's ChaCha state is set up
 * at every call). Up to 256 bytes, getrandom gives them all once the kernel's pool is ready.
 * A child of fork(2) must not hand out its parent's bytes: the pool of the thread that forks
 * (the child's only one) is dropped there. */
#define RANDOM_POOL 256
static _Thread_local unsigned char random_pool[RANDOM_POOL];
static _Thread_local size_t random_used = RANDOM_POOL;

static void random_pool_drop(void)
{
  OPENSSL_cleanse(random_pool, sizeof random_pool);
  random_used = RANDOM_POOL;
}

static bool random_pool_ok; /* the drop at fork is registered: the pools may be used */

static void random_pool_setup(void)
{
  random_pool_ok = pthread_atfork(NULL, NULL, random_pool_drop) == 0;
}

/* n (<= RANDOM_POOL) random bytes into out; false when the kernel's generator fails. */
static bool random_bytes(unsigned char *out, size_t n)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, random_pool_setup);
  if (!random_pool_ok) /* a child could hand out its parent's bytes: none kept */
    return getrandom(out, n, 0) == (ssize_t)n;
  if (RANDOM_POOL - random_used < n) {
    if (getrandom(random_pool, RANDOM_POOL, 0) != RANDOM_POOL)
      return false;
    random_used = 0;
  }
  memcpy(out, random_pool + random_used, n);
  OPENSSL_cleanse(random_pool + random_used, n);
  random_used += n;
  return true;
}

void util_uuid(char *buf)
{
  /* A version 7 UUID (RFC 9562): 48 bits of Unix time in milliseconds, then 74 random bits
   * from the kernel's generator. Ids made one after another sort one after another, so a row's
   * primary key and every index that ends in the id grow at their right edge: a batch of
   * inserts touches a few B-tree pages instead of one random page per row and index (the
   * WAL pages a commit writes). The random bits keep ids unguessable enough for an id (what
   * must be secret, such as invitation links, is a separate token). */
  uuid_t u;
  /* bytes 6-15 from the thread's pool of the kernel's random bytes (above; every request makes
   * an id, its request id); libuuid's when the kernel's generator fails */
  if (!random_bytes(u + 6, sizeof u - 6))
    uuid_generate_random(u);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  uint64_t ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
  for (int i = 0; i < 6; i++)
    u[i] = (unsigned char)(ms >> (40 - 8 * i));
  u[6] = (unsigned char)((u[6] & 0x0f) | 0x70);
  u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
  uuid_unparse_lower(u, buf);
}

bool util_is_uuid(const char *s)
{
  /* what uuid_parse accepts (36 characters, hyphens at 8, 13, 18 and 23, hex digits of either
   * case elsewhere), checked in one pass: every request with an id in its path asks */
  if (!s)
    return false;
  for (int i = 0; i < 36; i++) {
    unsigned char c = (unsigned char)s[i];
    bool hex = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
    if (i == 8 || i == 13 || i == 18 || i == 23 ? c != '-' : !hex)
      return false; /* a NUL ends it here too */
  }
  return s[36] == '\0';
}

size_t util_base64url(const unsigned char *data, size_t len, char *out)
{
  static const char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t o = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; i++) {
    acc = (acc << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out[o++] = alphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0)
    out[o++] = alphabet[(acc << (6 - bits)) & 63];
  out[o] = '\0';
  return o;
}

bool util_random_token(char *buf, size_t buflen, size_t bytes)
{
  unsigned char raw[64];
  if (bytes > sizeof raw || buflen < (bytes * 4 + 2) / 3 + 1)
    return false;
  /* the kernel's generator (what OpenSSL seeds from): RAND_bytes took locks, a name lookup and
   * a getpid(2) at every call, 0.53 us against 0.23 for getrandom(2); OpenSSL when it fails */
  if (!random_bytes(raw, bytes) && RAND_bytes(raw, (int)bytes) != 1)
    return false;
  util_base64url(raw, bytes, buf);
  OPENSSL_cleanse(raw, sizeof raw);
  return true;
}

void util_hex(const unsigned char *in, size_t n, char *out)
{
  static const char hex[] = "0123456789abcdef"; /* every request hashes its credential */
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = hex[in[i] >> 4];
    out[2 * i + 1] = hex[in[i] & 0xF];
  }
  out[2 * n] = '\0';
}

bool util_const_eq(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  if (la != lb)
    return false;
  return CRYPTO_memcmp(a, b, la) == 0;
}

/* Length of the well-formed UTF-8 sequence at p (1-4), or 0 when it is not one. */
size_t util_utf8_seq_len(const unsigned char *p)
{
  if (p[0] < 0x80)
    return 1;
  size_t n;
  unsigned cp;
  if (p[0] >= 0xC2 && p[0] <= 0xDF) {
    n = 2;
    cp = p[0] & 0x1Fu;
  } else if ((p[0] & 0xF0) == 0xE0) {
    n = 3;
    cp = p[0] & 0x0Fu;
  } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
    n = 4;
    cp = p[0] & 0x07u;
  } else {
    return 0;
  }
  for (size_t i = 1; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80) /* also stops at the terminating NUL */
      return 0;
    cp = (cp << 6) | (p[i] & 0x3Fu);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

void util_utf8_cut_end(char *s)
{
  size_t len = strlen(s), i = len;
  while (i > 0 && len - i < 3 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
    i--; /* back over continuation bytes to the last sequence's first byte */
  if (i > 0 && (unsigned char)s[i - 1] >= 0xC0 &&
      util_utf8_seq_len((const unsigned char *)s + i - 1) == 0) /* it ends before its end */
    s[i - 1] = '\0';
}

long util_utf8_invalid_at(const char *s)
{
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    if (*p < 0x80) { /* ASCII, most of an e-mail's text: no call (the mailer's profile) */
      p++;
      continue;
    }
    size_t n = util_utf8_seq_len(p);
    if (n == 0)
      return (long)(p - (const unsigned char *)s);
    p += n;
  }
  return -1;
}

size_t util_utf8_sanitize(char *s)
{
  size_t replaced = 0;
  unsigned char *p = (unsigned char *)s;
  while (*p) {
    size_t n = util_utf8_seq_len(p);
    if (n == 0) {
      *p++ = '?';
      replaced++;
    } else {
      p += n;
    }
  }
  return replaced;
}

/* util_digest128_hex: MurmurHash3's x64 128-bit rounds (16 bytes a round in two lanes that feed
 * each other) and its final mix, with the length folded in at the start. */
static inline uint64_t rotl64(uint64_t x, int r)
{
  return (x << r) | (x >> (64 - r));
}

static inline uint64_t fmix64(uint64_t k)
{
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  return k ^ (k >> 33);
}

static inline void digest_round(uint64_t *h1, uint64_t *h2, const unsigned char *b)
{
  const uint64_t c1 = 0x87c37b91114253d5ULL, c2 = 0x4cf5ad432745937fULL;
  uint64_t k1, k2;
  memcpy(&k1, b, 8);
  memcpy(&k2, b + 8, 8);
  *h1 ^= rotl64(k1 * c1, 31) * c2;
  *h1 = (rotl64(*h1, 27) + *h2) * 5 + 0x52dce729;
  *h2 ^= rotl64(k2 * c2, 33) * c1;
  *h2 = (rotl64(*h2, 31) + *h1) * 5 + 0x38495ab5;
}

void util_digest128_hex(const void *data, size_t n, char *out)
{
  const unsigned char *p = data;
  uint64_t h1 = 0x9e3779b97f4a7c15ULL ^ n, h2 = 0xc2b2ae3d27d4eb4fULL ^ n;
  size_t full = n - n % 16;
  for (size_t i = 0; i < full; i += 16)
    digest_round(&h1, &h2, p + i);
  if (full < n) { /* the tail, zero-padded (the length above tells paddings apart) */
    unsigned char tail[16] = {0};
    memcpy(tail, p + full, n - full);
    digest_round(&h1, &h2, tail);
  }
  h1 += h2;
  h2 += h1;
  h1 = fmix64(h1);
  h2 = fmix64(h2);
  h1 += h2;
  h2 += h1;
  unsigned char d[16];
  memcpy(d, &h1, 8);
  memcpy(d + 8, &h2, 8);
  util_hex(d, sizeof d, out);
}
