/* Unit tests of the CSV reader (csv.h): the delimiter from the header line, the BOM, CRLF and
 * LF, quoted cells holding delimiters, quotes and line breaks, empty cells, skipped blank rows,
 * and each refusal naming its line (bad UTF-8, an open quote, a stray quote, too many cells or
 * records). Also that csv_append_cell's output reads back as the cell. */
#include "csv.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

TEST_MAIN_DEFS

static enum csv_error parse(const char *s, struct csv_table *t, struct csv_problem *why)
{
  return csv_parse(s, strlen(s), 0, t, why);
}

static void swedish_export(void)
{
  const char *s = "\xEF\xBB\xBF" "corporate_id;name;task\r\n"
                  "556036-0793;Bj\xC3\xB6rk & S\xC3\xB6ner AB;L\xC3\xB6pande bokf\xC3\xB6ring\r\n"
                  ";\"Kaf\xC3\xA9 \"\"Sj\xC3\xB6\"\"; hamnen\";\r\n"
                  ";;\r\n"
                  "\r\n"
                  "5560360793;\"Rad ett\r\nrad tv\xC3\xA5\";\xC3\x85r 2027\r\n";
  struct csv_table t;
  struct csv_problem why;
  CHECK_INT(parse(s, &t, &why), CSV_OK);
  CHECK(t.had_bom);
  CHECK_INT(t.delimiter, ';');
  CHECK_INT(t.n_cols, 3);
  CHECK_STR(t.header[0], "corporate_id");
  CHECK_STR(t.header[2], "task");
  CHECK_INT(t.n_records, 3); /* the row of empty cells and the blank line are not records */
  CHECK_INT(t.records[0].line, 2);
  CHECK_STR(t.records[0].cells[1], "Bj\xC3\xB6rk & S\xC3\xB6ner AB");
  CHECK_STR(t.records[1].cells[0], "");
  CHECK_STR(t.records[1].cells[1], "Kaf\xC3\xA9 \"Sj\xC3\xB6\"; hamnen");
  CHECK_STR(t.records[1].cells[2], "");
  CHECK_INT(t.records[1].line, 3);
  CHECK_INT(t.records[2].line, 6);
  CHECK_STR(t.records[2].cells[1], "Rad ett\r\nrad tv\xC3\xA5");
  CHECK_STR(t.records[2].cells[2], "\xC3\x85r 2027");
  csv_free(&t);
}

static void comma_lf_short_rows(void)
{
  struct csv_table t;
  struct csv_problem why;
  /* commas outside quotes decide; a ';' inside quotes does not count; no final newline */
  CHECK_INT(parse("\"a;b;c\",d\nx,\"y\n\"\nlast", &t, &why), CSV_OK);
  CHECK(!t.had_bom);
  CHECK_INT(t.delimiter, ',');
  CHECK_INT(t.n_cols, 2);
  CHECK_STR(t.header[0], "a;b;c");
  CHECK_INT(t.n_records, 2);
  CHECK_STR(t.records[0].cells[1], "y\n");
  CHECK_INT(t.records[1].line, 4);
  CHECK_STR(t.records[1].cells[0], "last");
  CHECK_STR(t.records[1].cells[1], ""); /* a short row: the rest are empty */
  csv_free(&t);
  /* extra empty cells at the end of a row (a spreadsheet's formatted column) are fine */
  CHECK_INT(parse("a;b\n1;2;;\n", &t, &why), CSV_OK);
  CHECK_INT(t.n_records, 1);
  csv_free(&t);
  /* only a header */
  CHECK_INT(parse("a;b\r\n", &t, &why), CSV_OK);
  CHECK_INT(t.n_records, 0);
  csv_free(&t);
}

