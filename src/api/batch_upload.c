/* batch_upload.c - reads the body of POST /v1/collaboration-batches into rows: a CSV file
 * (csv.h: BOM, ';' or ',', quotes, CRLF) whose header line names the columns, or a JSON array
 * of objects with the same member names. An empty cell (or null, or only spaces) is an absent
 * member. Each row's shape is checked as a single activation's body is (validate.h), and a
 * corporate_id that an earlier row has is refused: such a row is refused with its column and
 * the words, the others go on to the use case. */
#include "batch_api.h"
#include "csv.h"
#include "domain/contact.h"
#include "domain/corporate_id.h"
#include "domain/dates.h"
#include "util.h"
#include "validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The columns a batch may have, in the order a JSON upload's answers list them. */
static const char *const batch_known_columns[] = {
    "corporate_id", "name", "email", "task", "task_id", "variant", "invoice_recipient",
    "agreement_period_months", "administrator_name", "administrator_email",
    "administrator_phone", "language", "starts_on", "company_name", NULL};
#define KNOWN_LIST_LEN 256 /* the names above, joined by ", " */

static const char *const recipients[] = {"office", "customer", NULL};
static const char *const languages[] = {"sv", "en", NULL};
static const char *const periods[] = {"3", "12", NULL};

static const char *task_id_check(const char *s)
{
  return util_is_uuid(s) ? NULL : "must be the id of a task (a UUID)";
}

/* The shape of a row, column by column, as a single activation checks its body. */
static const struct field_spec row_fields[] = {
    {.name = "corporate_id", .type = FIELD_STRING, .required = true, .min_len = 1,
     .max_len = 20, .check = corporate_id_check},
    {.name = "name", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 200,
     .check = contact_name_check},
    {.name = "email", .type = FIELD_STRING, .required = true, .min_len = 3, .max_len = 254,
     .check = contact_email_check},
    {.name = "task", .type = FIELD_STRING, .min_len = 1, .max_len = 200,
     .check = contact_name_check},
    {.name = "task_id", .type = FIELD_STRING, .check = task_id_check},
    {.name = "variant", .type = FIELD_STRING, .min_len = 1, .max_len = 32},
    {.name = "invoice_recipient", .type = FIELD_ENUM, .allowed = recipients},
    {.name = "agreement_period_months", .type = FIELD_INT, .allowed = periods},
    {.name = "administrator_name", .type = FIELD_STRING, .min_len = 1, .max_len = 200,
     .check = contact_name_check},
    {.name = "administrator_email", .type = FIELD_STRING, .min_len = 3, .max_len = 254,
     .check = contact_email_check},
    {.name = "administrator_phone", .type = FIELD_STRING, .min_len = 6, .max_len = 40,
     .check = contact_phone_check},
    {.name = "language", .type = FIELD_ENUM, .allowed = languages},
    {.name = "starts_on", .type = FIELD_STRING, .max_len = 10, .check = date_check},
    {.name = "company_name", .type = FIELD_STRING, .min_len = 1, .max_len = 200,
     .check = contact_name_check},
    {0},
};

static bool known(const char *name)
{
  for (size_t i = 0; batch_known_columns[i]; i++)
    if (strcmp(batch_known_columns[i], name) == 0)
      return true;
  return false;
}

/* The known columns as words, "corporate_id, name, ...", into buf (KNOWN_LIST_LEN); buf. */
static const char *known_list(char *buf)
{
  size_t n = 0;
  buf[0] = '\0';
  for (size_t i = 0; batch_known_columns[i] && n < KNOWN_LIST_LEN; i++)
    n += (size_t)snprintf(buf + n, KNOWN_LIST_LEN - n, "%s%s", i ? ", " : "",
                          batch_known_columns[i]);
  return buf;
}

/* s without the spaces and tabs around it, in place. */
static char *trim(char *s)
{
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    s[--n] = '\0';
  return s;
}

static void set_problem(struct batch_row_problem *p, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_problem(struct batch_row_problem *p, const char *column, const char *fmt, ...)
{
  if (p->column[0])
    return; /* the first problem of a row is the one it names */
  snprintf(p->column, sizeof p->column, "%s", column);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->text, sizeof p->text, fmt, ap);
  va_end(ap);
}

