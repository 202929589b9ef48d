/* mbuf.c - see mbuf.h. */
#include "mbuf.h"

#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_CAP 2048 /* a collaboration as JSON (1.3 KB) in one piece */
#define SPARES 16 /* texts kept per thread (mbuf_recycle): a worker answers its resumed
                    * connections in bursts, each reply's text alive until its send */

/* This thread's recycled texts, each of at least FIRST_CAP bytes (malloc'd, owned here); the
 * key frees them when the thread ends. */
static __thread char *spare[SPARES];
static __thread unsigned n_spare;
static __thread bool spare_keyed; /* this thread's end frees its spares (spare_key is set) */
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void spares_free(void *unused)
{
  (void)unused;
  while (n_spare)
    free(spare[--n_spare]);
  spare_keyed = false; /* a text given back after this (another key's destructor) sets it again */
}

static void spare_key_make(void)
{
  if (pthread_key_create(&spare_key, spares_free) != 0)
    spare_key = (pthread_key_t)-1;
}

void mbuf_recycle(void *text)
{
  /* a text that grew far past the first size (a list page) goes back to malloc */
  size_t size = text ? malloc_usable_size(text) : 0;
  if (size < FIRST_CAP || size > 4 * FIRST_CAP || n_spare == SPARES) {
    free(text);
    return;
  }
  if (!spare_keyed) {
    pthread_once(&spare_once, spare_key_make);
    /* the key's value only makes the thread's end call spares_free */
    if (spare_key == (pthread_key_t)-1 || pthread_setspecific(spare_key, spare) != 0) {
      free(text);
      return;
    }
    spare_keyed = true;
  }
  spare[n_spare++] = text;
}

static bool reserve(struct mbuf *b, size_t extra)
{
  if (b->oom)
    return false;
  if (b->len + extra + 1 <= b->cap)
    return true;
  if (!b->p && n_spare && extra + 1 <= FIRST_CAP) {
    b->p = spare[--n_spare];
    b->cap = FIRST_CAP;
    return true;
  }
  size_t cap = b->cap ? b->cap : FIRST_CAP;
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
