/* token_cache.h - the bearer tokens a connection authenticated, kept so that the next request
 * of the same token on the same connection (thread) is answered without the token's and its
 * principal's two statements (perf of GET one collaboration: the two were some 6% of the HTTP
 * workers' samples, apart from the read transaction they shared; of a POST's activation, 15%
 * with its read transaction).
 *
 * Never stale: an entry is used only when db_read_version equals the one it was read at (a
 * GET's snapshot's; outside a snapshot, a POST's credential, the WAL index's header read before
 * the statements), so no connection of any process has committed anything since (a
 * revocation, an expiry moved, the principal changed or deleted, the token's use noted); any
 * difference drops every entry. An entry's expiry is compared with the time as the statement
 * compares it. Only successful lookups are kept. Internal to src/store/ (tokens.c). */
#ifndef ADVISORD_STORE_TOKEN_CACHE_H
#define ADVISORD_STORE_TOKEN_CACHE_H

#include "db.h"
#include "principal.h"

#include <stdbool.h>

struct token_cache;

/* True when c holds the token whose SHA-256 (hex) is hash, read at version v and not expired at
 * now (ISO 8601, as the statement binds it): its principal copied into out. Entries read at
 * another version are dropped first. */
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

#endif
