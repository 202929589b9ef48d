/* csv.c - the CSV reader of csv.h: one pass over the upload that writes every cell, unquoted,
 * into one buffer (never longer than the upload plus one byte per cell), then the records as
 * pointers into it. */
#include "csv.h"
#include "util.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The parse in progress: cells as offsets into text, records as (first cell, count, line). */
struct parse {
  const char *src;
  size_t n, pos, line;
  char d;
  char *text;
  size_t text_len;
  size_t *cell_at; /* offset in text of each cell kept so far */
  size_t n_cells, cap_cells;
  struct span {
    size_t first, count, line;
  } *recs;
  size_t n_recs, cap_recs;
};

static enum csv_error fail(struct csv_problem *why, enum csv_error code, size_t line,
                           const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum csv_error fail(struct csv_problem *why, enum csv_error code, size_t line,
                           const char *fmt, ...)
{
  why->code = code;
  why->line = line;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why->detail, sizeof why->detail, fmt, ap);
  va_end(ap);
  return code;
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
  if (need <= *cap)
    return true;
  size_t n = *cap ? *cap * 2 : 64;
  while (n < need)
    n *= 2;
  void *q = realloc(*p, n * size);
  if (!q)
    return false;
  *p = q;
  *cap = n;
  return true;
}

/* The delimiter of the header line (the first that is not blank): ';' when it has more
 * semicolons than commas outside quotes, else ','. */
static char pick_delimiter(const char *s, size_t n)
{
  size_t semi = 0, comma = 0, i = 0;
  bool quoted = false;
  while (i < n && (s[i] == '\r' || s[i] == '\n'))
    i++;
  for (; i < n && (quoted || (s[i] != '\n' && s[i] != '\r')); i++) {
    if (s[i] == '"')
      quoted = !quoted;
    else if (!quoted && s[i] == ';')
      semi++;
    else if (!quoted && s[i] == ',')
      comma++;
  }
  return semi > comma ? ';' : ',';
}

/* Reads one cell at p->pos into text; stops before the delimiter or line end. */
static enum csv_error read_cell(struct parse *p, size_t rec_line, struct csv_problem *why)
{
  const char *s = p->src;
  if (p->pos < p->n && s[p->pos] == '"') {
    p->pos++;
    for (;;) {
      if (p->pos >= p->n)
        return fail(why, CSV_OPEN_QUOTE, rec_line,
                    "line %zu: a quoted cell is not closed (a \" is missing)", rec_line);
      char ch = s[p->pos];
      if (ch == '"') {
        if (p->pos + 1 < p->n && s[p->pos + 1] == '"') {
          p->text[p->text_len++] = '"';
          p->pos += 2;
          continue;
        }
        p->pos++;
        break;
      }
      if (ch == '\n')
        p->line++;
      p->text[p->text_len++] = ch;
      p->pos++;
    }
    if (p->pos < p->n && s[p->pos] != p->d && s[p->pos] != '\r' && s[p->pos] != '\n')
      return fail(why, CSV_STRAY_QUOTE, p->line,
                  "line %zu: text follows the closing quote of a cell (write a quote inside "
                  "a quoted cell as \"\")",
                  p->line);
    return CSV_OK;
  }
  while (p->pos < p->n && s[p->pos] != p->d && s[p->pos] != '\n' && s[p->pos] != '\r') {
    if (s[p->pos] == '"')
      return fail(why, CSV_STRAY_QUOTE, p->line,
                  "line %zu: a quote inside an unquoted cell (quote the whole cell and write "
                  "the quote as \"\")",
                  p->line);
    p->text[p->text_len++] = s[p->pos++];
  }
  return CSV_OK;
}

/* Reads one record (its cells, then its line end). */
static enum csv_error read_record(struct parse *p, struct csv_problem *why)
{
  size_t first = p->n_cells, line = p->line;
  bool all_empty = true;
  for (;;) {
    if (!grow((void **)&p->cell_at, &p->cap_cells, p->n_cells + 1, sizeof *p->cell_at))
      return fail(why, CSV_NO_MEMORY, 0, "out of memory");
    size_t start = p->text_len;
    enum csv_error e = read_cell(p, line, why);
    if (e != CSV_OK)
      return e;
    if (p->text_len > start)
      all_empty = false;
    p->text[p->text_len++] = '\0';
    p->cell_at[p->n_cells++] = start;
    if (p->pos < p->n && p->src[p->pos] == p->d) {
      p->pos++;
      continue;
    }
    break;
  }
  if (p->pos < p->n && p->src[p->pos] == '\r')
    p->pos++;
  if (p->pos < p->n && p->src[p->pos] == '\n')
    p->pos++;
  p->line++;
  if (all_empty) { /* a blank line, or a row of empty cells: not a record */
    p->n_cells = first;
    return CSV_OK;
  }
  if (!grow((void **)&p->recs, &p->cap_recs, p->n_recs + 1, sizeof *p->recs))
    return fail(why, CSV_NO_MEMORY, 0, "out of memory");
  p->recs[p->n_recs++] = (struct span){first, p->n_cells - first, line};
  return CSV_OK;
}