static void expect_problem(const char *s, size_t len, size_t max, enum csv_error code,
                           size_t line, const char *words)
{
  struct csv_table t;
  struct csv_problem why;
  CHECK_INT(csv_parse(s, len, max, &t, &why), code);
  CHECK_INT(why.code, code);
  CHECK_INT(why.line, line);
  CHECK_MSG(strstr(why.detail, words) != NULL, "'%s' lacks '%s'", why.detail, words);
  CHECK_INT(t.n_records, 0);
  CHECK(t.records == NULL);
  csv_free(&t);
}

static void problems(void)
{
  expect_problem("", 0, 0, CSV_EMPTY, 0, "header line");
  expect_problem("\xEF\xBB\xBF\r\n;;\r\n", 9, 0, CSV_EMPTY, 0, "empty");
  expect_problem("a;b\n1;2\nBj\xF6rk;3\n", 17, 0, CSV_BAD_UTF8, 3, "line 3 is not valid UTF-8");
  expect_problem("a;b\n1;\xC3\n", 8, 0, CSV_BAD_UTF8, 2, "byte 3 of the line");
  expect_problem("a;b\n1;2\0\n", 9, 0, CSV_BAD_UTF8, 2, "line 2");
  expect_problem("a;b\n1;\"open\n\n", 13, 0, CSV_OPEN_QUOTE, 2, "line 2: a quoted cell");
  expect_problem("a;b\n1;x\"y\n", 10, 0, CSV_STRAY_QUOTE, 2, "quote inside an unquoted");
  expect_problem("a;b\n\"x\"y;1\n", 11, 0, CSV_STRAY_QUOTE, 2, "follows the closing quote");
  expect_problem("a;b\n1;2\n1;2;3\n", 14, 0, CSV_TOO_MANY_CELLS, 3, "line 3 has 3 cells");
  expect_problem("a\n1\n2\n3\n", 8, 2, CSV_TOO_MANY_RECORDS, 4, "more than 2 rows");
  /* a header of many columns over short lines would cost rows x columns: refused at once */
  char wide[CSV_MAX_COLUMNS + 16];
  size_t n = 0;
  wide[n++] = 'a';
  for (int i = 0; i < CSV_MAX_COLUMNS; i++) /* 257 columns */
    wide[n++] = ';';
  memcpy(wide + n, "\nx\nx\n", 5);
  expect_problem(wide, n + 5, 0, CSV_TOO_MANY_COLUMNS, 1, "names 257 columns");
  memmove(wide + n - 1, wide + n, 5); /* 256 columns: read */
  struct csv_table t;
  struct csv_problem why;
  CHECK_INT(csv_parse(wide, n + 4, 0, &t, &why), CSV_OK);
  CHECK_INT(t.n_cols, CSV_MAX_COLUMNS);
  CHECK_INT(t.n_records, 2);
  csv_free(&t);
}

/* Writing a cell and reading it back gives the cell. */
static void round_trip(void)
{
  const char *cells[] = {"plain", "semi;colon", "quo\"te", "two\r\nlines", "", "\xC3\xA5\xC3\xA4"};
  const char *header[] = {"h", "h", "h", "h", "h", "h"};
  char *buf = NULL;
  size_t len = 0, cap = 0;
  CHECK(csv_append_record(&buf, &len, &cap, header, 6, ';'));
  CHECK(csv_append_record(&buf, &len, &cap, cells, 6, ';'));
  CHECK_INT(len, strlen(buf));
  CHECK_STR(buf, "h;h;h;h;h;h\r\nplain;\"semi;colon\";\"quo\"\"te\";\"two\r\nlines\";;"
                 "\xC3\xA5\xC3\xA4\r\n");
  struct csv_table t;
  struct csv_problem why;
  CHECK_INT(parse(buf, &t, &why), CSV_OK);
  CHECK_INT(t.n_records, 1);
  for (size_t i = 0; t.n_records == 1 && i < 6; i++)
    CHECK_STR(t.records[0].cells[i], cells[i]);
  csv_free(&t);
  free(buf);
}

int main(void)
{
  swedish_export();
  comma_lf_short_rows();
  problems();
  round_trip();
  return TEST_REPORT();
}