/* Checks one row's cells as an activation's body is checked (a period as a number). */
static void check_shape(json_t *cells, struct batch_row_problem *p)
{
  json_t *typed = json_deep_copy(cells), *errors = json_array();
  const char *period = json_string_value(json_object_get(cells, "agreement_period_months"));
  if (period && strspn(period, "0123456789") == strlen(period) && strlen(period) < 6)
    json_object_set_new(typed, "agreement_period_months", json_integer(atoi(period)));
  if (typed && errors && !validate_object(typed, row_fields, "", errors)) {
    json_t *e = json_array_get(errors, 0);
    const char *field = json_string_value(json_object_get(e, "field"));
    set_problem(p, field ? field : "", "%s: %s", field ? field : "",
                json_string_value(json_object_get(e, "message")));
  }
  json_decref(typed);
  json_decref(errors);
  bool task = json_object_get(cells, "task"), task_id = json_object_get(cells, "task_id");
  if (!task && !task_id)
    set_problem(p, "task",
                "task: required: the name of a task (made when the customer has no open task "
                "of that name), or task_id, the id of an open task of the customer");
  else if (task && task_id)
    set_problem(p, "task_id", "task_id: give either task or task_id, not both");
  static const char *const admin[] = {"administrator_name", "administrator_email",
                                      "administrator_phone"};
  int given = 0;
  for (int i = 0; i < 3; i++)
    given += json_object_get(cells, admin[i]) != NULL;
  for (int i = 0; given > 0 && given < 3 && i < 3; i++)
    if (!json_object_get(cells, admin[i]))
      set_problem(p, admin[i],
                  "%s: required with the other administrator columns: a new administrator "
                  "needs a name, an e-mail address and a phone number",
                  admin[i]);
}

/* Refuses a corporate_id that an earlier row has (normalised). */
static void check_repeats(struct api_upload *u)
{
  struct batch_upload *up = &u->up;
  char (*ids)[CORPORATE_ID_LEN] = calloc(up->n_rows ? up->n_rows : 1, sizeof *ids);
  if (!ids)
    return;
  for (size_t i = 0; i < up->n_rows; i++) {
    const char *cid = json_string_value(json_object_get(up->rows[i].cells, "corporate_id"));
    if (!cid || corporate_id_normalize(cid, ids[i], NULL) == CORPORATE_ID_INVALID)
      continue;
    for (size_t j = 0; j < i; j++)
      if (strcmp(ids[j], ids[i]) == 0) {
        char where[40] = "";
        if (up->rows[j].line)
          snprintf(where, sizeof where, " (line %ld)", up->rows[j].line);
        set_problem(&u->problems[i], "corporate_id",
                    "corporate_id: %s is on row %ld%s of this upload already; a company is "
                    "activated once per batch",
                    ids[i], up->rows[j].row_no, where);
        break;
      }
  }
  free(ids);
}

/* Room for n rows; false when out of memory. */
static bool make_rows(struct api_upload *u, size_t n)
{
  u->up.rows = calloc(n ? n : 1, sizeof *u->up.rows);
  u->problems = calloc(n ? n : 1, sizeof *u->problems);
  u->owned = json_array();
  u->up.columns = json_array();
  if (!u->up.rows || !u->problems || !u->owned || !u->up.columns)
    return false;
  json_array_append(u->owned, u->up.columns); /* u->owned keeps a reference */
  json_decref(u->up.columns);
  u->up.n_rows = n;
  return true;
}

static bool read_csv(struct request *req, struct api_upload *u, enum MHD_Result *r)
{
  struct csv_table t;
  struct csv_problem why;
  enum csv_error e = csv_parse(req->body, req->body_len, BATCH_MAX_ROWS, &t, &why);
  if (e != CSV_OK) {
    csv_free(&t);
    if (e == CSV_TOO_MANY_RECORDS)
      *r = reply_problem(req, ERR_BODY_TOO_LARGE,
                         "A batch has at most %d rows: %s; split the file", BATCH_MAX_ROWS,
                         why.detail);
    else if (e == CSV_NO_MEMORY)
      *r = reply_problem(req, ERR_INTERNAL, "The file could not be read: out of memory");
    else
      *r = reply_problem_extra(req, ERR_BAD_CSV, json_pack("{s:I}", "line", (json_int_t)why.line),
                               "The file cannot be read as CSV: %s", why.detail);
    return false;
  }
  bool ok = make_rows(u, t.n_records);
  for (size_t i = 0; ok && i < t.n_cols; i++) {
    const char *name = t.header[i] = trim(t.header[i]);
    char words[600] = "", list[KNOWN_LIST_LEN];
    if (!name[0])
      snprintf(words, sizeof words, "column %zu of the header line has no name", i + 1);
    else if (!known(name))
      snprintf(words, sizeof words, "the header line names an unknown column \"%.80s\" "
               "(column %zu); the columns are: %s", name, i + 1, known_list(list));
    for (size_t j = 0; !words[0] && j < i; j++)
      if (strcmp(t.header[j], name) == 0)
        snprintf(words, sizeof words, "the header line names the column %s twice", name);
    if (words[0]) {
      util_utf8_sanitize(words);
      *r = reply_problem_extra(req, ERR_BAD_CSV, json_pack("{s:i, s:s}", "line", 1, "column",
                                                          name), "%s", words);
      csv_free(&t);
      return false;
    }
    json_array_append_new(u->up.columns, json_string(name));
  }
  u->up.format = "csv";
  u->up.delimiter = t.delimiter;
  for (size_t i = 0; ok && i < t.n_records; i++) {
    json_t *cells = json_object();
    for (size_t c = 0; cells && c < t.n_cols; c++) {
      const char *v = trim(t.records[i].cells[c]);
      if (v[0])
        json_object_set_new(cells, t.header[c], json_string(v));
    }
    ok = cells && json_array_append_new(u->owned, cells) == 0;
    u->up.rows[i] = (struct batch_row_up){
        .row_no = (long)i + 1, .line = (long)t.records[i].line, .cells = cells};
  }
  csv_free(&t);
  if (!ok)
    *r = reply_problem(req, ERR_INTERNAL, "The upload could not be read");
  else if (u->up.n_rows == 0)
    *r = reply_problem(req, ERR_BAD_CSV, "The file has a header line but no rows");
  return ok && u->up.n_rows > 0;
}

