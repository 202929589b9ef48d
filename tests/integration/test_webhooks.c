/* Integration test of webhooks with receivers on loopback (the server runs with
 * --webhook-allow-private): office A's endpoint gets every event of its collaborations, each
 * type with a valid signature and the documented body, in order per collaboration; office B's
 * endpoint never gets one of A's; the company's administrator's endpoint gets the types it
 * asked for, of its company, without the office's register name; a receiver answering 500
 * three times then 200 gets the event four times with one event id; a redirect is not
 * followed; a 410 disables the endpoint; a rotation signs with both secrets; redeliver sends
 * the same event again; the endpoints' own API (validation, tenancy, delete). */
#include "hook_fx.h"

TEST_MAIN_DEFS

static struct server s;
static struct hook_sink sink_a, sink_b, sink_x;
static char office_a[FX_ID_LEN], tok_a[FX_TOKEN_LEN], office_b[FX_ID_LEN], tok_b[FX_TOKEN_LEN];
static char admin_x[FX_ID_LEN], tok_x[FX_TOKEN_LEN], company_x[FX_ID_LEN], company_y[FX_ID_LEN];
static char hook_a[FX_ID_LEN], secret_a[64], hook_b[FX_ID_LEN], secret_b[64];
static char hook_x[FX_ID_LEN], secret_x[64];
static char cid_x[11], cid_y[11];

static void url_of(const struct hook_sink *k, const char *path, char *out, size_t len)
{
  snprintf(out, len, "http://127.0.0.1:%d%s", k->port, path);
}

static void setup(void)
{
  fx_office(&s, "Alfa Redovisning AB", "5560360793", "info@alfa.se", office_a, tok_a);
  fx_office(&s, "Beta Byrå AB", "5561000018", "info@beta.se", office_b, tok_b);
  hx_cid(1, cid_x);
  hx_cid(2, cid_y);
  fx_company(&s, cid_x, "Xylofon AB", "account", company_x);
  fx_company(&s, cid_y, "Ypsilon AB", "account", company_y);
  fx_customer_admin(&s, cid_x, "Xenia Admin", "xenia@xylofon.se", admin_x, tok_x);
  char admin_y[FX_ID_LEN], tok_y[FX_TOKEN_LEN];
  fx_customer_admin(&s, cid_y, "Yngve Admin", "yngve@ypsilon.se", admin_y, tok_y);
  hook_sink_start(&sink_a, 0);
  hook_sink_start(&sink_b, 0);
  hook_sink_start(&sink_x, 0);
  char url[128];
  url_of(&sink_a, "/a", url, sizeof url);
  hx_hook(&s, tok_a, url, "[\"*\"]", hook_a, secret_a);
  CHECK(strncmp(secret_a, "whsec_", 6) == 0 && strlen(secret_a) == 49);
  url_of(&sink_b, "/b", url, sizeof url);
  hx_hook(&s, tok_b, url, "[\"*\"]", hook_b, secret_b);
  url_of(&sink_x, "/x", url, sizeof url);
  hx_hook(&s, tok_x, url, "[\"collaboration.invited\",\"collaboration.approved\"]", hook_x,
          secret_x);
}

