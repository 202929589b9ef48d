/* Integration test: the background threads (mailer, webhooks, checkpointer, batch runner,
 * expiry sweeper) run at --background-nice above the server's own priority, and the threads
 * that answer requests (libmicrohttpd's workers, the store's writer) at the server's own. The
 * server starts with e-mails already due, so that a mail worker queues the first write: the
 * store's writer thread must not take the mail worker's priority (a thread takes its
 * creator's). With --background-nice 0 every thread stays at the server's priority. */
#include "harness.h"
#include "mail_fixtures.h"
#include "smtp_sink.h"
#include "testlib.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

TEST_MAIN_DEFS

#define N 3

struct seen {
  int main_nice;
  int count[8];
};

static const char *const names[] = {"mailer",       "webhook",   "db-checkpoint", "sweeper",
                                    "batch-runner", "MHD-worker", "db-writer"};
#define N_BACKGROUND 5 /* the first five names */

/* The nice value of each of pid's threads, checked against want_bg (background names) and
 * want_fg (the others and the main thread); counts the threads of each name in s. */
static void check_threads(pid_t pid, int want_bg, int want_fg, struct seen *s)
{
  memset(s, 0, sizeof *s);
  char dir[64];
  snprintf(dir, sizeof dir, "/proc/%d/task", (int)pid);
  DIR *d = opendir(dir);
  CHECK(d != NULL);
  if (!d)
    return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    char path[400];
    snprintf(path, sizeof path, "%s/%s/stat", dir, e->d_name);
    char stat[1024] = "";
    FILE *f = fopen(path, "r"); /* not file_slurp: /proc files have no size */
    if (!f)
      continue; /* the thread ended meanwhile */
    if (!fgets(stat, sizeof stat, f))
      stat[0] = '\0';
    fclose(f);
    char *close = strrchr(stat, ')');
    char *open = strchr(stat, '(');
    int nice = 100;
    char name[32] = "";
    if (open && close && close > open) {
      snprintf(name, sizeof name, "%.*s", (int)(close - open - 1), open + 1);
      /* fields after the name: state is field 3, nice field 19 */
      char *p = close + 2;
      for (int field = 3; field < 19 && p; field++) {
        p = strchr(p, ' ');
        if (p)
          p++;
      }
      if (p)
        nice = atoi(p);
    }
    bool known = false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
      if (strcmp(name, names[i]) == 0) {
        known = true;
        s->count[i]++;
        int want = i < N_BACKGROUND ? want_bg : want_fg;
        CHECK_MSG(nice == want, "thread %s (%s) at nice %d, expected %d", e->d_name, name, nice,
                  want);
      }
    if (!known && atoi(e->d_name) == (int)pid)
      CHECK_MSG(nice == want_fg, "the main thread at nice %d, expected %d", nice, want_fg);
  }
  closedir(d);
}

/* Starts advisord on s1's database with e-mails due, waits until they are sent, and checks
 * the threads' priorities. */
static void run(struct server *s1, struct smtp_sink *k, const char *background_nice, int base)
{
  struct store *st = mf_open_db(s1);
  char ids[N][37];
  for (int i = 0; i < N && st; i++)
    mf_enqueue_simple(st, "prio@example.se", ids[i]);
  char secret[320];
  snprintf(secret, sizeof secret, "%s/secret.key", s1->dir);
  const char *args[] = {"--smtp-url", k->url,        "--db",          s1->db,
                        "--secret-file", secret,     "--background-nice", background_nice,
                        NULL};
  struct server s2;
  server_start(&s2, args, NULL);
  struct outbox_row r;
  for (int i = 0; i < N && st; i++) {
    CHECK(mf_wait_row(st, ids[i], MF_SETTLED, &r, 30000));
    CHECK_STR(r.status, "sent");
  }
  int bg = base + atoi(background_nice) > 19 ? 19 : base + atoi(background_nice);
  struct seen seen;
  check_threads(s2.pid, bg, base, &seen);
  CHECK(seen.count[0] >= 1); /* mailer */
  CHECK(seen.count[1] >= 1); /* webhook */
  CHECK(seen.count[5] >= 1); /* MHD-worker */
  bool sqlite = strncmp(s1->db, "postgres", 8) != 0;
  if (sqlite) /* PostgreSQL has no writer thread or checkpointer of advisord's */
    CHECK(seen.count[2] == 1 && seen.count[6] == 1);
  if (st)
    store_close(st);
  CHECK_INT(server_stop(&s2, true), 0);
}

int main(void)
{
  errno = 0;
  int base = getpriority(PRIO_PROCESS, 0); /* the server inherits the test's priority */
  if (base >= 19) {
    printf("the test runs at nice %d: no thread can be lower\n", base);
    return 77;
  }
  struct smtp_sink k;
  sink_start(&k, 0, 0);
  struct server s1;
  server_start(&s1, NULL, NULL); /* makes the database and the secret */
  CHECK_INT(server_stop(&s1, true), 0);
  run(&s1, &k, "10", base);
  run(&s1, &k, "0", base);
  sink_stop(&k);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", s1.dir);
  CHECK(system(cmd) == 0);
  return TEST_REPORT();
}
