/* config.c - one table of settings: flag, environment variable, type, default, help.
 * Defaults are applied first, then the environment, then flags. */
#include "config.h"
#include "version.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum opt_type { OPT_STR, OPT_LONG, OPT_FLAG }; /* OPT_FLAG: a long 0/1; the flag alone is 1 */

struct option_def {
  const char *flag;
  const char *env;
  enum opt_type type;
  size_t offset;
  const char *def;
  long min, max;
  const char *help;
};

#define STR(field, flag, env, def, help) \
  {flag, env, OPT_STR, offsetof(struct config, field), def, 0, 0, help}
#define NUM(field, flag, env, def, lo, hi, help) \
  {flag, env, OPT_LONG, offsetof(struct config, field), def, lo, hi, help}

#define FLAG(field, flag, env, help) \
  {flag, env, OPT_FLAG, offsetof(struct config, field), "0", 0, 1, help}

static const struct option_def options[] = {
    STR(bind, "--bind", "ADVISORD_BIND", "127.0.0.1", "IPv4 or IPv6 address to listen on"),
    NUM(port, "--port", "ADVISORD_PORT", "8080", 0, 65535, "TCP port (0 picks a free one)"),
    STR(metrics_bind, "--metrics-bind", "ADVISORD_METRICS_BIND", "",
        "ADDR:PORT ([ADDR]:PORT for IPv6) of a second listener that serves only GET /metrics, "
        "to anyone who reaches it (bind it to a private address); empty: none, and /metrics "
        "on the main port answers only a support or admin token"),
    STR(db, "--db", "ADVISORD_DB", "var/advisor.db",
        "database: a SQLite file (a path or sqlite:PATH) or a postgresql:// URL"),
    NUM(threads, "--threads", "ADVISORD_THREADS", "0", 0, 256,
        "HTTP worker threads (0: one per CPU core)"),
    NUM(conn_timeout, "--conn-timeout", "ADVISORD_CONN_TIMEOUT", "30", 1, 3600,
        "seconds an idle connection is kept open"),
    NUM(head_timeout, "--head-timeout", "ADVISORD_HEAD_TIMEOUT", "10", 1, 3600,
        "seconds a client may take to send a whole request head (request line and headers); "
        "later, the connection is closed"),
    NUM(body_min_rate, "--body-min-rate", "ADVISORD_BODY_MIN_RATE", "500", 0, 1073741824,
        "bytes per second a request body must average once --head-timeout seconds have "
        "passed since its head (slower: closed; 0: no minimum)"),
    NUM(max_connections, "--max-connections", "ADVISORD_MAX_CONNECTIONS", "1024", 1, 65536,
        "open connections in all; at start the open-file limit (ulimit -n) is raised to its "
        "hard limit, and when that is still too low this is lowered to fit 64 under it. Near "
        "the limit, the oldest connections without a request in flight are closed first"),
    NUM(max_connections_per_ip, "--max-connections-per-ip", "ADVISORD_MAX_CONNECTIONS_PER_IP",
        "128", 1, 65536,
        "open connections from one client address (a slow or hostile client cannot take all; "
        "near it, that address's oldest connections without a request in flight are closed "
        "first)"),
    NUM(guess_limit, "--guess-limit", "ADVISORD_GUESS_LIMIT", "10", 0, 1000000,
        "failed bearer tokens, invitation links and acceptances from one client address "
        "before each further failure makes it wait (429 with Retry-After: 1 s, 2 s, 4 s ... "
        "at most 600 s; 0: never)"),
    NUM(guess_forget, "--guess-forget", "ADVISORD_GUESS_FORGET", "900", 1, 86400,
        "seconds without a failed guess after which an address starts afresh"),
    NUM(sign_in_limit, "--sign-in-limit", "ADVISORD_SIGN_IN_LIMIT", "5", 0, 1000000,
        "sign-in requests for one e-mail address within 15 minutes before each further one "
        "makes it wait (429 with Retry-After: 1 s, 2 s, 4 s ... at most 600 s; 0: never)"),
    NUM(sign_in_client_limit, "--sign-in-client-limit", "ADVISORD_SIGN_IN_CLIENT_LIMIT", "30",
        0, 1000000, "sign-in requests from one client address within 15 minutes before each "
        "further one makes it wait, as --sign-in-limit (0: never)"),
    NUM(session_idle, "--session-idle", "ADVISORD_SESSION_IDLE", "3600", 60, 31536000,
        "seconds a browser session (the sign-in cookie) stays valid without being used"),
    NUM(session_max, "--session-max", "ADVISORD_SESSION_MAX", "604800", 60, 31536000,
        "seconds a browser session stays valid at most, however much it is used"),
    NUM(body_max, "--body-max", "ADVISORD_BODY_MAX", "1048576", 1024, 67108864,
        "largest request body in bytes (larger: 413)"),
    NUM(url_max, "--url-max", "ADVISORD_URL_MAX", "8192", 256, 32768,
        "longest request URI in bytes (longer: 414)"),
    NUM(drain_timeout, "--drain-timeout", "ADVISORD_DRAIN_TIMEOUT", "10", 0, 600,
        "seconds requests in flight may take to finish at shutdown"),
    STR(cors_origins, "--cors-origins", "ADVISORD_CORS_ORIGINS", "",
        "comma-separated origins allowed by CORS (\"*\" for any; empty: none)"),
    STR(log_level, "--log-level", "ADVISORD_LOG_LEVEL", "info", "debug, info, warn or error"),
    STR(log_file, "--log-file", "ADVISORD_LOG_FILE", "",
        "file the server's log lines go to instead of stderr (appended; opened again on "
        "SIGHUP, so logrotate can move it away; empty: stderr)"),
    STR(log_format, "--log-format", "ADVISORD_LOG_FORMAT", "console",
        "console: JSON log lines plus, at start, one plain line saying where the server "
        "listens, where its data is and what to run next; json: JSON log lines only"),
    STR(secret_file, "--secret-file", "ADVISORD_SECRET_FILE", "var/secret.key",
        "file with the server's secret key (made on first start; back it up, but apart from "
        "the database: without it open invitation links stop working, and with both anyone "
        "can make them)"),
    NUM(invitation_ttl, "--invitation-ttl", "ADVISORD_INVITATION_TTL", "2592000", 1, 315360000,
        "seconds an invitation stays open before it expires"),
    NUM(reminder_interval, "--reminder-interval", "ADVISORD_REMINDER_INTERVAL", "3600", 0,
        31536000, "seconds an inviter must wait between two reminders of one invitation (the "
        "first one counts from the invitation)"),
    NUM(collab_create_limit, "--collaboration-create-limit",
        "ADVISORD_COLLABORATION_CREATE_LIMIT", "20", 0, 100000,
        "collaborations and office invitations one user may start per hour, each sending an "
        "e-mail (0: no limit)"),
    NUM(batch_create_limit, "--batch-create-limit", "ADVISORD_BATCH_CREATE_LIMIT", "10", 0,
        100000, "batches (bulk activations, up to 1000 rows each) one office user may upload "
        "per hour; a batch also counts once against --collaboration-create-limit (0: no "
        "limit)"),
    NUM(batch_lease, "--batch-lease", "ADVISORD_BATCH_LEASE", "30", 1, 3600,
        "seconds a server holds a running batch after its last row; a batch held by a server "
        "that stopped is taken up by another (or the next start) after this"),
    NUM(expiry_sweep_interval, "--expiry-sweep-interval", "ADVISORD_EXPIRY_SWEEP_INTERVAL", "60",
        1, 86400, "seconds between sweeps that record lapsed invitations as expired"),
    STR(smtp_url, "--smtp-url", "ADVISORD_SMTP_URL", "",
        "SMTP server (smtp://host:port, smtps://...); empty: write .eml files to the spool"),
    STR(smtp_user, "--smtp-user", "ADVISORD_SMTP_USER", "", "SMTP login user (optional)"),
    STR(smtp_password, "--smtp-password", "ADVISORD_SMTP_PASSWORD", "",
        "SMTP login password (optional; never logged)"),
    STR(smtp_starttls, "--smtp-starttls", "ADVISORD_SMTP_STARTTLS", "try",
        "STARTTLS on smtp:// URLs: off, try (when the server offers it) or required "
        "(smtps:// always uses TLS)"),
    NUM(smtp_timeout, "--smtp-timeout", "ADVISORD_SMTP_TIMEOUT", "60", 5, 3600,
        "seconds one SMTP delivery may take before it counts as a temporary failure"),
    STR(smtp_ca_file, "--smtp-ca-file", "ADVISORD_SMTP_CA_FILE", "",
        "PEM file of CA certificates to check the SMTP server's TLS certificate against "
        "(empty: the system's CA store)"),
    STR(mail_from, "--mail-from", "ADVISORD_MAIL_FROM", "advisord <no-reply@advisord.local>",
        "From address of e-mails"),
    STR(public_url, "--public-url", "ADVISORD_PUBLIC_URL", "",
        "base URL of links in e-mails (empty: http://<bind>:<port> of this server)"),
    STR(mail_spool, "--mail-spool", "ADVISORD_MAIL_SPOOL", "var/mail",
        "folder for .eml files when no SMTP server is set"),
    NUM(mail_retry_min, "--mail-retry-min", "ADVISORD_MAIL_RETRY_MIN", "5", 1, 86400,
        "seconds before the first retry of a failed delivery"),
    NUM(mail_retry_max, "--mail-retry-max", "ADVISORD_MAIL_RETRY_MAX", "3600", 1, 604800,
        "longest wait between retries, in seconds"),
    NUM(mail_max_attempts, "--mail-max-attempts", "ADVISORD_MAIL_MAX_ATTEMPTS", "5", 1, 1000,
        "tries before a permanently refused e-mail is marked failed"),
    NUM(mail_workers, "--mail-workers", "ADVISORD_MAIL_WORKERS", "4", 1, 64,
        "e-mails delivered at once (each over its own SMTP connection)"),
    NUM(background_nice, "--background-nice", "ADVISORD_BACKGROUND_NICE", "10", 0, 19,
        "how much lower the scheduling priority of background threads (mailer, webhooks, "
        "checkpoints, batches, sweeps) is than that of the threads answering requests, as a "
        "nice value (0: the same); under load requests get the cores first"),
    FLAG(webhook_allow_private, "--webhook-allow-private", "ADVISORD_WEBHOOK_ALLOW_PRIVATE",
         "let webhooks call http:// URLs and private, loopback and link-local addresses "
         "(development and tests only; set the variable to 1)"),
    NUM(webhook_workers, "--webhook-workers", "ADVISORD_WEBHOOK_WORKERS", "2", 1, 16,
        "webhook deliveries made at once"),
    NUM(webhook_timeout, "--webhook-timeout", "ADVISORD_WEBHOOK_TIMEOUT", "10", 1, 60,
        "seconds one webhook delivery may take (connecting included)"),
    NUM(webhook_retry_min_ms, "--webhook-retry-min-ms", "ADVISORD_WEBHOOK_RETRY_MIN_MS", "30000",
        10, 86400000, "milliseconds before the first retry of a failed webhook delivery"),
    NUM(webhook_retry_max_ms, "--webhook-retry-max-ms", "ADVISORD_WEBHOOK_RETRY_MAX_MS",
        "3600000", 10, 86400000, "longest wait between two tries of a webhook delivery (ms)"),
    NUM(webhook_give_up, "--webhook-give-up", "ADVISORD_WEBHOOK_GIVE_UP", "259200", 1, 2592000,
        "seconds a webhook delivery is retried, and an endpoint may fail, before giving up "
        "(the endpoint is then disabled and its owner told)"),
};
#define N_OPTIONS (sizeof options / sizeof options[0])

