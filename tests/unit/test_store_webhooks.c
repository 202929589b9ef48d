/* Store tests of webhooks on a temporary database (either engine): endpoints scoped to their office, and the
 * worker's claim/lease/finish cycle: a delivery waits for the earlier pending ones of its
 * endpoint and collaboration (not for other collaborations' or a ping), a held one is not
 * taken twice, a lease that ran out counts as a try, a disabled endpoint's deliveries wait,
 * and redelivering puts one back with its event id. */
#include "store_webhooks.h"
#include "testdb.h"
#include "testlib.h"
#include "util.h"

#include <stdlib.h>
#include <unistd.h>

TEST_MAIN_DEFS

static struct webhook hook;

static void add(struct store_conn *c, const char *collab, char *id_out, int64_t now)
{
  struct webhook_delivery d = {0};
  util_uuid(d.id);
  util_uuid(d.event_id);
  snprintf(d.webhook_id, sizeof d.webhook_id, "%s", hook.id);
  snprintf(d.event_type, sizeof d.event_type, "collaboration.invited");
  snprintf(d.collaboration_id, sizeof d.collaboration_id, "%s", collab);
  d.next_attempt_ms = d.created_ms = now;
  util_now_iso8601(d.created_at, sizeof d.created_at);
  CHECK_INT(store_webhook_delivery_add(c, &d, "{\"x\":1}"), STORE_OK);
  snprintf(id_out, 37, "%s", d.id);
}

/* The id claimed at now (lease 1000 ms), "" when none. */
static void claim(struct store_conn *c, int64_t now, char *out)
{
  struct webhook_delivery d = {0};
  struct webhook h;
  out[0] = '\0';
  enum store_status st = store_webhook_claim(c, now, 1000, &d, &h);
  CHECK(st == STORE_OK || st == STORE_NOT_FOUND);
  if (st == STORE_OK) {
    snprintf(out, 37, "%s", d.id);
    CHECK_STR(d.payload, "{\"x\":1}");
    CHECK_STR(h.id, hook.id);
  }
  free(d.payload);
}

int main(void)
{
  char dir[] = "/tmp/advisord-webhooks-XXXXXX", path[400]; /* SQLite, or PostgreSQL */
  struct store *st = testdb_store_temp(dir, path, sizeof path);
  struct store_conn *c = store_conn(st);
  struct office a, b;
  CHECK_INT(store_office_create(c, "5560360793", "A", "a@a.se", &a), STORE_OK);
  CHECK_INT(store_office_create(c, "5561000018", "B", "b@b.se", &b), STORE_OK);
  util_uuid(hook.id);
  snprintf(hook.office_id, sizeof hook.office_id, "%s", a.id);
  snprintf(hook.created_by_kind, sizeof hook.created_by_kind, "office_user");
  snprintf(hook.created_by_id, sizeof hook.created_by_id, "%s", a.id);
  snprintf(hook.owner_email, sizeof hook.owner_email, "a@a.se");
  snprintf(hook.url, sizeof hook.url, "https://example.com/h");
  snprintf(hook.events, sizeof hook.events, "*");
  snprintf(hook.secret_nonce, sizeof hook.secret_nonce, "nonce");
  util_now_iso8601(hook.created_at, sizeof hook.created_at);
  snprintf(hook.updated_at, sizeof hook.updated_at, "%s", hook.created_at);
  snprintf(hook.language, sizeof hook.language, "en");
  CHECK_INT(store_webhook_add(c, &hook), STORE_OK);
  struct webhook got;
  CHECK_INT(store_webhook_get(c, a.id, NULL, hook.id, &got), STORE_OK);
  CHECK_STR(got.language, "en");
  CHECK(got.enabled && strcmp(got.url, hook.url) == 0);
  CHECK_INT(store_webhook_get(c, b.id, NULL, hook.id, &got), STORE_NOT_FOUND);
  CHECK_INT(store_webhook_delete(c, b.id, NULL, hook.id), STORE_NOT_FOUND);

  int64_t now = 1000000;
  char x1[37], x2[37], y1[37], ping[37], held[37], next[37];
  struct webhook_delivery d;
  add(c, "collab-x", x1, now);
  add(c, "collab-x", x2, now);
  add(c, "collab-y", y1, now);
  add(c, "", ping, now);
  claim(c, now, held);
  CHECK_STR(held, x1); /* oldest first */
  claim(c, now, next);
  CHECK_STR(next, y1); /* x2 waits for x1, held */
  claim(c, now, next);
  CHECK_STR(next, ping); /* a ping waits for nothing */
  claim(c, now, next);
  CHECK_STR(next, ""); /* x2 still waits: x1 is pending */
  char at[32];
  util_now_iso8601(at, sizeof at);
  CHECK_INT(store_webhook_delivery_finish(c, y1, "delivered", 0, 200, "", at), STORE_OK);
  CHECK_INT(store_webhook_delivery_finish(c, ping, "delivered", 0, 204, "", at), STORE_OK);
  CHECK_INT(store_webhook_delivery_finish(c, x1, "pending", now + 500, 500, "answered 500", at),
            STORE_OK);
  claim(c, now + 100, next);
  CHECK_STR(next, ""); /* x1 is due later; x2 still waits behind it */
  claim(c, now + 600, next);
  CHECK_STR(next, x1);
  /* the worker died: the lease runs out, the try counts, the last error says so */
  claim(c, now + 1700, next);
  CHECK_STR(next, x1);
  CHECK_INT(store_webhook_delivery_get(c, hook.id, x1, &d), STORE_OK);
  CHECK_INT(d.attempts, 2);
  CHECK(strstr(d.last_error, "stopped during this try") != NULL);
  CHECK_INT(store_webhook_delivery_finish(c, x1, "delivered", 0, 200, "", at), STORE_OK);
  /* disabled: nothing of it is taken or due */
  hook.enabled = false;
  CHECK_INT(store_webhook_update(c, &hook), STORE_OK);
  int64_t due = 0;
  claim(c, now + 1800, next);
  CHECK_STR(next, "");
  CHECK_INT(store_webhook_next_due(c, &due), STORE_NOT_FOUND);
  hook.enabled = true;
  CHECK_INT(store_webhook_update(c, &hook), STORE_OK);
  CHECK_INT(store_webhook_next_due(c, &due), STORE_OK);
  claim(c, now + 1800, next);
  CHECK_STR(next, x2);
  CHECK_INT(store_webhook_delivery_finish(c, x2, "failed", 0, 404, "answered 404", at),
            STORE_OK);
  /* redeliver: pending again, due now, the same event */
  struct webhook_delivery before;
  CHECK_INT(store_webhook_delivery_get(c, hook.id, x2, &before), STORE_OK);
  CHECK_INT(store_webhook_delivery_redeliver(c, hook.id, x2, now + 2000), STORE_OK);
  CHECK_INT(store_webhook_delivery_get(c, hook.id, x2, &d), STORE_OK);
  CHECK_STR(d.status, "pending");
  CHECK_STR(d.event_id, before.event_id);
  CHECK_INT(store_webhook_delivery_redeliver(c, "nope", x2, now), STORE_NOT_FOUND);
  CHECK_INT(store_webhook_delete(c, a.id, NULL, hook.id), STORE_OK); /* deliveries go too */
  CHECK_INT(store_webhook_delivery_get(c, NULL, x2, &d), STORE_NOT_FOUND);

  CHECK(testdb_store_temp_end(st, dir, path)); /* its database on PostgreSQL too */
  return TEST_REPORT();
}
