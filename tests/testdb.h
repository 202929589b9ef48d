/* testdb.h - the database a test runs on, on either engine. scripts/test.sh runs the suites
 * once on SQLite and once more with ADVISORD_TEST_PG set to the URL of a throwaway PostgreSQL
 * cluster's "postgres" database (scripts/pg_cluster.sh): then every server or store a test
 * makes gets a fresh PostgreSQL database of its own. The readers below go through the store's
 * own engines, so a test reads the same way on both. */
#ifndef ADVISORD_TESTDB_H
#define ADVISORD_TESTDB_H

#include <stdbool.h>
#include <stddef.h>

struct store;

/* ctest's SKIP_RETURN_CODE: a test that only means something on one engine exits with it. */
#define TESTDB_SKIP 77

/* True when the tests run on PostgreSQL (ADVISORD_TEST_PG is set). */
bool testdb_pg(void);
/* The URL of a fresh database into url: on SQLite sqlite_path itself (not created here), on
 * PostgreSQL a new empty database. Exits the test (status 2) when it cannot be made. */
void testdb_new(char *url, size_t len, const char *sqlite_path);
/* A store test's own database: the folder dir (an mkdtemp template, filled in), url as
 * testdb_new sets it for <dir>/t.db, and the store opened on it with its migrations (the
 * caller's: store_close through testdb_store_temp_end). Exits the test (status 2) when any of
 * them cannot be made. */
struct store *testdb_store_temp(char *dir, char *url, size_t url_len);
/* Closes st, drops its database (on PostgreSQL) and removes dir; false when dir remains. */
bool testdb_store_temp_end(struct store *st, const char *dir, const char *url);
/* Removes a database testdb_new made on PostgreSQL (closing its connections); nothing on
 * SQLite (the test removes its folder). */
void testdb_drop(const char *url);
/* Runs sql, whose "?" placeholders take the text values params[0..] in order (a NULL-ended
 * list, may be NULL), and calls fn (may be NULL) for each row with its first ncols columns as
 * text (NULL for SQL NULL). Returns the number of rows, -1 when the statement fails. */
int testdb_rows(const char *url, const char *sql, const char *const *params, int ncols,
                void (*fn)(const char *const *cols, void *arg), void *arg);
/* The integer in the first column of the first row of sql ("?" bound to param when given);
 * -1 when the statement fails or returns no row. */
long long testdb_int(const char *url, const char *sql, const char *param);
/* As testdb_int on a store the test keeps open (store_open(url, false, ...)): for many reads. */
long long testdb_int_on(struct store *st, const char *sql, const char *param);
/* Runs sql ("?" bound to param when given) on the database; false when it fails. */
bool testdb_exec(const char *url, const char *sql, const char *param);
/* True when the file at path holds needle (false when it cannot be read). */
bool test_file_contains(const char *path, const char *needle);
/* Runs sql ("?" bound to param when given, may be NULL) on the database at url in another
 * process, as the CLI would: this program again (a fresh process image: SQLite's state must not
 * be shared through a fork), whose main first hands its arguments to testdb_other_main. False
 * when it failed. */
bool testdb_exec_other(const char *url, const char *sql, const char *param);
/* First in the main of a program that calls testdb_exec_other: when argv is that call's, runs it
 * and returns the exit status for main to return; else -1. */
int testdb_other_main(int argc, char **argv);
/* True when needle occurs anywhere in the stored data: on SQLite in the file or its WAL, on
 * PostgreSQL in a pg_dump of the database's data. */
bool testdb_contains(const char *url, const char *needle);

#endif
