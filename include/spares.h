/* spares.h - a few freed blocks of one size kept for the next allocation of that size, shared
 * by all threads (a block may be taken on one thread and given back on another). For the
 * large, short-lived structs of every write request (a collaboration's start, 8 KB, and the
 * request's wait for it, 6 KB): each was a large request to glibc, before which it merges its
 * fast bins (malloc_consolidate), and a block freed on the writer's thread locked the arena of
 * the HTTP worker that allocated it. */
#ifndef ADVISORD_SPARES_H
#define ADVISORD_SPARES_H

#include <pthread.h>
#include <stddef.h>

#define SPARES_KEPT 32 /* about one per connection of the benchmark's 32 in flight */

struct spares {
  pthread_mutex_t mu;
  size_t size; /* every block's size */
  unsigned n;
  void *kept[SPARES_KEPT]; /* owned here; reachable until the process ends */
};

#define SPARES_INIT(block_size) {.mu = PTHREAD_MUTEX_INITIALIZER, .size = (block_size)}

/* A zeroed block of sp->size bytes, as calloc(1, size) gives (a kept one, or a new one); NULL
 * when out of memory. The caller owns it and gives it back with spares_give (or free()). */
void *spares_take(struct spares *sp);
/* The same, but the bytes [skip, skip + skip_len) of a kept block are left as its last user
 * left them: for a large member that the caller always writes before it reads it (a
 * collaboration of 4 KB: zeroing all of a kept block was about 1.6% of the HTTP worker's
 * samples under the POST load). */
void *spares_take_except(struct spares *sp, size_t skip, size_t skip_len);
/* Takes back a block spares_take returned (NULL: nothing), as free() would; aborts when the
 * block is already kept (given back twice). */
void spares_give(struct spares *sp, void *block);

#endif
