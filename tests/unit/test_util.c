/* Unit tests of the small utilities: base64url, random tokens, SHA-256, constant-time compare,
 * the clock's ISO times, UUIDs, and token derivation from the server secret. */
#include "secret.h"
#include "domain/decimal.h"
#include "testlib.h"
#include "util.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uuid/uuid.h>

TEST_MAIN_DEFS

/* Invitation links (secret.h): a new link's nonce, token and key start with "v" and the time
 * it was made in 12 hex digits, so that keys made later sort later, after every key of a link
 * made before (the token's SHA-256 in hex), whose token and key stay as they were. */
static void check_links(const struct secret *s)
{
  char n1[SECRET_LINK_NONCE_LEN], n2[SECRET_LINK_NONCE_LEN], n3[SECRET_LINK_NONCE_LEN];
  CHECK(secret_link_nonce(n1, 0x0190a0a0b0c1LL) && secret_link_nonce(n2, 0x0190a0a0b0c1LL) &&
        secret_link_nonce(n3, 0x0190a0a0b0c2LL));
  CHECK_INT(strlen(n1), SECRET_LINK_NONCE_LEN - 1);
  CHECK_INT(strncmp(n1, "v0190a0a0b0c1", SECRET_LINK_PREFIX_LEN), 0);
  CHECK(strcmp(n1, n2) != 0); /* the same millisecond, still two nonces */
  /* the prefix is snprintf's "v%012llx" of the time's low 48 bits */
  static const long long times[] = {0, 1, 0xabcdefLL, 0xffffffffffffLL, 0x1000000000000LL,
                                    0x7fffffffffffffffLL, -1};
  for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
    char want[SECRET_LINK_PREFIX_LEN + 1];
    snprintf(want, sizeof want, "v%012llx", times[i] & 0xffffffffffffLL);
    CHECK(secret_link_nonce(n2, times[i]));
    CHECK_MSG(strncmp(n2, want, SECRET_LINK_PREFIX_LEN) == 0, "%s for %llx", n2, times[i]);
  }
  char t1[SECRET_LINK_TOKEN_LEN], t3[SECRET_LINK_TOKEN_LEN], mac[SECRET_TOKEN_LEN];
  secret_link_token(s, n1, t1);
  secret_link_token(s, n3, t3);
  secret_token(s, "invitation", n1, mac);
  CHECK_INT(strlen(t1), SECRET_LINK_TOKEN_LEN - 1);
  CHECK_INT(strncmp(t1, "v0190a0a0b0c1", SECRET_LINK_PREFIX_LEN), 0);
  CHECK_STR(t1 + SECRET_LINK_PREFIX_LEN, mac);
  char k1[SECRET_LINK_KEY_LEN], k3[SECRET_LINK_KEY_LEN], hash[65];
  secret_link_key(t1, k1);
  secret_link_key(t3, k3);
  util_sha256_hex(t1, hash);
  CHECK_INT(strlen(k1), SECRET_LINK_KEY_LEN - 1);
  CHECK_INT(strncmp(k1, t1, SECRET_LINK_PREFIX_LEN), 0);
  CHECK_STR(k1 + SECRET_LINK_PREFIX_LEN, hash);
  CHECK(strcmp(k1, k3) < 0);
  CHECK(strcmp(k1, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff") > 0);
  /* a link made before: a 43-character nonce; token and key as they always were */
  const char *old = "0ld-n0nce-made-by-util_random_token-43-char";
  char t_old[SECRET_LINK_TOKEN_LEN], k_old[SECRET_LINK_KEY_LEN];
  secret_link_token(s, old, t_old);
  secret_token(s, "invitation", old, mac);
  CHECK_STR(t_old, mac);
  secret_link_key(t_old, k_old);
  util_sha256_hex(t_old, hash);
  CHECK_STR(k_old, hash);
  /* text of a token's length that does not start with the prefix: only its hash */
  char odd[SECRET_LINK_TOKEN_LEN];
  memcpy(odd, t1, sizeof odd);
  odd[5] = 'x';
  secret_link_key(odd, k_old);
  util_sha256_hex(odd, hash);
  CHECK_STR(k_old, hash);
}

/* Tokens drawn from the per-thread pool: 300 of 24 bytes (pool refills at uneven places) are
 * all different, and after fork(2) the child's next token is not the parent's next one (the
 * forking thread's pool is dropped in the child). */
static void random_tokens_differ(void)
{
  enum { N = 300 };
  static char toks[N][40];
  for (int i = 0; i < N; i++)
    CHECK(util_random_token(toks[i], sizeof toks[i], 24));
  int same = 0;
  for (int i = 0; i < N; i++)
    for (int j = i + 1; j < N; j++)
      same += strcmp(toks[i], toks[j]) == 0;
  CHECK_INT(same, 0);
  int fd[2];
  CHECK(pipe(fd) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    char t[40] = "";
    util_random_token(t, sizeof t, 24);
    ssize_t w = write(fd[1], t, sizeof t);
    _exit(w == (ssize_t)sizeof t ? 0 : 1);
  }
  char mine[40], child[40] = "";
  CHECK(util_random_token(mine, sizeof mine, 24));
  CHECK(read(fd[0], child, sizeof child) == (ssize_t)sizeof child);
  int status = 0;
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  CHECK(child[0] != '\0' && strcmp(mine, child) != 0);
  close(fd[0]);
  close(fd[1]);
}

/* util_hmac_sha256 against OpenSSL's HMAC() for the key and message given */
static bool hmac_as_openssl(const char *key, size_t key_len, const char *msg)
{
  unsigned char mine[32], want[EVP_MAX_MD_SIZE];
  unsigned int wn = 0;
  if (!util_hmac_sha256(key, key_len, msg, strlen(msg), mine))
    return false;
  HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)msg, strlen(msg), want, &wn);
  return wn == 32 && memcmp(mine, want, 32) == 0;
}

