/* later.c - answering a request later: a handler suspends its connection while work it queued
 * runs on another thread (a write waiting for its group commit: api/collab_create.c), and the
 * answer is made when that work resumes it. libmicrohttpd's worker thread meanwhile serves its
 * other connections instead of waiting: with one thread per core, writes waiting for their
 * commit would otherwise hold every thread, and each batch would gather one or two.
 *
 * While the server stops nothing is suspended any more: libmicrohttpd 0.9.75 aborts the
 * process (MHD_PANIC) when MHD_stop_daemon finds a suspended connection, and a keep-alive
 * client may send a new request after the drain. Then the handler's thread waits for the work
 * itself (later_wait_here), as a handler did before answers could wait. http_stop sets
 * srv->closing before it waits for srv->suspended to reach 0, and http_suspend counts itself in
 * srv->suspended before it reads srv->closing (both sequentially consistent): either the stop
 * sees the suspension and waits for it, or the suspension sees the stop and does not happen. */
#include "server_internal.h"
#include "util.h"

#include <pthread.h>
#include <unistd.h>

#define UNFINISHED_WAIT_MS 5000 /* at the stop, for resumed requests to be answered and sent */

/* wait_here's handshake (rare: only while the server stops). */
static pthread_mutex_t here_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t here_cv = PTHREAD_COND_INITIALIZER;

void http_suspend(struct request *req, http_resume_fn resume, void *ctx,
                  void (*ctx_free)(void *))
{
  struct http_server *srv = req->srv;
  req->resume = resume;
  req->resume_ctx = ctx;
  req->resume_ctx_free = ctx_free;
  atomic_fetch_add(&srv->suspended, 1);
  if (atomic_load(&srv->closing)) {
    atomic_fetch_sub(&srv->suspended, 1);
    req->wait_here = true;
    return;
  }
  atomic_fetch_add(&srv->unfinished, 1);
  req->suspended_once = true;
  MHD_suspend_connection(req->conn);
}

void http_resume(struct request *req)
{
  if (req->wait_here) {
    pthread_mutex_lock(&here_mu);
    req->resumed = true; /* the waiting thread may answer and free req once this is seen */
    pthread_cond_broadcast(&here_cv);
    pthread_mutex_unlock(&here_mu);
    return;
  }
  struct http_server *srv = req->srv; /* req may be answered and freed once resumed */
  MHD_resume_connection(req->conn);
  atomic_fetch_sub(&srv->suspended, 1);
}

/* Answers with the request's resume function (exactly one reply). */
static enum MHD_Result run_resume(struct request *req)
{
  http_resume_fn resume = req->resume;
  req->resume = NULL;
  enum MHD_Result r = resume(req, req->resume_ctx);
  if (!req->answered)
    r = reply_problem(req, ERR_INTERNAL, "The request could not be completed");
  return r;
}

enum MHD_Result later_answer(struct request *req)
{
  enum MHD_Result r = run_resume(req);
  guess_count(req, req->srv);
  return r;
}

enum MHD_Result later_wait_here(struct request *req)
{
  pthread_mutex_lock(&here_mu);
  while (!req->resumed)
    pthread_cond_wait(&here_cv, &here_mu);
  pthread_mutex_unlock(&here_mu);
  return run_resume(req); /* request_finish counts a guess: req->resume is NULL again */
}

void later_finished(struct request *req)
{
  if (req->suspended_once)
    atomic_fetch_sub(&req->srv->unfinished, 1);
}

void later_wait_all(struct http_server *srv)
{
  while (atomic_load(&srv->suspended) > 0)
    usleep(10 * 1000);
  /* resumed, not yet answered and sent: a short wait, since a client may not read its answer */
  int64_t until = util_mono_ms() + UNFINISHED_WAIT_MS;
  while (atomic_load(&srv->unfinished) > 0 && util_mono_ms() < until)
    usleep(10 * 1000);
}
