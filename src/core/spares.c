/* spares.c - see spares.h. */
#include "spares.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Under AddressSanitizer a kept block is poisoned, so that a use after spares_give is still
 * reported as free() would have had it reported. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPARES_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(SPARES_ASAN)
#include <sanitizer/asan_interface.h>
#define KEPT(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define TAKEN(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define KEPT(p, n) ((void)(p), (void)(n))
#define TAKEN(p, n) ((void)(p), (void)(n))
#endif

void *spares_take_except(struct spares *sp, size_t skip, size_t skip_len)
{
  void *b = NULL;
  pthread_mutex_lock(&sp->mu);
  if (sp->n)
    b = sp->kept[--sp->n];
  pthread_mutex_unlock(&sp->mu);
  if (!b)
    return calloc(1, sp->size);
  TAKEN(b, sp->size);
  if (skip > sp->size || skip_len > sp->size - skip)
    skip = skip_len = 0;
  /* as calloc: the callers count on zeroed fields (all but the range they write first) */
  memset(b, 0, skip);
  memset((char *)b + skip + skip_len, 0, sp->size - skip - skip_len);
  return b;
}

void *spares_take(struct spares *sp)
{
  return spares_take_except(sp, 0, 0);
}

void spares_give(struct spares *sp, void *block)
{
  if (!block)
    return;
  pthread_mutex_lock(&sp->mu);
  /* a block given back twice would be handed to two takers at once: free() aborts on that,
   * and so does this (at most SPARES_KEPT compares) */
  for (unsigned i = 0; i < sp->n; i++)
    if (sp->kept[i] == block) {
      fprintf(stderr, "spares_give: block %p given back twice\n", block);
      abort();
    }
  if (sp->n < SPARES_KEPT) {
    KEPT(block, sp->size);
    sp->kept[sp->n++] = block;
    block = NULL;
  }
  pthread_mutex_unlock(&sp->mu);
  free(block);
}
