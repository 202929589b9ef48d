/* token_cache.h - the bearer tokens authenticated on SQLite's connections, kept so that the
 * next request of the same token is answered without the token's and its principal's two
 * statements (perf of GET one collaboration: the two were some 6% of the HTTP workers' samples,
 * apart from the read transaction they shared; of a POST's activation, 15% with its read
 * transaction).
 *
 * Two kinds, which never drop each other's entries (a thread alternating GETs and POSTs keeps
 * both): inside a snapshot (a GET's), a connection's own, at its snapshot's version
 * (data_version and its own changes); outside one (a POST's credential), its registry's
 * (db_threads), shared by the store's threads, at the WAL index's header read before the
 * statements (the database's version, not a connection's).
 *
 * Never stale: an entry is used only when db_read_version equals the one it was read at, so no
 * connection of any process has committed anything since (a revocation, an expiry moved, the
 * principal changed or deleted, the token's use noted); an entry kept at another version drops
 * every entry of its kind first. An entry's expiry is compared with the time as the statement
 * compares it. Only successful lookups are kept. Internal to src/store/ (tokens.c). */
#ifndef ADVISORD_STORE_TOKEN_CACHE_H
#define ADVISORD_STORE_TOKEN_CACHE_H

#include "db.h"
#include "principal.h"

#include <stdbool.h>

struct token_cache;
struct token_shared;

/* True when the cache of v's kind (c's own or its registry's) holds the token whose SHA-256 (hex)
 * is hash, read at version v and not expired at now (ISO 8601, as the statement binds it): its
 * principal copied into out. Thread-safe for the registry's. */
bool token_cache_find(struct store_conn *c, const char *hash, const struct db_version *v,
                      const char *now, struct principal *out);
/* Keeps the token read at version v (after token_cache_find missed at v): its expiry ("" for
 * none) and principal (copied). Nothing when out of memory. */
void token_cache_keep(struct store_conn *c, const char *hash, const struct db_version *v,
                      const char *expires_at, const struct principal *p);
/* How many lookups c's cache answered since it was made (tests: that one outside a snapshot is
 * answered from here at all). */
unsigned long token_cache_hits(const struct store_conn *c);
/* Frees a connection's cache (NULL: nothing), its entries wiped first. */
void token_cache_free(struct token_cache *tc);
/* Frees a registry's (db_threads_close_all; NULL: nothing), its entries wiped first. */
void token_cache_shared_free(struct token_shared *sh);

#endif
