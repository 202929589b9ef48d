/* The bearer tokens a connection keeps while it authenticates inside store_snapshot
 * (src/store/token_cache.h) are never stale: after each change below, the next snapshot's two
 * lookups of the token (the second one, on SQLite, from the cache) see it:
 * - a change committed by another process (a child with its own connection, as the CLI would):
 *   the principal's role, the token revoked;
 * - a change made on the reader's own connection outside a snapshot (which SQLite's
 *   data_version does not count);
 * - the token's expiry passing while nothing is committed;
 * and the same for lookups outside a snapshot (a POST's credential), which keep and find
 * tokens in a read transaction of their own, in a cache that the store's threads share: a token
 * one thread read is found by another while nothing is committed, and refused by it after a
 * revocation. A thread alternating lookups inside and outside snapshots keeps both kinds.
 * Runs on either engine (on PostgreSQL there is no cache, and the same must hold). */
#include "db.h"
#include "store_identity.h"
#include "testdb.h"
#include "token_cache.h"
#include "testlib.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

TEST_MAIN_DEFS

static char url[400];
static struct store *st;

struct auth {
  const char *token;
  enum store_status got[2];
  struct principal p[2];
};

static void auth_twice(void *arg)
{
  struct auth *a = arg;
  struct store_conn *c = store_conn(st);
  for (int i = 0; i < 2; i++)
    a->got[i] = store_token_authenticate(c, a->token, &a->p[i]);
}

/* The token's two lookups in one snapshot, which must agree: the first's status, its principal
 * into p (may be NULL). */
static enum store_status snap(const char *token, struct principal *p)
{
  struct auth a = {.token = token};
  store_snapshot(st, auth_twice, &a);
  CHECK_INT(a.got[0], a.got[1]);
  if (a.got[0] == STORE_OK) {
    CHECK_STR(a.p[0].id, a.p[1].id);
    CHECK_STR(a.p[0].token_id, a.p[1].token_id);
    CHECK_INT(a.p[0].role, a.p[1].role);
    CHECK_STR(a.p[0].email, a.p[1].email);
  }
  if (p)
    *p = a.p[0];
  return a.got[0];
}

/* A lookup outside a snapshot on a thread of its own (its own connection). */
struct on_thread {
  const char *token;
  enum store_status got;
  struct principal p;
  unsigned long hits; /* its connection's lookups answered from a cache */
};

static void *lookup_thread(void *arg)
{
  struct on_thread *o = arg;
  struct store_conn *c = store_conn(st);
  o->got = store_token_authenticate(c, o->token, &o->p);
  o->hits = token_cache_hits(c);
  store_conn_release(st);
  return NULL;
}

static enum store_status elsewhere(const char *token, struct principal *p, unsigned long *hits)
{
  struct on_thread o = {.token = token};
  pthread_t t;
  CHECK(pthread_create(&t, NULL, lookup_thread, &o) == 0);
  pthread_join(t, NULL);
  *p = o.p;
  *hits = o.hits;
  return o.got;
}

static void other_process(const char *sql, const char *param)
{
  CHECK(testdb_exec_other(url, sql, param));
}

