/* migrations.h - the SQL files of migrations/ (SQLite) and migrations/pg/ (PostgreSQL, the
 * same version numbers), embedded into the binary at build time by cmake/embed_files.cmake
 * (generated migrations_data.c, pg_migrations_data.c): path is the file name, data its SQL
 * (a C string), in the order of their numbers. */
#ifndef ADVISORD_STORE_MIGRATIONS_H
#define ADVISORD_STORE_MIGRATIONS_H

#include "embed.h"

#include <stdlib.h>

extern const struct embed_file store_migrations[];
extern const size_t store_migrations_count;
extern const struct embed_file store_pg_migrations[];
extern const size_t store_pg_migrations_count;

/* The number the file name starts with ("0031_collab_list_indexes.sql": 31). */
static inline int store_migration_version(const struct embed_file *m)
{
  return atoi(m->path);
}

#endif
