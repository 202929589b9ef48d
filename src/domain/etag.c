/* etag.c - ETags of versions and the If-Match comparison (domain/etag.h). */
#include "domain/etag.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void etag_of(int64_t version, char *out, size_t len)
{
  snprintf(out, len, "\"%" PRId64 "\"", version);
}

enum if_match etag_if_match(const char *h, int64_t version)
{
  if (!h)
    return IF_MATCH_ABSENT;
  char want[32];
  etag_of(version, want, sizeof want);
  size_t wl = strlen(want);
  for (const char *p = h; *p;) {
    while (*p == ' ' || *p == ',' || *p == '\t')
      p++;
    if (*p == '*')
      return IF_MATCH_OK;
    const char *e = p;
    while (*e && *e != ',')
      e++;
    const char *t = e;
    while (t > p && (t[-1] == ' ' || t[-1] == '\t'))
      t--;
    /* If-Match uses the strong comparison: a weak tag never matches. */
    if ((size_t)(t - p) == wl && strncmp(p, want, wl) == 0)
      return IF_MATCH_OK;
    p = e;
  }
  return IF_MATCH_FAILED;
}
