/* batch_runner.c - the thread that runs stored batches: it claims one (a lease, renewed with
 * every row; PostgreSQL: FOR UPDATE SKIP LOCKED, so two servers never run one batch at once),
 * then takes its pending rows in order, each in a transaction of its own that does the row
 * (batch_row.c) and writes its result: a crash loses at most the row in flight, which is
 * still pending after a restart, and no row is done twice (the result is written only while
 * the row is pending, in the same transaction as its effects). A refused row's transaction is
 * rolled back and its refusal written in a second one. */
#include "batch_internal.h"
#include "log.h"
#include "mailer.h"
#include "util.h"
#include "webhook_worker.h"
#include "worker_pool.h"
#include "thread_prio.h"

#include <stdlib.h>
#include <string.h>

#define RUNNER_PAUSE_MS 1000 /* after a store failure */

struct batch_runner {
  struct app *app;
  int64_t lease_ms, poll_ms;
  struct worker_pool pool;
};

/* The batch being run. */
struct run {
  struct batch_runner *r;
  char id[STORE_ID_LEN];
  struct principal caller; /* the office user who uploaded it */
  struct batch_work w;
  long row_no;
  char *cells_text;
  bool finished;           /* no row was pending: marked done */
  bool uploader_gone;      /* the uploader was removed or lost full rights: rows are refused */
  long invited, refused;
};

/* Lets go of the row in hand (its cells, as text and as JSON). */
static void drop_row(struct run *x)
{
  json_decref(x->w.cells);
  x->w.cells = NULL;
  free(x->cells_text);
  x->cells_text = NULL;
}

static enum store_status claim_tx(struct store_conn *c, void *arg)
{
  struct run *x = arg;
  enum store_status st = store_batch_claim(c, util_now_ms(), x->r->lease_ms, x->id);
  struct batch *b = st == STORE_OK ? malloc(sizeof *b) : NULL;
  if (st == STORE_OK && !b)
    st = STORE_ERROR;
  if (st == STORE_OK && (st = store_batch_get(c, NULL, x->id, b)) == STORE_OK) {
    memset(&x->caller, 0, sizeof x->caller);
    x->caller.kind = PRINCIPAL_OFFICE_USER;
    snprintf(x->caller.id, sizeof x->caller.id, "%s", b->created_by_id);
    snprintf(x->caller.office_id, sizeof x->caller.office_id, "%s", b->office_id);
    snprintf(x->caller.email, sizeof x->caller.email, "%s", b->created_by_email);
    /* the rows act as the uploader as the user is now, not as at the upload */
    struct office_user u;
    st = store_office_user_get(c, b->office_id, b->created_by_id, &u);
    x->caller.role = st == STORE_OK ? u.role : OFFICE_ROLE_LIMITED;
    x->uploader_gone = st == STORE_NOT_FOUND || x->caller.role != OFFICE_ROLE_FULL;
    if (st == STORE_NOT_FOUND)
      st = STORE_OK;
  }
  free(b);
  return st;
}

/* The next pending row, done and its result written; or the batch marked done. */
static enum store_status row_tx(struct store_conn *c, void *arg)
{
  struct run *x = arg;
  x->finished = false;
  drop_row(x);
  long line = 0;
  enum store_status st = store_batch_next_pending(c, x->id, &x->row_no, &line, &x->cells_text);
  if (st == STORE_NOT_FOUND) {
    x->finished = true;
    return store_batch_done(c, x->id);
  }
  if (st != STORE_OK)
    return st;
  if (x->uploader_gone) {
    x->w.refused = true;
    x->w.problem_column[0] = '\0';
    snprintf(x->w.problem, sizeof x->w.problem, "%s, who uploaded the batch, was removed or no "
             "longer has full rights before this row was run: not activated", x->caller.email);
    return STORE_ABORT;
  }
  x->w.cells = json_loads(x->cells_text, 0, NULL);
  if (!json_is_object(x->w.cells))
    return STORE_ERROR; /* written by batch_submit as an object */
  if ((st = batch_work_row(c, &x->w)) != STORE_OK)
    return st;
  st = store_batch_row_finish(c, x->id, x->row_no, "invited", x->w.s.co.id, NULL, NULL);
  if (st == STORE_OK)
    st = store_batch_hold(c, x->id, util_now_ms() + x->r->lease_ms);
  return st;
}

