/* batch.c - bulk activation's use cases: the dry run (every row done in a transaction that is
 * rolled back), storing a batch for the runner (batch_runner.c), reading one and the list. */
#include "batch_internal.h"
#include "domain/dates.h"
#include "log.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int batch_way_number(enum collab_way way)
{
  return way == COLLAB_WAY_SUBSCRIBER ? 1 : way == COLLAB_WAY_ACCOUNT ? 2 : 3;
}

bool batch_may_upload(const struct principal *p, struct refusal *rf)
{
  if (p->kind == PRINCIPAL_OFFICE_USER && p->role == OFFICE_ROLE_FULL)
    return true;
  refuse(rf, ERR_FORBIDDEN,
         "Uploading a batch of activations needs an office user with full rights (each row "
         "chooses a variant, invoice recipient and agreement period); ask a colleague with "
         "full rights");
  return false;
}

/* ---- the dry run ---- */

struct dry {
  struct batch_work w;
  struct batch_verdict *v;
};

static enum store_status dry_tx(struct store_conn *c, void *arg)
{
  struct dry *d = arg;
  enum store_status st = batch_work_row(c, &d->w);
  if (st != STORE_OK)
    return st;
  struct batch_verdict *v = d->v;
  v->ok = true;
  v->way = batch_way_number(d->w.s.co.way);
  snprintf(v->variant, sizeof v->variant, "%s", d->w.s.co.variant);
  v->change = d->w.change;
  v->customer_added = d->w.customer_added;
  v->task_added = d->w.task_added;
  return STORE_ABORT; /* a dry run keeps nothing */
}

enum store_status batch_dry_run(const struct app *app, const struct batch_upload *up,
                                struct batch_verdict *verdicts, struct refusal *rf)
{
  refusal_clear(rf);
  if (!batch_may_upload(up->caller, rf))
    return STORE_OK;
  struct dry *d = calloc(1, sizeof *d);
  if (!d)
    return STORE_ERROR;
  d->w.app = app;
  d->w.caller = up->caller;
  enum store_status st = STORE_OK;
  for (size_t i = 0; st == STORE_OK && i < up->n_rows; i++) {
    const struct batch_row_up *r = &up->rows[i];
    struct batch_verdict *v = &verdicts[i];
    memset(v, 0, sizeof *v);
    if (r->problem) {
      snprintf(v->problem_column, sizeof v->problem_column, "%s", r->problem_column);
      snprintf(v->problem, sizeof v->problem, "%s", r->problem);
      continue;
    }
    d->w.cells = r->cells;
    d->v = v;
    st = store_write(app->store, dry_tx, d);
    if (st == STORE_ABORT)
      st = STORE_OK;
    if (st == STORE_OK && d->w.refused) {
      v->ok = false;
      snprintf(v->problem_column, sizeof v->problem_column, "%s", d->w.problem_column);
      snprintf(v->problem, sizeof v->problem, "%s", d->w.problem);
    }
  }
  refusal_clear(&d->w.s.rf);
  free(d);
  return st;
}

/* ---- storing a batch ---- */

/* The earlier of two ISO times ("": none). */
static const char *earlier(const char *a, const char *b)
{
  return !a[0] || (b[0] && strcmp(b, a) < 0) ? b : a;
}

/* Refuses (429) past --batch-create-limit batches of the caller in the last hour, or past
 * --collaboration-create-limit collaborations, office invitations and batches (a batch counts
 * once: its rows are not counted one by one). The caller's batches are counted once for both
 * caps (collab_creations_since would count them again). */
static enum store_status check_caps(struct store_conn *c, const struct app *app,
                                    const struct principal *p, struct refusal *rf)
{
  const int64_t now = util_now_ms();
  char since[32], first_batch[32] = "", first_other[32] = "";
  date_iso_ms(now - 3600 * 1000, since, sizeof since);
  long batches = 0, others = 0, limit = app->cfg->batch_create_limit;
  if (limit <= 0 && app->cfg->collab_create_limit <= 0)
    return STORE_OK;
  enum store_status st = store_batches_created_since(c, p->id, since, &batches, first_batch);
  if (st != STORE_OK)
    return st;
  if (limit > 0 && batches >= limit) {
    rf->retry_after = collab_retry_after(first_batch, now);
    return refuse(rf, ERR_RATE_LIMITED,
                  "You uploaded %ld batches in the last hour, and at most %ld per hour are "
                  "allowed; the next one is possible in %ld seconds (a dry run is not counted)",
                  batches, limit, rf->retry_after);
  }
  limit = app->cfg->collab_create_limit;
  if (limit <= 0 ||
      (st = store_collab_created_since(c, p->id, since, &others, first_other)) != STORE_OK ||
      batches + others < limit)
    return st;
  rf->retry_after = collab_retry_after(earlier(first_batch, first_other), now);
  return refuse(rf, ERR_RATE_LIMITED,
                "You started %ld collaborations, office invitations or batches in the last "
                "hour, and at most %ld per hour are allowed (a batch counts as one); the next "
                "one is possible in %ld seconds",
                batches + others, limit, rf->retry_after);
}

