/* --log-file and SIGHUP, as logrotate uses them: the log lines go to the file (stderr stays
 * quiet); after the file is moved away and the server gets SIGHUP, new lines go to a new file
 * at the same path while the moved one keeps the old lines; nothing is lost or doubled. */
#include "harness.h"
#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

TEST_MAIN_DEFS

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

/* count(), once it reaches want or 10 s have passed: a request's access line is written after
 * its answer has gone out. */
static int wait_count(const char *path, const char *needle, int want)
{
  int n = count(path, needle);
  for (int i = 0; i < 200 && n < want; i++) {
    usleep(50 * 1000);
    n = count(path, needle);
  }
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
  snprintf(port, sizeof port, "0"); /* the port chosen is in the log file's first lines */

  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    execl(harness_bin(), harness_bin(), "--db", db, "--port", port, "--threads", "2",
          "--mail-spool", spool, "--secret-file", secret, "--log-file", logf, "serve",
          (char *)NULL);
    _exit(127);
  }
  for (int i = 0; i < 600 && !s.port; i++) {
    usleep(50 * 1000);
    char *log = slurp(logf);
    const char *at = strstr(log, "\"event\":\"listening\"");
    const char *p = at ? strstr(at, "\"port\":") : NULL;
    s.port = p ? atoi(p + 7) : 0;
    free(log);
  }
  CHECK_MSG(s.port > 0, "no listening line in %s", logf);
  snprintf(s.base, sizeof s.base, "http://127.0.0.1:%d", s.port);
  CHECK_INT(get(&s, "warm-up"), 200);

  CHECK_INT(get(&s, "before-rotation"), 200);
  CHECK_INT(count(logf, "\"event\":\"listening\""), 1);
  CHECK_INT(wait_count(logf, "\"request_id\":\"before-rotation\"", 1), 1);

  /* logrotate: move the file away, then SIGHUP. */
  CHECK(rename(logf, rotated) == 0);
  CHECK_INT(get(&s, "between"), 200); /* still written to the moved file */
  CHECK_INT(wait_count(rotated, "\"request_id\":\"between\"", 1), 1);
  CHECK(kill(pid, SIGHUP) == 0);
  /* the new file exists as soon as it is opened, a moment before the server writes to it:
   * its first line, log_reopened, says the switch is done */
  CHECK_INT(wait_count(logf, "\"event\":\"log_reopened\"", 1), 1);
  struct stat sb;
  CHECK_MSG(stat(logf, &sb) == 0, "no new %s after SIGHUP", logf);
  CHECK_INT(sb.st_mode & 0777, 0640);
  CHECK_INT(get(&s, "after-rotation"), 200);
  CHECK_INT(wait_count(logf, "\"request_id\":\"after-rotation\"", 1), 1);

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
