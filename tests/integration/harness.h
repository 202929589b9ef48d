/* harness.h - integration tests: start the real advisord on an ephemeral port with a temporary
 * database, talk HTTP to it with libcurl, run its admin commands. When ADVISORD_TRACE_DIR is
 * set, every exchange is appended to a JSON-lines file there for the contract check. */
#ifndef ADVISORD_TEST_HARNESS_H
#define ADVISORD_TEST_HARNESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct server {
  pid_t pid;
  int port;
  char dir[256];     /* temporary folder holding the database and the log */
  char db[400];      /* the database's URL: a file in dir, or a PostgreSQL database (testdb.h) */
  char log[300];
  char base[64];     /* http://127.0.0.1:PORT */
};

struct resp {
  long status;
  char *body;        /* NUL-terminated */
  size_t body_len;
  char *headers;     /* raw header block, lower-cased names */
  json_t *json;      /* parsed body or NULL */
};

/* The whole file at path, NUL-terminated (malloc'd, the caller frees), or NULL; its length in
 * *len when len is not NULL. */
char *file_slurp(const char *path, size_t *len);

/* Starts advisord with the given extra arguments (NULL-terminated, may be NULL) placed before
 * "serve"; extra environment "NAME=value" entries (NULL-terminated, may be NULL). Aborts the
 * test on failure. */
void server_start(struct server *s, const char *const *args, const char *const *env);
/* Sends SIGTERM and waits; returns the exit status (or -1). Removes the folder unless keep. */
int server_stop(struct server *s, bool keep);

/* One HTTP exchange. headers: NULL-terminated "Name: value" list or NULL. body may be NULL.
 * Returns false when the connection failed. Free r with resp_free. */
bool http(struct server *s, const char *method, const char *path, const char *const *headers,
          const char *body, struct resp *r);
/* As http, for the web app's pages and files (and /openapi.*, /docs): not traced, since
 * openapi.yaml describes the API and not the pages that use it. */
bool http_web(struct server *s, const char *method, const char *path,
              const char *const *headers, struct resp *r);
/* Shorthand with an optional bearer token and a JSON body. */
bool api(struct server *s, const char *method, const char *path, const char *token,
         const char *body, struct resp *r);
/* As api, with extra request headers (NULL-terminated "Name: value" list, may be NULL). */
bool api_with(struct server *s, const char *method, const char *path, const char *token,
              const char *body, const char *const *extra, struct resp *r);
void resp_free(struct resp *r);
/* The value of a response header (lower-case name) copied into buf; false when absent. */
bool resp_header(const struct resp *r, const char *name, char *buf, size_t len);
/* A string member of the JSON body by dotted path ("company.corporate_id"), NULL when absent. */
const char *resp_str(const struct resp *r, const char *path);

/* How many times needle occurs in the server's log so far. */
int server_log_count(const struct server *s, const char *needle);
/* server_log_count, read again every 20 ms until it is at least n or timeout_ms passed: a line
 * the server writes after its answer went out (the access log, on_completed) may come later
 * than the answer on a slow machine. The last count. */
int server_log_wait(const struct server *s, const char *needle, int n, long timeout_ms);

/* The port of the --metrics-bind listener, from its start line in the log; 0 when absent. */
int server_metrics_port(const struct server *s);
/* The value of one series ("name" or "name{labels}" as the exposition writes it) scraped from
 * the --metrics-bind listener; -1 when the scrape failed or the series is absent. */
double server_metric(struct server *s, const char *series);

/* The path of the advisord binary under test. */
const char *harness_bin(void);

/* Runs "advisord --db <db> <args...>", capturing standard output (malloc'd, caller frees).
 * Returns the exit status. */
int run_cli(struct server *s, const char *const *args, char **out);
/* The value of the last line "key: value" in text, copied into buf; false when absent. */
bool cli_value(const char *text, const char *key, char *buf, size_t len);

#endif