static int set_value(struct config *cfg, const struct option_def *o, const char *value,
                     const char *source)
{
  void *field = (char *)cfg + o->offset;
  if (o->type == OPT_STR) {
    char **s = field;
    free(*s);
    *s = strdup(value);
    return *s ? 0 : -1;
  }
  if (o->type == OPT_FLAG) {
    bool on = !strcmp(value, "1") || !strcmp(value, "true") || !strcmp(value, "yes");
    if (!on && strcmp(value, "0") && strcmp(value, "false") && strcmp(value, "no") && *value) {
      fprintf(stderr, "advisord: %s: invalid value '%s' for %s (1 or 0)\n", source, value,
              o->flag);
      return -1;
    }
    *(long *)field = on;
    return 0;
  }
  char *end = NULL;
  errno = 0;
  long v = strtol(value, &end, 10);
  if (errno || end == value || *end != '\0' || v < o->min || v > o->max) {
    fprintf(stderr, "advisord: %s: invalid value '%s' for %s (a whole number from %ld to %ld)\n",
            source, value, o->flag, o->min, o->max);
    return -1;
  }
  *(long *)field = v;
  return 0;
}

void config_each_option(void (*fn)(const char *flag, const char *env, void *arg), void *arg)
{
  for (size_t i = 0; i < N_OPTIONS; i++)
    fn(options[i].flag, options[i].env, arg);
}

