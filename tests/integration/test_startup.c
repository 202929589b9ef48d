/* Integration test of what a person sees when the server starts: with --log-format console
 * (the default) one plain line on stderr besides the JSON log, naming the address, the
 * database, the mail spool and a command for a first office, which works when run as printed;
 * with --log-format json every line is JSON; any other value is refused. */
#include "harness.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

TEST_MAIN_DEFS

/* Reads the server's log: the number of lines, of lines that are not JSON, and the last of
 * those into plain (empty when none). */
static void read_log(const struct server *s, int *lines, int *not_json, char *plain, size_t len)
{
  *lines = *not_json = 0;
  plain[0] = '\0';
  FILE *f = fopen(s->log, "r");
  CHECK(f != NULL);
  char line[8192];
  while (f && fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = '\0';
    (*lines)++;
    json_t *j = json_loads(line, 0, NULL);
    if (!json_is_object(j)) {
      (*not_json)++;
      snprintf(plain, len, "%s", line);
    }
    json_decref(j);
  }
  if (f)
    fclose(f);
}

/* Runs cmd with /bin/sh, capturing standard output (malloc'd, caller frees); the exit status. */
static int run_shell(const char *cmd, char **out)
{
  FILE *p = popen(cmd, "r");
  CHECK(p != NULL);
  size_t cap = 4096, n = 0;
  *out = calloc(1, cap);
  while (p && *out && n + 1 < cap) {
    size_t got = fread(*out + n, 1, cap - 1 - n, p);
    if (got == 0)
      break;
    n += got;
  }
  int status = p ? pclose(p) : -1;
  return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_console(void)
{
  struct server s;
  server_start(&s, NULL, NULL);
  int lines, not_json;
  char plain[8192], want[512];
  read_log(&s, &lines, &not_json, plain, sizeof plain);
  CHECK_INT(not_json, 1);
  CHECK(lines > not_json);
  snprintf(want, sizeof want, "advisord: listening on http://127.0.0.1:%d; database %s; ",
           s.port, s.db);
  CHECK_MSG(strncmp(plain, want, strlen(want)) == 0, "start line: %s", plain);
  snprintf(want, sizeof want, "e-mail written to %s/mail/<outbox id>.eml. ", s.dir);
  CHECK_MSG(strstr(plain, want) != NULL, "start line: %s", plain);

  /* The command it names creates an office on this server's database. */
  const char *from = strstr(plain, "A first office: ");
  const char *to = from ? strstr(from, " (README.md") : NULL;
  CHECK(from && to);
  if (from && to) {
    from += strlen("A first office: ");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%.*s", (int)(to - from), from);
    char *out = NULL;
    CHECK_INT(run_shell(cmd, &out), 0);
    CHECK_MSG(out && strstr(out, "\ntoken: ") != NULL, "output: %s", out ? out : "");
    free(out);
  }
  CHECK_INT(server_stop(&s, false), 0);
}

static void test_json_only(void)
{
  struct server s;
  const char *args[] = {"--log-format", "json", NULL};
  server_start(&s, args, NULL);
  CHECK_INT(server_stop(&s, true), 0);
  int lines, not_json;
  char plain[8192];
  read_log(&s, &lines, &not_json, plain, sizeof plain);
  CHECK_MSG(not_json == 0, "a line that is not JSON: %s", plain);
  CHECK(lines >= 3); /* migrations, mailer_started, listening, stopping ... */
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", s.dir);
  CHECK_INT(system(cmd), 0);

  /* Only console and json are known; the refusal names the flag and the value. */
  char run[600];
  snprintf(run, sizeof run, "'%s' --log-format text serve 2>&1", harness_bin());
  char *out = NULL;
  CHECK_INT(run_shell(run, &out), 2);
  CHECK_MSG(out && strstr(out, "--log-format must be console or json, not 'text'") != NULL,
            "output: %s", out ? out : "");
  free(out);
}

/* With --port 0 and no --public-url, the links in e-mails name the port actually bound (the
 * socket is made before anything that sends mail starts); the same for --bind ::1. */
static void test_port_zero_links(void)
{
  const char *binds[] = {"127.0.0.1", "::1"};
  for (int i = 0; i < 2; i++) {
    struct server s;
    const char *args[] = {"--bind", binds[i], NULL};
    server_start(&s, args, NULL);
    char want[96];
    snprintf(want, sizeof want, "\"public_url\":\"http://%s%s%s:%d\"", i ? "[" : "", binds[i],
             i ? "]" : "", s.port);
    CHECK_MSG(s.port > 0 && server_log_count(&s, want) == 1, "no %s in the start line", want);
    if (i == 0) {
      struct resp r;
      CHECK(http(&s, "GET", "/healthz", NULL, NULL, &r) && r.status == 200);
      resp_free(&r);
    }
    CHECK_INT(server_stop(&s, false), 0);
  }
}

int main(void)
{
  test_console();
  test_json_only();
  test_port_zero_links();
  return TEST_REPORT();
}
