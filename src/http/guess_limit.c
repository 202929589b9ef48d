/* guess_limit.c - per-key failure counts in a fixed open-addressed table (see guess_limit.h). */
#include "guess_limit.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_SIZE 4096 /* a power of two */
#define PROBES 16

struct entry {
  unsigned char key[GUESS_KEY_MAX];
  uint8_t len;
  unsigned fails;
  int64_t last_ms, until_ms; /* last failure; end of the wait (0: none) */
};

struct guess_limit {
  pthread_mutex_t mu;
  unsigned threshold;
  int64_t forget_ms;
  struct entry table[TABLE_SIZE];
};

struct guess_limit *guess_limit_new(unsigned threshold, unsigned forget_s)
{
  struct guess_limit *g = calloc(1, sizeof *g);
  if (!g)
    return NULL;
  pthread_mutex_init(&g->mu, NULL);
  g->threshold = threshold;
  g->forget_ms = (int64_t)forget_s * 1000;
  return g;
}

void guess_limit_free(struct guess_limit *g)
{
  if (!g)
    return;
  pthread_mutex_destroy(&g->mu);
  free(g);
}

static uint32_t fnv1a(const unsigned char *p, size_t n)
{
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

static bool stale(const struct guess_limit *g, const struct entry *e, int64_t now)
{
  return e->len == 0 || (now - e->last_ms > g->forget_ms && now >= e->until_ms);
}

/* The entry of key (mutex held); with create, a fresh one in place of a free, stale or the
 * least recently failed entry among the probed ones. NULL when absent and not created. */
static struct entry *find(struct guess_limit *g, const unsigned char *key, size_t len,
                          int64_t now, bool create)
{
  uint32_t h = fnv1a(key, len);
  struct entry *victim = NULL;
  for (unsigned i = 0; i < PROBES; i++) {
    struct entry *e = &g->table[(h + i) & (TABLE_SIZE - 1)];
    if (e->len == len && memcmp(e->key, key, len) == 0) {
      if (stale(g, e, now)) {
        e->fails = 0;
        e->until_ms = 0;
      }
      return e;
    }
    if (!victim || (!stale(g, victim, now) &&
                    (stale(g, e, now) || e->last_ms < victim->last_ms)))
      victim = e;
  }
  if (!create)
    return NULL;
  memset(victim, 0, sizeof *victim);
  memcpy(victim->key, key, len);
  victim->len = (uint8_t)len;
  return victim;
}

static unsigned seconds_left(const struct entry *e, int64_t now)
{
  return e && e->until_ms > now ? (unsigned)((e->until_ms - now + 999) / 1000) : 0;
}

unsigned guess_limit_wait(struct guess_limit *g, const void *key, size_t len, int64_t now_ms)
{
  if (!g || !g->threshold || len == 0 || len > GUESS_KEY_MAX)
    return 0;
  pthread_mutex_lock(&g->mu);
  unsigned s = seconds_left(find(g, key, len, now_ms, false), now_ms);
  pthread_mutex_unlock(&g->mu);
  return s;
}

unsigned guess_limit_fail(struct guess_limit *g, const void *key, size_t len, int64_t now_ms)
{
  if (!g || !g->threshold || len == 0 || len > GUESS_KEY_MAX)
    return 0;
  pthread_mutex_lock(&g->mu);
  struct entry *e = find(g, key, len, now_ms, true);
  e->fails++;
  e->last_ms = now_ms;
  if (e->fails >= g->threshold) {
    unsigned step = e->fails - g->threshold;
    int64_t wait_s = step >= 10 ? GUESS_MAX_WAIT_S : (int64_t)1 << step;
    if (wait_s > GUESS_MAX_WAIT_S)
      wait_s = GUESS_MAX_WAIT_S;
    e->until_ms = now_ms + wait_s * 1000;
  }
  unsigned s = seconds_left(e, now_ms);
  pthread_mutex_unlock(&g->mu);
  return s;
}
