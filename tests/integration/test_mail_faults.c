/* Integration test, the fault test of the mailer: the SMTP server answers 451 to the first
 * messages, then is stopped for a while and started again. Every message arrives, none is
 * lost, any repeat carries the same Message-ID, and the API answered throughout (a thread
 * keeps calling GET /healthz and GET /readyz while the mail server misbehaves). */
#include "harness.h"
#include "mail_fixtures.h"
#include "smtp_sink.h"
#include "testlib.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

TEST_MAIN_DEFS

#define N_BEFORE 6 /* enqueued while the server answers 451 to the first three */
#define N_DURING 4 /* enqueued while the server is down */
#define N_ALL (N_BEFORE + N_DURING)

struct prober {
  struct server *s;
  atomic_bool stop;
  int calls, bad;
};

static void *probe(void *arg)
{
  struct prober *p = arg;
  while (!atomic_load(&p->stop)) {
    const char *paths[] = {"/healthz", "/readyz"};
    for (int i = 0; i < 2; i++) {
      struct resp r;
      bool ok = http(p->s, "GET", paths[i], NULL, NULL, &r) && r.status == 200;
      p->calls++;
      p->bad += ok ? 0 : 1;
      resp_free(&r);
    }
    usleep(100000);
  }
  return NULL;
}

static bool in_set(char ids[][37], size_t n, const char *message_id)
{
  for (size_t i = 0; i < n; i++) {
    char mid[512];
    snprintf(mid, sizeof mid, "<%s@advisord>", ids[i]);
    if (strcmp(mid, message_id) == 0)
      return true;
  }
  return false;
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_DEFAULT);
  struct smtp_sink k;
  sink_start(&k, 3, 0);
  const char *args[] = {"--smtp-url", k.url, "--mail-retry-min", "1", "--mail-retry-max", "2",
                        NULL};
  struct server s;
  server_start(&s, args, NULL);
  struct store *st = mf_open_db(&s);
  struct prober p = {.s = &s};
  atomic_init(&p.stop, false);
  pthread_t th;
  pthread_create(&th, NULL, probe, &p);

  char ids[N_ALL][37];
  char to[64];
  for (int i = 0; i < N_BEFORE; i++) {
    snprintf(to, sizeof to, "before%d@example.se", i);
    mf_enqueue_simple(st, to, ids[i]);
  }
  /* the first three get 451 and wait for their retry; the other three go through */
  CHECK(sink_wait(&k, 3, 30000) >= 3);
  json_t *ev = sink_events(&k);
  size_t i;
  json_t *e;
  int deferred = 0;
  json_array_foreach(ev, i, e)
  {
    if (json_integer_value(json_object_get(e, "code")) == 451) {
      deferred++;
      CHECK(in_set(ids, N_BEFORE, json_string_value(json_object_get(e, "message_id"))));
    }
  }
  CHECK_INT(deferred, 3);
  json_decref(ev);

  /* the mail server goes away; new mail queues up and is retried against a closed port */
  sink_stop(&k);
  for (int j = N_BEFORE; j < N_ALL; j++) {
    snprintf(to, sizeof to, "during%d@example.se", j);
    mf_enqueue_simple(st, to, ids[j]);
  }
  struct outbox_row r;
  for (int j = N_BEFORE; j < N_ALL; j++) {
    CHECK(mf_wait_row(st, ids[j], MF_TRIED, &r, 30000));
    CHECK_STR(r.status, "pending");
    CHECK_MSG(strstr(r.last_error, "onnect") != NULL, "last_error: %s", r.last_error);
  }
  sleep(2); /* a few more refused tries */

  sink_restart(&k, 0, 0);
  for (int j = 0; j < N_ALL; j++) {
    CHECK(mf_wait_row(st, ids[j], MF_SETTLED, &r, 60000));
    CHECK_STR(r.status, "sent");
  }
  for (int j = N_BEFORE; j < N_ALL; j++) {
    CHECK(store_outbox_get(store_conn(st), ids[j], &r) == STORE_OK && r.attempts >= 2);
  }

  /* every message arrived; whatever arrived is one of ours (a repeat has the same id) */
  json_t *recv = sink_received(&k);
  for (int j = 0; j < N_ALL; j++) {
    char mid[512];
    snprintf(mid, sizeof mid, "<%s@advisord>", ids[j]);
    CHECK_MSG(sink_find(recv, mid) != NULL, "message %s lost", mid);
  }
  json_t *m;
  json_array_foreach(recv, i, m)
    CHECK(in_set(ids, N_ALL, json_string_value(json_object_get(m, "message_id"))));
  CHECK(json_array_size(recv) >= N_ALL);
  fprintf(stderr, "received %zu messages for %d rows\n", json_array_size(recv), N_ALL);
  json_decref(recv);

  atomic_store(&p.stop, true);
  pthread_join(th, NULL);
  CHECK(p.calls > 10);
  CHECK_MSG(p.bad == 0, "%d of %d health calls failed", p.bad, p.calls);
  fprintf(stderr, "the API answered %d of %d calls during the faults\n", p.calls - p.bad,
          p.calls);
  store_close(st);
  CHECK_INT(server_stop(&s, false), 0);
  sink_cleanup(&k);
  curl_global_cleanup();
  return TEST_REPORT();
}
