/* The writer's row cache (src/store/row_cache.c): rows read in the store's write transactions
 * (store_write: on SQLite the writer connection, which keeps them) are never stale.
 * - a change committed by another process (a forked child with its own connection, as the
 *   CLI would) is seen by the next write;
 * - a change made by a write is seen by the rest of that write and by the next one;
 * - a change rolled back (a write that returns STORE_ABORT; and, in a batch whose failed write
 *   had changed rows, the ROLLBACK TO of its savepoint) is not seen afterwards;
 * for an office (store_office_get), an office user's display name (store_principal_display),
 * the office's enabled webhooks (store_webhooks_enabled_for) and a variant
 * (store_variant_get_brief: variants is a WITHOUT ROWID table, whose changes call no update
 * hook). Runs on either engine (on PostgreSQL there is no cache, and the same must hold). */
#include "db.h"
#include "store_identity.h"
#include "store_variants.h"
#include "store_webhooks.h"
#include "testdb.h"
#include "testlib.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

TEST_MAIN_DEFS

static char url[400];
static struct office office;
static struct office_user user;

struct seen {
  char office_name[STORE_NAME_LEN];
  char user_name[STORE_NAME_LEN];
  char variant_name[64];
  int hooks;
  const char *set_name; /* a write's own change, made before it reads (NULL: none) */
  bool disable_hooks;   /* another: its webhooks disabled */
  bool abort_after;     /* returns STORE_ABORT after reading */
};

static bool count_hook(const struct webhook *w, void *arg)
{
  (void)w;
  (*(int *)arg)++;
  return true;
}

static enum store_status read_rows(struct store_conn *c, struct seen *v)
{
  struct office o;
  char role[24];
  enum store_status st = store_office_get(c, office.id, &o);
  if (st == STORE_OK)
    snprintf(v->office_name, sizeof v->office_name, "%s", o.name);
  if (st == STORE_OK)
    st = store_principal_display(c, "office_user", user.id, v->user_name, role);
  struct variant var;
  if (st == STORE_OK && (st = store_variant_get_brief(c, "smart", &var)) == STORE_OK)
    snprintf(v->variant_name, sizeof v->variant_name, "%s", var.name);
  v->hooks = 0;
  if (st == STORE_OK)
    st = store_webhooks_enabled_for(c, office.id, NULL, count_hook, &v->hooks);
  return st;
}

static enum store_status look(struct store_conn *c, void *arg)
{
  struct seen *v = arg;
  if (v->set_name) {
    struct db_stmt *s = db_stmt(c, "UPDATE offices SET name = :n WHERE id = :id");
    db_bind_text(s, ":n", v->set_name);
    db_bind_text(s, ":id", office.id);
    if (db_exec_stmt(c, s) != STORE_OK)
      return STORE_ERROR;
    s = db_stmt(c, "UPDATE office_users SET name = :n WHERE id = :id");
    db_bind_text(s, ":n", v->set_name);
    db_bind_text(s, ":id", user.id);
    if (db_exec_stmt(c, s) != STORE_OK)
      return STORE_ERROR;
    s = db_stmt(c, "UPDATE variants SET name = :n WHERE code = 'smart'");
    db_bind_text(s, ":n", v->set_name);
    if (db_exec_stmt(c, s) != STORE_OK)
      return STORE_ERROR;
  }
  if (v->disable_hooks &&
      db_exec_stmt(c, db_stmt(c, "UPDATE webhooks SET enabled = 0")) != STORE_OK)
    return STORE_ERROR;
  enum store_status st = read_rows(c, v);
  return st == STORE_OK && v->abort_after ? STORE_ABORT : st;
}

/* What a write sees now. */
static struct seen seen_by_write(struct store *st)
{
  struct seen v = {0};
  CHECK_INT(store_write(st, look, &v), STORE_OK);
  return v;
}

/* Runs sql with param (may be NULL) in another process, as the CLI would. */
static void other_process(const char *sql, const char *param)
{
  CHECK(testdb_exec_other(url, sql, param));
}

static void check_seen(struct store *st, const char *name, int hooks)
{
  struct seen v = seen_by_write(st);
  CHECK_STR(v.office_name, name);
  CHECK_STR(v.user_name, name);
  CHECK_STR(v.variant_name, name);
  CHECK_INT(v.hooks, hooks);
}

/* Holds the writer while the two writes after it are queued, so that they share a batch. */
static enum store_status slow(struct store_conn *c, void *arg)
{
  (void)c;
  (void)arg;
  usleep(200 * 1000);
  return STORE_OK;
}

struct done {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int n;
  enum store_status status[3];
};
static struct done done = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, {0}};
static void *done_arg[3];

