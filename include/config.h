/* config.h - the server's settings, from flags and environment variables (a flag wins).
 * Every setting is listed once in config.c's table, which also drives --help. */
#ifndef ADVISORD_CONFIG_H
#define ADVISORD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct config {
  char *bind;             /* address to listen on */
  char *metrics_bind;     /* "ADDR:PORT" of a second listener serving only /metrics; "": none */
  long port;              /* 0 picks a free port */
  char *db;               /* SQLite database file */
  long threads;           /* HTTP worker threads */
  long conn_timeout;      /* seconds of inactivity before a connection is closed */
  long head_timeout;      /* seconds a whole request head may take to arrive */
  long body_min_rate;     /* bytes/s a request body must average (0: no minimum) */
  long guess_limit;       /* failed guesses from one address before it is slowed (0: off) */
  long guess_forget;      /* seconds without a failure after which an address starts afresh */
  long sign_in_limit;     /* sign-in e-mails per address before further ones are slowed */
  long sign_in_client_limit; /* sign-in requests per client address before they are slowed */
  long session_idle;      /* seconds a browser session lives unused */
  long session_max;       /* seconds a browser session lives at most */
  long max_connections;   /* open connections in all */
  long max_connections_per_ip; /* open connections from one client address */
  long body_max;          /* request body cap in bytes */
  long url_max;           /* longest accepted request URI in bytes */
  long drain_timeout;     /* seconds to let requests finish on shutdown */
  char *cors_origins;     /* comma-separated allow-list of origins ("*" for any) */
  char *log_level;        /* debug|info|warn|error */
  char *log_format;       /* console (JSON lines + a plain start line) | json (JSON lines only) */
  char *log_file;         /* JSON lines go here instead of stderr, reopened on SIGHUP; "": stderr */
  char *secret_file;      /* server secret (derives invitation tokens; never in the database) */
  long invitation_ttl;    /* seconds an invitation stays open */
  long reminder_interval; /* seconds between two reminders of one invitation */
  long collab_create_limit; /* collaborations a principal may start per hour (0: no limit) */
  long batch_create_limit;  /* batches an office user may upload per hour (0: no limit) */
  long batch_lease;         /* seconds a runner holds a batch between two rows */
  long expiry_sweep_interval; /* seconds between sweeps that record lapsed invitations */
  char *smtp_url;         /* smtp://, smtps://; empty: write .eml files to the spool */
  char *smtp_user;
  char *smtp_password;
  char *smtp_starttls;    /* off|try|required: STARTTLS on smtp:// (smtps:// is TLS anyway) */
  long smtp_timeout;      /* seconds one SMTP delivery may take */
  char *smtp_ca_file;     /* CA certificates for the SMTP server's TLS ("": the system's) */
  char *mail_from;
  char *public_url;       /* base of links in e-mails */
  char *mail_spool;
  long mail_retry_min;    /* seconds */
  long mail_retry_max;    /* seconds */
  long mail_max_attempts; /* permanent failures stop after this many tries */
  long mail_workers;      /* deliveries at once */
  long background_nice;   /* nice value added to background threads (thread_prio.h) */
  long webhook_allow_private; /* 1: http:// and internal addresses allowed (development) */
  long webhook_workers;   /* webhook deliveries at once */
  long webhook_timeout;   /* seconds one webhook delivery may take */
  long webhook_retry_min_ms, webhook_retry_max_ms; /* backoff bounds */
  long webhook_give_up;   /* seconds before a delivery, or a failing endpoint, is given up */
};

enum config_result { CONFIG_OK, CONFIG_EXIT_OK, CONFIG_ERROR };

/* Fills cfg from the environment and argv[*argi ...], stopping at the first argument that is
 * not a flag (the subcommand); *argi is left there. Prints --help/--version itself
 * (CONFIG_EXIT_OK) and a clear message on a bad flag or value (CONFIG_ERROR).
 * Strings in cfg are owned by cfg: release with config_free(). */
enum config_result config_load(struct config *cfg, int argc, char **argv, int *argi);
void config_free(struct config *cfg);
/* Calls fn for every setting with its flag and environment variable (for tests and tools). */
void config_each_option(void (*fn)(const char *flag, const char *env, void *arg), void *arg);
/* One setting as --help, the man page and the example environment file show it. */
struct config_setting {
  const char *flag, *env, *def, *help;
};
/* Calls fn for every setting, in the table's order. */
void config_each_setting(void (*fn)(const struct config_setting *s, void *arg), void *arg);
/* config_doc.c: the same table written three ways, so they never disagree: the usage text of
 * --help; the man page advisord(8) (--help-man, in roff); an example environment file with
 * every variable and its default, commented out (--help-env). */
void config_usage(FILE *out);
void config_man(FILE *out);
void config_env_example(FILE *out);

#endif
