/* row_cache.c - the writer's cache of rows it reads in almost every write (row_cache.h says
 * why it is never stale). A few entries per kind, the oldest replaced first. */
#include "row_cache.h"

#include "db.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define OFFICES 8
#define OFFICE_USERS 16
#define VARIANTS 8
#define ROLE_LEN 24 /* store_principal_display's */

struct user_entry {
  char id[STORE_ID_LEN];
  char name[STORE_NAME_LEN];
  char role[ROLE_LEN];
};

struct row_cache {
  struct office office[OFFICES];
  unsigned n_offices, next_office;
  struct user_entry user[OFFICE_USERS];
  unsigned n_users, next_user;
  int any_webhook; /* 1, 0, -1: not known */
  struct variant variant[VARIANTS]; /* as store_variant_get_brief reads them: no features */
  unsigned n_variants, next_variant;
  bool variants_written; /* a statement that writes variants was prepared: none kept */
};

/* The index of the first of n rows (each size bytes, its NUL-terminated key at key_off) whose
 * key is key; -1 when none. */
static int find(const void *rows, unsigned n, size_t size, size_t key_off, const char *key)
{
  const char *r = rows;
  for (unsigned i = 0; i < n; i++, r += size)
    if (strcmp(r + key_off, key) == 0)
      return (int)i;
  return -1;
}

/* The slot of cap a row kept now takes, *n of them in use: a free one, else the oldest. */
static unsigned slot(unsigned *n, unsigned *next, unsigned cap)
{
  return *n < cap ? (*n)++ : (*next)++ % cap;
}

struct row_cache *row_cache_new(void)
{
  struct row_cache *rc = calloc(1, sizeof *rc);
  if (rc)
    rc->any_webhook = -1;
  return rc;
}

void row_cache_free(struct row_cache *rc) { free(rc); }

void row_cache_changed(struct row_cache *rc, const char *table)
{
  if (strcmp(table, "offices") == 0)
    rc->n_offices = 0;
  else if (strcmp(table, "office_users") == 0)
    rc->n_users = 0;
  else if (strcmp(table, "webhooks") == 0)
    rc->any_webhook = -1;
  else if (strcmp(table, "variants") == 0)
    rc->n_variants = 0;
}

void row_cache_variants_written(struct row_cache *rc)
{
  rc->variants_written = true;
  rc->n_variants = 0;
}

void row_cache_forget(struct row_cache *rc)
{
  rc->n_offices = rc->n_users = rc->n_variants = 0;
  rc->any_webhook = -1;
}

bool row_cache_office(struct store_conn *c, const char *id, struct office *out)
{
  struct row_cache *rc = c->cache;
  int i = rc ? find(rc->office, rc->n_offices, sizeof *rc->office, offsetof(struct office, id), id)
             : -1;
  if (i >= 0)
    *out = rc->office[i];
  return i >= 0;
}

void row_cache_keep_office(struct store_conn *c, const struct office *o)
{
  struct row_cache *rc = c->cache;
  if (!rc)
    return;
  unsigned i = slot(&rc->n_offices, &rc->next_office, OFFICES);
  rc->office[i] = *o;
}

bool row_cache_office_user(struct store_conn *c, const char *id, char *name, char *role)
{
  struct row_cache *rc = c->cache;
  int i = rc ? find(rc->user, rc->n_users, sizeof *rc->user, offsetof(struct user_entry, id), id)
             : -1;
  if (i >= 0) {
    memcpy(name, rc->user[i].name, STORE_NAME_LEN);
    memcpy(role, rc->user[i].role, ROLE_LEN);
  }
  return i >= 0;
}

void row_cache_keep_office_user(struct store_conn *c, const char *id, const char *name,
                                const char *role)
{
  struct row_cache *rc = c->cache;
  if (!rc || strlen(id) >= STORE_ID_LEN)
    return;
  unsigned i = slot(&rc->n_users, &rc->next_user, OFFICE_USERS);
  struct user_entry *e = &rc->user[i];
  memcpy(e->id, id, strlen(id) + 1);
  memcpy(e->name, name, STORE_NAME_LEN); /* both NUL-terminated within their length */
  memcpy(e->role, role, ROLE_LEN);
}

int row_cache_any_webhook(struct store_conn *c) { return c->cache ? c->cache->any_webhook : -1; }

void row_cache_keep_any_webhook(struct store_conn *c, bool any)
{
  if (c->cache)
    c->cache->any_webhook = any;
}

bool row_cache_variant(struct store_conn *c, const char *code, struct variant *out)
{
  struct row_cache *rc = c->cache;
  int i = rc ? find(rc->variant, rc->n_variants, sizeof *rc->variant,
                    offsetof(struct variant, code), code)
             : -1;
  if (i >= 0)
    *out = rc->variant[i];
  return i >= 0;
}

void row_cache_keep_variant(struct store_conn *c, const struct variant *v)
{
  struct row_cache *rc = c->cache;
  if (!rc || rc->variants_written || v->n_features)
    return;
  unsigned i = slot(&rc->n_variants, &rc->next_variant, VARIANTS);
  rc->variant[i] = *v;
}
