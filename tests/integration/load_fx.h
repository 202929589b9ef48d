/* load_fx.h - a writing load for the crash, kill and backup tests: client threads add
 * customers, a task for each and (when asked) a collaboration through that task, against one
 * server or two in turn, and keep a ledger of every write the server acknowledged with 201.
 * Header-only: each test binary includes it once. */
#ifndef ADVISORD_TEST_LOAD_FX_H
#define ADVISORD_TEST_LOAD_FX_H

#include "fixtures.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#define LOAD_MAX_ACKED 30000
#define LOAD_MAX_CLIENTS 16

enum load_kind { LOAD_CUSTOMER, LOAD_TASK, LOAD_COLLAB, LOAD_KINDS };

/* "SELECT count(*) FROM <table> WHERE id = ?" for each kind. */
static const char *const load_kind_sql[LOAD_KINDS] = {
    "SELECT count(*) FROM customers WHERE id = ?", "SELECT count(*) FROM tasks WHERE id = ?",
    "SELECT count(*) FROM collaborations WHERE id = ?"};
static const char *const load_kind_names[LOAD_KINDS] = {"customers", "tasks",
                                                        "collaborations"};

struct load_ack {
  enum load_kind kind;
  int instance;    /* 0: to[0], 1: to[1] */
  bool after_kill; /* acknowledged after load_killed */
  char id[FX_ID_LEN];
};

/* Declare as `static struct load L = LOAD_INIT;` (about 1.7 MB: static storage). */
#define LOAD_INIT {.mu = PTHREAD_MUTEX_INITIALIZER}

struct load {
  /* set before load_begin */
  struct server *to[2];   /* written to in turn; to[1] NULL: one server */
  const char *token;      /* an office user's */
  const char *prefix;     /* the corporate ids' first three digits, one per test: "556" */
  bool collaborations;    /* each task also gets a collaboration (smart, 12 months) */
  /* the run */
  atomic_bool stop, killed;
  atomic_int next_number, requests;
  pthread_t th[LOAD_MAX_CLIENTS];
  int n_clients;
  /* the ledger (under mu) */
  pthread_mutex_t mu;
  struct load_ack acked[LOAD_MAX_ACKED];
  int n_acked;
};

/* A valid organisation number "PPPNNN-NNNC" for n (prefix PPP, Luhn check digit C). */
static inline void load_corporate_id(const char *prefix, int n, char out[12])
{
  char d[11];
  snprintf(d, sizeof d, "%.3s%06d", prefix, n % 1000000);
  int sum = 0;
  for (int i = 0; i < 9; i++) {
    int v = (d[i] - '0') * (i % 2 == 0 ? 2 : 1);
    sum += v / 10 + v % 10;
  }
  snprintf(out, 12, "%.6s-%.3s%d", d, d + 6, (10 - sum % 10) % 10);
}

/* One POST to to[0] and to[1] in turn (only to[1] once to[0] is killed, as a load balancer
 * would); an acknowledged write goes into the ledger and its id into id. A server that is
 * down (or 503, busy) is no failure; any other answer is. */
static inline bool load_create(struct load *l, enum load_kind k, const char *path,
                               const char *body, char *id)
{
  bool to_b = l->to[1] && (atomic_fetch_add(&l->requests, 1) % 2 || atomic_load(&l->killed));
  struct resp r;
  if (!api(l->to[to_b], "POST", path, l->token, body, &r)) {
    resp_free(&r);
    usleep(2000); /* that instance is gone, or the kill cut this request: try again shortly */
    return false;
  }
  bool ok = r.status == 201 && resp_str(&r, "id");
  if (ok) {
    snprintf(id, FX_ID_LEN, "%s", resp_str(&r, "id"));
    pthread_mutex_lock(&l->mu);
    if (l->n_acked < LOAD_MAX_ACKED) {
      struct load_ack *a = &l->acked[l->n_acked++];
      a->kind = k;
      a->instance = to_b;
      a->after_kill = atomic_load(&l->killed);
      snprintf(a->id, FX_ID_LEN, "%s", id);
    }
    pthread_mutex_unlock(&l->mu);
  } else if (r.status != 503) {
    CHECK_MSG(false, "POST %s: %ld %s", path, r.status, r.body ? r.body : "");
  }
  resp_free(&r);
  return ok;
}

static inline void *load_client(void *arg)
{
  struct load *l = arg;
  while (!atomic_load(&l->stop)) {
    int n = atomic_fetch_add(&l->next_number, 1);
    char cid[12], body[512], path[128], customer[FX_ID_LEN], task[FX_ID_LEN], collab[FX_ID_LEN];
    load_corporate_id(l->prefix, n, cid);
    snprintf(body, sizeof body, "{\"corporate_id\":\"%s\",\"name\":\"Kund %d AB\",\"email\":"
             "\"ekonomi%d@kund.se\"}", cid, n, n);
    if (!load_create(l, LOAD_CUSTOMER, "/v1/customers", body, customer))
      continue;
    snprintf(path, sizeof path, "/v1/customers/%s/tasks", customer);
    if (!load_create(l, LOAD_TASK, path, "{\"name\":\"L\xc3\xb6pande bokf\xc3\xb6ring\"}", task) ||
        !l->collaborations)
      continue;
    snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
    snprintf(body, sizeof body,
             "{\"task_id\":\"%s\",\"variant\":\"smart\",\"invoice_recipient\":\"office\","
             "\"agreement_period_months\":12,\"administrator\":{\"name\":\"Anna %d\","
             "\"email\":\"anna%d@kund.se\",\"phone\":\"+46701234567\"}}", task, n, n);
    load_create(l, LOAD_COLLAB, path, body, collab);
  }
  return NULL;
}

/* Starts clients writing threads (the ledger is kept across runs). */
static inline void load_begin(struct load *l, int clients)
{
  struct resp r; /* libcurl set up before the threads */
  CHECK(api(l->to[0], "GET", "/healthz", NULL, NULL, &r));
  resp_free(&r);
  atomic_store(&l->stop, false);
  l->n_clients = clients < LOAD_MAX_CLIENTS ? clients : LOAD_MAX_CLIENTS;
  for (int i = 0; i < l->n_clients; i++)
    pthread_create(&l->th[i], NULL, load_client, l);
}

/* Stops the clients and waits for them. */
static inline void load_end(struct load *l)
{
  atomic_store(&l->stop, true);
  for (int i = 0; i < l->n_clients; i++)
    pthread_join(l->th[i], NULL);
  l->n_clients = 0;
}

/* How many writes have been acknowledged so far. */
static inline int load_acked(struct load *l)
{
  pthread_mutex_lock(&l->mu);
  int n = l->n_acked;
  pthread_mutex_unlock(&l->mu);
  return n;
}

/* How many writes instance (L.to's index) has acknowledged so far; after_kill: only those
 * acknowledged after load_killed. */
static inline int load_acked_by(struct load *l, int instance, bool after_kill)
{
  pthread_mutex_lock(&l->mu);
  int n = 0;
  for (int i = 0; i < l->n_acked; i++)
    n += l->acked[i].instance == instance && (!after_kill || l->acked[i].after_kill);
  pthread_mutex_unlock(&l->mu);
  return n;
}

#endif
