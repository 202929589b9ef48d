/* app.h - what every handler can reach: the settings and the store. Owned by main.c. */
#ifndef ADVISORD_APP_H
#define ADVISORD_APP_H

#include "config.h"
#include "secret.h"
#include "store.h"

struct mailer; /* mailer.h */
struct webhook_worker; /* webhook_worker.h */
struct batch_runner; /* service/batches.h */

struct app {
  const struct config *cfg;
  struct store *store;
  struct secret secret; /* loaded at start from cfg->secret_file */
  char public_url[512]; /* base of links in e-mails: cfg->public_url, or this server's own */
  struct mailer *mailer; /* delivers the outbox; mailer_wake(app->mailer) after enqueueing */
  struct webhook_worker *webhooks; /* sends webhook deliveries; webhook_worker_wake() after
                                      committing some (NULL: not running, e.g. admin commands) */
  struct batch_runner *batches; /* runs uploaded batches; batch_runner_wake() after storing one
                                   (NULL: not running) */
};

#endif
