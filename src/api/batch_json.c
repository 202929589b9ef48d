/* batch_json.c - a batch and its rows as the API shows them, built in this one place for every
 * answer that has them: the 202 of POST /v1/collaboration-batches, GET one and the list
 * (batch_read.c), and the dry run's rows (batches.c) that start the same way. */
#include "batch_api.h"
#include "words_sv.h"

#include <stdio.h>
#include <string.h>

json_t *batch_json(const struct batch *b)
{
  return json_pack("{s:s, s:s, s:s, s:o, s:I, s:{s:I, s:I, s:I}}", "id", b->id, "state",
                   b->state, "created_at", b->created_at, "finished_at",
                   b->finished_at[0] ? json_string(b->finished_at) : json_null(), "rows_total",
                   (json_int_t)b->rows_total, "counts", "invited", (json_int_t)b->invited,
                   "refused", (json_int_t)b->refused, "pending", (json_int_t)b->pending);
}

json_t *batch_row_head(long row_no, long line, json_t *cells)
{
  json_t *j = json_pack("{s:I}", "row", (json_int_t)row_no);
  if (line > 0)
    json_object_set_new(j, "line", json_integer(line));
  const char *names[] = {"corporate_id", "name"};
  for (int i = 0; i < 2; i++) {
    json_t *v = json_object_get(cells, names[i]);
    json_object_set(j, names[i], v ? v : json_null());
  }
  return j;
}

const char *batch_problem_text(const char *column, const char *detail, bool sv, char *out,
                               size_t len)
{
  if (!sv)
    return detail;
  size_t cl = column ? strlen(column) : 0;
  if (cl && strncmp(detail, column, cl) == 0 && strncmp(detail + cl, ": ", 2) == 0) {
    char words[BATCH_PROBLEM_LEN]; /* "column: message": the message in Swedish */
    if (words_sv(detail + cl + 2, words, sizeof words) &&
        (size_t)snprintf(out, len, "%s: %s", column, words) < len)
      return out;
    return detail;
  }
  return words_sv(detail, out, len) ? out : detail;
}

json_t *batch_problem_json(const char *column, const char *detail, bool sv)
{
  char words[BATCH_PROBLEM_LEN];
  return json_pack("{s:s, s:s}", "column", column ? column : "", "detail",
                   batch_problem_text(column, detail, sv, words, sizeof words));
}

json_t *batch_row_json(const struct batch_row *r, json_t *cells, bool sv)
{
  json_t *j = batch_row_head(r->row_no, r->line, cells);
  json_object_set_new(j, "outcome", json_string(r->outcome));
  json_object_set_new(j, "collaboration_id", r->collaboration_id && r->collaboration_id[0]
                                                  ? json_string(r->collaboration_id)
                                                  : json_null());
  if (r->problem && r->problem[0])
    json_object_set_new(j, "problem", batch_problem_json(r->problem_column, r->problem, sv));
  return j;
}
