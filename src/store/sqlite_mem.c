/* sqlite_mem.c - SQLite's memory allocator (SQLITE_CONFIG_MALLOC): small blocks kept for reuse
 * per thread.
 *
 * Debian builds SQLite with SQLITE_OMIT_LOOKASIDE, so every cursor, record and value of every
 * statement is a malloc and a free of the system allocator: about 150 of each per activation
 * on the store's writer thread, some 200 instructions a pair with SQLite's size bookkeeping
 * (callgrind of the POST load), and the same on every thread that reads. Here a freed block of
 * up to SMALL_MAX bytes goes to a list of its size class in the freeing thread's cache, and the
 * next allocation of that class on that thread takes it back: a few instructions each way.
 * A thread keeps at most CLASS_KEEP blocks of a class and CACHE_BYTES in all (the rest goes back
 * to the system allocator), and its cache is emptied when it exits (the main thread's at the
 * process's exit). A block freed by another thread than the one that allocated it simply joins
 * that thread's cache.
 *
 * Every block has an 8-byte header before it (SQLite needs 8-byte alignment) holding its size
 * class, or for a large block its size. Built with AddressSanitizer, or run under valgrind,
 * SQLite keeps its own allocator, so that a use of SQLite's memory after it was freed is still
 * reported (a kept block stays readable, with its old bytes). */
#include "sqlite_engine.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) /* clang's name for it */
#define __SANITIZE_ADDRESS__ 1
#endif
#endif

#if defined(__SANITIZE_ADDRESS__)
void sq_mem_setup(void) {}
bool sq_mem_installed(void) { return false; }
#else

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#define HDR 8                  /* the header before each block */
#define CLASS_BYTES 32         /* size classes every 32 bytes ... */
#define SMALL_MAX 1024         /* ... up to this size; larger blocks are not kept */
#define CLASSES (SMALL_MAX / CLASS_BYTES)
#define CLASS_KEEP 64          /* blocks a thread keeps of one class */
#define CACHE_BYTES (256 << 10) /* and in all */
#define LARGE (UINT64_C(1) << 63) /* the header's mark of a large block (its size below) */

struct free_block {
  struct free_block *next;
};

struct mem_cache {
  struct free_block *head[CLASSES];
  unsigned count[CLASSES];
  size_t bytes;
  bool registered; /* its thread's exit empties it (key) */
};

static __thread struct mem_cache cache;
static bool installed; /* written once, under sq_mem_setup's caller's pthread_once */
static pthread_key_t key;

static size_t class_of(size_t n) { return n ? (n - 1) / CLASS_BYTES : 0; }
static size_t class_size(size_t c) { return (c + 1) * CLASS_BYTES; }

static void cache_empty(void *arg)
{
  struct mem_cache *k = arg;
  for (size_t c = 0; c < CLASSES; c++)
    while (k->head[c]) {
      struct free_block *b = k->head[c];
      k->head[c] = b->next;
      free((char *)b - HDR);
    }
  memset(k, 0, sizeof *k); /* a destructor that runs again finds it empty */
}

static void *mem_malloc(int n)
{
  size_t size = n > 0 ? (size_t)n : 1;
  if (size <= SMALL_MAX) {
    size_t c = class_of(size);
    struct free_block *b = cache.head[c];
    if (b) {
      cache.head[c] = b->next;
      cache.count[c]--;
      cache.bytes -= class_size(c);
      return b;
    }
    uint64_t *raw = malloc(HDR + class_size(c));
    if (!raw)
      return NULL;
    *raw = c;
    return (char *)raw + HDR;
  }
  size = (size + 7) & ~(size_t)7; /* as mem_roundup says */
  uint64_t *raw = malloc(HDR + size);
  if (!raw)
    return NULL;
  *raw = LARGE | size;
  return (char *)raw + HDR;
}

static uint64_t header(void *p) { return *(uint64_t *)((char *)p - HDR); }

static void mem_free(void *p)
{
  if (!p)
    return;
  uint64_t h = header(p);
  if (!(h & LARGE) && cache.count[h] < CLASS_KEEP &&
      cache.bytes + class_size(h) <= CACHE_BYTES) {
    if (!cache.registered) /* a thread's first block kept: its exit gives them all back */
      cache.registered = pthread_setspecific(key, &cache) == 0;
    if (cache.registered) {
      struct free_block *b = p;
      b->next = cache.head[h];
      cache.head[h] = b;
      cache.count[h]++;
      cache.bytes += class_size(h);
      return;
    }
  }
  free((char *)p - HDR);
}

static int mem_size(void *p)
{
  if (!p)
    return 0;
  uint64_t h = header(p);
  return (int)(h & LARGE ? h & ~LARGE : class_size(h));
}

static void *mem_realloc(void *p, int n)
{
  if (!p)
    return mem_malloc(n);
  size_t have = (size_t)mem_size(p);
  if (n > 0 && (size_t)n <= have)
    return p; /* it fits: a block shrunk keeps its size until it is freed */
  void *q = mem_malloc(n);
  if (!q)
    return NULL;
  memcpy(q, p, have < (size_t)n ? have : (size_t)n);
  mem_free(p);
  return q;
}

static int mem_roundup(int n)
{
  if (n <= 0)
    return CLASS_BYTES;
  return n <= SMALL_MAX ? (int)class_size(class_of((size_t)n)) : (n + 7) & ~7;
}

static int mem_init(void *arg)
{
  (void)arg;
  return SQLITE_OK;
}

static void mem_shutdown(void *arg) { (void)arg; }

/* At the process's exit: the exiting thread's (the main thread's) cache, which no key
 * destructor empties. */
static void cache_empty_own(void) { cache_empty(&cache); }

void sq_mem_setup(void)
{
  if (RUNNING_ON_VALGRIND || pthread_key_create(&key, cache_empty) != 0)
    return;
  atexit(cache_empty_own);
  static const sqlite3_mem_methods methods = {
      .xMalloc = mem_malloc,
      .xFree = mem_free,
      .xRealloc = mem_realloc,
      .xSize = mem_size,
      .xRoundup = mem_roundup,
      .xInit = mem_init,
      .xShutdown = mem_shutdown,
  };
  /* SQLITE_MISUSE once SQLite is in use */
  installed = sqlite3_config(SQLITE_CONFIG_MALLOC, &methods) == SQLITE_OK;
}

bool sq_mem_installed(void) { return installed; }
#endif