static void check_endpoint_api(void)
{
  struct resp r;
  CHECK(cx_post(&s, "/v1/webhooks", tok_a, &r, "{\"url\":\"ftp://x.se/h\",\"events\":[\"nope\"]}"));
  CHECK_INT(r.status, 400);
  CHECK(r.body && strstr(r.body, "url") && strstr(r.body, "must start with https"));
  resp_free(&r);
  CHECK(cx_post(&s, "/v1/webhooks", tok_a, &r,
                "{\"url\":\"https://x.se/h\",\"events\":[\"collaboration.nope\"]}"));
  CHECK_INT(r.status, 400);
  CHECK(r.body && strstr(r.body, "events[0]") && strstr(r.body, "not an event type"));
  resp_free(&r);
  CHECK(cx_post(&s, "/v1/webhooks", tok_a, &r, "{\"url\":\"https://x.se/h\",\"events\":[]}"));
  CHECK_INT(r.status, 400);
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/webhooks", tok_a, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 1);
  CHECK(r.body && !strstr(r.body, secret_a) && !strstr(r.body, "secret\""));
  resp_free(&r);
  char path[128];
  snprintf(path, sizeof path, "/v1/webhooks/%s", hook_a);
  CHECK(api(&s, "GET", path, tok_b, NULL, &r)); /* another office's: as if it did not exist */
  CHECK_INT(r.status, 404);
  resp_free(&r);
  CHECK(api(&s, "PATCH", path, tok_b, "{\"enabled\":false}", &r));
  CHECK_INT(r.status, 404);
  resp_free(&r);
  CHECK(api(&s, "PATCH", path, tok_a, "{\"description\":\"practice system\"}", &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "description"), "practice system");
  CHECK_STR(resp_str(&r, "language"), "sv"); /* made without one: Swedish */
  resp_free(&r);
  /* the longest description the API takes, in characters of 3 and 4 bytes, is kept whole */
  for (int width = 3; width <= 4; width++) {
    const char *ch = width == 3 ? "\xe2\x82\xac" : "\xf0\x9f\x98\x80"; /* euro sign, a face */
    char desc[2001] = "", body[2100];
    for (int i = 0; i < 500; i++)
      strcat(desc, ch);
    snprintf(body, sizeof body, "{\"description\":\"%s\"}", desc);
    CHECK(api(&s, "PATCH", path, tok_a, body, &r));
    CHECK_INT(r.status, 200);
    CHECK_STR(resp_str(&r, "description"), desc);
    resp_free(&r);
    CHECK(api(&s, "GET", path, tok_a, NULL, &r));
    CHECK_INT(r.status, 200);
    CHECK_STR(resp_str(&r, "description"), desc);
    resp_free(&r);
  }
}

/* The life of three collaborations of A with X: every kind of event A's endpoint can get
 * from the office's and the customer's actions. */
static char c1[FX_ID_LEN], c2[FX_ID_LEN], c3[FX_ID_LEN], cb[FX_ID_LEN];
static int make_events(void)
{
  char cust[FX_ID_LEN], task1[FX_ID_LEN], task2[FX_ID_LEN], cust_b[FX_ID_LEN], task_b[FX_ID_LEN];
  struct resp r;
  cx_customer(&s, tok_a, cid_x, "Xylofon (Alfas kund)", "ekonomi@xylofon.se", cust);
  cx_task(&s, tok_a, cust, "Löpande bokföring", task1);
  cx_task(&s, tok_a, cust, "Bokslut", task2);
  cx_activate(&s, tok_a, cust, task1, "smart", "office", 12, c1); /* invited */
  CHECK(cx_action(&s, c1, "reminders", tok_a, NULL, &r));         /* reminded */
  CHECK_INT(r.status, 200);
  resp_free(&r);
  CHECK(cx_action(&s, c1, "approve", tok_x, NULL, &r)); /* approved, activated */
  CHECK_INT(r.status, 200);
  resp_free(&r);
  char path[128], body[128], etag[48];
  snprintf(path, sizeof path, "/v1/collaborations/%s", c1);
  snprintf(body, sizeof body, "{\"task_id\":\"%s\"}", task2);
  CHECK(api(&s, "GET", path, tok_a, NULL, &r));
  snprintf(etag, sizeof etag, "If-Match: \"%lld\"",
           (long long)json_integer_value(json_object_get(r.json, "version")));
  resp_free(&r);
  const char *im[] = {etag, NULL};
  CHECK(api_with(&s, "PATCH", path, tok_a, body, im, &r)); /* task_changed */
  CHECK_MSG(r.status == 200, "%ld %s", r.status, r.body);
  resp_free(&r);
  CHECK(cx_action(&s, c1, "end", tok_a, NULL, &r)); /* ended */
  CHECK_MSG(r.status == 200, "%ld %s", r.status, r.body);
  resp_free(&r);
  cx_activate(&s, tok_a, cust, task1, "smart", "office", 12, c2);
  CHECK(cx_action(&s, c2, "withdraw", tok_a, NULL, &r)); /* withdrawn */
  CHECK_INT(r.status, 200);
  resp_free(&r);
  cx_activate(&s, tok_a, cust, task1, "smart", "office", 12, c3);
  CHECK(cx_action(&s, c3, "decline", tok_x, "{\"reason\":\"Inte nu\"}", &r)); /* declined */
  CHECK_INT(r.status, 200);
  resp_free(&r);
  cx_customer(&s, tok_b, cid_y, "Ypsilon (Betas kund)", "ekonomi@ypsilon.se", cust_b);
  cx_task(&s, tok_b, cust_b, "Bokföring", task_b);
  cx_activate(&s, tok_b, cust_b, task_b, "start", "customer", 3, cb);
  return 0;
}

