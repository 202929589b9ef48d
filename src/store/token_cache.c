/* token_cache.c - a connection's authenticated bearer tokens (token_cache.h). */
#include "token_cache.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define TOKEN_CACHE_SLOTS 8 /* tokens used on one thread between two commits: a few clients */

struct token_entry {
  char hash[65]; /* "" for a free slot */
  char expires_at[40];
  struct principal principal;
};

struct token_cache {
  struct db_version version; /* every entry's */
  unsigned next;             /* the slot the next keep takes (round robin) */
  unsigned long hits;        /* lookups answered from here (token_cache_hits) */
  struct token_entry e[TOKEN_CACHE_SLOTS];
};

static void wipe(struct token_cache *tc)
{
  memset(tc->e, 0, sizeof tc->e);
  tc->next = 0;
}

/* Whether tc's entries were read at v; when not, they are dropped and v is tc's from now on. */
static bool at_version(struct token_cache *tc, const struct db_version *v)
{
  if (tc->version.others == v->others && tc->version.own == v->own &&
      memcmp(tc->version.wal, v->wal, sizeof v->wal) == 0)
    return true;
  wipe(tc);
  tc->version = *v;
  return false;
}

bool token_cache_find(struct store_conn *c, const char *hash, const struct db_version *v,
                      const char *now, struct principal *out)
{
  struct token_cache *tc = c->tokens;
  if (!tc || !at_version(tc, v))
    return false;
  for (unsigned i = 0; i < TOKEN_CACHE_SLOTS; i++) {
    const struct token_entry *e = &tc->e[i];
    if (!e->hash[0] || !util_const_eq(e->hash, hash))
      continue;
    /* as "t.expires_at IS NULL OR t.expires_at > :now" compares the two texts */
    if (e->expires_at[0] && strcmp(e->expires_at, now) <= 0)
      return false;
    *out = e->principal;
    tc->hits++;
    return true;
  }
  return false;
}

void token_cache_keep(struct store_conn *c, const char *hash, const struct db_version *v,
                      const char *expires_at, const struct principal *p)
{
  size_t n = strlen(expires_at);
  if (strlen(hash) != 64 || n >= sizeof c->tokens->e[0].expires_at)
    return;
  if (!c->tokens && !(c->tokens = calloc(1, sizeof *c->tokens)))
    return;
  struct token_cache *tc = c->tokens;
  at_version(tc, v);
  struct token_entry *e = &tc->e[tc->next];
  tc->next = (tc->next + 1) % TOKEN_CACHE_SLOTS;
  memcpy(e->hash, hash, 65);
  memcpy(e->expires_at, expires_at, n + 1);
  e->principal = *p;
}

unsigned long token_cache_hits(const struct store_conn *c)
{
  return c->tokens ? c->tokens->hits : 0;
}

void token_cache_free(struct token_cache *tc)
{
  if (!tc)
    return;
  wipe(tc);
  free(tc);
}
