/* spares.c - see spares.h. */
#include "spares.h"

#include <stdlib.h>
#include <string.h>

void *spares_take(struct spares *sp)
{
  void *b = NULL;
  pthread_mutex_lock(&sp->mu);
  if (sp->n)
    b = sp->kept[--sp->n];
  pthread_mutex_unlock(&sp->mu);
  if (!b)
    return calloc(1, sp->size);
  memset(b, 0, sp->size); /* as calloc: the callers count on zeroed fields */
  return b;
}

void spares_give(struct spares *sp, void *block)
{
  if (!block)
    return;
  pthread_mutex_lock(&sp->mu);
  if (sp->n < SPARES_KEPT) {
    sp->kept[sp->n++] = block;
    block = NULL;
  }
  pthread_mutex_unlock(&sp->mu);
  free(block);
}