/* Every request a sink got for collaboration events: signed with secret, the documented
 * body; the types seen into seen (a ",type," list). */
static void check_bodies(struct hook_sink *k, const char *secret, char *seen, size_t len,
                         bool office_view)
{
  pthread_mutex_lock(&k->mu);
  long long last_seq[4] = {0};
  const char *collabs[4] = {c1, c2, c3, cb};
  for (int i = 0; i < k->n; i++) {
    struct hook_req *q = &k->reqs[i];
    CHECK_MSG(hx_sig_matches(q->signature, q->body, secret) == 1, "signature %s", q->signature);
    CHECK_STR(q->content_type, "application/json");
    json_t *b = json_loads(q->body, 0, NULL);
    CHECK(b && json_object_size(b) == 4);
    CHECK_STR(json_string_value(json_object_get(b, "id")), q->event_id);
    const char *type = json_string_value(json_object_get(b, "type"));
    CHECK(type && json_string_value(json_object_get(b, "created_at")));
    json_t *co = json_object_get(json_object_get(b, "data"), "collaboration");
    json_t *ev = json_object_get(json_object_get(b, "data"), "event");
    const char *cid = json_string_value(json_object_get(co, "id"));
    CHECK(cid && json_is_integer(json_object_get(co, "version")));
    CHECK_STR(json_string_value(json_object_get(ev, "collaboration_id")), cid);
    CHECK(json_is_null(json_object_get(co, "customer_name")) == !office_view);
    for (int c = 0; c < 4 && cid; c++)
      if (strcmp(cid, collabs[c]) == 0) { /* in order per collaboration */
        long long seq = json_integer_value(json_object_get(ev, "seq"));
        CHECK_MSG(seq > last_seq[c], "event %lld after %lld", seq, last_seq[c]);
        last_seq[c] = seq;
      }
    if (type && strlen(seen) + strlen(type) + 2 < len)
      snprintf(seen + strlen(seen), len - strlen(seen), "%s%s,", seen[0] ? "" : ",", type);
    json_decref(b);
  }
  pthread_mutex_unlock(&k->mu);
}

static bool sink_has(struct hook_sink *k, const char *needle)
{
  bool found = false;
  pthread_mutex_lock(&k->mu);
  for (int i = 0; i < k->n && !found; i++)
    found = strstr(k->reqs[i].body, needle) != NULL;
  pthread_mutex_unlock(&k->mu);
  return found;
}

static void check_events(void)
{
  make_events();
  /* A: c1 invited, reminded, approved, activated, task_changed, ended; c2 invited, withdrawn;
   * c3 invited, declined */
  CHECK_INT(hook_sink_wait(&sink_a, 10, 20000), 10);
  CHECK_INT(hook_sink_wait(&sink_b, 1, 20000), 1);
  CHECK_INT(hook_sink_wait(&sink_x, 4, 20000), 4); /* invited x3 and approved */
  usleep(500000);                                 /* nothing more comes */
  CHECK_INT(hook_sink_count(&sink_a), 10);
  CHECK_INT(hook_sink_count(&sink_x), 4);
  char seen[1024] = "";
  check_bodies(&sink_a, secret_a, seen, sizeof seen, true);
  const char *types[] = {"invited", "reminded", "approved", "activated", "task_changed",
                         "ended", "withdrawn", "declined"};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    char t[64];
    snprintf(t, sizeof t, ",collaboration.%s,", types[i]);
    CHECK_MSG(strstr(seen, t), "A's endpoint never got %s (got %s)", t, seen);
  }
  seen[0] = '\0';
  check_bodies(&sink_x, secret_x, seen, sizeof seen, false);
  /* three invitations and one approval; in order per collaboration (check_bodies), while
   * different collaborations' deliveries may pass each other */
  int invited = 0, approved = 0;
  for (const char *p = seen; (p = strstr(p, ",collaboration.")); p++) {
    invited += strncmp(p, ",collaboration.invited,", 23) == 0;
    approved += strncmp(p, ",collaboration.approved,", 24) == 0;
  }
  CHECK_MSG(invited == 3 && approved == 1 && strlen(seen) == strlen(",collaboration.invited") * 3 +
                                                 strlen(",collaboration.approved") + 1,
            "the company's endpoint got %s", seen);
  CHECK(!sink_has(&sink_x, "Alfas kund")); /* the office's register name is the office's */
  seen[0] = '\0';
  check_bodies(&sink_b, secret_b, seen, sizeof seen, true);
  /* another office's endpoint never gets this office's events, nor the other way round */
  CHECK(!sink_has(&sink_b, c1) && !sink_has(&sink_b, c2) && !sink_has(&sink_b, c3));
  CHECK(!sink_has(&sink_b, office_a) && !sink_has(&sink_b, "Alfa"));
  CHECK(!sink_has(&sink_a, cb) && !sink_has(&sink_a, office_b));
  CHECK(!sink_has(&sink_x, cb));
}

