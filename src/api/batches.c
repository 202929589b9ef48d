/* batches.c - POST /v1/collaboration-batches: many activations from one upload (a CSV file or
 * a JSON array, read by batch_upload.c). ?dry_run=true answers 200 with what each row would do
 * and writes nothing; otherwise the Idempotency-Key header is required, the batch is stored
 * and answered 202 (Location: the batch), and its rows are activated in the background
 * (service/batches.h). */
#include "batch_api.h"
#include "handlers.h"
#include "resource.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct create_query {
  int dry_run;
};

static const struct field_spec create_query_fields[] = {
    {.name = "dry_run", .type = FIELD_BOOL, .to = FIELD_TO(struct create_query, dry_run)},
    {0},
};

static enum MHD_Result dry_run(struct request *req, struct api_upload *u)
{
  struct batch_verdict *v = calloc(u->up.n_rows, sizeof *v);
  struct refusal rf = {0};
  enum store_status st = v ? batch_dry_run(req->app, &u->up, v, &rf) : STORE_ERROR;
  enum MHD_Result r;
  if (st != STORE_OK || refused(&rf)) {
    r = tx_reply(req, &rf, st, "batch");
    free(v);
    return r;
  }
  json_t *rows = json_array();
  const bool sv = http_prefers_sv(req);
  long ok = 0;
  for (size_t i = 0; i < u->up.n_rows; i++) {
    const struct batch_row_up *up = &u->up.rows[i];
    json_t *j = batch_row_head(up->row_no, up->line, up->cells);
    json_object_set_new(j, "outcome", json_string(v[i].ok ? "ok" : "refused"));
    if (v[i].ok) {
      ok++;
      json_object_set_new(j, "way", json_integer(v[i].way));
      json_object_set_new(j, "variant", json_string(v[i].variant));
      json_object_set_new(j, "change", json_string(v[i].change));
      json_object_set_new(j, "customer", json_string(v[i].customer_added ? "added" : "existing"));
      json_object_set_new(j, "task", json_string(v[i].task_added ? "added" : "existing"));
    } else {
      json_object_set_new(j, "problem", batch_problem_json(v[i].problem_column, v[i].problem, sv));
    }
    json_array_append_new(rows, j);
  }
  free(v);
  return reply_json(req, 200,
                    json_pack("{s:b, s:{s:I, s:I}, s:o}", "dry_run", 1, "counts", "ok",
                              (json_int_t)ok, "refused", (json_int_t)u->up.n_rows - ok, "rows",
                              rows));
}

/* The 202 being made inside the submitting transaction, for the reply and a replay. */
struct kept {
  const struct request *req;
  const struct api_upload *u;
  const struct idem *ik;
  bool sv;      /* the rows' problems in Swedish (the request's Accept-Language) */
  json_t *body; /* owned */
  char location[96];
};

static enum store_status keep(struct store_conn *c, const struct batch *b, void *arg)
{
  struct kept *k = arg;
  json_decref(k->body);
  k->body = batch_json(b);
  json_t *rows = json_array();
  for (size_t i = 0; i < k->u->up.n_rows; i++) {
    const struct batch_row_up *r = &k->u->up.rows[i];
    const struct batch_row row = {.row_no = r->row_no,
                                  .line = r->line,
                                  .outcome = r->problem ? "refused" : "pending",
                                  .problem_column = r->problem_column,
                                  .problem = r->problem};
    json_array_append_new(rows, batch_row_json(&row, r->cells, k->sv));
  }
  json_object_set_new(k->body, "rows", rows);
  snprintf(k->location, sizeof k->location, "/v1/collaboration-batches/%s", b->id);
  return api_idem_finish(c, k->req->principal.id, k->ik, 202, k->body, k->location, NULL);
}

static enum MHD_Result submit(struct request *req, struct api_upload *u)
{
  enum MHD_Result r;
  if (!http_header(req, "Idempotency-Key"))
    return reply_problem(req, ERR_IDEMPOTENCY_KEY_REQUIRED,
                         "A batch sends up to %d invitations: send an Idempotency-Key header "
                         "(a new random value, such as a UUID, for each upload), so that "
                         "sending it again after a lost answer cannot start it twice",
                         BATCH_MAX_ROWS);
  struct idem ik;
  if (api_idem_begin(req, &ik, &r))
    return r;
  struct kept k = {.req = req, .u = u, .ik = &ik, .sv = http_prefers_sv(req)};
  struct refusal rf = {0};
  struct batch *b = malloc(sizeof *b);
  enum store_status st = b ? batch_submit(req->app, &u->up, keep, &k, b, &rf) : STORE_ERROR;
  free(b);
  if (st != STORE_OK || refused(&rf)) {
    api_idem_abandon(req, &ik);
    json_decref(k.body);
    return tx_reply(req, &rf, st, "batch");
  }
  http_add_header(req, "Location", k.location);
  return reply_json(req, 202, k.body);
}

enum MHD_Result api_batches_create(struct request *req)
{
  enum MHD_Result r;
  struct create_query q = {0};
  struct refusal rf = {0};
  if (!validate_query_into(req, create_query_fields, &q, &r) || api_idem_key_bad(req, &r))
    return r;
  if (!batch_may_upload(&req->principal, &rf))
    return api_reply_refusal(req, &rf);
  struct api_upload u;
  if (api_upload_read(req, &u, &r))
    r = q.dry_run ? dry_run(req, &u) : submit(req, &u);
  api_upload_free(&u);
  return r;
}
