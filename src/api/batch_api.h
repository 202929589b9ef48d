/* batch_api.h - what the batch handlers share (api/batches.c, batch_upload.c, batch_read.c):
 * reading an upload (a CSV file or a JSON array) into rows whose shape is checked, and the
 * answers' JSON (batch_json.c). */
#ifndef ADVISORD_API_BATCH_API_H
#define ADVISORD_API_BATCH_API_H

#include "http.h"
#include "service/batches.h"

#include <stdbool.h>
#include <stddef.h>

/* A row's refusal found while reading (its shape, or a repeated corporate_id). */
struct batch_row_problem {
  char column[40];
  char text[BATCH_PROBLEM_LEN];
};

/* An upload read from the request. up's strings and cells belong to it. */
struct api_upload {
  struct batch_upload up;
  json_t *owned;                      /* the columns and every row's cells */
  struct batch_row_problem *problems; /* one per row */
};

/* Reads req's body (text/csv, or the JSON array in req->json) into u and checks each row's
 * shape, so that a refused row says why. False after answering: 400 for a file that is not
 * CSV or UTF-8 (naming the line), an unknown or repeated column, no rows; 413 past
 * BATCH_MAX_ROWS rows. Free u with api_upload_free either way. */
bool api_upload_read(struct request *req, struct api_upload *u, enum MHD_Result *r);
void api_upload_free(struct api_upload *u);

/* ---- the answers' JSON (batch_json.c); each a new reference ---- */
/* A batch as the API shows it, without its rows. */
json_t *batch_json(const struct batch *b);
/* A row's result (BatchResultRow): r's number, line, outcome, collaboration_id (NULL or "":
 * null) and problem (when r->problem is not empty), with the corporate_id and name of cells
 * (r->cells, the text, is not read); sv: the problem in Swedish (batch_problem_text). */
json_t *batch_row_json(const struct batch_row *r, json_t *cells, bool sv);
/* The start of every row's answer, a result's or a dry run's: its number, line (0: none, a
 * JSON upload) and the corporate_id and name of cells (null when absent). */
json_t *batch_row_head(long row_no, long line, json_t *cells);
/* Why a row is refused (BatchProblem); column NULL: "". sv: in Swedish where the catalog has
 * it (batch_problem_text). */
json_t *batch_problem_json(const char *column, const char *detail, bool sv);
/* A refused row's stored problem (detail, English, of column) as the reader reads it: detail
 * itself unless sv; then its Swedish from words_sv.h, into out (len bytes), a "column: message"
 * text keeping its column's name; detail when the catalog has no Swedish for it. Returns
 * detail or out. Batch rows keep their problem as it was written (English) and a reader who
 * prefers Swedish (Accept-Language) reads it translated. */
const char *batch_problem_text(const char *column, const char *detail, bool sv, char *out,
                               size_t len);

#endif
