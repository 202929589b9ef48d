/* hook_sink.h - a webhook receiver for the integration tests: a small HTTP/1.1 server on
 * 127.0.0.1 in a thread of the test process that records every request (path, headers that
 * matter, body) and answers as told: a status (by default 200), the first n requests with
 * another status, a redirect, a pause before answering, or not at all (stopped). */
#ifndef ADVISORD_TEST_HOOK_SINK_H
#define ADVISORD_TEST_HOOK_SINK_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define HOOK_SINK_MAX 1024

struct hook_req {
  char path[256];
  char event_id[64];
  char signature[400];
  char content_type[64];
  char *body; /* NUL-terminated, owned by the sink */
};

struct hook_sink {
  int port;
  int listen_fd;
  pthread_t thread;
  bool running;
  pthread_mutex_t mu;
  /* how to answer (set under mu, or before start) */
  int status;          /* answer to requests, default 200 */
  int fail_first;      /* the first fail_first requests get fail_status */
  int fail_status;
  int pause_ms;        /* wait before answering */
  /* what came */
  struct hook_req reqs[HOOK_SINK_MAX];
  int n;
  int started;         /* requests whose head was read (before any pause) */
};

/* Starts listening on port (0: a free one; the same one again after a stop). */
void hook_sink_start(struct hook_sink *k, int port);
/* Stops listening and answering (connections are refused from now on); keeps the record. */
void hook_sink_stop(struct hook_sink *k);
/* Frees the record. */
void hook_sink_free(struct hook_sink *k);
/* The number of requests recorded (under the lock). */
int hook_sink_count(struct hook_sink *k);
/* Waits up to ms for at least n requests; returns the number then recorded. */
int hook_sink_wait(struct hook_sink *k, int n, int ms);

#endif
