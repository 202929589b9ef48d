/* --log-file and SIGHUP, as logrotate uses them: the log lines go to the file (stderr stays
 * quiet); after the file is moved away and the server gets SIGHUP, new lines go to a new file
 * at the same path while the moved one keeps the old lines; nothing is lost or doubled. */
#include "harness.h"
#include "testlib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

TEST_MAIN_DEFS

/* A TCP port nobody listens on just now. */
static int free_port(void)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  socklen_t len = sizeof a;
  int port = 0;
  if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
      getsockname(fd, (struct sockaddr *)&a, &len) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "r");
  if (!f)
    return strdup("");
  char *buf = calloc(1, 1 << 20);
  size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
  (void)n;
  fclose(f);
  return buf;
}

static int count(const char *path, const char *needle)
{
  char *text = slurp(path);
  int n = 0;
  for (const char *p = text; text && (p = strstr(p, needle)); p += strlen(needle))
    n++;
  free(text);
  return n;
}

/* GET /healthz with the request id given (it is in the access log line). */
static long get(struct server *s, const char *request_id)
{
  char h[128];
  snprintf(h, sizeof h, "X-Request-Id: %s", request_id);
  const char *hdrs[] = {h, NULL};
  struct resp r;
  long st = http(s, "GET", "/healthz", hdrs, NULL, &r) ? r.status : 0;
  resp_free(&r);
  return st;
}

int main(void)
{
  struct server s = {0};
  snprintf(s.dir, sizeof s.dir, "/tmp/advisord-logfile-XXXXXX");
  CHECK(mkdtemp(s.dir) != NULL);
  char db[300], logf[300], rotated[300], err[300], spool[300], secret[300], port[16];
  snprintf(db, sizeof db, "%s/advisor.db", s.dir);
  snprintf(s.db, sizeof s.db, "%s", db);
  snprintf(logf, sizeof logf, "%s/logs/advisord.log", s.dir);
  snprintf(rotated, sizeof rotated, "%s/logs/advisord.log.1", s.dir);
  snprintf(err, sizeof err, "%s/stderr", s.dir);
  snprintf(spool, sizeof spool, "%s/mail", s.dir);
  snprintf(secret, sizeof secret, "%s/secret.key", s.dir);
  s.port = free_port();
  snprintf(port, sizeof port, "%d", s.port);
  snprintf(s.base, sizeof s.base, "http://127.0.0.1:%d", s.port);

  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    execl(harness_bin(), harness_bin(), "--db", db, "--port", port, "--threads", "2",
          "--mail-spool", spool, "--secret-file", secret, "--log-file", logf, "serve",
          (char *)NULL);
    _exit(127);
  }
  long st = 0;
  for (int i = 0; i < 600 && st != 200; i++) {
    usleep(50 * 1000);
    st = get(&s, "warm-up");
  }
  CHECK_INT(st, 200);

  CHECK_INT(get(&s, "before-rotation"), 200);
  usleep(100 * 1000); /* the access line is written once the answer is out */
  CHECK_INT(count(logf, "\"event\":\"listening\""), 1);
  CHECK_INT(count(logf, "\"request_id\":\"before-rotation\""), 1);

  /* logrotate: move the file away, then SIGHUP. */
  CHECK(rename(logf, rotated) == 0);
  CHECK_INT(get(&s, "between"), 200); /* still written to the moved file */
  CHECK(kill(pid, SIGHUP) == 0);
  struct stat sb;
  for (int i = 0; i < 100 && stat(logf, &sb) != 0; i++)
    usleep(50 * 1000);
  CHECK_MSG(stat(logf, &sb) == 0, "no new %s after SIGHUP", logf);
  CHECK_INT(sb.st_mode & 0777, 0640);
  CHECK_INT(get(&s, "after-rotation"), 200);
  usleep(100 * 1000);

  CHECK_INT(count(rotated, "\"request_id\":\"before-rotation\""), 1);
  CHECK_INT(count(rotated, "\"request_id\":\"between\""), 1);
  CHECK_INT(count(rotated, "\"request_id\":\"after-rotation\""), 0);
  CHECK_INT(count(logf, "\"event\":\"log_reopened\""), 1);
  CHECK_INT(count(logf, "\"request_id\":\"after-rotation\""), 1);
  CHECK_INT(count(logf, "\"request_id\":\"before-rotation\""), 0);

  /* A second SIGHUP with nothing moved appends to the same file. */
  CHECK(kill(pid, SIGHUP) == 0);
  for (int i = 0; i < 100 && count(logf, "\"event\":\"log_reopened\"") < 2; i++)
    usleep(50 * 1000);
  CHECK_INT(count(logf, "\"event\":\"log_reopened\""), 2);
  CHECK_INT(count(logf, "\"request_id\":\"after-rotation\""), 1);

  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  CHECK_INT(count(logf, "\"event\":\"stopped\""), 1);
  /* stderr stayed empty: every line went to the file */
  char *e = slurp(err);
  CHECK_MSG(e && !*e, "stderr holds: %s", e ? e : "");
  free(e);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf %s", s.dir);
  CHECK(system(cmd) == 0);
  return TEST_REPORT();
}
