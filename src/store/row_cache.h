/* row_cache.h - rows the store's writer reads in almost every write and that almost never
 * change, kept by the writer connection (SQLite's: sqlite_tx.c) instead of read again: an
 * office by its id, an office user's display name, whether any webhook is enabled at all, a
 * variant by its code (without its features).
 * An activation read each of them once (perf of the POST load: about 1.4 µs of the writer's
 * time per activation, three statements of about 15).
 *
 * Never stale: it is used only inside the writer's write transactions, while no other
 * connection can commit; whatever a transaction changes in a table drops that table's rows
 * (SQLite's update hook, row_cache_changed), a rollback (also to a savepoint) drops them all,
 * and so does a commit of any other connection or process since the writer's last
 * transaction (PRAGMA data_version, checked at every BEGIN: row_cache_forget). The store
 * functions that read these rows ask the cache first when their connection has one (the
 * writer's; PostgreSQL's and every reader's have none). Its tables are rowid tables with
 * foreign keys, and the cache is kept only while foreign keys are on (so they are never emptied
 * by SQLite's truncate optimization, which calls no hook). variants is a WITHOUT ROWID table,
 * for which SQLite calls no update hook: its rows are kept only while no statement that writes
 * it has been prepared on the connection (an authorizer sees each statement as it is compiled:
 * row_cache_variants_written; only migrations write variants, on store_open's connection). */
#ifndef ADVISORD_STORE_ROW_CACHE_H
#define ADVISORD_STORE_ROW_CACHE_H

#include <stdbool.h>

#include "domain/variant.h"
#include "store_identity.h"

struct store_conn;
struct row_cache;

/* A new, empty cache (NULL when out of memory: the connection then reads every time). */
struct row_cache *row_cache_new(void);
void row_cache_free(struct row_cache *rc);
/* A row of table was inserted, updated or deleted on the cache's connection. */
void row_cache_changed(struct row_cache *rc, const char *table);
/* A statement that writes variants was prepared on the connection: no variant is kept from
 * now on. */
void row_cache_variants_written(struct row_cache *rc);
/* Drops everything (a rollback; another connection's commit). */
void row_cache_forget(struct row_cache *rc);

/* The office id as store_office_get reads it: true when known (copied into out). */
bool row_cache_office(struct store_conn *c, const char *id, struct office *out);
void row_cache_keep_office(struct store_conn *c, const struct office *o);
/* An office user's name and role as store_principal_display reads them. */
bool row_cache_office_user(struct store_conn *c, const char *id, char *name, char *role);
void row_cache_keep_office_user(struct store_conn *c, const char *id, const char *name,
                                const char *role);
/* Whether the webhooks table holds an enabled endpoint: 1 yes, 0 no, -1 not known. */
int row_cache_any_webhook(struct store_conn *c);
void row_cache_keep_any_webhook(struct store_conn *c, bool any);
/* The variant code as store_variant_get_brief reads it (no features): true when known. */
bool row_cache_variant(struct store_conn *c, const char *code, struct variant *out);
void row_cache_keep_variant(struct store_conn *c, const struct variant *v);

#endif