/* Checks that the upload is UTF-8 without NUL bytes; names the line of the first bad byte. */
static enum csv_error check_utf8(const char *s, size_t n, struct csv_problem *why)
{
  size_t at = n;
  for (size_t i = 0; i < n;) {
    /* the last bytes are read from a NUL-padded copy: data need not be NUL-terminated */
    unsigned char tail[4] = {0};
    const unsigned char *p = (const unsigned char *)s + i;
    if (n - i < sizeof tail)
      p = memcpy(tail, p, n - i);
    size_t k = p[0] ? util_utf8_seq_len(p) : 0;
    if (k == 0) {
      at = i;
      break;
    }
    i += k;
  }
  if (at == n)
    return CSV_OK;
  size_t line = 1, line_start = 0;
  for (size_t i = 0; i < at; i++)
    if (s[i] == '\n') {
      line++;
      line_start = i + 1;
    }
  return fail(why, CSV_BAD_UTF8, line,
              "line %zu is not valid UTF-8 (byte %zu of the line is the first bad one; save the "
              "file as \"CSV UTF-8\")",
              line, at - line_start + 1);
}

/* Turns the offsets of p into t's pointers: n_cols per record, "" where a record is short. */
static enum csv_error build(struct parse *p, struct csv_table *t, struct csv_problem *why)
{
  if (p->n_recs == 0)
    return fail(why, CSV_EMPTY, 0, "the file is empty: it needs a header line naming the columns");
  size_t cols = p->recs[0].count;
  t->n_cols = cols;
  t->n_records = p->n_recs - 1;
  t->cells_ = calloc(p->n_recs * cols, sizeof *t->cells_);
  t->records = calloc(t->n_records ? t->n_records : 1, sizeof *t->records);
  if (!t->cells_ || !t->records)
    return fail(why, CSV_NO_MEMORY, 0, "out of memory");
  char *empty = p->text + p->text_len; /* the NUL after the last cell */
  for (size_t r = 0; r < p->n_recs; r++) {
    const struct span *sp = &p->recs[r];
    for (size_t i = sp->count; i > cols; i--)
      if (p->text[p->cell_at[sp->first + i - 1]] != '\0')
        return fail(why, CSV_TOO_MANY_CELLS, sp->line,
                    "line %zu has %zu cells, but the header line names %zu columns (quote a "
                    "cell that holds a '%c')",
                    sp->line, sp->count, cols, p->d);
    char **row = t->cells_ + r * cols;
    for (size_t i = 0; i < cols; i++)
      row[i] = i < sp->count ? p->text + p->cell_at[sp->first + i] : empty;
    if (r > 0)
      t->records[r - 1] = (struct csv_record){.line = sp->line, .cells = row};
  }
  t->header = t->cells_;
  return CSV_OK;
}

enum csv_error csv_parse(const char *data, size_t len, size_t max_records, struct csv_table *out,
                         struct csv_problem *why)
{
  memset(out, 0, sizeof *out);
  memset(why, 0, sizeof *why);
  struct parse p = {.src = data, .n = len, .line = 1};
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
    out->had_bom = true;
    p.src += 3;
    p.n -= 3;
  }
  enum csv_error e = check_utf8(p.src, p.n, why);
  if (e != CSV_OK)
    return e;
  p.d = out->delimiter = pick_delimiter(p.src, p.n);
  p.text = out->text_ = malloc(p.n + 2);
  if (!p.text)
    return fail(why, CSV_NO_MEMORY, 0, "out of memory");
  while (e == CSV_OK && p.pos < p.n) {
    e = read_record(&p, why);
    if (e == CSV_OK && p.n_recs == 1 && p.recs[0].count > CSV_MAX_COLUMNS)
      e = fail(why, CSV_TOO_MANY_COLUMNS, p.recs[0].line,
               "the header line (line %zu) names %zu columns; at most %d are read",
               p.recs[0].line, p.recs[0].count, CSV_MAX_COLUMNS);
    else if (e == CSV_OK && max_records && p.n_recs > max_records + 1)
      e = fail(why, CSV_TOO_MANY_RECORDS, p.recs[p.n_recs - 1].line,
               "the file has more than %zu rows after the header line (line %zu is row %zu)",
               max_records, p.recs[p.n_recs - 1].line, p.n_recs - 1);
  }
  if (e == CSV_OK) {
    p.text[p.text_len] = '\0';
    e = build(&p, out, why);
  }
  free(p.cell_at);
  free(p.recs);
  if (e != CSV_OK)
    csv_free(out);
  return e;
}

void csv_free(struct csv_table *t)
{
  free(t->text_);
  free(t->cells_);
  free(t->records);
  memset(t, 0, sizeof *t);
}

static bool append_cell(char **buf, size_t *len, size_t *cap, const char *cell)
{
  size_t n = strlen(cell);
  /* either delimiter is quoted, so that a reader picks the one the header line separates by */
  bool quote = strpbrk(cell, "\";,\r\n") != NULL;
  if (!grow((void **)buf, cap, *len + 2 * n + 6, 1))
    return false;
  char *o = *buf + *len;
  if (quote)
    *o++ = '"';
  for (const char *c = cell; *c; c++) {
    if (*c == '"')
      *o++ = '"';
    *o++ = *c;
  }
  if (quote)
    *o++ = '"';
  *o = '\0';
  *len = (size_t)(o - *buf);
  return true;
}

bool csv_append_record(char **buf, size_t *len, size_t *cap, const char *const *cells,
                       size_t n, char d)
{
  for (size_t i = 0; i < n; i++) {
    if (!append_cell(buf, len, cap, cells[i] ? cells[i] : ""))
      return false;
    /* room was made for the cell's quotes plus a separator or CRLF and the NUL */
    if (i + 1 < n)
      (*buf)[(*len)++] = d;
  }
  if (!grow((void **)buf, cap, *len + 3, 1))
    return false;
  memcpy(*buf + *len, "\r\n", 3);
  *len += 2;
  return true;
}