/* 500 three times, then 200: four tries of one event id, delivered. */
static void check_retries(void)
{
  pthread_mutex_lock(&sink_a.mu);
  sink_a.fail_first = sink_a.started + 3;
  sink_a.fail_status = 500;
  pthread_mutex_unlock(&sink_a.mu);
  char id[FX_ID_LEN], event[FX_ID_LEN], st[16];
  hx_ping(&s, tok_a, hook_a, id, event);
  json_t *d = hx_wait_status(&s, tok_a, hook_a, id, "delivered", 20000);
  json_decref(hx_delivery(&s, tok_a, hook_a, id, st, sizeof st));
  CHECK_STR(st, "delivered");
  CHECK_INT(hx_with_event(&sink_a, event), 4);
  CHECK_INT(json_integer_value(json_object_get(d, "attempts")), 4);
  CHECK_INT(json_integer_value(json_object_get(d, "response_code")), 200);
  json_decref(d);
}

static void check_redirect_and_gone(void)
{
  char url[128], id[FX_ID_LEN], secret[64], did[FX_ID_LEN], event[FX_ID_LEN];
  url_of(&sink_a, "/redirect", url, sizeof url);
  hx_hook(&s, tok_a, url, "[\"collaboration.ended\"]", id, secret);
  hx_ping(&s, tok_a, id, did, event);
  json_t *d = hx_wait_status(&s, tok_a, id, did, "failed", 20000);
  const char *err = json_string_value(json_object_get(d, "last_error"));
  CHECK_MSG(err && strstr(err, "redirect") && strstr(err, "not followed"), "%s", err);
  CHECK_INT(json_integer_value(json_object_get(d, "attempts")), 1);
  CHECK(!sink_has(&sink_a, "/landing"));
  pthread_mutex_lock(&sink_a.mu);
  for (int i = 0; i < sink_a.n; i++)
    CHECK(strcmp(sink_a.reqs[i].path, "/landing") != 0);
  pthread_mutex_unlock(&sink_a.mu);
  json_decref(d);
  url_of(&sink_a, "/gone", url, sizeof url);
  hx_hook(&s, tok_a, url, "[\"*\"]", id, secret);
  hx_ping(&s, tok_a, id, did, event);
  json_decref(hx_wait_status(&s, tok_a, id, did, "failed", 20000));
  char path[128];
  snprintf(path, sizeof path, "/v1/webhooks/%s", id);
  struct resp r;
  CHECK(api(&s, "GET", path, tok_a, NULL, &r));
  CHECK(json_is_false(json_object_get(r.json, "enabled")));
  CHECK(resp_str(&r, "disabled_reason") && strstr(resp_str(&r, "disabled_reason"), "410"));
  resp_free(&r);
  CHECK(api(&s, "DELETE", path, tok_a, NULL, &r));
  CHECK_INT(r.status, 204);
  resp_free(&r);
  CHECK(api(&s, "GET", path, tok_a, NULL, &r));
  CHECK_INT(r.status, 404);
  resp_free(&r);
}