int main(int argc, char **argv)
{
  int other = testdb_other_main(argc, argv);
  if (other >= 0)
    return other;
  char dir[] = "/tmp/advisord-tokcache-XXXXXX";
  st = testdb_store_temp(dir, url, sizeof url);
  store_start_threads(st);
  struct store_conn *c = store_conn(st);
  struct office office;
  struct office_user user;
  char tok[STORE_TOKEN_LEN], tok2[STORE_TOKEN_LEN], tok3[STORE_TOKEN_LEN];
  CHECK_INT(store_office_create(c, "5560360793", "A", "a@a.se", &office), STORE_OK);
  CHECK_INT(store_office_user_create(c, office.id, "u@a.se", OFFICE_ROLE_FULL, &user), STORE_OK);
  CHECK_INT(store_token_issue(c, PRINCIPAL_OFFICE_USER, user.id, NULL, tok, NULL), STORE_OK);

  struct principal p;
  CHECK_INT(snap(tok, &p), STORE_OK);
  CHECK_STR(p.id, user.id);
  CHECK_INT(p.role, OFFICE_ROLE_FULL);
  CHECK_INT(snap(tok, &p), STORE_OK);

  /* another process */
  other_process("UPDATE office_users SET role = 'limited' WHERE id = ?", user.id);
  CHECK_INT(snap(tok, &p), STORE_OK);
  CHECK_INT(p.role, OFFICE_ROLE_LIMITED);
  other_process("UPDATE tokens SET revoked_at = '2020-01-01T00:00:00Z' WHERE principal_id = ?",
                user.id);
  CHECK_INT(snap(tok, NULL), STORE_NOT_FOUND);
  CHECK_INT(store_token_authenticate(c, tok, &p), STORE_NOT_FOUND);

  /* outside a snapshot (a POST's credential: its version is the WAL index's header, read
   * before the two statements' own read transaction), the same: a process's change counts at
   * the next lookup */
  char tok4[STORE_TOKEN_LEN];
  CHECK_INT(store_token_issue(c, PRINCIPAL_OFFICE_USER, user.id, NULL, tok4, NULL), STORE_OK);
  for (int i = 0; i < 2; i++) {
    CHECK_INT(store_token_authenticate(c, tok4, &p), STORE_OK);
    CHECK_INT(p.role, OFFICE_ROLE_LIMITED);
  }
  other_process("UPDATE office_users SET role = 'full' WHERE id = ?", user.id);
  CHECK_INT(store_token_authenticate(c, tok4, &p), STORE_OK);
  CHECK_INT(p.role, OFFICE_ROLE_FULL);
  /* nothing committed since: answered from the cache (SQLite), with the same principal */
  unsigned long hits = token_cache_hits(c);
  CHECK_INT(store_token_authenticate(c, tok4, &p), STORE_OK);
  CHECK_INT(p.role, OFFICE_ROLE_FULL);
  CHECK(token_cache_hits(c) == hits + (testdb_pg() ? 0 : 1));
  /* the revocation right after a hit outside a snapshot: the header alone must tell it */
  char hash4[65];
  util_sha256_hex(tok4, hash4);
  other_process("UPDATE tokens SET revoked_at = '2020-01-01T00:00:00Z' WHERE token_hash = ?",
                hash4);
  CHECK_INT(store_token_authenticate(c, tok4, &p), STORE_NOT_FOUND);
  CHECK_INT(snap(tok4, NULL), STORE_NOT_FOUND);
  CHECK_INT(snap(tok4, NULL), STORE_NOT_FOUND);

  /* another thread finds what this one read outside a snapshot, until a commit (SQLite) */
  char tok5[STORE_TOKEN_LEN];
  unsigned long other_hits;
  CHECK_INT(store_token_issue(c, PRINCIPAL_OFFICE_USER, user.id, NULL, tok5, NULL), STORE_OK);
  CHECK_INT(store_token_authenticate(c, tok5, &p), STORE_OK);
  CHECK_INT(elsewhere(tok5, &p, &other_hits), STORE_OK);
  CHECK_STR(p.id, user.id);
  CHECK_INT(p.role, OFFICE_ROLE_FULL);
  CHECK(other_hits == (testdb_pg() ? 0u : 1u));
  other_process("UPDATE office_users SET role = 'limited' WHERE id = ?", user.id);
  CHECK_INT(elsewhere(tok5, &p, &other_hits), STORE_OK);
  CHECK_INT(p.role, OFFICE_ROLE_LIMITED);
  CHECK(other_hits == 0);
  CHECK_INT(store_token_authenticate(c, tok5, &p), STORE_OK); /* from what the thread read */
  CHECK_INT(p.role, OFFICE_ROLE_LIMITED);
  char hash5[65];
  util_sha256_hex(tok5, hash5);
  other_process("UPDATE tokens SET revoked_at = '2020-01-01T00:00:00Z' WHERE token_hash = ?",
                hash5);
  CHECK_INT(elsewhere(tok5, &p, &other_hits), STORE_NOT_FOUND);
  CHECK_INT(store_token_authenticate(c, tok5, &p), STORE_NOT_FOUND);

  /* lookups alternating inside and outside snapshots (GETs and POSTs on one thread) keep both
   * kinds while nothing is committed: after one of each, every lookup is answered from them */
  char tok6[STORE_TOKEN_LEN];
  CHECK_INT(store_token_issue(c, PRINCIPAL_OFFICE_USER, user.id, NULL, tok6, NULL), STORE_OK);
  CHECK_INT(snap(tok6, NULL), STORE_OK);
  CHECK_INT(store_token_authenticate(c, tok6, &p), STORE_OK);
  hits = token_cache_hits(c);
  for (int i = 0; i < 3; i++) {
    CHECK_INT(snap(tok6, NULL), STORE_OK);
    CHECK_INT(store_token_authenticate(c, tok6, &p), STORE_OK);
  }
  CHECK(token_cache_hits(c) == hits + (testdb_pg() ? 0 : 9)); /* each snap looks up twice */
  other_process("UPDATE office_users SET role = 'full' WHERE id = ?", user.id);
  CHECK_INT(snap(tok6, &p), STORE_OK);
  CHECK_INT(p.role, OFFICE_ROLE_FULL);
  CHECK_INT(store_token_authenticate(c, tok6, &p), STORE_OK);
  CHECK_INT(p.role, OFFICE_ROLE_FULL);

  /* the reader's own connection, outside a snapshot */
  CHECK_INT(store_token_issue(c, PRINCIPAL_OFFICE_USER, user.id, NULL, tok2, NULL), STORE_OK);
  CHECK_INT(snap(tok2, NULL), STORE_OK);
  CHECK_INT(snap(tok2, NULL), STORE_OK);
  CHECK_INT(store_token_authenticate(c, tok2, &p), STORE_OK);
  CHECK_INT(store_token_authenticate(c, tok2, &p), STORE_OK);
  CHECK_INT(store_token_revoke(c, tok2), STORE_OK);
  CHECK_INT(store_token_authenticate(c, tok2, &p), STORE_NOT_FOUND);
  CHECK_INT(snap(tok2, NULL), STORE_NOT_FOUND);

  /* an expiry passing with nothing committed */
  char soon[32];
  time_t t_soon = time(NULL) + 5; /* room for a slow (valgrind, ASan) run */
  util_time_iso8601(t_soon, soon, sizeof soon);
  CHECK_INT(store_token_issue(c, PRINCIPAL_OFFICE_USER, user.id, soon, tok3, NULL), STORE_OK);
  CHECK_INT(snap(tok3, NULL), STORE_OK);
  CHECK_INT(snap(tok3, NULL), STORE_OK);
  CHECK_INT(store_token_authenticate(c, tok3, &p), STORE_OK);
  CHECK_INT(store_token_authenticate(c, tok3, &p), STORE_OK);
  while (time(NULL) <= t_soon)
    usleep(50 * 1000);
  CHECK_INT(snap(tok3, NULL), STORE_NOT_FOUND);
  CHECK_INT(store_token_authenticate(c, tok3, &p), STORE_NOT_FOUND);

  store_conn_release(st);
  CHECK(testdb_store_temp_end(st, dir, url));
  return TEST_REPORT();
}