void config_each_setting(void (*fn)(const struct config_setting *s, void *arg), void *arg)
{
  for (size_t i = 0; i < N_OPTIONS; i++) {
    struct config_setting cs = {options[i].flag, options[i].env, options[i].def,
                                options[i].help};
    fn(&cs, arg);
  }
}

static const struct option_def *find_flag(const char *arg, const char **inline_value)
{
  for (size_t i = 0; i < N_OPTIONS; i++) {
    size_t n = strlen(options[i].flag);
    if (strncmp(arg, options[i].flag, n) == 0 && (arg[n] == '\0' || arg[n] == '=')) {
      *inline_value = arg[n] == '=' ? arg + n + 1 : NULL;
      return &options[i];
    }
  }
  return NULL;
}

enum config_result config_load(struct config *cfg, int argc, char **argv, int *argi)
{
  memset(cfg, 0, sizeof *cfg);
  for (size_t i = 0; i < N_OPTIONS; i++)
    if (set_value(cfg, &options[i], options[i].def, "default") != 0)
      return CONFIG_ERROR;
  for (size_t i = 0; i < N_OPTIONS; i++) {
    const char *v = getenv(options[i].env);
    if (v && set_value(cfg, &options[i], v, options[i].env) != 0)
      return CONFIG_ERROR;
  }
  int i = *argi;
  for (; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      config_usage(stdout);
      return CONFIG_EXIT_OK;
    }
    if (strcmp(arg, "--help-man") == 0 || strcmp(arg, "--help-env") == 0) {
      (arg[7] == 'm' ? config_man : config_env_example)(stdout);
      return CONFIG_EXIT_OK;
    }
    if (strcmp(arg, "--version") == 0) {
      printf("advisord %s\n", ADVISORD_VERSION);
      return CONFIG_EXIT_OK;
    }
    if (strncmp(arg, "--", 2) != 0)
      break;
    const char *value = NULL;
    const struct option_def *o = find_flag(arg, &value);
    if (!o) {
      fprintf(stderr, "advisord: unknown flag '%s' (see advisord --help)\n", arg);
      return CONFIG_ERROR;
    }
    if (!value && o->type == OPT_FLAG)
      value = "1";
    if (!value) {
      if (i + 1 >= argc) {
        fprintf(stderr, "advisord: %s needs a value (see advisord --help)\n", arg);
        return CONFIG_ERROR;
      }
      value = argv[++i];
    }
    if (set_value(cfg, o, value, o->flag) != 0)
      return CONFIG_ERROR;
  }
  if (strcmp(cfg->log_level, "debug") && strcmp(cfg->log_level, "info") &&
      strcmp(cfg->log_level, "warn") && strcmp(cfg->log_level, "error")) {
    fprintf(stderr, "advisord: --log-level must be debug, info, warn or error, not '%s'\n",
            cfg->log_level);
    return CONFIG_ERROR;
  }
  if (strcmp(cfg->log_format, "console") && strcmp(cfg->log_format, "json")) {
    fprintf(stderr, "advisord: --log-format must be console or json, not '%s'\n", cfg->log_format);
    return CONFIG_ERROR;
  }
  if (strcmp(cfg->smtp_starttls, "off") && strcmp(cfg->smtp_starttls, "try") &&
      strcmp(cfg->smtp_starttls, "required")) {
    fprintf(stderr, "advisord: --smtp-starttls must be off, try or required, not '%s'\n",
            cfg->smtp_starttls);
    return CONFIG_ERROR;
  }
  if (cfg->webhook_retry_min_ms > cfg->webhook_retry_max_ms) {
    fprintf(stderr, "advisord: --webhook-retry-min-ms (%ld) exceeds --webhook-retry-max-ms "
            "(%ld)\n", cfg->webhook_retry_min_ms, cfg->webhook_retry_max_ms);
    return CONFIG_ERROR;
  }
  if (cfg->mail_retry_min > cfg->mail_retry_max) {
    fprintf(stderr, "advisord: --mail-retry-min (%ld) exceeds --mail-retry-max (%ld)\n",
            cfg->mail_retry_min, cfg->mail_retry_max);
    return CONFIG_ERROR;
  }
  *argi = i;
  return CONFIG_OK;
}

void config_free(struct config *cfg)
{
  for (size_t i = 0; i < N_OPTIONS; i++)
    if (options[i].type == OPT_STR) {
      char **s = (char **)((char *)cfg + options[i].offset);
      free(*s);
      *s = NULL;
    }
}
