/* later.c - answering a request later: a handler suspends its connection while work it queued
 * runs on another thread (a write waiting for its group commit: api/collab_create.c), and the
 * answer is made when that work resumes it. libmicrohttpd's worker thread meanwhile serves its
 * other connections instead of waiting: with one thread per core, writes waiting for their
 * commit would otherwise hold every thread, and each batch would gather one or two. */
#include "server_internal.h"

#include <unistd.h>

void http_suspend(struct request *req, http_resume_fn resume, void *ctx,
                  void (*ctx_free)(void *))
{
  req->resume = resume;
  req->resume_ctx = ctx;
  req->resume_ctx_free = ctx_free;
  atomic_fetch_add(&req->srv->suspended, 1);
  MHD_suspend_connection(req->conn);
}

void http_resume(struct request *req)
{
  struct http_server *srv = req->srv; /* req may be answered and freed once resumed */
  MHD_resume_connection(req->conn);
  atomic_fetch_sub(&srv->suspended, 1);
}

enum MHD_Result later_answer(struct request *req)
{
  http_resume_fn resume = req->resume;
  req->resume = NULL;
  enum MHD_Result r = resume(req, req->resume_ctx);
  if (!req->answered)
    r = reply_problem(req, ERR_INTERNAL, "The request could not be completed");
  guess_count(req, req->srv);
  return r;
}

void later_wait_all(struct http_server *srv)
{
  while (atomic_load(&srv->suspended) > 0)
    usleep(10 * 1000);
}
