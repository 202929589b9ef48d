/* main.c - configuration, logging, subcommands (serve, migrate, admin), signals and the orderly
 * start and stop of the server's parts. */
#include "admin.h"
#include "api.h"
#include "app.h"
#include "collab_sweep.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "mail_transport.h"
#include "mailer.h"
#include "metrics_listener.h"
#include "service/batches.h"
#include "webhook_worker.h"
#include "store.h"
#include "thread_prio.h"
#include "version.h"

#include <errno.h>
#include <libgen.h>
#include <stdbool.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static enum log_level parse_level(const char *s)
{
  return strcmp(s, "debug") == 0 ? LOG_DEBUG
         : strcmp(s, "warn") == 0 ? LOG_WARN
         : strcmp(s, "error") == 0 ? LOG_ERROR
                                  : LOG_INFO;
}

/* Creates dir and its parents (mode 0750) when missing. */
static int make_dirs(const char *dir)
{
  char buf[4096];
  if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf)
    return -1;
  for (char *p = buf + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      if (mkdir(buf, 0750) != 0 && errno != EEXIST)
        return -1;
      *p = '/';
    }
  return mkdir(buf, 0750) != 0 && errno != EEXIST ? -1 : 0;
}

/* Creates the folder that will hold file; false (with a message) when it cannot. */
static bool make_parent(const char *file)
{
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", file);
  if (make_dirs(dirname(dir)) == 0)
    return true;
  fprintf(stderr, "advisord: cannot create the folder of %s: %s\n", file, strerror(errno));
  return false;
}

/* The database's URL as logs show it: without the user info when that holds a password, and
 * without the query when it names one. */
static void db_for_log(const char *url, char *out, size_t len)
{
  const char *host = strstr(url, "://"), *at = host ? strchr(host + 3, '@') : NULL;
  if (at && memchr(host + 3, ':', (size_t)(at - host - 3)))
    mail_url_redact(url, out, len);
  else
    snprintf(out, len, "%s", url);
  char *query = strstr(out, "password=") ? strchr(out, '?') : NULL;
  if (query)
    *query = '\0';
}

/* Opens (and migrates) the database named by the settings, creating its folder. */
static struct store *open_store(const struct config *cfg)
{
  const char *file = store_url_file(cfg->db);
  if (file && !make_parent(file))
    return NULL;
  char why[512], shown[512];
  struct store *st = store_open(cfg->db, true, why, sizeof why);
  db_for_log(cfg->db, shown, sizeof shown);
  if (!st)
    fprintf(stderr, "advisord: %s: %s\n", shown, why);
  return st;
}

static int cmd_migrate(const struct config *cfg, int argc, char **argv)
{
  (void)argc;
  (void)argv;
  struct store *st = open_store(cfg);
  if (!st)
    return 1;
  printf("schema version %d\n", store_schema_version(st));
  store_close(st);
  return 0;
}

/* The base of links in e-mails: the configured one, else this server's own address (a
 * wildcard bind address names the local host, which is right only for trying it out). */
static void public_url(const struct config *cfg, uint16_t port, char *out, size_t len)
{
  if (*cfg->public_url) {
    snprintf(out, len, "%s", cfg->public_url);
    return;
  }
  const char *host = cfg->bind;
  if (strcmp(host, "0.0.0.0") == 0)
    host = "127.0.0.1";
  else if (strcmp(host, "::") == 0)
    host = "::1";
  bool v6 = strchr(host, ':') != NULL;
  snprintf(out, len, "http://%s%s%s:%u", v6 ? "[" : "", host, v6 ? "]" : "", (unsigned)port);
}

/* The program as it was started (argv[0]), for the command the start line suggests. */
static const char *program = "advisord";

/* s as one shell word: as it is when safe, else in single quotes (each ' as '\''). Returns s
 * or out. */
static const char *shell_word(const char *s, char *out, size_t len)
{
  if (*s && !strpbrk(s, " \t\n'\"$`\\|&;<>()*?[]#~!{}"))
    return s;
  size_t o = 0;
  if (o + 1 < len)
    out[o++] = '\'';
  for (; *s && o + 5 < len; s++) {
    if (*s == '\'') {
      memcpy(out + o, "'\\''", 4);
      o += 4;
    } else
      out[o++] = *s;
  }
  if (o + 1 < len)
    out[o++] = '\'';
  out[o < len ? o : len - 1] = '\0';
  return out;
}

/* One plain line on stderr for the person who started the server (--log-format console):
 * where it listens, where its data is, and the command that creates a first office. */
