/* test_collab_create_suspended.c - a POST that starts a collaboration waits for its commit with
 * its connection suspended (src/http/later.c, api/collab_create.c), not holding a worker
 * thread. With one worker thread (--threads 1):
 * - pairs: 12 customers, each activated twice at once: every pair gets exactly one 201 and one
 *   409 open_collaboration (the refused write rolled back alone inside a shared batch), each 201
 *   names its own customer, and exactly one collaboration per customer is stored;
 * - SQLite only: a client that sends an activation while another process holds the database's
 *   write lock, and goes away while it waits: the write is committed all the same once the
 *   lock is let go, and the server goes on serving; while the lock is held, 4 activations wait and
 *   the one worker still answers GET /healthz and GET of a collaboration at once; they get 201
 *   once the lock is let go; and SIGTERM while activations wait for the lock: each still gets
 *   its answer and the server exits 0 (libmicrohttpd may not stop with a suspended
 *   connection). */
#include "collab_fx.h"
#include "load_fx.h"
#include "rawclient.h"

#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <time.h>

TEST_MAIN_DEFS

#define PAIRS 12
#define WAITERS 4

static struct server s;
static char office[FX_ID_LEN], tok[FX_TOKEN_LEN];
static int next_customer;
static pthread_barrier_t start_line;

static int64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct activation {
  char customer[FX_ID_LEN], task[FX_ID_LEN];
  long status;
  char code[40], customer_in_reply[FX_ID_LEN], id[FX_ID_LEN];
  int64_t done_ms;
};

/* A new customer with an open task, ready to activate (way 3). */
static void prepare(struct activation *a)
{
  char cid[12], name[40];
  load_corporate_id("559", ++next_customer, cid);
  snprintf(name, sizeof name, "Väntar %d AB", next_customer);
  cx_customer(&s, tok, cid, name, "kund@example.se", a->customer);
  cx_task(&s, tok, a->customer, "Bokslut", a->task);
}

static void *activate(void *arg)
{
  struct activation *a = arg;
  pthread_barrier_wait(&start_line);
  struct resp r;
  cx_activate_way3(&s, tok, a->customer, a->task, "Vera Väntar", "vera@example.se", &r);
  a->status = r.status;
  snprintf(a->code, sizeof a->code, "%s", resp_str(&r, "code") ? resp_str(&r, "code") : "");
  snprintf(a->customer_in_reply, sizeof a->customer_in_reply, "%s",
           resp_str(&r, "customer_id") ? resp_str(&r, "customer_id") : "");
  snprintf(a->id, sizeof a->id, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  a->done_ms = now_ms();
  resp_free(&r);
  return NULL;
}

/* Runs n activations at once (threads released together); joins them. */
static void run_all(struct activation *a, int n, pthread_t *th, bool join)
{
  pthread_barrier_init(&start_line, NULL, (unsigned)n + 1);
  for (int i = 0; i < n; i++)
    pthread_create(&th[i], NULL, activate, &a[i]);
  pthread_barrier_wait(&start_line);
  if (!join)
    return;
  for (int i = 0; i < n; i++)
    pthread_join(th[i], NULL);
  pthread_barrier_destroy(&start_line);
}

static void pairs(void)
{
  static struct activation a[2 * PAIRS];
  pthread_t th[2 * PAIRS];
  for (int i = 0; i < PAIRS; i++) {
    prepare(&a[2 * i]);
    a[2 * i + 1] = a[2 * i];
  }
  run_all(a, 2 * PAIRS, th, true);
  for (int i = 0; i < PAIRS; i++) {
    struct activation *x = &a[2 * i], *y = &a[2 * i + 1];
    struct activation *won = x->status == 201 ? x : y, *lost = won == x ? y : x;
    CHECK_MSG(won->status == 201 && lost->status == 409 &&
                  strcmp(lost->code, "open_collaboration_exists") == 0,
              "pair %d: %ld %s and %ld %s", i, x->status, x->code, y->status, y->code);
    CHECK_STR(won->customer_in_reply, won->customer);
    CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaborations WHERE customer_id = ?",
                       won->customer), 1);
  }
}

/* Sends one activation on a raw socket while another process holds the write lock, and
 * closes the socket while the activation waits (suspended) for its commit. */
