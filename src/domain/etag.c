/* etag.c - ETags of versions and the If-Match comparison (domain/etag.h). */
#include "domain/etag.h"
#include "domain/decimal.h"

#include <string.h>

void etag_of(int64_t version, char *out, size_t len)
{
  /* what snprintf(out, len, "\"%" PRId64 "\"", version) writes, without its cost (every reply
   * with a version, GET and POST alike, makes one) */
  char tag[DECIMAL_I64_LEN + 2];
  size_t n = decimal_i64(version, tag + 1) + 2;
  tag[0] = '"';
  tag[n - 1] = '"';
  if (len == 0)
    return;
  if (n > len - 1)
    n = len - 1;
  memcpy(out, tag, n);
  out[n] = '\0';
}

bool etag_list_has(const char *h, const char *etag, bool weak)
{
  if (weak && strncmp(etag, "W/", 2) == 0)
    etag += 2;
  size_t wl = strlen(etag);
  for (const char *p = h; *p;) {
    while (*p == ' ' || *p == ',' || *p == '\t')
      p++;
    if (*p == '*')
      return true;
    if (weak && strncmp(p, "W/", 2) == 0)
      p += 2;
    const char *e = p;
    while (*e && *e != ',')
      e++;
    const char *t = e;
    while (t > p && (t[-1] == ' ' || t[-1] == '\t'))
      t--;
    if ((size_t)(t - p) == wl && strncmp(p, etag, wl) == 0)
      return true;
    p = e;
  }
  return false;
}

enum if_match etag_if_match(const char *h, int64_t version)
{
  if (!h)
    return IF_MATCH_ABSENT;
  char want[32];
  etag_of(version, want, sizeof want);
  /* If-Match uses the strong comparison: a weak tag never matches. */
  return etag_list_has(h, want, false) ? IF_MATCH_OK : IF_MATCH_FAILED;
}
