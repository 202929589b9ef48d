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
 * sees the suspension and waits for it, or the suspension sees the stop and does not happen.
 *
 * Resumes are handed to the suspending thread (its lane): libmicrohttpd 0.9.75 writes the
 * thread's eventfd at every MHD_resume_connection, so a batch's writer resuming each of its
 * connections woke (and, on a busy core, was preempted by) a worker per connection. Only a
 * lane's first resume since its thread last looked is made by the caller (the wake-up); the
 * ones after it wait in the lane until that thread answers a resumed request or ends one
 * (later_drain), then it resumes them itself, without waking anybody. Invariant: a lane with
 * requests waiting in it is armed, and its armed resume was made after the thread's last
 * drain, so the thread is yet to handle that connection, and handling it (the answer, or the
 * end of a connection whose client left) drains the lane. */
#include "server_internal.h"
#include "util.h"

#include <pthread.h>
#include <unistd.h>

#define UNFINISHED_WAIT_MS 5000 /* at the stop, for resumed requests to be answered and sent */

#define LANES_MAX 64 /* lanes are never freed; a thread beyond these resumes directly */

struct later_lane {
  pthread_mutex_t mu;
  bool armed;                    /* a resume woke this thread since its last drain */
  struct request *head, **tail;  /* resumes waiting for the thread's drain */
};

static struct later_lane lanes[LANES_MAX];
static atomic_uint lanes_used;
static _Thread_local struct later_lane *my_lane; /* this thread's (NULL: none yet, or none left) */
static _Thread_local bool my_lane_tried;

/* The calling thread's lane, taken at its first suspension (NULL when all are taken). */
static struct later_lane *own_lane(void)
{
  if (!my_lane_tried) {
    my_lane_tried = true;
    unsigned i = atomic_fetch_add(&lanes_used, 1);
    if (i < LANES_MAX) {
      my_lane = &lanes[i];
      pthread_mutex_init(&my_lane->mu, NULL);
      my_lane->tail = &my_lane->head;
    }
  }
  return my_lane;
}

static void resume_now(struct request *req)
{
  struct http_server *srv = req->srv; /* req may be answered and freed once resumed */
  MHD_resume_connection(req->conn);
  atomic_fetch_sub(&srv->suspended, 1);
}

/* On a thread that suspends requests: resumes those handed to its lane since it last looked. */
static void later_drain(void)
{
  struct later_lane *l = my_lane;
  if (!l)
    return;
  pthread_mutex_lock(&l->mu);
  struct request *r = l->head;
  l->head = NULL;
  l->tail = &l->head;
  l->armed = false;
  pthread_mutex_unlock(&l->mu);
  for (struct request *next; r; r = next) {
    next = r->resume_next;
    resume_now(r);
  }
}

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
  req->lane = own_lane();
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
  struct later_lane *l = req->lane;
  if (l) {
    pthread_mutex_lock(&l->mu);
    if (l->armed) { /* its thread will look (later_drain): no second wake-up */
      req->resume_next = NULL;
      *l->tail = req;
      l->tail = &req->resume_next;
      pthread_mutex_unlock(&l->mu);
      return;
    }
    l->armed = true;
    pthread_mutex_unlock(&l->mu);
  }
  resume_now(req);
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
  later_drain(); /* first: the others resumed meanwhile are answered in this same turn */
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
  later_drain(); /* a resumed connection whose client left ends here unanswered */
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
