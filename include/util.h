/* util.h - small helpers with no dependency on the other layers: time, ids, random tokens,
 * hashing, constant-time comparison. */
#ifndef ADVISORD_UTIL_H
#define ADVISORD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* Current UTC time as "2026-11-27T10:00:00.123Z" into buf (>= 32 bytes). Dates and times
 * are parsed, shifted and formatted by domain/dates.h; these two only read the clock. */
void util_now_iso8601(char *buf, size_t len);
/* Formats t (seconds since the epoch, UTC) as "2026-11-27T10:00:00Z" into buf (>= 21 bytes). */
void util_time_iso8601(time_t t, char *buf, size_t len);
/* Current time in milliseconds since the epoch (wall clock) and a monotonic clock in ms. */
int64_t util_now_ms(void);
int64_t util_mono_ms(void);
/* The monotonic clock in microseconds (request timing). */
int64_t util_mono_us(void);
/* The monotonic clock's time ms milliseconds from now (ms < 0: now), for timed waits on a
 * condition variable set to CLOCK_MONOTONIC. */
struct timespec util_mono_after(int64_t ms);

/* Copies src (NULL: "") into dst of len bytes, cut to len - 1 bytes and NUL-terminated: what
 * snprintf(dst, len, "%s", src) writes, without its format machinery (about 600 instructions
 * a call; an activation made some 35 such copies on the store's writer thread). */
static inline void util_text_copy(char *dst, size_t len, const char *src)
{
  if (!len)
    return;
  size_t n = src ? strnlen(src, len - 1) : 0;
  if (n)
    memcpy(dst, src, n);
  dst[n] = '\0';
}

/* A new random UUID in lower-case text form into buf (>= 37 bytes). */
void util_uuid(char *buf);
/* True when s is a UUID in canonical text form. */
bool util_is_uuid(const char *s);

/* Writes data as base64url without padding into out (>= 4 * len / 3 + 2 bytes); returns the
 * number of characters written (before the NUL). */
size_t util_base64url(const unsigned char *data, size_t len, char *out);
/* Fills buf with a URL-safe random token carrying `bytes` random bytes (base64url, no padding).
 * buf needs at least 4 * bytes / 3 + 2 bytes. Returns false if the random source fails. */
bool util_random_token(char *buf, size_t buflen, size_t bytes);
/* SHA-256 of s as 64 lower-case hex digits into out (>= 65 bytes). */
void util_sha256_hex(const char *s, char *out);
/* HMAC-SHA256 (RFC 2104) of len bytes of msg under key into mac (32 bytes); false when OpenSSL
 * fails (mac is then not to be used). */
bool util_hmac_sha256(const void *key, size_t key_len, const void *msg, size_t len,
                      unsigned char *mac);
/* A 128-bit digest of n bytes as 32 lower-case hex digits into out (>= 33 bytes): fast
 * (MurmurHash3's 128-bit rounds) but NOT cryptographic: for telling versions of a text apart,
 * such as a weak ETag; anything a client could gain by forging uses util_sha256_hex. */
void util_digest128_hex(const void *data, size_t n, char *out);
/* n bytes as 2n lower-case hex digits and a NUL into out. */
void util_hex(const unsigned char *in, size_t n, char *out);
/* Compares two NUL-terminated strings in time independent of where they differ. */
bool util_const_eq(const char *a, const char *b);

/* Makes s valid UTF-8 in place: every byte that does not belong to a well-formed sequence
 * (stray continuation bytes, truncated, overlong or surrogate sequences, code points above
 * U+10FFFF) becomes '?'. Returns the number of bytes replaced. For text echoed in JSON, which
 * must be UTF-8 (a path, a truncated message). */
size_t util_utf8_sanitize(char *s);
/* The length in bytes of the well-formed UTF-8 sequence p starts with (1 for ASCII, NUL
 * included), or 0 when p does not start one (as util_utf8_sanitize judges). */
size_t util_utf8_seq_len(const unsigned char *p);
/* Drops the sequence cut short at the end of s, if any (what snprintf into a buffer too small
 * for the text leaves), so that text that was UTF-8 before the cut stays UTF-8. */
void util_utf8_cut_end(char *s);
/* The offset of the first byte of s (NUL-terminated) that does not belong to a well-formed
 * UTF-8 sequence, or -1 when s is valid UTF-8. */
long util_utf8_invalid_at(const char *s);

#endif
