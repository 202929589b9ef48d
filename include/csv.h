/* csv.h - a CSV reader for uploads from spreadsheets (RFC 4180): UTF-8 with or without a BOM,
 * the delimiter (';' as Swedish spreadsheets export, or ',') taken from the header line,
 * quoted cells with "" for a quote (they may hold the delimiter and line breaks), CRLF or LF
 * line ends. Pure: no I/O. */
#ifndef ADVISORD_CSV_H
#define ADVISORD_CSV_H

#include <stdbool.h>
#include <stddef.h>

/* One record after the header. cells[i] belongs to the header's column i; a record with fewer
 * cells than the header has "" for the rest. */
struct csv_record {
  size_t line;   /* the line of the file it starts on, counting from 1 (the header's is 1) */
  char **cells;  /* n_cols of them, NUL-terminated, pointing into the table's text */
};

struct csv_table {
  char delimiter;      /* ';' or ',' */
  bool had_bom;
  size_t n_cols;
  char **header;       /* n_cols names, as written (not trimmed) */
  size_t n_records;
  struct csv_record *records;
  /* private: the storage the pointers above point into */
  char *text_;
  char **cells_;
};

enum csv_error {
  CSV_OK = 0,
  CSV_EMPTY,        /* no header line */
  CSV_BAD_UTF8,     /* a byte that is not UTF-8 (or a NUL byte) on line err->line */
  CSV_OPEN_QUOTE,   /* a quoted cell is not closed by the end of the file */
  CSV_STRAY_QUOTE,  /* a quote inside an unquoted cell, or text after a closing quote */
  CSV_TOO_MANY_CELLS, /* a record with more cells than the header */
  CSV_TOO_MANY_RECORDS, /* more than max_records records after the header */
  CSV_TOO_MANY_COLUMNS, /* a header line of more than CSV_MAX_COLUMNS columns */
  CSV_NO_MEMORY,
};

/* The most columns a header line may name: every record gets a cell for each, so a long header
 * over many short lines would cost rows x columns pointers. */
#define CSV_MAX_COLUMNS 256

struct csv_problem {
  enum csv_error code;
  size_t line;       /* where it was found (0: not about a line) */
  char detail[200];  /* in plain words, naming the line */
};

/* Reads len bytes of data (need not be NUL-terminated) into *out. Lines that are empty, or
 * whose cells are all empty (as spreadsheets export trailing rows), are skipped. At most
 * max_records records after the header (0: no limit). Returns CSV_OK, or the first problem
 * (also in *why) with *out empty. Free *out with csv_free (on failure too). */
enum csv_error csv_parse(const char *data, size_t len, size_t max_records, struct csv_table *out,
                         struct csv_problem *why);
/* Frees what t owns; t is empty afterwards. */
void csv_free(struct csv_table *t);

/* Appends one record of n cells to buf, separated by d and ended by CRLF; a cell is quoted
 * (quotes doubled) when it holds a ';', a ',', a quote, CR or LF. buf (malloc'd, the caller frees) grows
 * as needed and stays NUL-terminated; *len and *cap track it. False: out of memory. */
bool csv_append_record(char **buf, size_t *len, size_t *cap, const char *const *cells,
                       size_t n, char d);

#endif