static void async_done(enum store_status s, void *arg)
{
  pthread_mutex_lock(&done.mu);
  for (int i = 0; i < 3; i++)
    if (done_arg[i] == arg)
      done.status[i] = s;
  done.n++;
  pthread_cond_signal(&done.cv);
  pthread_mutex_unlock(&done.mu);
}

int main(int argc, char **argv)
{
  int other = testdb_other_main(argc, argv);
  if (other >= 0)
    return other;
  char dir[] = "/tmp/advisord-rowcache-XXXXXX";
  struct store *st = testdb_store_temp(dir, url, sizeof url);
  store_start_threads(st);
  struct store_conn *c = store_conn(st);
  CHECK_INT(store_office_create(c, "5560360793", "A", "a@a.se", &office), STORE_OK);
  CHECK_INT(store_office_user_create(c, office.id, "u@a.se", OFFICE_ROLE_FULL, &user), STORE_OK);
  CHECK(testdb_exec(url, "UPDATE office_users SET name = 'A'", NULL));
  CHECK(testdb_exec(url, "UPDATE variants SET name = 'A' WHERE code = 'smart'", NULL));
  check_seen(st, "A", 0);
  check_seen(st, "A", 0); /* the second from the cache, on SQLite */

  /* another process */
  other_process("UPDATE offices SET name = 'B'", NULL);
  other_process("UPDATE office_users SET name = 'B'", NULL);
  other_process("UPDATE variants SET name = 'B' WHERE code = 'smart'", NULL);
  check_seen(st, "B", 0);
  struct webhook hook = {0};
  util_uuid(hook.id);
  snprintf(hook.office_id, sizeof hook.office_id, "%s", office.id);
  snprintf(hook.created_by_kind, sizeof hook.created_by_kind, "office_user");
  snprintf(hook.created_by_id, sizeof hook.created_by_id, "%s", user.id);
  snprintf(hook.owner_email, sizeof hook.owner_email, "u@a.se");
  snprintf(hook.url, sizeof hook.url, "https://example.com/h");
  snprintf(hook.events, sizeof hook.events, "*");
  snprintf(hook.secret_nonce, sizeof hook.secret_nonce, "nonce");
  util_now_iso8601(hook.created_at, sizeof hook.created_at);
  snprintf(hook.updated_at, sizeof hook.updated_at, "%s", hook.created_at);
  snprintf(hook.language, sizeof hook.language, "en");
  CHECK_INT(store_webhook_add(c, &hook), STORE_OK); /* a reader's connection: another one */
  check_seen(st, "B", 1);
  other_process("UPDATE webhooks SET enabled = 0 WHERE id = ?", hook.id);
  check_seen(st, "B", 0);
  other_process("UPDATE webhooks SET enabled = 1 WHERE id = ?", hook.id);
  check_seen(st, "B", 1);

  /* the write's own change, in the same write and the next */
  struct seen v = {.set_name = "C"};
  CHECK_INT(store_write(st, look, &v), STORE_OK);
  CHECK_STR(v.office_name, "C");
  CHECK_STR(v.user_name, "C");
  CHECK_STR(v.variant_name, "C");
  check_seen(st, "C", 1);

  /* rolled back: seen inside the write, not after */
  v = (struct seen){.set_name = "D", .abort_after = true};
  CHECK_INT(store_write(st, look, &v), STORE_ABORT);
  CHECK_STR(v.office_name, "D");
  CHECK_STR(v.variant_name, "D");
  check_seen(st, "C", 1);

  /* rolled back to its savepoint in a batch: the write after it in the batch reads "C" */
  struct seen e = {.set_name = "E", .abort_after = true}, f = {0};
  done_arg[0] = NULL;
  done_arg[1] = &e;
  done_arg[2] = &f;
  store_write_async(st, slow, NULL, async_done);
  usleep(50 * 1000); /* the slow write's batch has started: these two queue behind it */
  store_write_async(st, look, &e, async_done);
  store_write_async(st, look, &f, async_done);
  pthread_mutex_lock(&done.mu);
  while (done.n < 3)
    pthread_cond_wait(&done.cv, &done.mu);
  pthread_mutex_unlock(&done.mu);
  CHECK_INT(done.status[1], STORE_ABORT);
  CHECK_INT(done.status[2], STORE_OK);
  CHECK_STR(f.office_name, "C");
  CHECK_STR(f.user_name, "C");
  CHECK_STR(f.variant_name, "C");
  check_seen(st, "C", 1);

  /* the writer's own webhook change */
  struct seen w = {.disable_hooks = true};
  CHECK_INT(store_write(st, look, &w), STORE_OK);
  CHECK_INT(w.hooks, 0);
  check_seen(st, "C", 0);
  other_process("UPDATE webhooks SET enabled = 1", NULL);
  check_seen(st, "C", 1);

  CHECK(testdb_store_temp_end(st, dir, url));
  return TEST_REPORT();
}
