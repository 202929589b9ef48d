/* smtp_sink.c - see smtp_sink.h. */
#include "smtp_sink.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef ADVISORD_SOURCE_DIR
#define ADVISORD_SOURCE_DIR "."
#endif
#define PYTHON "/usr/bin/python3"

static void die(const char *what, const char *detail)
{
  fprintf(stderr, "smtp_sink: %s: %s\n", what, detail);
  exit(2);
}

static void sleep_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static void spawn(struct smtp_sink *k, int fail_first, int delay_s)
{
  char port_file[300], port[16], fail[16], delay[16], ack[16], size[24], cut[16];
  const char *argv[32];
  int n = 0;
  snprintf(port_file, sizeof port_file, "%s/port", k->dir);
  unlink(port_file);
  snprintf(port, sizeof port, "%d", k->port);
  snprintf(fail, sizeof fail, "%d", fail_first);
  snprintf(delay, sizeof delay, "%d", delay_s);
  const char *fixed[] = {PYTHON,         ADVISORD_SOURCE_DIR "/tests/mail/smtp_sink.py",
                         "--dir",        k->dir,
                         "--port",       port,
                         "--fail-first", fail,
                         "--reject-file", k->reject_file,
                         "--delay-data", delay};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    argv[n++] = fixed[i];
  if (k->tls)
    argv[n++] = k->tls == SINK_IMPLICIT_TLS ? "--implicit-tls" : "--starttls";
  if (k->ack_delay_s > 0) {
    snprintf(ack, sizeof ack, "%d", k->ack_delay_s);
    argv[n++] = "--delay-ack";
    argv[n++] = ack;
  }
  if (k->drop)
    argv[n++] = k->drop == SINK_CLOSE_AFTER_MESSAGE  ? "--close-after-message"
                : k->drop == SINK_DROP_AT_SECOND_MAIL ? "--drop-at-second-mail"
                : k->drop == SINK_CUT_AT_SECOND_MAIL  ? "--cut-at-second-mail"
                : k->drop == SINK_EXTRA_REPLY         ? "--extra-reply"
                : k->drop == SINK_CLOSE_AT_BIG_BDAT   ? "--close-at-big-bdat"
                : k->drop == SINK_REFUSE_AT_BIG_BDAT  ? "--refuse-at-big-bdat"
                : k->drop == SINK_CLOSE_AT_RSET       ? "--close-at-rset"
                : k->drop == SINK_STALL_AT_BIG_BDAT   ? "--stall-at-big-bdat"
                                                      : "--cut-after-data";
  if (k->no_ext & SINK_NO_PIPELINING)
    argv[n++] = "--no-pipelining";
  if (k->no_ext & SINK_NO_CHUNKING)
    argv[n++] = "--no-chunking";
  if (k->no_ext & SINK_EXT_FIRST_ONLY)
    argv[n++] = "--ext-first-only";
  if (k->cut_connection > 0) {
    snprintf(cut, sizeof cut, "%d", k->cut_connection);
    argv[n++] = "--cut-connection";
    argv[n++] = cut;
  }
  if (k->size > 0) {
    snprintf(size, sizeof size, "%ld", k->size);
    argv[n++] = "--size";
    argv[n++] = size;
  }
  if (k->auth[0]) {
    argv[n++] = "--auth";
    argv[n++] = k->auth;
  }
  argv[n] = NULL;
  pid_t pid = fork();
  if (pid < 0)
    die("fork failed", strerror(errno));
  if (pid == 0) {
    char log[300];
    snprintf(log, sizeof log, "%s/sink.log", k->dir);
    if (!freopen(log, "a", stderr) || !freopen("/dev/null", "w", stdout))
      _exit(126);
    execv(PYTHON, (char *const *)argv);
    _exit(127);
  }
  k->pid = pid;
  for (int i = 0; i < 400; i++) {
    FILE *f = fopen(port_file, "r");
    if (f) {
      int p = 0;
      bool ok = fscanf(f, "%d", &p) == 1 && p > 0;
      fclose(f);
      if (ok) {
        k->port = p;
        snprintf(k->url, sizeof k->url, "%s://127.0.0.1:%d",
                 k->tls == SINK_IMPLICIT_TLS ? "smtps" : "smtp", p);
        return;
      }
    }
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid)
      die("the sink exited at start; see its log in", k->dir);
    sleep_ms(25);
  }
  die("the sink did not listen within 10 s", k->dir);
}

static void prepare(struct smtp_sink *k)
{
  memset(k, 0, sizeof *k);
  snprintf(k->dir, sizeof k->dir, "/tmp/advisord-sink-XXXXXX");
  if (!mkdtemp(k->dir))
    die("mkdtemp failed", strerror(errno));
  snprintf(k->reject_file, sizeof k->reject_file, "%s/reject.txt", k->dir);
  snprintf(k->cert, sizeof k->cert, "%s/cert.pem", k->dir);
}

void sink_start(struct smtp_sink *k, int fail_first, int delay_s)
{
  prepare(k);
  spawn(k, fail_first, delay_s);
}

void sink_start_ack(struct smtp_sink *k, int delay_s)
{
  prepare(k);
  k->ack_delay_s = delay_s;
  spawn(k, 0, 0);
}