struct submit {
  const struct app *app;
  const struct batch_upload *up;
  batch_created_fn created;
  void *created_arg;
  struct batch *b;
  struct refusal *rf;
};

static enum store_status submit_tx(struct store_conn *c, void *arg)
{
  struct submit *x = arg;
  const struct batch_upload *up = x->up;
  refusal_clear(x->rf);
  enum store_status st = check_caps(c, x->app, up->caller, x->rf);
  if (st != STORE_OK)
    return st;
  struct batch *b = x->b;
  memset(b, 0, sizeof *b);
  snprintf(b->office_id, sizeof b->office_id, "%s", up->caller->office_id);
  snprintf(b->created_by_id, sizeof b->created_by_id, "%s", up->caller->id);
  snprintf(b->created_by_email, sizeof b->created_by_email, "%s", up->caller->email);
  snprintf(b->format, sizeof b->format, "%s", up->format);
  b->delimiter = up->delimiter;
  char *columns = json_dumps(up->columns, JSON_COMPACT);
  if (!columns || strlen(columns) >= sizeof b->columns) {
    free(columns);
    return STORE_ERROR; /* api/ allows only the known columns, once each: they fit */
  }
  snprintf(b->columns, sizeof b->columns, "%s", columns);
  free(columns);
  b->rows_total = (long)up->n_rows;
  if ((st = store_batch_create(c, b)) != STORE_OK)
    return st;
  for (size_t i = 0; st == STORE_OK && i < up->n_rows; i++) {
    const struct batch_row_up *r = &up->rows[i];
    char *cells = json_dumps(r->cells, JSON_COMPACT);
    if (!cells)
      return STORE_ERROR;
    struct batch_row row = {.row_no = r->row_no,
                            .line = r->line,
                            .cells = cells,
                            .outcome = r->problem ? "refused" : "pending",
                            .problem_column = r->problem_column,
                            .problem = r->problem};
    st = store_batch_row_add(c, b->id, &row);
    free(cells);
  }
  if (st == STORE_OK)
    st = store_batch_get(c, NULL, b->id, b); /* with its counts */
  if (st == STORE_OK && x->created)
    st = x->created(c, b, x->created_arg);
  return st;
}

enum store_status batch_submit(const struct app *app, const struct batch_upload *up,
                               batch_created_fn created, void *created_arg, struct batch *out,
                               struct refusal *rf)
{
  refusal_clear(rf);
  if (!batch_may_upload(up->caller, rf))
    return STORE_OK;
  struct submit x = {app, up, created, created_arg, out, rf};
  enum store_status st = refusal_write(app->store, submit_tx, &x, rf);
  if (st == STORE_OK && !refused(rf)) {
    log_json(LOG_INFO, "batch_stored",
             json_pack("{s:s, s:I}", "batch_id", out->id, "rows", (json_int_t)out->rows_total));
    batch_runner_wake(app->batches);
  }
  return st;
}

/* ---- reading ---- */

struct read {
  const struct principal *caller;
  const char *id;
  struct batch *b;
  bool (*fn)(const struct batch_row *r, void *arg);
  void *arg;
  struct refusal *rf;
  const char *after_at, *after_id;
  int limit;
  bool (*list_fn)(const struct batch *b, void *arg);
};

static enum store_status read_tx(struct store_conn *c, void *arg)
{
  struct read *x = arg;
  refusal_clear(x->rf);
  enum store_status st = store_batch_get(c, x->caller->office_id, x->id, x->b);
  if (st == STORE_NOT_FOUND)
    return refuse(x->rf, ERR_NOT_FOUND, "Your office has no batch %s", x->id);
  if (st == STORE_OK && x->fn)
    st = store_batch_rows(c, x->id, x->fn, x->arg);
  return st;
}

enum store_status batch_read(const struct app *app, const struct principal *caller,
                             const char *id, struct batch *out,
                             bool (*fn)(const struct batch_row *r, void *arg), void *arg,
                             struct refusal *rf)
{
  struct read x = {.caller = caller, .id = id, .b = out, .fn = fn, .arg = arg, .rf = rf};
  enum store_status st = store_read(app->store, read_tx, &x);
  if (refused(rf) && (st == STORE_OK || st == STORE_ABORT))
    return STORE_OK;
  refusal_clear(rf);
  return st;
}

static enum store_status page_tx(struct store_conn *c, void *arg)
{
  struct read *x = arg;
  return store_batches_list(c, x->caller->office_id, x->after_at, x->after_id, x->limit,
                            x->list_fn, x->arg);
}

enum store_status batch_page(const struct app *app, const struct principal *caller,
                             const char *after_at, const char *after_id, int limit,
                             bool (*fn)(const struct batch *b, void *arg), void *arg)
{
  struct read x = {.caller = caller, .after_at = after_at, .after_id = after_id,
                   .limit = limit, .list_fn = fn, .arg = arg};
  return store_read(app->store, page_tx, &x);
}
