/* token_cache.c - the authenticated bearer tokens (token_cache.h): a connection's, read inside
 * a snapshot, and its registry's, read outside one and shared by the registry's connections. */
#include "token_cache.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_CACHE_SLOTS 8 /* tokens used on one thread between two commits: a few clients */
#define TOKEN_SHARED_SLOTS 16 /* the same, of every thread of a store */

struct token_entry {
  char hash[65]; /* "" for a free slot */
  char expires_at[40];
  struct principal principal;
};

/* Entries read at one version: n slots from e on. */
struct token_set {
  struct db_version version; /* every entry's */
  unsigned next;             /* the slot the next keep takes (round robin) */
  unsigned n;
  struct token_entry *e;
};

/* A connection's: the tokens it read inside a snapshot (data_version and its own changes are
 * the connection's, so its entries are its own). */
struct token_cache {
  struct token_set snap;
  unsigned long hits; /* lookups of this connection answered from either kind */
  struct token_entry e[TOKEN_CACHE_SLOTS];
};

/* A registry's: the tokens its connections read outside a snapshot. Their version, the WAL
 * index's header, is the database's and not a connection's (what a connection changed is
 * committed there, so it moved the header: the connection's own count is not compared), so an
 * entry one thread read serves every other thread as long as nothing is committed. Under the
 * POST load each commit made every HTTP worker read its caller's token again; now one of them
 * does. An entry kept at a header that another thread has already left behind drops that
 * thread's newer entries (both versions exact; only found less often). */
struct token_shared {
  pthread_mutex_t mu;
  struct token_set set;
  struct token_entry e[TOKEN_SHARED_SLOTS];
};

static bool outside_snapshot(const struct db_version *v) { return v->others == INT64_MIN; }

static void wipe(struct token_set *s)
{
  memset(s->e, 0, s->n * sizeof s->e[0]);
  s->next = 0;
}

/* Whether s's entries were read at v. */
static bool at_version(const struct token_set *s, const struct db_version *v)
{
  return s->version.others == v->others && (outside_snapshot(v) || s->version.own == v->own) &&
         memcmp(s->version.wal, v->wal, sizeof v->wal) == 0;
}

/* Not found when s was read at another version (its entries stay until the keep that follows
 * the miss drops them: a thread whose reading is older than another's does not drop the
 * other's). */
static bool set_find(const struct token_set *s, const char *hash, const struct db_version *v,
                     const char *now, struct principal *out)
{
  if (!at_version(s, v))
    return false;
  for (unsigned i = 0; i < s->n; i++) {
    const struct token_entry *e = &s->e[i];
    if (!e->hash[0] || !util_const_eq(e->hash, hash))
      continue;
    /* as "t.expires_at IS NULL OR t.expires_at > :now" compares the two texts */
    if (e->expires_at[0] && strcmp(e->expires_at, now) <= 0)
      return false;
    *out = e->principal;
    return true;
  }
  return false;
}

static void set_keep(struct token_set *s, const char *hash, const struct db_version *v,
                     const char *expires_at, size_t n, const struct principal *p)
{
  if (!at_version(s, v)) {
    wipe(s);
    s->version = *v;
  }
  struct token_entry *e = &s->e[s->next];
  s->next = (s->next + 1) % s->n;
  memcpy(e->hash, hash, 65);
  memcpy(e->expires_at, expires_at, n + 1);
  e->principal = *p;
}

/* c's own cache, made at the first use; NULL when out of memory. */
static struct token_cache *own(struct store_conn *c)
{
  if (!c->tokens && (c->tokens = calloc(1, sizeof *c->tokens))) {
    c->tokens->snap.n = TOKEN_CACHE_SLOTS;
    c->tokens->snap.e = c->tokens->e;
  }
  return c->tokens;
}

/* The shared cache of c's registry, made at the first use; NULL when c is in none or out of
 * memory. */
static struct token_shared *shared(struct store_conn *c)
{
  struct db_threads *t = c->threads;
  if (!t)
    return NULL;
  struct token_shared *sh = __atomic_load_n(&t->tokens, __ATOMIC_ACQUIRE);
  if (sh)
    return sh;
  pthread_mutex_lock(&t->mu);
  if (!t->tokens && (sh = calloc(1, sizeof *sh))) {
    pthread_mutex_init(&sh->mu, NULL);
    sh->set.n = TOKEN_SHARED_SLOTS;
    sh->set.e = sh->e;
    __atomic_store_n(&t->tokens, sh, __ATOMIC_RELEASE);
  }
  sh = t->tokens;
  pthread_mutex_unlock(&t->mu);
  return sh;
}

bool token_cache_find(struct store_conn *c, const char *hash, const struct db_version *v,
                      const char *now, struct principal *out)
{
  bool found;
  if (outside_snapshot(v)) {
    struct token_shared *sh = c->threads ? __atomic_load_n(&c->threads->tokens, __ATOMIC_ACQUIRE)
                                         : NULL;
    if (!sh)
      return false;
    pthread_mutex_lock(&sh->mu);
    found = set_find(&sh->set, hash, v, now, out);
    pthread_mutex_unlock(&sh->mu);
  } else {
    found = c->tokens && set_find(&c->tokens->snap, hash, v, now, out);
  }
  if (found && own(c))
    c->tokens->hits++;
  return found;
}

void token_cache_keep(struct store_conn *c, const char *hash, const struct db_version *v,
                      const char *expires_at, const struct principal *p)
{
  size_t n = strlen(expires_at);
  if (strlen(hash) != 64 || n >= sizeof ((struct token_entry *)0)->expires_at)
    return;
  if (outside_snapshot(v)) {
    struct token_shared *sh = shared(c);
    if (!sh)
      return;
    pthread_mutex_lock(&sh->mu);
    set_keep(&sh->set, hash, v, expires_at, n, p);
    pthread_mutex_unlock(&sh->mu);
  } else if (own(c)) {
    set_keep(&c->tokens->snap, hash, v, expires_at, n, p);
  }
}

unsigned long token_cache_hits(const struct store_conn *c)
{
  return c->tokens ? c->tokens->hits : 0;
}

void token_cache_free(struct token_cache *tc)
{
  if (!tc)
    return;
  wipe(&tc->snap);
  free(tc);
}

void token_cache_shared_free(struct token_shared *sh)
{
  if (!sh)
    return;
  wipe(&sh->set);
  pthread_mutex_destroy(&sh->mu);
  free(sh);
}