/* Each thread keeps the states of the last key it used (sha256.c): keys that change at every
 * call, that differ in their last byte or only in length, empty, of a whole block and longer,
 * on this thread and on another one at once, each as OpenSSL's HMAC() makes it. */
static void *hmac_keys(void *arg)
{
  const char *tag = arg;
  static const char *const keys[] = {"Jefe", "Jefd", "Jef", "", "Jefe"};
  char block[65], longer[131], msg[64];
  memset(block, 0xaa, 64);
  block[64] = '\0';
  memset(longer, 0xbb, 130);
  longer[130] = '\0';
  bool ok = true;
  for (int round = 0; round < 200; round++) {
    snprintf(msg, sizeof msg, "%s message %d", tag, round);
    const char *k = keys[round % 5];
    ok = ok && hmac_as_openssl(k, strlen(k), msg) && hmac_as_openssl(k, strlen(k), msg);
    ok = ok && hmac_as_openssl(block, round % 2 ? 64 : 63, msg);
    ok = ok && hmac_as_openssl(longer, 130, msg);
  }
  return ok ? arg : NULL;
}

int main(void)
{
  char out[128];
  CHECK_INT(util_base64url((const unsigned char *)"", 0, out), 0);
  util_base64url((const unsigned char *)"f", 1, out);
  CHECK_STR(out, "Zg");
  util_base64url((const unsigned char *)"foob", 4, out);
  CHECK_STR(out, "Zm9vYg");
  util_base64url((const unsigned char *)"\xfb\xff", 2, out);
  CHECK_STR(out, "-_8");

  char a[64], b[64];
  CHECK(util_random_token(a, sizeof a, 32));
  CHECK(util_random_token(b, sizeof b, 32));
  CHECK_INT(strlen(a), 43);
  CHECK(strcmp(a, b) != 0);
  CHECK(!util_random_token(a, 10, 32)); /* buffer too small */
  random_tokens_differ();

  char hex[65];
  util_sha256_hex("abc", hex);
  CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  /* the weak ETag's digest: every byte and the length count, the tail included */
  char d1[33], d2[33];
  static const char text[] = "{\"items\":[{\"id\":\"01a224d5\",\"state\":\"invited\"}],\"next\":null}";
  util_digest128_hex(text, sizeof text - 1, d1);
  CHECK_INT(strlen(d1), 32);
  util_digest128_hex(text, sizeof text - 1, d2);
  CHECK_STR(d1, d2);
  for (size_t n = 0; n < sizeof text - 1; n++) { /* each shorter prefix differs */
    util_digest128_hex(text, n, d2);
    CHECK(strcmp(d1, d2) != 0);
  }
  char flip[sizeof text];
  for (size_t i = 0; i < sizeof text - 1; i++) { /* one bit changed anywhere */
    memcpy(flip, text, sizeof text);
    flip[i] ^= 1;
    util_digest128_hex(flip, sizeof text - 1, d2);
    CHECK(strcmp(d1, d2) != 0);
  }
  util_digest128_hex("", 0, d2);
  CHECK(strcmp(d1, d2) != 0);
  util_digest128_hex("\0", 1, d1); /* a zero byte is not the padding of an empty text */
  CHECK(strcmp(d1, d2) != 0);

  CHECK(util_const_eq("token", "token"));
  CHECK(!util_const_eq("token", "tokem"));
  CHECK(!util_const_eq("token", "token2"));

  /* the clock's formatting (the dates themselves: test_dates.c) */
  util_time_iso8601((time_t)1835395200, out, sizeof out);
  CHECK_STR(out, "2028-02-29T00:00:00Z");
  util_now_iso8601(out, sizeof out);
  CHECK_INT(strlen(out), 24);

  char id[37];
  util_uuid(id);
  CHECK(util_is_uuid(id));
  CHECK(!util_is_uuid("not-a-uuid"));
  /* what libuuid's uuid_parse accepts, and only that */
  static const char *const ids[] = {
      "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B",
      "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b0",
      "0190a1b2c3d4-7e5f-8a9b-0c1d2e3f4a5b-", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5g",
      "0190a1b2-c3d4-7e5f-8a9b+0c1d2e3f4a5b", " 190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", ""};
  for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    uuid_t u;
    bool want = strlen(ids[i]) == 36 && uuid_parse(ids[i], u) == 0;
    CHECK_MSG(util_is_uuid(ids[i]) == want, "%s", ids[i]);
  }
  CHECK(util_is_uuid(ids[0]) && util_is_uuid(ids[1]) && !util_is_uuid(ids[2]));
  CHECK(!util_is_uuid(NULL));

  /* decimal text as snprintf's "%lld" writes it */
  static const long long nums[] = {0, 1, -1, 9, 10, -10, 12, 99, 100, 123456789, -987654321,
                                   INT64_MAX, INT64_MIN, INT64_MIN + 1};
  for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
    char got[DECIMAL_I64_LEN], want[24]; /* got exactly as large as the function may write */
    snprintf(want, sizeof want, "%lld", nums[i]);
    CHECK_INT(decimal_i64(nums[i], got), strlen(want));
    CHECK_STR(got, want);
  }

  char path[] = "/tmp/advisord-secret-XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  unlink(path);
  struct secret s1, s2;
  char why[256];
  CHECK(secret_load(path, &s1, why, sizeof why)); /* creates */
  CHECK(secret_load(path, &s2, why, sizeof why)); /* reads back */
  CHECK(memcmp(s1.key, s2.key, SECRET_BYTES) == 0);
  char t1[SECRET_TOKEN_LEN], t2[SECRET_TOKEN_LEN], t3[SECRET_TOKEN_LEN];
  secret_token(&s1, "invitation", "nonce-1", t1);
  secret_token(&s2, "invitation", "nonce-1", t2);
  secret_token(&s1, "invitation", "nonce-2", t3);
  CHECK_STR(t1, t2);
  CHECK(strcmp(t1, t3) != 0);
  CHECK_INT(strlen(t1), 43);
  /* the token is base64url(HMAC-SHA256(key, "invitation:nonce-1")), as OpenSSL's HMAC() makes
   * it (links already sent must still open) */
  unsigned char want[EVP_MAX_MD_SIZE];
  unsigned int wn = 0;
  HMAC(EVP_sha256(), s1.key, SECRET_BYTES, (const unsigned char *)"invitation:nonce-1", 18, want,
       &wn);
  char wt[SECRET_TOKEN_LEN];
  util_base64url(want, wn, wt);
  CHECK_STR(t1, wt);
  /* the MAC's text is cut at 255 bytes, as the snprintf into 256 bytes it replaced cut it */
  char long_nonce[400];
  memset(long_nonce, 'n', sizeof long_nonce - 1);
  long_nonce[sizeof long_nonce - 1] = '\0';
  char cut[512];
  strcpy(cut, "invitation:");
  strcat(cut, long_nonce);
  cut[255] = '\0';
  HMAC(EVP_sha256(), s1.key, SECRET_BYTES, (const unsigned char *)cut, strlen(cut), want, &wn);
  util_base64url(want, wn, wt);
  secret_token(&s1, "invitation", long_nonce, t1);
  CHECK_STR(t1, wt);
  /* a purpose of 254, 255 and 300 bytes: the same cut (no ':' past it, nothing read past msg) */
  static const size_t plens[] = {254, 255, 300};
  for (size_t i = 0; i < sizeof plens / sizeof plens[0]; i++) {
    char purpose[301];
    memset(purpose, 'p', plens[i]);
    purpose[plens[i]] = '\0';
    strcpy(cut, purpose); /* cut (512 bytes) holds it whole, then the 255 bytes are kept */
    strcat(cut, ":nonce-1");
    cut[255] = '\0';
    HMAC(EVP_sha256(), s1.key, SECRET_BYTES, (const unsigned char *)cut, strlen(cut), want, &wn);
    util_base64url(want, wn, wt);
    secret_token(&s1, purpose, "nonce-1", t1);
    CHECK_MSG(strcmp(t1, wt) == 0, "purpose of %zu bytes", plens[i]);
  }
  /* RFC 4231 test cases 2 (a short key) and 6 (a key longer than SHA-256's block) */
  char mac[65];
  secret_hmac_hex("Jefe", "what do ya ", "want ", "for nothing?", mac);
  CHECK_STR(mac, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  char long_key[132];
  memset(long_key, 0xaa, 131);
  long_key[131] = '\0';
  secret_hmac_hex(long_key, "Test Using Larger Than Block-Size Key", " - ", "Hash Key First", mac);
  CHECK_STR(mac, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  check_links(&s1);
  pthread_t other;
  CHECK(pthread_create(&other, NULL, hmac_keys, "other") == 0);
  CHECK(hmac_keys("this") != NULL);
  void *other_ok = NULL;
  pthread_join(other, &other_ok);
  CHECK(other_ok != NULL);
  unlink(path);
  CHECK(!secret_load("/nonexistent-dir/x/secret.key", &s1, why, sizeof why));
  CHECK(strstr(why, "cannot create") != NULL);
  return TEST_REPORT();
}