/* A member's value as a cell: a string (trimmed) or a whole number; NULL for null or "". */
static json_t *json_cell(json_t *v, struct batch_row_problem *p, const char *name)
{
  char buf[32];
  if (json_is_integer(v)) {
    snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
    return json_string(buf);
  }
  if (json_is_string(v)) {
    char *s = strdup(json_string_value(v));
    json_t *out = s && trim(s)[0] ? json_string(trim(s)) : NULL;
    free(s);
    return out;
  }
  if (!json_is_null(v))
    set_problem(p, name, "%s: must be a string", name);
  return NULL;
}

static bool read_json(struct request *req, struct api_upload *u, enum MHD_Result *r)
{
  size_t n = json_array_size(req->json);
  if (n == 0) {
    *r = reply_problem(req, ERR_VALIDATION, "The array has no rows; send 1 to %d row objects",
                       BATCH_MAX_ROWS);
    return false;
  }
  if (n > BATCH_MAX_ROWS) {
    *r = reply_problem(req, ERR_BODY_TOO_LARGE,
                       "A batch has at most %d rows, and the array has %zu; split it",
                       BATCH_MAX_ROWS, n);
    return false;
  }
  if (!make_rows(u, n)) {
    *r = reply_problem(req, ERR_INTERNAL, "The upload could not be read");
    return false;
  }
  u->up.format = "json";
  u->up.delimiter = ',';
  bool seen[sizeof batch_known_columns / sizeof batch_known_columns[0]] = {false};
  for (size_t i = 0; i < n; i++) {
    json_t *row = json_array_get(req->json, i), *v;
    const char *name;
    if (!json_is_object(row)) {
      *r = reply_problem(req, ERR_VALIDATION, "Row %zu of the array is not an object", i + 1);
      return false;
    }
    json_t *cells = json_object();
    json_array_append_new(u->owned, cells);
    u->up.rows[i] = (struct batch_row_up){.row_no = (long)i + 1, .cells = cells};
    json_object_foreach(row, name, v) {
      if (!known(name)) {
        char shown[100], list[KNOWN_LIST_LEN];
        snprintf(shown, sizeof shown, "%.80s", name);
        util_utf8_sanitize(shown);
        *r = reply_problem(req, ERR_VALIDATION,
                           "Row %zu has an unknown member \"%s\"; the members are: %s", i + 1,
                           shown, known_list(list));
        return false;
      }
      json_t *cell = json_cell(v, &u->problems[i], name);
      if (cell)
        json_object_set_new(cells, name, cell);
    }
    for (size_t c = 0; batch_known_columns[c]; c++)
      seen[c] = seen[c] || json_object_get(row, batch_known_columns[c]);
  }
  for (size_t c = 0; batch_known_columns[c]; c++)
    if (seen[c])
      json_array_append_new(u->up.columns, json_string(batch_known_columns[c]));
  return true;
}

bool api_upload_read(struct request *req, struct api_upload *u, enum MHD_Result *r)
{
  memset(u, 0, sizeof *u);
  u->up.caller = &req->principal;
  if (!(req->json ? read_json(req, u, r) : read_csv(req, u, r)))
    return false;
  for (size_t i = 0; i < u->up.n_rows; i++)
    check_shape(u->up.rows[i].cells, &u->problems[i]);
  check_repeats(u);
  for (size_t i = 0; i < u->up.n_rows; i++)
    if (u->problems[i].column[0]) {
      u->up.rows[i].problem_column = u->problems[i].column;
      u->up.rows[i].problem = u->problems[i].text;
    }
  return true;
}

void api_upload_free(struct api_upload *u)
{
  json_decref(u->owned);
  free(u->up.rows);
  free(u->problems);
  memset(u, 0, sizeof *u);
}
