/* migrations.h - the SQL files of migrations/, embedded into the binary at build time by
 * cmake/embed_migrations.cmake (generated migrations_data.c). */
#ifndef ADVISORD_STORE_MIGRATIONS_H
#define ADVISORD_STORE_MIGRATIONS_H

struct store_migration {
  int version;      /* the number the file name starts with */
  const char *name; /* the file name */
  const char *sql;
};

extern const struct store_migration store_migrations[];
extern const unsigned store_migrations_count;

#endif