/* A rotation: both secrets sign until the old one's day is over; redeliver: the same event. */
static void check_rotation_and_redeliver(void)
{
  char path[128], fresh[64], did[FX_ID_LEN], event[FX_ID_LEN];
  snprintf(path, sizeof path, "/v1/webhooks/%s/rotate-secret", hook_a);
  struct resp r;
  CHECK(api(&s, "POST", path, tok_a, NULL, &r));
  CHECK_INT(r.status, 200);
  snprintf(fresh, sizeof fresh, "%s", resp_str(&r, "secret") ? resp_str(&r, "secret") : "");
  CHECK(strcmp(fresh, secret_a) != 0 && resp_str(&r, "previous_secret_valid_until"));
  resp_free(&r);
  hx_ping(&s, tok_a, hook_a, did, event);
  json_decref(hx_wait_status(&s, tok_a, hook_a, did, "delivered", 20000));
  pthread_mutex_lock(&sink_a.mu);
  struct hook_req *q = &sink_a.reqs[sink_a.n - 1];
  CHECK_STR(q->event_id, event);
  CHECK_INT(hx_sig_matches(q->signature, q->body, fresh), 1);
  CHECK_INT(hx_sig_matches(q->signature, q->body, secret_a), 1);
  CHECK_INT(hx_sig_matches(q->signature, q->body, "whsec_wrong"), 0);
  pthread_mutex_unlock(&sink_a.mu);
  snprintf(path, sizeof path, "/v1/webhooks/%s/deliveries/%s/redeliver", hook_a, did);
  CHECK(api(&s, "POST", path, tok_b, NULL, &r)); /* not B's */
  CHECK_INT(r.status, 404);
  resp_free(&r);
  CHECK(api(&s, "POST", path, tok_a, NULL, &r));
  CHECK_INT(r.status, 202);
  CHECK_STR(resp_str(&r, "event_id"), event);
  resp_free(&r);
  for (int i = 0; i < 400 && hx_with_event(&sink_a, event) < 2; i++)
    usleep(50000);
  CHECK_INT(hx_with_event(&sink_a, event), 2);
}

/* Every change to an endpoint is in its owner's audit log, by whom and to which endpoint;
 * none of it in another office's log. */
static void check_audit(void)
{
  struct resp r;
  CHECK(api(&s, "GET", "/v1/audit-events?limit=100", tok_a, NULL, &r));
  CHECK_INT(r.status, 200);
  int created = 0, changed = 0, deleted = 0, rotated = 0;
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(r.json, "items"), i, e) {
    const char *action = json_string_value(json_object_get(e, "action"));
    const char *kind = json_string_value(json_object_get(json_object_get(e, "subject"), "kind"));
    if (!action || strncmp(action, "webhook_", 8) != 0)
      continue;
    CHECK_STR(kind, "webhook");
    const char *id = json_string_value(json_object_get(json_object_get(e, "subject"), "id"));
    const char *detail = json_string_value(json_object_get(e, "detail"));
    created += strcmp(action, "webhook_created") == 0;
    deleted += strcmp(action, "webhook_deleted") == 0;
    if (strcmp(action, "webhook_changed") == 0 && id && strcmp(id, hook_a) == 0) {
      changed++;
      CHECK_STR(detail, "description");
    }
    if (strcmp(action, "webhook_secret_rotated") == 0 && id && strcmp(id, hook_a) == 0)
      rotated++;
  }
  resp_free(&r);
  CHECK_MSG(created == 3 && changed == 3 && deleted == 1 && rotated == 1, /* 3: the description
                                                                              set three times */
            "office A's log: %d created, %d changed, %d deleted, %d rotated", created, changed,
            deleted, rotated);
  CHECK(api(&s, "GET", "/v1/audit-events?limit=100", tok_b, NULL, &r));
  CHECK(r.body && !strstr(r.body, hook_a));
  resp_free(&r);
}

int main(void)
{
  const char *args[] = {"--webhook-allow-private", "--webhook-retry-min-ms", "100",
                        "--webhook-retry-max-ms", "400", "--reminder-interval", "0",
                        "--collaboration-create-limit", "0", NULL};
  server_start(&s, args, NULL);
  setup();
  check_endpoint_api();
  check_events();
  check_retries();
  check_redirect_and_gone();
  check_rotation_and_redeliver();
  check_audit();
  CHECK_INT(server_stop(&s, test_failures > 0), 0);
  hook_sink_stop(&sink_a);
  hook_sink_stop(&sink_b);
  hook_sink_stop(&sink_x);
  hook_sink_free(&sink_a);
  hook_sink_free(&sink_b);
  hook_sink_free(&sink_x);
  return TEST_REPORT();
}
