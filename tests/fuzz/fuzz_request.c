/* fuzz_request.c - libFuzzer target: a whole HTTP request (request line, headers, body) sent
 * to the real server in this process: libmicrohttpd's daemon on a loopback port with the
 * route table, authentication, handlers and a SQLite database, as `advisord serve` runs them
 * (GNU Taler fuzzes its exchange the same way, one request per run). Each input goes down one
 * fresh connection, which is then half-closed; the run waits for the server's answer and
 * close. "@TOKEN@" in an input stands for the bearer token of an office user made at start, so
 * that seeds reach the authenticated handlers. */
#include "admin.h"
#include "api.h"
#include "app.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct config cfg;
static struct app app;
static struct http_server *srv;
static uint16_t port;
static char token[128];
static char dir[] = "/tmp/advisord-fuzz-XXXXXX";

/* At exit: removes the run's folder (the database and the secret). */
static void remove_dir(void)
{
  const char *files[] = {"fuzz.db", "fuzz.db-wal", "fuzz.db-shm", "secret"};
  char path[300];
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    unlink(path);
  }
  rmdir(dir);
}

static struct store *open_db(const struct config *c)
{
  char why[256];
  return store_open(c->db, true, why, sizeof why);
}

/* Runs `admin create-office` with its standard output in a file, and keeps the token. */
static void make_office_token(void)
{
  char *argv[] = {"create-office", "--name", "Fuzz Byrå AB", "--corporate-id", "556036-0793",
                  "--email", "fuzz@byra.se", NULL};
  FILE *out = tmpfile();
  fflush(stdout);
  int saved = dup(STDOUT_FILENO);
  dup2(fileno(out), STDOUT_FILENO);
  int rc = admin_main(&cfg, 7, argv, open_db);
  fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  rewind(out);
  char line[256];
  while (fgets(line, sizeof line, out))
    if (sscanf(line, "token: %127s", token) == 1)
      break;
  fclose(out);
  if (rc != 0 || !token[0]) {
    fprintf(stderr, "fuzz_request: could not create the office's token\n");
    abort();
  }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  signal(SIGPIPE, SIG_IGN);
  if (!mkdtemp(dir))
    abort();
  atexit(remove_dir);
  char db[300], secret[300];
  snprintf(db, sizeof db, "--db=%s/fuzz.db", dir);
  snprintf(secret, sizeof secret, "--secret-file=%s/secret", dir);
  char *args[] = {"fuzz_request", db, secret, "--port=0", "--threads=2", "--conn-timeout=5",
                  "--log-level=error", "serve", NULL};
  int argi = 1;
  if (config_load(&cfg, 8, args, &argi) != CONFIG_OK)
    abort();
  log_set_level(LOG_ERROR);
  make_office_token();
  char why[256];
  app.cfg = &cfg;
  if (!(app.store = store_open(cfg.db, true, why, sizeof why)) ||
      !secret_load(cfg.secret_file, &app.secret, why, sizeof why)) {
    fprintf(stderr, "fuzz_request: %s\n", why);
    abort();
  }
  snprintf(app.public_url, sizeof app.public_url, "http://127.0.0.1");
  struct http_options opts = {
      .bind = "127.0.0.1", .port = 0, .listen_fd = -1, .threads = (unsigned)cfg.threads,
      .conn_timeout_s = (unsigned)cfg.conn_timeout,
      .max_connections = (unsigned)cfg.max_connections,
      .max_connections_per_ip = (unsigned)cfg.max_connections_per_ip,
      .body_max = (size_t)cfg.body_max, .url_max = (size_t)cfg.url_max,
      .cors_origins = "https://app.example.se", .routes = api_routes,
      .n_routes = api_routes_count, .secret_after = api_secret_after_segments,
      .authenticate = api_authenticate, .snapshot = api_snapshot, .app = &app,
  };
  if (!(srv = http_start(&opts)))
    abort();
  port = http_port(srv);
  return 0;
}

/* The input with every "@TOKEN@" replaced by the live token; malloc'd, length in *len. */
static char *with_token(const uint8_t *data, size_t size, size_t *len)
{
  static const char mark[] = "@TOKEN@";
  size_t tl = strlen(token), ml = sizeof mark - 1;
  char *out = malloc(size * (tl / ml + 1) + 1);
  size_t o = 0;
  for (size_t i = 0; out && i < size;) {
    if (size - i >= ml && memcmp(data + i, mark, ml) == 0) {
      memcpy(out + o, token, tl);
      o += tl, i += ml;
    } else {
      out[o++] = (char)data[i++];
    }
  }
  *len = o;
  return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  size_t len = 0;
  char *req = with_token(data, size, &len);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  /* libFuzzer's timeout alarm (SIGALRM) may interrupt any call here: EINTR is tried again. */
  int rc = req && fd >= 0 ? connect(fd, (struct sockaddr *)&sa, sizeof sa) : -1;
  if (rc != 0 && errno == EINTR) { /* the connection goes on: wait for it */
    struct pollfd w = {.fd = fd, .events = POLLOUT};
    int err = 0;
    socklen_t el = sizeof err;
    while (poll(&w, 1, 5000) < 0 && errno == EINTR)
      ;
    rc = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0 ? 0 : -1;
  }
  if (rc != 0) {
    perror("fuzz_request: connect");
    abort();
  }
  for (size_t o = 0; o < len;) {
    ssize_t n = send(fd, req + o, len - o, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break; /* the server answered early and closed */
    o += (size_t)n;
  }
  /* Half-close once the answer starts (or after 20 ms for a request the server still waits
   * on): libmicrohttpd 0.9.75 under epoll misses a FIN that arrives with the request's last
   * bytes, and would hold the connection for its whole timeout. */
  char buf[16384];
  struct pollfd pfd = {.fd = fd, .events = POLLIN};
  bool shut = false;
  for (;;) {
    int ready = poll(&pfd, 1, shut ? 5000 : 20);
    if (ready < 0 && errno == EINTR)
      continue;
    ssize_t got = ready == 1 ? read(fd, buf, sizeof buf) : 1;
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    if (!shut) {
      shutdown(fd, SHUT_WR);
      shut = true;
    } else if (ready != 1) {
      break;
    }
  }
  /* Reset rather than close: neither side keeps the connection in TIME_WAIT, so millions of
   * runs do not use up the loopback's ports. */
  struct linger lg = {.l_onoff = 1, .l_linger = 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(fd);
  free(req);
  return 0;
}
