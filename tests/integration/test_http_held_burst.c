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
 * Then a burst of 6 with no worker held (on PostgreSQL only that).
 *
 * Then (SQLite only) a second server, `--max-connections 16` (pressure level 14), for the
 * watchdog's peek (conn21): requests waiting unread behind a held worker, older than the
 * grace, must not be cut under pressure, while tricklers still are. See peek_phase. */
#include "fixtures.h"
#include "harness.h"
#include "rawclient.h"
#include "testlib.h"

#include <errno.h>
#include <poll.h>
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

/* Reads one reply on fd (its head and a Content-Length body) within timeout_ms. Returns its
 * status, 0 when the connection was closed first, -1 on a timeout or error. */
static int read_reply(int fd, int timeout_ms)
{
  char buf[4096];
  size_t got = 0;
  double t0 = raw_now_ms();
  for (;;) {
    buf[got] = '\0';
    char *end = strstr(buf, "\r\n\r\n"), len[32];
    if (end && (!raw_header(buf, "Content-Length", len, sizeof len) ||
                (size_t)(end + 4 - buf) + strtoul(len, NULL, 10) <= got))
      return got > 12 && strncmp(buf, "HTTP/1.1 ", 9) == 0 ? atoi(buf + 9) : -1;
    int left = timeout_ms - (int)(raw_now_ms() - t0);
    struct timeval tv = {.tv_sec = left / 1000, .tv_usec = (left % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t n =
        left > 0 && got < sizeof buf - 1 ? recv(fd, buf + got, sizeof buf - 1 - got, 0) : -1;
    if (n <= 0)
      return n == 0 || errno == ECONNRESET ? 0 : -1;
    got += (size_t)n;
  }
}

/* Waits (up to 10 s) until the series reaches at least (or, !at_least, at most) v. */
static double wait_metric(const char *series, double v, bool at_least)
{
  double t0 = raw_now_ms(), m = -1;
  while (((m = server_metric(&s, series)) < 0 || (at_least ? m < v : m > v)) &&
         raw_now_ms() - t0 < 10000)
    usleep(10 * 1000);
  return m;
}

#define PK 6 /* keep-alive connections, one request answered before the hold */
#define PH 4 /* connections opened before the hold, their whole head sent during it */
#define PT 2 /* tricklers: half a head sent before the hold */
#define PF 7 /* fresh connections opened during the hold */

/* The peek phase's write let go: its thread joined, the lock released. */
static void peek_release(sqlite3 *db, pthread_t th)
{
  pthread_join(th, NULL);
  sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close(db);
}

/* The peek phase's end: every socket closed (nf of f), the server stopped. */
static void peek_close(const int *w, const int *t, const int *f, int nf)
{
  for (int i = 0; i < PK + PH; i++)
    close(w[i]);
  for (int i = 0; i < PT; i++)
    close(t[i]);
  for (int i = 0; i < nf; i++)
    close(f[i]);
  if (getenv("KEEP"))
    fprintf(stderr, "kept %s\n", s.dir);
  CHECK_INT(server_stop(&s, getenv("KEEP") != NULL), 0);
}

/* `--threads 2 --max-connections 16`: PK keep-alive connections (each answered once), PH
 * connections that send nothing yet, PT that send half a head: 12, spread 6/6 over the two
 * workers by the accept thread (the least loaded each time, ties to the descriptor's own).
 * After 600 ms (all heads older than the 500 ms grace) a POST waits for SQLite's lock, which
 * this process holds, and holds its worker: the 13th connection, on either (6/6), whose other
 * six (3 keep-alive, 2 heads, 1 trickler) it no longer reads. Each keep-alive and head
 * connection then sends a whole GET: the other worker's five are answered (and closed), the
 * held worker's five wait in their socket buffers (phase idle, and head begun > 500 ms ago).
 * Then PF fresh connections, one at a time: at the 6th and 7th the table reaches 14 of 16 and
 * a connection must give way. The watchdog used to cut the longest idle one (a waiting
 * keep-alive connection), then the oldest head (a waiting whole one); now it peeks, passes them
 * over and cuts the two tricklers. After the hold every waiting request is answered 200. */
static void peek_phase(void)
{
  const char *args[] = {"--threads", "2", "--max-connections", "16",
                        "--metrics-bind", "127.0.0.1:0", NULL};
  server_start(&s, args, NULL);
  fx_office(&s, "Byrå Tittar AB", "5560360793", "info@byra-tittar.se", office, token);
  CHECK(server_metrics_port(&s) > 0);
  const char *ka = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
             *last = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
             *half = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
  int w[PK + PH], t[PT], f[PF]; /* w: keep-alive, then heads: the ones that may wait */
  for (int i = 0; i < PK; i++) {
    w[i] = raw_connect(&s, "127.0.0.1", false);
    CHECK(w[i] >= 0 && send(w[i], ka, strlen(ka), MSG_NOSIGNAL) == (ssize_t)strlen(ka));
    CHECK_INT(read_reply(w[i], 5000), 200);
  }
  for (int i = PK; i < PK + PH; i++)
    CHECK((w[i] = raw_connect(&s, "127.0.0.1", false)) >= 0);
  for (int i = 0; i < PT; i++) {
    t[i] = raw_connect(&s, "127.0.0.1", false);
    CHECK(t[i] >= 0 && send(t[i], half, strlen(half), MSG_NOSIGNAL) == (ssize_t)strlen(half));
  }
  CHECK_INT(wait_metric("advisord_http_connections_open", PK + PH + PT, true), PK + PH + PT);
  double total = server_metric(&s, "advisord_http_connections_total");
  usleep(600 * 1000); /* every head older than the grace */

  sqlite3 *db = NULL;
  CHECK(sqlite3_open(s.db, &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  CHECK(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
  pthread_t th;
  wstatus = 0;
  double held = raw_now_ms();
  CHECK(pthread_create(&th, NULL, writer, NULL) == 0);
  usleep(300 * 1000); /* the write waits for the lock (2 s), holding its worker */
  for (int i = 0; i < PK + PH; i++)
    CHECK(send(w[i], last, strlen(last), MSG_NOSIGNAL) == (ssize_t)strlen(last));
  /* the free worker's five answered; the held worker's five wait */
  bool answered[PK + PH] = {0};
  int n_answered = 0;
  double t0 = raw_now_ms();
  while (n_answered < (PK + PH) / 2 && raw_now_ms() - t0 < 10000) {
    struct pollfd pf[PK + PH];
    for (int i = 0; i < PK + PH; i++)
      pf[i] = (struct pollfd){.fd = answered[i] ? -1 : w[i], .events = POLLIN};
    if (poll(pf, PK + PH, 100) > 0)
      for (int i = 0; i < PK + PH; i++)
        if (pf[i].revents) {
          CHECK_INT(read_reply(w[i], 5000), 200);
          answered[i] = true;
          n_answered++;
        }
  }
  CHECK_INT(n_answered, (PK + PH) / 2);
  /* what follows is judged only while the write still holds its worker (2 s): a machine too
   * slow to get this far within 1.2 s of it says so and judges nothing (a hold ended early
   * would free the waiting requests and the room with them) */
  if (raw_now_ms() - held > 1200) {
    fprintf(stderr, "peek: SKIPPED, this machine took %.0f ms of the 2 s hold before the "
            "fresh connections\n", raw_now_ms() - held);
    peek_release(db, th);
    peek_close(w, t, NULL, 0);
    return;
  }
  int live = PK + PH + PT + 1 - n_answered; /* with the POST */
  CHECK_INT(wait_metric("advisord_http_connections_open", live, false), live);
  for (int i = 0; i < PF; i++) { /* each counted: the watchdog has decided */
    CHECK((f[i] = raw_connect(&s, "127.0.0.1", false)) >= 0);
    CHECK_INT(wait_metric("advisord_http_connections_total", total + 1 + i + 1, true),
              total + 1 + i + 1);
  }
  /* two must give way: at once, or at a tick (the waiting ones are peeked at four a time) */
  int cuts = 0;
  t0 = raw_now_ms();
  while ((cuts = server_log_count(&s, "\"reason\":\"pressure\"")) < PT &&
         raw_now_ms() - t0 < 10000)
    usleep(10 * 1000);
  double into = raw_now_ms() - held;
  fprintf(stderr, "peek: %d of %d answered during the hold, %d pressure cuts after %.0f ms, "
          "%.0f ms into the 2 s hold\n", n_answered, PK + PH, cuts, raw_now_ms() - t0, into);
  if (into > 1800 && cuts < PT) { /* the hold may have ended first: nothing to judge */
    fprintf(stderr, "peek: SKIPPED, the hold ran out before the cuts on this machine\n");
    peek_release(db, th);
    peek_close(w, t, f, PF);
    return;
  }
  for (int i = 0; i < PT; i++)
    CHECK_MSG(read_reply(t[i], 5000) == 0, "trickler %d not cut", i);

  peek_release(db, th);
  CHECK_INT(wstatus, 503);
  for (int i = 0; i < PK + PH; i++)
    if (!answered[i]) {
      int st = read_reply(w[i], 5000);
      if (st != 200)
        fprintf(stderr, "peek: %s connection %d waiting behind the hold: %d\n",
                i < PK ? "keep-alive" : "head", i, st);
      CHECK_INT(st, 200);
    }
  CHECK_INT(server_log_count(&s, "\"reason\":\"pressure\""), PT);
  peek_close(w, t, f, PF);
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
  const char *args[] = {"--threads", "2", "--max-connections", "8",
                        "--metrics-bind", "127.0.0.1:0", NULL};
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
      /* the last burst's connections gone (only the held write's left open) */
      CHECK(wait_metric("advisord_http_connections_open", 1, false) <= 1);
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
  if (!testdb_pg())
    peek_phase();
  return TEST_REPORT();
}