static void say_hello(const struct config *cfg, unsigned port)
{
  if (strcmp(cfg->log_format, "console") != 0 || *cfg->log_file)
    return; /* a log file holds JSON lines only */
  bool v6 = strchr(cfg->bind, ':') != NULL;
  char mail[600], url[512], prog[600], db[600], shown[512];
  db_for_log(cfg->db, shown, sizeof shown);
  if (*cfg->smtp_url) {
    mail_url_redact(cfg->smtp_url, url, sizeof url);
    snprintf(mail, sizeof mail, "sent through %s", url);
  } else
    snprintf(mail, sizeof mail, "written to %s/<outbox id>.eml", cfg->mail_spool);
  fprintf(stderr,
          "advisord: listening on http://%s%s%s:%u; database %s; e-mail %s. A first office: "
          "%s --db %s admin create-office --name 'Byrå Ett AB' --corporate-id 556036-0793 "
          "--email info@byra-ett.se (README.md walks on from there)\n",
          v6 ? "[" : "", cfg->bind, v6 ? "]" : "", port, shown, mail,
          shell_word(program, prog, sizeof prog), shell_word(shown, db, sizeof db));
}

/* Raises the soft open-file limit to the hard one and returns max_connections, lowered when
 * the limit still leaves fewer than 64 descriptors for the database, logs and mail beside it
 * (past the limit accept() fails with EMFILE and nobody is served). */
static unsigned fit_open_files(unsigned max_connections)
{
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
    return max_connections;
  if (rl.rlim_cur < rl.rlim_max) {
    rlim_t soft = rl.rlim_cur;
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
      rl.rlim_cur = soft;
  }
  if (rl.rlim_cur == RLIM_INFINITY || (rlim_t)max_connections + 64 <= rl.rlim_cur)
    return max_connections;
  unsigned fit = rl.rlim_cur > 64 + 16 ? (unsigned)(rl.rlim_cur - 64) : 16;
  log_json(LOG_WARN, "max_connections_lowered",
           json_pack("{s:i, s:i, s:I}", "configured", (int)max_connections, "used", (int)fit,
                     "open_file_limit", (json_int_t)rl.rlim_cur));
  return fit;
}

/* SIGHUP: the log file anew (logrotate moved the old one away); without one, nothing. */
static void reopen_log(const struct config *cfg)
{
  if (!*cfg->log_file)
    return;
  if (log_to_file(cfg->log_file))
    log_json(LOG_INFO, "log_reopened", json_pack("{s:s}", "file", cfg->log_file));
  else /* the old file stays in use: lines are not lost */
    log_json(LOG_ERROR, "log_reopen_failed",
             json_pack("{s:s, s:s}", "file", cfg->log_file, "reason", strerror(errno)));
}

