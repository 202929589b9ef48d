/* fuzz_csv.c - libFuzzer target: the CSV reader of uploads (core/csv.c). Any input is read or
 * refused with a line and words, never crashes; a table that was read, written again with
 * csv_append_record (after a BOM), reads back with the same delimiter, columns and cells. */
#include "csv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct csv_table *t)
{
  char *buf = NULL;
  size_t len = 0, cap = 0;
  const char bom[] = "\xEF\xBB\xBF";
  buf = malloc(4);
  if (!buf)
    return;
  memcpy(buf, bom, 4);
  len = 3;
  cap = 4;
  bool ok = csv_append_record(&buf, &len, &cap, (const char *const *)t->header, t->n_cols,
                              t->delimiter);
  for (size_t r = 0; ok && r < t->n_records; r++)
    ok = csv_append_record(&buf, &len, &cap, (const char *const *)t->records[r].cells,
                           t->n_cols, t->delimiter);
  if (!ok) {
    free(buf);
    return;
  }
  struct csv_table again;
  struct csv_problem why;
  if (csv_parse(buf, len, 0, &again, &why) != CSV_OK)
    abort(); /* what was written must read */
  if (again.delimiter == t->delimiter) { /* unquoted cells may hold the other one */
    if (again.n_cols != t->n_cols || again.n_records != t->n_records)
      abort();
    for (size_t i = 0; i < t->n_cols; i++)
      if (strcmp(again.header[i], t->header[i]) != 0)
        abort();
    for (size_t r = 0; r < t->n_records; r++)
      for (size_t i = 0; i < t->n_cols; i++)
        if (strcmp(again.records[r].cells[i], t->records[r].cells[i]) != 0)
          abort();
  }
  csv_free(&again);
  free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct csv_table t;
  struct csv_problem why;
  enum csv_error e = csv_parse((const char *)data, size, 1000, &t, &why);
  if (e != CSV_OK) {
    if (why.code != e || !why.detail[0] || t.records || t.n_records)
      abort(); /* a refusal says why, and leaves nothing behind */
  } else {
    if (t.n_cols == 0 || (t.delimiter != ';' && t.delimiter != ','))
      abort();
    for (size_t r = 1; r < t.n_records; r++)
      if (t.records[r].line <= t.records[r - 1].line)
        abort();
    round_trip(&t);
  }
  csv_free(&t);
  return 0;
}
