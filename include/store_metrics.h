/* store_metrics.h - counts read at scrape time for GET /metrics: the outbox's depth and the
 * collaborations by state. */
#ifndef ADVISORD_STORE_METRICS_H
#define ADVISORD_STORE_METRICS_H

#include <stdint.h>

#include "store.h"

/* Calls fn(arg, status, template, n) for every (status, template) of the outbox rows not yet
 * delivered ("pending", and "failed": given up, waiting for support). The strings live only
 * during the call. Walks the outbox_due index, so it costs the undelivered rows only. */
enum store_status store_outbox_depth(struct store_conn *c,
                                     void (*fn)(void *arg, const char *status,
                                                const char *template_name, int64_t n),
                                     void *arg);
/* Calls fn(arg, state, n) for every state with collaborations (SQLite walks the
 * collaborations_due index: one step per collaboration, no table rows). */
enum store_status store_collab_states(struct store_conn *c,
                                      void (*fn)(void *arg, const char *state, int64_t n),
                                      void *arg);

#endif