void sink_start_drop(struct smtp_sink *k, int drop)
{
  prepare(k);
  k->drop = drop;
  spawn(k, 0, 0);
}

void sink_start_tls(struct smtp_sink *k, int tls, const char *auth)
{
  prepare(k);
  k->tls = tls;
  snprintf(k->auth, sizeof k->auth, "%s", auth ? auth : "");
  spawn(k, 0, 0);
}

void sink_start_with(struct smtp_sink *k, const struct sink_options *o)
{
  prepare(k);
  k->tls = o->tls;
  snprintf(k->auth, sizeof k->auth, "%s", o->auth ? o->auth : "");
  k->drop = o->drop;
  k->no_ext = o->no_ext;
  k->size = o->size;
  k->cut_connection = o->cut_connection;
  spawn(k, o->fail_first, o->delay_s);
}

void sink_restart(struct smtp_sink *k, int fail_first, int delay_s)
{
  if (k->pid == 0)
    spawn(k, fail_first, delay_s);
}

void sink_stop(struct smtp_sink *k)
{
  if (k->pid <= 0)
    return;
  kill(k->pid, SIGTERM);
  int status;
  waitpid(k->pid, &status, 0);
  k->pid = 0;
}

void sink_cleanup(struct smtp_sink *k)
{
  sink_stop(k);
  if (k->dir[0]) {
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", k->dir);
    if (system(cmd) != 0)
      fprintf(stderr, "smtp_sink: could not remove %s\n", k->dir);
  }
}

void sink_reject(struct smtp_sink *k, const char *const *addresses)
{
  char tmp[320];
  snprintf(tmp, sizeof tmp, "%s.tmp", k->reject_file);
  FILE *f = fopen(tmp, "w");
  if (!f)
    die("cannot write", tmp);
  for (size_t i = 0; addresses && addresses[i]; i++)
    fprintf(f, "%s\n", addresses[i]);
  fclose(f);
  if (rename(tmp, k->reject_file) != 0)
    die("cannot rename", tmp);
}

/* Each complete line of a JSON-lines file as an array element (new reference). */
static json_t *read_lines(const char *dir, const char *name)
{
  char path[320];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  json_t *arr = json_array();
  FILE *f = fopen(path, "r");
  if (!f)
    return arr;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, f)) > 0) {
    if (line[n - 1] != '\n')
      break; /* being written */
    json_t *rec = json_loads(line, 0, NULL);
    if (rec)
      json_array_append_new(arr, rec);
  }
  free(line);
  fclose(f);
  return arr;
}

json_t *sink_received(const struct smtp_sink *k) { return read_lines(k->dir, "received.jsonl"); }

json_t *sink_events(const struct smtp_sink *k) { return read_lines(k->dir, "events.jsonl"); }

size_t sink_quits(const struct smtp_sink *k)
{
  json_t *arr = read_lines(k->dir, "quit.jsonl");
  size_t n = json_array_size(arr);
  json_decref(arr);
  return n;
}

size_t sink_wait(const struct smtp_sink *k, size_t n, int timeout_ms)
{
  size_t got = 0;
  for (int waited = 0;; waited += 50) {
    json_t *arr = sink_received(k);
    got = json_array_size(arr);
    json_decref(arr);
    if (got >= n || waited >= timeout_ms)
      return got;
    sleep_ms(50);
  }
}

size_t sink_wait_different(const struct smtp_sink *k, size_t n, int timeout_ms)
{
  size_t got = 0;
  for (int waited = 0;; waited += 50) {
    json_t *arr = sink_received(k), *ids = json_object();
    size_t i;
    json_t *rec;
    json_array_foreach(arr, i, rec)
    {
      const char *mid = json_string_value(json_object_get(rec, "message_id"));
      if (mid)
        json_object_set_new(ids, mid, json_true());
    }
    got = json_object_size(ids);
    json_decref(ids);
    json_decref(arr);
    if (got >= n || waited >= timeout_ms)
      return got;
    sleep_ms(50);
  }
}

int sink_times(json_t *arr, const char *message_id, json_t **last)
{
  int times = 0;
  size_t i;
  json_t *rec;
  json_array_foreach(arr, i, rec)
  {
    const char *mid = json_string_value(json_object_get(rec, "message_id"));
    if (mid && message_id && strcmp(mid, message_id) == 0) {
      times++;
      if (last)
        *last = rec;
    }
  }
  return times;
}

json_t *sink_find(json_t *arr, const char *message_id)
{
  size_t i;
  json_t *rec;
  json_array_foreach(arr, i, rec)
  {
    const char *mid = json_string_value(json_object_get(rec, "message_id"));
    if (mid && message_id && strcmp(mid, message_id) == 0)
      return rec;
  }
  return NULL;
}

char *sink_message(const char *id, const char *body)
{
  char *m = NULL;
  if (asprintf(&m,
               "From: advisord@example.se\r\nTo: kund@example.se\r\nSubject: test\r\n"
               "Message-ID: <%s@test>\r\nMIME-Version: 1.0\r\n"
               "Content-Type: text/plain; charset=us-ascii\r\n\r\n%s",
               id, body) < 0)
    abort();
  return m;
}