static void client_goes_away(void)
{
  struct activation a;
  prepare(&a);
  char body[400], req[1400];
  int blen = snprintf(body, sizeof body,
                      "{\"task_id\":\"%s\",\"variant\":\"start\",\"invoice_recipient\":"
                      "\"customer\",\"agreement_period_months\":3,\"administrator\":{\"name\":"
                      "\"Gunnar Gått\",\"email\":\"gunnar@example.se\",\"phone\":"
                      "\"+46 70 555 12 34\"}}",
                      a.task);
  int rlen = snprintf(req, sizeof req,
                      "POST /v1/customers/%s/collaborations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                      "Content-Length: %d\r\n\r\n%s",
                      a.customer, tok, blen, body);
  sqlite3 *db = NULL;
  CHECK(sqlite3_open(s.db, &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  CHECK(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
  int fd = raw_connect(&s, NULL, false);
  CHECK(fd >= 0);
  if (fd >= 0) {
    CHECK(write(fd, req, (size_t)rlen) == rlen);
    usleep(300 * 1000); /* read, and waiting for the lock */
    close(fd);
  }
  usleep(200 * 1000);
  CHECK(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK);
  sqlite3_close(db);
  long n = 0;
  for (int i = 0; i < 100 && n != 1; i++) {
    usleep(50 * 1000);
    n = cx_count(&s, "SELECT count(*) FROM collaborations WHERE customer_id = ?", a.customer);
  }
  CHECK_INT(n, 1);
  struct resp r;
  CHECK(api(&s, "GET", "/healthz", NULL, NULL, &r) && r.status == 200);
  resp_free(&r);
}

/* Another process holds the write lock: activations wait, the one worker answers GETs. */
static void locked(const char *collab_id, bool stop_meanwhile)
{
  static struct activation a[WAITERS];
  pthread_t th[WAITERS];
  for (int i = 0; i < WAITERS; i++)
    prepare(&a[i]);
  sqlite3 *db = NULL;
  CHECK(sqlite3_open(s.db, &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  CHECK(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
  double started0 = server_metric(&s, "advisord_http_connections_total");
  run_all(a, WAITERS, th, false);
  /* every activation's connection started on the worker (the accept thread hands one over
   * before the worker starts it; a drain cuts one not yet started), then a moment for the
   * requests, sent right after each connect, to be read: the activations wait for the lock */
  double started = 0;
  for (int64_t w0 = now_ms(); now_ms() - w0 < 10000; usleep(20 * 1000))
    if ((started = server_metric(&s, "advisord_http_connections_total") - started0) >= WAITERS)
      break;
  CHECK_MSG(started >= WAITERS, "%.0f of %d activations' connections started", started,
            WAITERS);
  usleep(300 * 1000);
  pid_t pid = s.pid;
  if (stop_meanwhile)
    kill(pid, SIGTERM);
  int64_t t0 = now_ms();
  struct resp r;
  char path[80];
  snprintf(path, sizeof path, "/v1/collaborations/%s", collab_id);
  if (!stop_meanwhile) {
    CHECK(api(&s, "GET", "/healthz", NULL, NULL, &r) && r.status == 200);
    resp_free(&r);
    CHECK(api(&s, "GET", path, tok, NULL, &r) && r.status == 200);
    resp_free(&r);
  }
  int64_t answered = now_ms();
  usleep(400 * 1000);
  CHECK(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK);
  sqlite3_close(db);
  for (int i = 0; i < WAITERS; i++)
    pthread_join(th[i], NULL);
  pthread_barrier_destroy(&start_line);
  printf("%s: GETs answered in %lld ms with %d activations waiting for the lock\n",
         stop_meanwhile ? "SIGTERM" : "lock", (long long)(answered - t0), WAITERS);
  for (int i = 0; i < WAITERS; i++) {
    CHECK_MSG(a[i].status == 201, "activation %d: %ld %s", i, a[i].status, a[i].code);
    if (!stop_meanwhile)
      CHECK_MSG(a[i].done_ms > answered, "activation %d was answered before the GETs", i);
  }
  if (stop_meanwhile) {
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d", status);
    s.pid = 0;
  }
}

int main(void)
{
  const char *args[] = {"--threads", "1", "--collaboration-create-limit", "0",
                        "--metrics-bind", "127.0.0.1:0", NULL};
  server_start(&s, args, NULL);
  fx_office(&s, "Byrå Vänta AB", "5560360793", "info@byra-vanta.se", office, tok);
  pairs();
  if (!testdb_pg()) {
    client_goes_away();
    struct activation one;
    prepare(&one);
    pthread_t th;
    run_all(&one, 1, &th, true);
    CHECK_INT(one.status, 201);
    locked(one.id, false);
    locked(one.id, true);
  }
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
