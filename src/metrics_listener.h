/* metrics_listener.h - the second listener of `advisord serve` that serves only GET /metrics
 * (--metrics-bind), started by main.c beside the main server. */
#ifndef ADVISORD_METRICS_LISTENER_H
#define ADVISORD_METRICS_LISTENER_H

#include <stdbool.h>

#include "config.h"
#include "http.h"

/* Starts the --metrics-bind listener ("ADDR:PORT", "[ADDR]:PORT"): main_opts with only
 * GET /metrics, open, one thread, few connections, not counted in the metrics. *srv stays NULL
 * when none is set; false (said on stderr) when the value is bad or it cannot listen. Stop it
 * with http_stop. */
bool start_metrics_listener(const struct config *cfg, const struct http_options *main_opts,
                            struct http_server **srv);

#endif
