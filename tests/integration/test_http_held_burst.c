/* Integration test: a burst of connections while a worker is held, with a small
 * --max-connections. `--threads 2 --max-connections 8`. On SQLite another process (this one)
 * holds the database's write lock, so a POST holds one worker in its callback; after 300 ms
 * a burst of 5 connections (more than a worker's share of the limit, 4) each sends
 * GET /healthz. Every one must be answered 200 within a second (none waits behind the held
 * worker), libmicrohttpd must refuse none (0.9.75 refuses a connection added past a worker's
 * share, and when it was queued leaves the worker's cleanup mutex locked: the worker
 * deadlocks and MHD_stop_daemon never returns), and SIGTERM must end the server within a few
 * seconds. The branch's first accept thread (front18) sent every connection to the free
 * worker whatever its share: refusals, or the deadlock.
 *
 * Still during the hold, ROUNDS bursts of 6 keep-alive GETs: with the POST 7 connections, the
 * watchdog's pressure level (7 of 8). All 6 must be answered each time. The accept thread
 * admits a burst at once, so the sixth arrives while the other five are still reading their
 * heads (requests already in their socket buffers); the watchdog used to cut the oldest of
 * them, 0-1 ms old, without an answer (conn19: a head gets a grace before it gives way).
 * Then a burst of 6 with no worker held (on PostgreSQL only that). */
#include "fixtures.h"
#include "harness.h"
#include "rawclient.h"
#include "testlib.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testdb.h"

TEST_MAIN_DEFS

#define MAX_BURST 8
#define ROUNDS 4
#define STOP_MS 5000

static struct server s;
static char office[FX_ID_LEN], token[FX_TOKEN_LEN];
static long wstatus;

static void *writer(void *arg)
{
  (void)arg;
  struct resp r;
  const char *body = "{\"corporate_id\":\"556700-0012\",\"name\":\"L AB\",\"email\":\"a@b.se\"}";
  if (api(&s, "POST", "/v1/customers", token, body, &r))
    wstatus = r.status;
  resp_free(&r);
  return NULL;
}

/* n connections opened at once, then a request on each (keep_alive: without
 * "Connection: close"); each reply read (and the connection closed) in turn. Returns how many
 * were answered 200 within a second. */
static int burst(const char *what, int n_conns, bool keep_alive)
{
  int fds[MAX_BURST];
  for (int i = 0; i < n_conns; i++) {
    fds[i] = raw_connect(&s, "127.0.0.1", false);
    CHECK(fds[i] >= 0);
  }
  const char *req = keep_alive ? "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                               : "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  double t0 = raw_now_ms();
  for (int i = 0; i < n_conns; i++)
    CHECK(send(fds[i], req, strlen(req), MSG_NOSIGNAL) == (ssize_t)strlen(req));
  int ok = 0;
  for (int i = 0; i < n_conns; i++) {
    struct timeval tv = {.tv_sec = 10};
    setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[512];
    ssize_t n = recv(fds[i], buf, sizeof buf - 1, 0);
    double ms = raw_now_ms() - t0;
    bool good = n > 12 && strncmp(buf, "HTTP/1.1 200", 12) == 0;
    if (!good || ms > 1000)
      fprintf(stderr, "%s: connection %d: %s after %.0f ms\n", what, i,
              good ? "200" : n < 0 ? strerror(errno) : "closed without a reply", ms);
    ok += good && ms <= 1000;
    close(fds[i]);
  }
  fprintf(stderr, "%s: %d of %d answered within a second\n", what, ok, n_conns);
  return ok;
}

/* SIGTERM; the server must exit (0) within STOP_MS, else it is killed and the test fails. */
static void stop_in_time(void)
{
  kill(s.pid, SIGTERM);
  double t0 = raw_now_ms();
  int status = -1;
  pid_t got = 0;
  while ((got = waitpid(s.pid, &status, WNOHANG)) == 0 && raw_now_ms() - t0 < STOP_MS)
    usleep(20 * 1000);
  if (got != s.pid) {
    fprintf(stderr, "the server did not stop within %d ms of SIGTERM: killed\n", STOP_MS);
    kill(s.pid, SIGKILL);
    waitpid(s.pid, &status, 0);
  }
  CHECK_MSG(got == s.pid, "SIGTERM did not stop the server within %d ms", STOP_MS);
  CHECK(got == s.pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
  s.pid = 0; /* server_stop: already stopped */
}

int main(void)
{
  const char *args[] = {"--threads", "2", "--max-connections", "8", NULL};
  server_start(&s, args, NULL);
  if (!testdb_pg()) {
    fx_office(&s, "Byrå Lås AB", "5560360793", "info@byra-las.se", office, token);
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(s.db, &db) == SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    CHECK(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, writer, NULL) == 0);
    usleep(300 * 1000); /* the write waits for the lock, holding its worker */
    CHECK_INT(burst("held", 5, false), 5);
    for (int i = 0; i < ROUNDS; i++) {
      usleep(100 * 1000); /* the last burst's connections gone */
      CHECK_INT(burst("held, keep-alive", 6, true), 6);
    }
    pthread_join(th, NULL);
    CHECK_INT(wstatus, 503);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(db);
  }
  CHECK_INT(burst("free", 6, false), 6);
  CHECK_INT(server_log_count(&s, "connection limit"), 0);
  CHECK_INT(server_log_count(&s, "Failed to start serving"), 0);
  CHECK_INT(server_log_count(&s, "connection_misrouted"), 0);
  stop_in_time();
  if (getenv("KEEP"))
    fprintf(stderr, "kept %s\n", s.dir);
  CHECK_INT(server_stop(&s, getenv("KEEP") != NULL), 0);
  return TEST_REPORT();
}
