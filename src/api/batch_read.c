/* batch_read.c - GET /v1/collaboration-batches/{id} (the office's own: counts by outcome and
 * every row's result; with Accept: text/csv or ?format=csv the upload's columns plus the
 * result, in the upload's delimiter, UTF-8 with a BOM so that a spreadsheet shows å, ä and ö)
 * and GET /v1/collaboration-batches (the office's batches, newest first). */
#include "batch_api.h"
#include "csv.h"
#include "handlers.h"
#include "resource.h"
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The JSON answer's rows in the making. */
struct json_out {
  json_t *rows;
  bool sv; /* the problems in Swedish */
};

static bool row_json(const struct batch_row *r, void *arg)
{
  struct json_out *o = arg;
  json_t *cells = json_loads(r->cells, 0, NULL);
  json_array_append_new(o->rows, batch_row_json(r, cells, o->sv));
  json_decref(cells);
  return true;
}

/* The CSV answer in the making, filled while the batch is read (batch_read fills the batch
 * before the first row). */
struct csv_out {
  const struct batch *b;
  json_t *columns; /* the upload's column names, read from b at the first row (owned) */
  char *buf;       /* malloc'd, owned */
  size_t len, cap;
  bool ok;
  bool sv; /* the problems in Swedish */
};

/* The BOM (a spreadsheet then reads the file as UTF-8) and the header line: the upload's
 * columns and the result's. */
static bool csv_head(struct csv_out *o)
{
  static const char *const extra[] = {"outcome", "collaboration_id", "problem_column",
                                      "problem"};
  o->columns = json_loads(o->b->columns, 0, NULL);
  size_t n = json_array_size(o->columns);
  const char **head = calloc(n + 4, sizeof *head);
  o->buf = malloc(4);
  o->ok = head && o->buf;
  if (o->ok) {
    memcpy(o->buf, "\xEF\xBB\xBF", 4);
    o->len = 3;
    o->cap = 4;
    for (size_t i = 0; i < n; i++)
      head[i] = json_string_value(json_array_get(o->columns, i));
    memcpy(head + n, extra, sizeof extra);
    o->ok = csv_append_record(&o->buf, &o->len, &o->cap, head, n + 4, o->b->delimiter);
  }
  free(head);
  return o->ok;
}

static bool row_csv(const struct batch_row *r, void *arg)
{
  struct csv_out *o = arg;
  if (!o->buf && !csv_head(o))
    return false;
  size_t n = json_array_size(o->columns);
  const char **cells = calloc(n + 4, sizeof *cells);
  json_t *stored = json_loads(r->cells, 0, NULL);
  if (!cells || !stored) {
    free(cells);
    json_decref(stored);
    return o->ok = false;
  }
  for (size_t i = 0; i < n; i++)
    cells[i] = json_string_value(
        json_object_get(stored, json_string_value(json_array_get(o->columns, i))));
  cells[n] = r->outcome;
  cells[n + 1] = r->collaboration_id;
  cells[n + 2] = r->problem_column;
  char words[BATCH_PROBLEM_LEN];
  cells[n + 3] = batch_problem_text(r->problem_column, r->problem, o->sv, words, sizeof words);
  o->ok = csv_append_record(&o->buf, &o->len, &o->cap, cells, n + 4, o->b->delimiter);
  free(cells);
  json_decref(stored);
  return o->ok;
}

static bool wants_csv(struct request *req, const char *format)
{
  if (format)
    return strcmp(format, "csv") == 0;
  const char *accept = http_header(req, "Accept");
  return accept && strstr(accept, "text/csv") != NULL;
}

struct get_query {
  const char *format;
};

static const char *const formats[] = {"json", "csv", NULL};
static const struct field_spec get_query_fields[] = {
    {.name = "format", .type = FIELD_ENUM, .allowed = formats,
     .to = FIELD_TO(struct get_query, format)},
    {0},
};

/* Answers the CSV file of o (a batch with no row gets its header line alone), handing o->buf
 * over to the reply. */
static enum MHD_Result reply_csv(struct request *req, struct csv_out *o)
{
  if (o->ok && !o->buf)
    csv_head(o);
  if (!o->ok)
    return api_store_failure(req, STORE_ERROR, "batch");
  char disposition[96];
  snprintf(disposition, sizeof disposition, "attachment; filename=\"batch-%s.csv\"", o->b->id);
  http_add_header(req, "Content-Disposition", disposition);
  char *text = o->buf;
  o->buf = NULL;
  return reply_text(req, 200, "text/csv; charset=utf-8", text, o->len);
}

enum MHD_Result api_batches_get(struct request *req)
{
  enum MHD_Result r;
  struct get_query q = {0};
  if (!validate_query_into(req, get_query_fields, &q, &r))
    return r;
  const char *id = http_param(req, "id");
  if (!util_is_uuid(id))
    return reply_problem(req, ERR_BAD_PATH_PARAM, "The batch id must be a UUID");
  struct batch *b = malloc(sizeof *b);
  const bool sv = http_prefers_sv(req);
  struct csv_out o = {.b = b, .ok = true, .sv = sv};
  json_t *rows = json_array();
  struct json_out jo = {rows, sv};
  struct refusal rf = {0};
  bool csv = wants_csv(req, q.format);
  enum store_status st =
      b && rows ? batch_read(req->app, &req->principal, id, b, csv ? row_csv : row_json,
                             csv ? (void *)&o : &jo, &rf)
                : STORE_ERROR;
  if (st != STORE_OK || refused(&rf)) {
    r = tx_reply(req, &rf, st, "batch");
  } else if (csv) {
    r = reply_csv(req, &o);
  } else {
    json_t *body = batch_json(b);
    json_object_set(body, "rows", rows);
    r = reply_json(req, 200, body);
  }
  json_decref(o.columns);
  free(o.buf);
  json_decref(rows);
  free(b);
  return r;
}

/* ---- the list ---- */

static const struct field_spec list_query[] = {
    {.name = "cursor", .type = FIELD_STRING, .min_len = 1, .max_len = API_CURSOR_MAX},
    {.name = "limit", .type = FIELD_INT, .min = 1, .max = API_LIST_MAX_LIMIT},
    {0},
};

static bool list_row(const struct batch *b, void *arg)
{
  return api_page_add(arg, batch_json(b), b->created_at, b->id);
}

static enum store_status list_fill(const char *const *after, struct api_page *p, void *arg)
{
  const struct request *req = arg;
  return batch_page(req->app, &req->principal, after[0], after[1], p->limit + 1, list_row, p);
}

enum MHD_Result api_batches_list(struct request *req)
{
  enum MHD_Result r;
  if (!validate_query(req, list_query, &r))
    return r;
  return api_list_run(req, list_fill, req, "batch");
}