static enum store_status refusal_tx(struct store_conn *c, void *arg)
{
  struct run *x = arg;
  enum store_status st = store_batch_row_finish(c, x->id, x->row_no, "refused", NULL,
                                                x->w.problem_column, x->w.problem);
  if (st == STORE_CONFLICT) /* done meanwhile by another server: its result stands */
    st = STORE_OK;
  if (st == STORE_OK)
    st = store_batch_hold(c, x->id, util_now_ms() + x->r->lease_ms);
  return st;
}

static enum store_status let_go_tx(struct store_conn *c, void *arg)
{
  return store_batch_hold(c, ((struct run *)arg)->id, 0);
}

/* Runs the claimed batch x->id until no row is pending or the runner stops. */
static void run_batch(struct run *x)
{
  struct app *app = x->r->app;
  log_json(LOG_INFO, "batch_running", json_pack("{s:s}", "batch_id", x->id));
  while (!worker_pool_stopping(&x->r->pool)) {
    enum store_status st = store_write(app->store, row_tx, x);
    if (st == STORE_OK && x->finished)
      break;
    if (st == STORE_OK) {
      x->invited++;
      mailer_wake(app->mailer);
      webhook_worker_wake(app->webhooks);
      continue;
    }
    if (st == STORE_ABORT && x->w.refused) {
      st = store_write(app->store, refusal_tx, x);
      x->refused += st == STORE_OK;
    }
    if (st != STORE_OK) { /* the lease runs out; this or another server goes on later */
      log_json(LOG_WARN, "batch_row_failed",
               json_pack("{s:s, s:I, s:i}", "batch_id", x->id, "row", (json_int_t)x->row_no,
                         "store_status", (int)st));
      return;
    }
  }
  if (!x->finished) { /* stopping: the next start takes it up at once */
    store_write(app->store, let_go_tx, x);
    return;
  }
  log_json(LOG_INFO, "batch_done",
           json_pack("{s:s, s:I, s:I}", "batch_id", x->id, "invited", (json_int_t)x->invited,
                     "refused", (json_int_t)x->refused));
}

static void *runner_main(void *arg)
{
  thread_prio_background("batch-runner"); /* named for top -H; lower priority (thread_prio.h) */
  struct batch_runner *r = arg;
  struct run *x = calloc(1, sizeof *x);
  unsigned long seen = 0;
  while (x && !worker_pool_stopping(&r->pool)) {
    drop_row(x);
    memset(x, 0, sizeof *x);
    x->r = r;
    x->w.app = r->app;
    x->w.caller = &x->caller;
    enum store_status st = store_write(r->app->store, claim_tx, x);
    if (st == STORE_OK) {
      run_batch(x);
      refusal_clear(&x->w.s.rf);
      continue;
    }
    worker_pool_sleep(&r->pool, &seen, st == STORE_NOT_FOUND ? r->poll_ms : RUNNER_PAUSE_MS);
  }
  if (x)
    drop_row(x);
  free(x);
  store_conn_release(r->app->store);
  return NULL;
}

struct batch_runner *batch_runner_start(struct app *app)
{
  struct batch_runner *r = calloc(1, sizeof *r);
  if (!r)
    return NULL;
  r->app = app;
  r->lease_ms = app->cfg->batch_lease * 1000;
  /* a batch whose server died is looked for again within half a lease (at most 5 s) */
  r->poll_ms = r->lease_ms / 2 < 5000 ? r->lease_ms / 2 : 5000;
  if (worker_pool_start(&r->pool, 1, runner_main, r) == 0) {
    log_msg(LOG_ERROR, "batch_runner_not_started", "the batch runner thread could not start");
    worker_pool_stop(&r->pool);
    free(r);
    return NULL;
  }
  return r;
}

void batch_runner_wake(struct batch_runner *r)
{
  if (r)
    worker_pool_wake(&r->pool);
}

void batch_runner_stop(struct batch_runner *r)
{
  if (!r)
    return;
  worker_pool_stop(&r->pool);
  free(r);
}
