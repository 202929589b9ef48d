/* Unit test of the metrics counters (core/metrics.c): a request lands under its route and
 * status (an unknown status under "0", no route under "unmatched"), in the right latency
 * bucket, cumulated when written; transactions, e-mails, connections and guesses count. */
#include "metrics.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

TEST_MAIN_DEFS

static const char *const methods[] = {"GET", "POST"};
static const char *const patterns[] = {"/v1/things", "/v1/things/{id}"};

static void name(size_t i, void *arg, const char **method, const char **pattern)
{
  (void)arg;
  *method = methods[i];
  *pattern = patterns[i];
}

static char *render(void)
{
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  metrics_render(f);
  fclose(f);
  return text;
}

/* True when text has the line exactly. */
static bool has_line(const char *text, const char *line)
{
  size_t n = strlen(line);
  for (const char *p = text; (p = strstr(p, line)); p += n)
    if ((p == text || p[-1] == '\n') && p[n] == '\n')
      return true;
  return false;
}

#define LINE(text, l) CHECK_MSG(has_line(text, l), "no line '%s'", l)

int main(void)
{
  char *empty = render();
  CHECK(strstr(empty, "advisord_http_requests_total{") == NULL); /* before init: nothing */
  free(empty);
  CHECK(metrics_init(2, name, NULL));
  metrics_request(0, 200, 800);       /* <= 1 ms */
  metrics_request(0, 200, 1000);      /* exactly 1 ms: le="0.001" */
  metrics_request(0, 200, 30000);     /* 30 ms: le="0.05" */
  metrics_request(1, 201, 20000000);  /* 20 s: +Inf only */
  metrics_request(1, 299, 10);        /* a status not in the table */
  metrics_request(SIZE_MAX, 404, 50); /* no route */
  metrics_store_tx(true, METRICS_TX_COMMITTED);
  metrics_store_retries(true, 2);
  metrics_store_tx(false, METRICS_TX_BUSY);
  metrics_store_tx(true, METRICS_TX_ROLLED_BACK);
  metrics_store_batch();
  metrics_mail("sent");
  metrics_mail("failed");
  metrics_mail("sent");
  metrics_connection_opened();
  metrics_connection_opened();
  metrics_connection_closed();
  metrics_connection_cut("head_timeout");
  metrics_connection_cut("something new");
  metrics_guess(false);
  metrics_guess(true);
  metrics_webhook("delivered");
  metrics_webhook("failed");
  char *t = render();
  LINE(t, "advisord_http_requests_total{method=\"GET\",route=\"/v1/things\",status=\"200\"} 3");
  LINE(t, "advisord_http_requests_total{method=\"POST\",route=\"/v1/things/{id}\",status=\"201\"} 1");
  LINE(t, "advisord_http_requests_total{method=\"POST\",route=\"/v1/things/{id}\",status=\"0\"} 1");
  LINE(t, "advisord_http_requests_total{method=\"\",route=\"unmatched\",status=\"404\"} 1");
  LINE(t, "advisord_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/things\",le=\"0.001\"} 2");
  LINE(t, "advisord_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/things\",le=\"0.025\"} 2");
  LINE(t, "advisord_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/things\",le=\"0.05\"} 3");
  LINE(t, "advisord_http_request_duration_seconds_bucket{method=\"GET\",route=\"/v1/things\",le=\"+Inf\"} 3");
  LINE(t, "advisord_http_request_duration_seconds_sum{method=\"GET\",route=\"/v1/things\"} 0.031800");
  LINE(t, "advisord_http_request_duration_seconds_count{method=\"GET\",route=\"/v1/things\"} 3");
  LINE(t, "advisord_http_request_duration_seconds_bucket{method=\"POST\",route=\"/v1/things/{id}\",le=\"10\"} 1");
  LINE(t, "advisord_http_request_duration_seconds_bucket{method=\"POST\",route=\"/v1/things/{id}\",le=\"+Inf\"} 2");
  LINE(t, "advisord_db_transactions_total{kind=\"write\",outcome=\"committed\"} 1");
  LINE(t, "advisord_db_transactions_total{kind=\"write\",outcome=\"rolled_back\"} 1");
  LINE(t, "advisord_db_transactions_total{kind=\"read\",outcome=\"busy\"} 1");
  LINE(t, "advisord_db_transaction_retries_total{kind=\"write\"} 2");
  LINE(t, "advisord_db_write_batches_total 1");
  LINE(t, "advisord_mail_deliveries_total{outcome=\"sent\"} 2");
  LINE(t, "advisord_mail_deliveries_total{outcome=\"failed\"} 1");
  LINE(t, "advisord_mail_deliveries_total{outcome=\"retry\"} 0");
  LINE(t, "advisord_http_connections_open 1");
  LINE(t, "advisord_http_connections_total 2");
  LINE(t, "advisord_http_connections_cut_total{reason=\"head_timeout\"} 1");
  LINE(t, "advisord_http_connections_cut_total{reason=\"other\"} 1");
  LINE(t, "advisord_guesses_total{outcome=\"failed\"} 1");
  LINE(t, "advisord_webhook_deliveries_total{outcome=\"delivered\"} 1");
  LINE(t, "advisord_webhook_deliveries_total{outcome=\"failed\"} 1");
  LINE(t, "advisord_webhook_deliveries_total{outcome=\"retry\"} 0");
  LINE(t, "advisord_guesses_total{outcome=\"refused\"} 1");
  LINE(t, "# TYPE advisord_http_request_duration_seconds histogram");
  free(t);
  return TEST_REPORT();
}