static int cmd_serve(const struct config *cfg, int argc, char **argv)
{
  if (argc > 0) {
    fprintf(stderr, "advisord: serve takes no arguments, got '%s'\n", argv[0]);
    return 2;
  }
  /* Block the stop signals in every thread; main waits for them with sigwait. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGHUP); /* not a stop: the log file is opened again */
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  signal(SIGPIPE, SIG_IGN);

  if (*cfg->log_file && (!make_parent(cfg->log_file) || !log_to_file(cfg->log_file))) {
    fprintf(stderr, "advisord: cannot open the log file %s: %s\n", cfg->log_file,
            strerror(errno));
    return 1;
  }
  struct store *st = open_store(cfg);
  if (!st)
    return 1;
  int guard = admin_serve_guard(cfg->db); /* keeps `advisord restore` out while we run */
  if (guard == -1) {
    fprintf(stderr, "advisord: %s: %s\n", cfg->db,
            errno == EWOULDBLOCK ? "a restore is running on this database" : strerror(errno));
    store_close(st);
    return 1;
  }
  struct app app = {.cfg = cfg, .store = st};
  char why[512] = "";
  if (!make_parent(cfg->secret_file)) {
    store_close(st);
    close(guard);
    return 1;
  }
  if (!secret_load(cfg->secret_file, &app.secret, why, sizeof why)) {
    fprintf(stderr, "advisord: %s\n", why);
    store_close(st);
    close(guard);
    return 1;
  }
  /* Listening first: with --port 0 the links in e-mails name the port bound. */
  uint16_t port = 0;
  int listen_fd = http_listen(cfg->bind, (uint16_t)cfg->port, &port);
  if (listen_fd < 0) {
    store_close(st);
    close(guard);
    return 1;
  }
  public_url(cfg, port, app.public_url, sizeof app.public_url);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  struct http_options opts = {
      .bind = cfg->bind,
      .port = port,
      .listen_fd = listen_fd,
      .threads = cfg->threads > 0 ? (unsigned)cfg->threads : (unsigned)(cores > 0 ? cores : 2),
      .conn_timeout_s = (unsigned)cfg->conn_timeout,
      .head_timeout_s = (unsigned)cfg->head_timeout,
      .body_min_rate = (unsigned)cfg->body_min_rate,
      .guess_limit = (unsigned)cfg->guess_limit,
      .guess_forget_s = (unsigned)cfg->guess_forget,
      .throttle_per_key = (unsigned)cfg->sign_in_limit,
      .throttle_per_client = (unsigned)cfg->sign_in_client_limit,
      .throttle_forget_s = 15 * 60,
      .max_connections = fit_open_files((unsigned)cfg->max_connections),
      .max_connections_per_ip = (unsigned)cfg->max_connections_per_ip,
      .body_max = (size_t)cfg->body_max,
      .url_max = (size_t)cfg->url_max,
      .cors_origins = cfg->cors_origins,
      .routes = api_routes,
      .n_routes = api_routes_count,
      .secret_after = api_secret_after_segments,
      .authenticate = api_authenticate,
      .snapshot = api_snapshot,
      .app = &app,
      .metrics = true,
  };
  /* Keep one worker free for /healthz and reads while another process holds the write lock. */
  store_set_lock_waiters(st, opts.threads > 1 ? opts.threads - 1 : 1);
  /* Started in order; any failure, and the end, stop whatever was started (every *_stop takes
   * NULL). http_start owns the listening socket from its call on. */
  struct collab_sweeper *sweeper = NULL;
  struct http_server *srv = NULL, *metrics_srv = NULL;
  int rc = 1, sig = 0;
  store_start_threads(st); /* at this thread's priority, before the background threads */
  if (!(app.mailer = mailer_start(&app)) || !(app.webhooks = webhook_worker_start(&app)) ||
      !(sweeper = collab_sweeper_start(&app)) || !(app.batches = batch_runner_start(&app))) {
    close(listen_fd);
    goto out;
  }
  if (!(srv = http_start(&opts)) || !start_metrics_listener(cfg, &opts, &metrics_srv))
    goto out;
  char db_shown[512];
  db_for_log(cfg->db, db_shown, sizeof db_shown);
  log_json(LOG_INFO, "listening",
           json_pack("{s:s, s:i, s:i, s:i, s:s, s:s, s:s}", "bind", cfg->bind, "port",
                     (int)http_port(srv), "threads", (int)opts.threads, "max_connections",
                     (int)opts.max_connections, "db", db_shown, "public_url", app.public_url,
                     "version", ADVISORD_VERSION));
  say_hello(cfg, http_port(srv));
  while (sigwait(&stop, &sig) == 0 && sig == SIGHUP)
    reopen_log(cfg);
  log_json(LOG_INFO, "stopping", json_pack("{s:s, s:i}", "signal", strsignal(sig),
                                           "drain_timeout_s", (int)cfg->drain_timeout));
  rc = 0;
out:
  http_stop(metrics_srv, 0);
  http_stop(srv, rc == 0 ? (unsigned)cfg->drain_timeout : 0);
  batch_runner_stop(app.batches); /* between two rows: the rest wait for the next start */
  collab_sweeper_stop(sweeper);
  webhook_worker_stop(app.webhooks);
  mailer_stop(app.mailer);
  store_close(st);
  close(guard); /* after the store: closing it sooner would drop SQLite's POSIX locks */
  if (rc == 0)
    log_json(LOG_INFO, "stopped", NULL);
  return rc;
}

static int cmd_admin(const struct config *cfg, int argc, char **argv)
{
  return admin_main(cfg, argc, argv, open_store);
}

struct command {
  const char *name;
  int (*run)(const struct config *cfg, int argc, char **argv);
};

static const struct command commands[] = {
    {"serve", cmd_serve},
    {"migrate", cmd_migrate},
    {"admin", cmd_admin},
    {"backup", admin_backup},
    {"restore", admin_restore},
};

int main(int argc, char **argv)
{
  struct config cfg;
  int argi = 1;
  if (argc > 0 && argv[0] && *argv[0])
    program = argv[0];
  enum config_result cr = config_load(&cfg, argc, argv, &argi);
  if (cr != CONFIG_OK) {
    config_free(&cfg);
    return cr == CONFIG_EXIT_OK ? 0 : 2;
  }
  log_set_level(parse_level(cfg.log_level));
  thread_prio_set_background_nice((int)cfg.background_nice); /* before any store opens */
  const char *name = argi < argc ? argv[argi] : "serve";
  int sub_argc = argi < argc ? argc - argi - 1 : 0;
  char **sub_argv = argi < argc ? argv + argi + 1 : argv + argc;
  int rc = -1;
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(name, commands[i].name) == 0)
      rc = commands[i].run(&cfg, sub_argc, sub_argv);
  if (rc == -1) {
    fprintf(stderr, "advisord: unknown command '%s' (see advisord --help)\n", name);
    rc = 2;
  }
  config_free(&cfg);
  return rc;
}
