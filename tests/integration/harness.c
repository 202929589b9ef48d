/* harness.c - see harness.h: the server process (start, stop, its log, the metrics it serves) and
 * the CLI run on its database. HTTP exchanges and responses: harness_http.c. */
#include "harness.h"
#include "testdb.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef ADVISORD_BIN
#define ADVISORD_BIN "advisord"
#endif

static void die(const char *what, const char *detail)
{
  fprintf(stderr, "harness: %s: %s\n", what, detail);
  exit(2);
}

static void sleep_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

char *file_slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
  size_t got = buf ? fread(buf, 1, (size_t)n, f) : 0;
  fclose(f);
  if (buf) {
    buf[got] = '\0';
    if (len)
      *len = got;
  }
  return buf;
}

void server_start(struct server *s, const char *const *args, const char *const *env)
{
  memset(s, 0, sizeof *s);
  snprintf(s->dir, sizeof s->dir, "/tmp/advisord-test-XXXXXX");
  if (!mkdtemp(s->dir))
    die("mkdtemp failed", strerror(errno));
  char file[300];
  snprintf(file, sizeof file, "%s/advisor.db", s->dir);
  testdb_new(s->db, sizeof s->db, file);
  snprintf(s->log, sizeof s->log, "%s/server.log", s->dir);
  char spool[300], secret[300];
  snprintf(spool, sizeof spool, "%s/mail", s->dir);
  snprintf(secret, sizeof secret, "%s/secret.key", s->dir);

  const char *argv[72];
  int n = 0;
  /* scripts/valgrind.sh: the server runs under memcheck, which makes it exit 99 (and so
   * server_stop's status non-zero) on any memory error or leak; ADVISORD_VALGRIND names the
   * folder for its reports (advisord-PID.log). */
  char vg_log[320];
  const char *vg = getenv("ADVISORD_VALGRIND");
  if (vg && *vg) {
    snprintf(vg_log, sizeof vg_log, "--log-file=%s/advisord-%%p.log", vg);
    const char *memcheck[] = {"valgrind", "--error-exitcode=99", "--leak-check=full",
                              "--errors-for-leak-kinds=definite,indirect", vg_log};
    for (size_t i = 0; i < sizeof memcheck / sizeof memcheck[0]; i++)
      argv[n++] = memcheck[i];
  }
  argv[n++] = ADVISORD_BIN;
  const char *fixed[] = {"--db", s->db, "--port", "0", "--bind", "127.0.0.1", "--threads", "4",
                         "--mail-spool", spool, "--secret-file", secret};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    argv[n++] = fixed[i];
  for (size_t i = 0; args && args[i] && n < 60; i++)
    argv[n++] = args[i];
  argv[n++] = "serve";
  argv[n] = NULL;

  pid_t pid = fork();
  if (pid < 0)
    die("fork failed", strerror(errno));
  if (pid == 0) {
    int fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    for (size_t i = 0; env && env[i]; i++)
      putenv((char *)env[i]);
    execvp(argv[0], (char *const *)argv);
    _exit(127);
  }
  s->pid = pid;
  /* 30 s (60 s under valgrind): an ASan build on a busy shared machine can be slow to start */
  for (int tries = 0; tries < (vg && *vg ? 2400 : 1200); tries++) {
    char *log = file_slurp(s->log, NULL);
    const char *at = log ? strstr(log, "\"event\":\"listening\"") : NULL;
    const char *p = at ? strstr(at, "\"port\":") : NULL;
    if (p) {
      s->port = atoi(p + 7);
      free(log);
      snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
      return;
    }
    free(log);
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      char *l = file_slurp(s->log, NULL);
      fprintf(stderr, "%s\n", l ? l : "");
      free(l);
      die("advisord exited at start (log above)", s->dir);
    }
    sleep_ms(25);
  }
  die("advisord did not start listening in time", s->log);
}

int server_log_count(const struct server *s, const char *needle)
{
  char *log = file_slurp(s->log, NULL);
  int n = 0;
  for (const char *p = log ? strstr(log, needle) : NULL; p; p = strstr(p + 1, needle))
    n++;
  free(log);
  return n;
}

int server_log_wait(const struct server *s, const char *needle, int n, long timeout_ms)
{
  int got = server_log_count(s, needle);
  for (long waited = 0; got < n && waited < timeout_ms; waited += 20) {
    sleep_ms(20);
    got = server_log_count(s, needle);
  }
  return got;
}

int server_metrics_port(const struct server *s)
{
  char *log = file_slurp(s->log, NULL);
  const char *at = log ? strstr(log, "\"event\":\"metrics_listening\"") : NULL;
  const char *p = at ? strstr(at, "\"port\":") : NULL;
  int port = p ? atoi(p + 7) : 0;
  free(log);
  return port;
}

double server_metric(struct server *s, const char *series)
{
  struct server m = *s;
  snprintf(m.base, sizeof m.base, "http://127.0.0.1:%d", server_metrics_port(s));
  struct resp r;
  double v = -1;
  size_t n = strlen(series);
  if (api(&m, "GET", "/metrics", NULL, NULL, &r) && r.status == 200 && r.body)
    for (const char *p = r.body; v < 0 && (p = strstr(p, series)); p += n)
      if ((p == r.body || p[-1] == '\n') && p[n] == ' ')
        v = atof(p + n + 1);
  resp_free(&r);
  return v;
}

int server_stop(struct server *s, bool keep)
{
  int status = -1, rc = 0;
  if (s->pid > 0) { /* else the test already stopped it and checked how */
    kill(s->pid, SIGTERM);
    if (waitpid(s->pid, &status, 0) != s->pid)
      status = -1;
    s->pid = 0;
    rc = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  if (rc != 0) {
    char *l = file_slurp(s->log, NULL);
    fprintf(stderr, "advisord exited with %d; its log:\n%s\n", rc, l ? l : "");
    free(l);
  }
  if (!keep) {
    testdb_drop(s->db);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
    if (system(cmd) != 0)
      fprintf(stderr, "harness: could not remove %s\n", s->dir);
  }
  return rc;
}


const char *harness_bin(void) { return ADVISORD_BIN; }

int run_cli(struct server *s, const char *const *args, char **out)
{
  char outfile[400];
  snprintf(outfile, sizeof outfile, "%s/cli.out", s->dir);
  const char *argv[64];
  int n = 0;
  argv[n++] = ADVISORD_BIN;
  argv[n++] = "--db";
  argv[n++] = s->db;
  for (size_t i = 0; args && args[i] && n < 62; i++)
    argv[n++] = args[i];
  argv[n] = NULL;
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(outfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 1);
    execv(ADVISORD_BIN, (char *const *)argv);
    _exit(127);
  }
  int status = -1;
  waitpid(pid, &status, 0);
  if (out)
    *out = file_slurp(outfile, NULL);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool cli_value(const char *text, const char *key, char *buf, size_t len)
{
  bool found = false;
  size_t kl = strlen(key);
  for (const char *line = text; line && *line;) {
    const char *end = strchr(line, '\n');
    size_t ll = end ? (size_t)(end - line) : strlen(line);
    if (ll > kl + 1 && strncmp(line, key, kl) == 0 && line[kl] == ':' && line[kl + 1] == ' ') {
      size_t vl = ll - kl - 2 < len - 1 ? ll - kl - 2 : len - 1;
      memcpy(buf, line + kl + 2, vl);
      buf[vl] = '\0';
      found = true;
    }
    line = end ? end + 1 : NULL;
  }
  return found;
}
