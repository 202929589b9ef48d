/* Integration test of webhooks when things go wrong: a receiver that is down while 100 events
 * happen gets all 100 once it is back, in order per collaboration, each event id once; a
 * server killed with SIGKILL while a delivery is in flight delivers it after its restart (the
 * same event id); without --webhook-allow-private, http:// and an address inside are refused
 * when the endpoint is made, and a name that resolves to 127.0.0.1 is refused when it is
 * called (nothing reaches the receiver); an endpoint that fails for --webhook-give-up is
 * disabled and its owner e-mailed. */
#include "hook_fx.h"
#include "testdb.h"

#include <signal.h>
#include <sys/wait.h>

TEST_MAIN_DEFS

static struct server s;
static struct hook_sink sink;
static char office[FX_ID_LEN], tok[FX_TOKEN_LEN], hook[FX_ID_LEN], secret[64];

#define COLLABS 4
#define REMINDERS 24 /* each: the invitation and 24 reminders; 4 x 25 = 100 events */

static void check_receiver_down(void)
{
  struct {
    char id[FX_ID_LEN];
  } collab[COLLABS];
  hook_sink_stop(&sink); /* down: connections refused */
  for (int i = 0; i < COLLABS; i++) {
    char cid[11], company[FX_ID_LEN], admin[FX_ID_LEN], atok[FX_TOKEN_LEN], cust[FX_ID_LEN];
    char task[FX_ID_LEN], email[64];
    hx_cid(100 + i, cid);
    fx_company(&s, cid, "Kund AB", "account", company);
    snprintf(email, sizeof email, "admin%d@kund.se", i);
    fx_customer_admin(&s, cid, "Kund Admin", email, admin, atok);
    cx_customer(&s, tok, cid, "Kund", "ekonomi@kund.se", cust);
    cx_task(&s, tok, cust, "Bokföring", task);
    cx_activate(&s, tok, cust, task, "start", "customer", 3, collab[i].id);
  }
  for (int k = 0; k < REMINDERS; k++)
    for (int i = 0; i < COLLABS; i++) {
      struct resp r;
      char id[FX_ID_LEN];
      memcpy(id, collab[i].id, sizeof id);
      CHECK(cx_action(&s, id, "reminders", tok, NULL, &r));
      CHECK_INT(r.status, 200);
      resp_free(&r);
    }
  CHECK_INT(hook_sink_count(&sink), 0);
  usleep(1500000); /* tries fail meanwhile, with backoff */
  hook_sink_start(&sink, sink.port);
  CHECK_INT(hook_sink_wait(&sink, COLLABS * (REMINDERS + 1), 60000), COLLABS * (REMINDERS + 1));
  usleep(300000);
  pthread_mutex_lock(&sink.mu);
  CHECK_INT(sink.n, COLLABS * (REMINDERS + 1));
  long long last[COLLABS] = {0};
  int per[COLLABS] = {0};
  for (int i = 0; i < sink.n; i++) {
    CHECK(hx_sig_matches(sink.reqs[i].signature, sink.reqs[i].body, secret) == 1);
    for (int j = 0; j < i; j++)
      CHECK(strcmp(sink.reqs[j].event_id, sink.reqs[i].event_id) != 0);
    json_t *b = json_loads(sink.reqs[i].body, 0, NULL);
    json_t *ev = json_object_get(json_object_get(b, "data"), "event");
    const char *cid = json_string_value(json_object_get(ev, "collaboration_id"));
    long long seq = json_integer_value(json_object_get(ev, "seq"));
    for (int c = 0; c < COLLABS; c++)
      if (cid && strcmp(cid, collab[c].id) == 0) {
        CHECK_MSG(seq > last[c], "collaboration %d: event %lld after %lld", c, seq, last[c]);
        last[c] = seq;
        per[c]++;
      }
    json_decref(b);
  }
  pthread_mutex_unlock(&sink.mu);
  for (int c = 0; c < COLLABS; c++)
    CHECK_INT(per[c], REMINDERS + 1);
  printf("receiver down: %d events delivered once it was back\n", hook_sink_count(&sink));
}

static void check_sigkill(const char *const *args)
{
  pthread_mutex_lock(&sink.mu);
  sink.pause_ms = 2500; /* the delivery stays in flight */
  int before = sink.started;
  pthread_mutex_unlock(&sink.mu);
  char did[FX_ID_LEN], event[FX_ID_LEN];
  hx_ping(&s, tok, hook, did, event);
  for (int i = 0; i < 400; i++) {
    pthread_mutex_lock(&sink.mu);
    bool started = sink.started > before;
    pthread_mutex_unlock(&sink.mu);
    if (started)
      break;
    usleep(25000);
  }
  CHECK_INT(kill(s.pid, SIGKILL), 0);
  int status = 0;
  CHECK_INT(waitpid(s.pid, &status, 0), s.pid);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  pthread_mutex_lock(&sink.mu);
  sink.pause_ms = 0;
  pthread_mutex_unlock(&sink.mu);
  char dir[256], db[400], key[320], spool[320];
  snprintf(dir, sizeof dir, "%s", s.dir);
  snprintf(db, sizeof db, "%s", s.db);
  snprintf(key, sizeof key, "%s/secret.key", dir);
  snprintf(spool, sizeof spool, "%s/mail", dir);
  const char *again[32];
  int n = 0;
  for (; args[n]; n++)
    again[n] = args[n];
  const char *same[] = {"--db", db, "--secret-file", key, "--mail-spool", spool, NULL};
  for (int i = 0; same[i]; i++)
    again[n++] = same[i];
  again[n] = NULL;
  server_start(&s, again, NULL);
  char restarted[256];
  snprintf(restarted, sizeof restarted, "%s", s.dir); /* its own folder: the log only */
  snprintf(s.db, sizeof s.db, "%s", db);
  json_t *d = hx_wait_status(&s, tok, hook, did, "delivered", 30000);
  char st[16];
  json_decref(hx_delivery(&s, tok, hook, did, st, sizeof st));
  CHECK_STR(st, "delivered");
  CHECK_MSG(hx_with_event(&sink, event) >= 2, "%d", hx_with_event(&sink, event));
  CHECK_INT(json_integer_value(json_object_get(d, "attempts")), 2); /* the lost try counts */
  json_decref(d);
  printf("after SIGKILL: the ping arrived %d times with one event id\n",
         hx_with_event(&sink, event));
  CHECK_INT(server_stop(&s, test_failures > 0), 0);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", dir, restarted);
  CHECK(system(cmd) == 0);
}

