/* metrics_listener.c - the --metrics-bind listener of `advisord serve` (part of main). */
#include "metrics_listener.h"
#include "api.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Starts the --metrics-bind listener ("ADDR:PORT", "[ADDR]:PORT"): main's options with only
 * GET /metrics, open, one thread, few connections, not counted in the metrics. *srv stays NULL
 * when none is set; false (said on stderr) when the value is bad or it cannot listen. */
bool start_metrics_listener(const struct config *cfg, const struct http_options *main_opts,
                            struct http_server **srv)
{
  *srv = NULL;
  if (!*cfg->metrics_bind)
    return true;
  char host[256];
  const char *colon = strrchr(cfg->metrics_bind, ':');
  const char *h = cfg->metrics_bind;
  size_t hl = colon ? (size_t)(colon - h) : 0;
  if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']')
    h++, hl -= 2;
  char *end = NULL;
  long port = colon ? strtol(colon + 1, &end, 10) : -1;
  if (!colon || hl == 0 || hl >= sizeof host || !end || *end || end == colon + 1 || port < 0 ||
      port > 65535) {
    fprintf(stderr, "advisord: --metrics-bind must be ADDR:PORT (e.g. 127.0.0.1:9464, "
                    "[::1]:9464), not '%s'\n", cfg->metrics_bind);
    return false;
  }
  memcpy(host, h, hl);
  host[hl] = '\0';
  struct http_options o = *main_opts;
  o.bind = host, o.port = (uint16_t)port, o.threads = 1, o.listen_fd = -1;
  o.max_connections = o.max_connections_per_ip = 16;
  o.guess_limit = o.throttle_per_key = o.throttle_per_client = 0;
  o.routes = api_metrics_routes;
  o.n_routes = api_metrics_routes_count;
  o.metrics = false;
  if (!(*srv = http_start(&o)))
    return false;
  log_json(LOG_INFO, "metrics_listening",
           json_pack("{s:s, s:i}", "bind", host, "port", (int)http_port(*srv)));
  return true;
}
