/* mbuf.c - see mbuf.h. */
#include "mbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool reserve(struct mbuf *b, size_t extra)
{
  if (b->oom)
    return false;
  if (b->len + extra + 1 <= b->cap)
    return true;
  size_t cap = b->cap ? b->cap : 2048; /* a collaboration as JSON (1.3 KB) in one piece */
  while (cap < b->len + extra + 1)
    cap *= 2;
  char *np = realloc(b->p, cap);
  if (!np) {
    b->oom = true;
    return false;
  }
  b->p = np;
  b->cap = cap;
  return true;
}

bool mbuf_reserve(struct mbuf *b, size_t n) { return reserve(b, n); }

void mbuf_addn(struct mbuf *b, const char *s, size_t n)
{
  if (!reserve(b, n))
    return;
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

void mbuf_add(struct mbuf *b, const char *s) { mbuf_addn(b, s, strlen(s)); }

void mbuf_addf(struct mbuf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || !reserve(b, (size_t)n))
    return;
  va_start(ap, fmt);
  vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

char *mbuf_take(struct mbuf *b)
{
  char *out = NULL;
  if (!b->oom)
    out = b->p ? b->p : calloc(1, 1);
  else
    free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
  b->oom = false;
  return out;
}

void mbuf_free(struct mbuf *b)
{
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
  b->oom = false;
}