/* Without --webhook-allow-private. */
static void check_safety(void)
{
  const char *args[] = {"--webhook-give-up", "2", NULL};
  server_start(&s, args, NULL);
  fx_office(&s, "Gamma Byrå AB", "5560360793", "info@gamma.se", office, tok);
  struct resp r;
  char body[256];
  const char *refused[] = {"http://example.com/hook", "https://127.0.0.1/hook",
                           "https://[::1]:8443/hook", "https://169.254.169.254/latest",
                           "https://10.1.2.3/hook"};
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    snprintf(body, sizeof body, "{\"url\":\"%s\",\"events\":[\"*\"]}", refused[i]);
    CHECK(api(&s, "POST", "/v1/webhooks", tok, body, &r));
    CHECK_MSG(r.status == 400 && strstr(r.body, "\"url\""), "%s: %ld %s", refused[i], r.status,
              r.body);
    resp_free(&r);
  }
  int got = hook_sink_count(&sink);
  char url[128], did[FX_ID_LEN], event[FX_ID_LEN];
  snprintf(url, sizeof url, "https://localhost:%d/hook", sink.port); /* a name: resolved later */
  hx_hook(&s, tok, url, "[\"*\"]", hook, secret);
  char path[128];
  snprintf(path, sizeof path, "/v1/webhooks/%s", hook);
  /* the owner reads English: the e-mail below is in English; a language not offered is refused */
  CHECK(api(&s, "PATCH", path, tok, "{\"language\":\"de\"}", &r));
  CHECK_MSG(r.status == 400 && strstr(r.body, "\"language\""), "%ld %s", r.status, r.body);
  resp_free(&r);
  CHECK(api(&s, "PATCH", path, tok, "{\"language\":\"en\"}", &r));
  CHECK_MSG(r.status == 200 && resp_str(&r, "language") &&
                strcmp(resp_str(&r, "language"), "en") == 0, "%ld %s", r.status, r.body);
  resp_free(&r);
  hx_ping(&s, tok, hook, did, event);
  json_t *d = hx_wait_status(&s, tok, hook, did, "failed", 20000);
  const char *err = json_string_value(json_object_get(d, "last_error"));
  CHECK_MSG(err && (strstr(err, "127.0.0.1") || strstr(err, "::1")) && strstr(err, "loopback"),
            "%s", err);
  json_decref(d);
  CHECK_INT(hook_sink_count(&sink), got); /* nothing reached the receiver */
  /* failing for --webhook-give-up (2 s): disabled at the next failure, the owner e-mailed */
  usleep(2200000);
  hx_ping(&s, tok, hook, did, event);
  json_decref(hx_wait_status(&s, tok, hook, did, "failed", 20000));
  CHECK(api(&s, "GET", path, tok, NULL, &r));
  CHECK(json_is_false(json_object_get(r.json, "enabled")));
  CHECK(resp_str(&r, "disabled_reason") &&
        strstr(resp_str(&r, "disabled_reason"), "every delivery failed"));
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM outbox WHERE template = ? "
                         "AND recipient = 'info@gamma.se' AND language = 'en'", "webhook_disabled"), 1);
  /* a disabled endpoint's ping waits, pending: redelivering it is refused in words */
  hx_ping(&s, tok, hook, did, event);
  usleep(400000);
  snprintf(path, sizeof path, "/v1/webhooks/%s/deliveries/%s/redeliver", hook, did);
  CHECK(api(&s, "POST", path, tok, NULL, &r));
  CHECK_INT(r.status, 409);
  CHECK(r.body && strstr(r.body, "still pending"));
  resp_free(&r);
  CHECK_INT(server_stop(&s, test_failures > 0), 0);
}

int main(void)
{
  const char *args[] = {"--webhook-allow-private", "--webhook-retry-min-ms", "100",
                        "--webhook-retry-max-ms", "500", "--webhook-timeout", "1",
                        "--reminder-interval", "0", "--collaboration-create-limit", "0", NULL};
  server_start(&s, args, NULL);
  hook_sink_start(&sink, 0);
  fx_office(&s, "Alfa Redovisning AB", "5560360793", "info@alfa.se", office, tok);
  char url[128];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/hook", sink.port);
  hx_hook(&s, tok, url, "[\"*\"]", hook, secret);
  check_receiver_down();
  check_sigkill(args);
  check_safety();
  hook_sink_stop(&sink);
  hook_sink_free(&sink);
  return TEST_REPORT();
}
