/* metrics.c - the counters behind GET /metrics (see metrics.h): arrays of C11 atomics sized
 * once at start, bumped with relaxed adds, read at scrape time. A scrape sees each counter at
 * some moment of the scrape, which is all Prometheus asks. */
#include "metrics.h"
#include "version.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef _Atomic uint64_t counter;

/* The statuses advisord answers; anything else counts under "other" (status="0"). */
static const unsigned statuses[] = {200, 201, 202, 204, 304, 400, 401, 403, 404, 405, 409,
                                    410, 411, 412, 413, 414, 415, 422, 428, 429, 431, 499,
                                    500, 503, 505, 0};
#define N_STATUS (sizeof statuses / sizeof statuses[0])
/* Upper bounds of the latency histogram's buckets, in µs (and as written, in seconds). */
static const int64_t bounds_us[] = {1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
                                    500000, 1000000, 2500000, 5000000, 10000000};
static const char *const bounds_s[] = {"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
                                       "0.1", "0.25", "0.5", "1", "2.5", "5", "10"};
#define N_BUCKET (sizeof bounds_us / sizeof bounds_us[0] + 1) /* + Inf */

static const char *const cut_reasons[] = {"head_timeout", "body_too_slow", "idle_timeout",
                                          "client_closed", "pressure", "pressure_address",
                                          "shutdown", "other"};
#define N_CUT (sizeof cut_reasons / sizeof cut_reasons[0])
static const char *const mail_outcomes[] = {"sent", "retry", "failed"};
#define N_MAIL (sizeof mail_outcomes / sizeof mail_outcomes[0])
static const char *const lease_outcomes[] = {"sent", "retry", "failed", "released"};
#define N_LEASE (sizeof lease_outcomes / sizeof lease_outcomes[0])

struct route_counters {
  counter by_status[N_STATUS];
  counter buckets[N_BUCKET]; /* not cumulative: cumulated when written */
  counter sum_us;
};

static struct {
  const char **methods, **patterns; /* n labels each */
  size_t n;                      /* routes; row n counts requests that matched none */
  struct route_counters *routes; /* n + 1 rows, allocated once and kept for the process */
  counter conn_opened, conn_closed, cut[N_CUT];
  counter tx[2][4];              /* [read, write][enum metrics_tx] */
  counter tx_retries[2];
  counter batches;
  counter mail[N_MAIL];
  counter mail_circuit_open, mail_circuit_opened, mail_probes;
  counter mail_lease_lost[N_LEASE];
  counter webhook[N_MAIL]; /* delivered, retry, failed: the same three outcomes */
  counter guesses_failed, guesses_refused;
  time_t started;
} m;

bool metrics_init(size_t n, void (*name)(size_t i, void *arg, const char **method,
                                          const char **pattern), void *arg)
{
  if (m.routes) /* once per process: the counters stay for its life */
    return true;
  struct route_counters *r = calloc(n + 1, sizeof *r);
  const char **methods = calloc(n + 1, sizeof *methods), **patterns = calloc(n + 1, sizeof *patterns);
  if (!r || !methods || !patterns) {
    free(r);
    free(methods);
    free(patterns);
    return false;
  }
  for (size_t i = 0; i < n; i++)
    name(i, arg, &methods[i], &patterns[i]);
  m.methods = methods;
  m.patterns = patterns;
  m.n = n;
  m.started = time(NULL);
  m.routes = r;
  return true;
}

static void add(counter *c, uint64_t v) { atomic_fetch_add_explicit(c, v, memory_order_relaxed); }
static uint64_t get(counter *c) { return atomic_load_explicit(c, memory_order_relaxed); }

static counter answered; /* every request, with or without metrics_init */

uint64_t metrics_requests_answered(void) { return get(&answered); }

void metrics_request(size_t route, unsigned status, int64_t micros)
{
  add(&answered, 1);
  if (!m.routes)
    return;
  struct route_counters *r = &m.routes[route < m.n ? route : m.n];
  size_t s = 0;
  while (statuses[s] && statuses[s] != status)
    s++;
  add(&r->by_status[s], 1);
  size_t b = 0;
  while (b < N_BUCKET - 1 && micros > bounds_us[b])
    b++;
  add(&r->buckets[b], 1);
  add(&r->sum_us, micros > 0 ? (uint64_t)micros : 0);
}

void metrics_connection_opened(void) { add(&m.conn_opened, 1); }
void metrics_connection_closed(void) { add(&m.conn_closed, 1); }

void metrics_connection_cut(const char *reason)
{
  size_t i = 0;
  while (i < N_CUT - 1 && strcmp(cut_reasons[i], reason) != 0)
    i++;
  add(&m.cut[i], 1);
}

void metrics_store_tx(bool write, enum metrics_tx outcome) { add(&m.tx[write][outcome], 1); }
void metrics_store_retries(bool write, unsigned n) { add(&m.tx_retries[write], n); }
void metrics_store_batch(void) { add(&m.batches, 1); }

void metrics_mail(const char *outcome)
{
  for (size_t i = 0; i < N_MAIL; i++)
    if (strcmp(mail_outcomes[i], outcome) == 0)
      add(&m.mail[i], 1);
}

void metrics_mail_circuit(bool open)
{
  if (open) /* counted first: a scrape that sees the circuit open sees its opening counted */
    add(&m.mail_circuit_opened, 1);
  atomic_store_explicit(&m.mail_circuit_open, open ? 1 : 0, memory_order_release);
}

void metrics_mail_probe(void) { add(&m.mail_probes, 1); }

void metrics_mail_lease_lost(const char *outcome)
{
  for (size_t i = 0; i < N_LEASE; i++)
    if (strcmp(lease_outcomes[i], outcome) == 0)
      add(&m.mail_lease_lost[i], 1);
}

void metrics_webhook(const char *outcome)
{
  static const char *const names[] = {"delivered", "retry", "failed"};
  for (size_t i = 0; i < N_MAIL; i++)
    if (strcmp(names[i], outcome) == 0)
      add(&m.webhook[i], 1);
}

void metrics_guess(bool refused) { add(refused ? &m.guesses_refused : &m.guesses_failed, 1); }

void metrics_family(FILE *out, const char *name, const char *type, const char *help)
{
  fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Label values here are route patterns and fixed words: no '"', '\\' or newline to escape. */
static void route_labels(FILE *out, size_t i)
{
  fprintf(out, "method=\"%s\",route=\"%s\"", i < m.n ? m.methods[i] : "",
          i < m.n ? m.patterns[i] : "unmatched");
}

static void render_requests(FILE *out)
{
  metrics_family(out, "advisord_http_requests_total", "counter",
                 "HTTP requests answered, by route template and status (499: the client went "
                 "away first; status 0: any other)");
  for (size_t i = 0; m.routes && i <= m.n; i++)
    for (size_t s = 0; s < N_STATUS; s++) {
      uint64_t v = get(&m.routes[i].by_status[s]);
      if (!v)
        continue;
      fputs("advisord_http_requests_total{", out);
      route_labels(out, i);
      fprintf(out, ",status=\"%u\"} %llu\n", statuses[s], (unsigned long long)v);
    }
  metrics_family(out, "advisord_http_request_duration_seconds", "histogram",
                 "Time from a request's head to its answer being queued, by route template");
  for (size_t i = 0; m.routes && i <= m.n; i++) {
    struct route_counters *r = &m.routes[i];
    uint64_t total = 0;
    uint64_t cum[N_BUCKET];
    for (size_t b = 0; b < N_BUCKET; b++)
      cum[b] = total += get(&r->buckets[b]);
    if (!total)
      continue;
    for (size_t b = 0; b < N_BUCKET; b++) {
      fputs("advisord_http_request_duration_seconds_bucket{", out);
      route_labels(out, i);
      fprintf(out, ",le=\"%s\"} %llu\n", b < N_BUCKET - 1 ? bounds_s[b] : "+Inf",
              (unsigned long long)cum[b]);
    }
    fputs("advisord_http_request_duration_seconds_sum{", out);
    route_labels(out, i);
    fprintf(out, "} %.6f\n", (double)get(&r->sum_us) / 1e6);
    fputs("advisord_http_request_duration_seconds_count{", out);
    route_labels(out, i);
    fprintf(out, "} %llu\n", (unsigned long long)total);
  }
}

static void render_connections(FILE *out)
{
  uint64_t opened = get(&m.conn_opened), closed = get(&m.conn_closed);
  metrics_family(out, "advisord_http_connections_open", "gauge", "Open client connections");
  fprintf(out, "advisord_http_connections_open %llu\n",
          (unsigned long long)(opened > closed ? opened - closed : 0));
  metrics_family(out, "advisord_http_connections_total", "counter",
                 "Client connections accepted");
  fprintf(out, "advisord_http_connections_total %llu\n", (unsigned long long)opened);
  metrics_family(out, "advisord_http_connections_cut_total", "counter",
                 "Connections shut down by the watchdog, by reason");
  for (size_t i = 0; i < N_CUT; i++)
    fprintf(out, "advisord_http_connections_cut_total{reason=\"%s\"} %llu\n", cut_reasons[i],
            (unsigned long long)get(&m.cut[i]));
  metrics_family(out, "advisord_guesses_total", "counter",
                 "Failed guesses (unknown bearer tokens and invitation links, mismatching "
                 "acceptances) counted, and requests refused with 429 while an address waits");
  fprintf(out, "advisord_guesses_total{outcome=\"failed\"} %llu\n",
          (unsigned long long)get(&m.guesses_failed));
  fprintf(out, "advisord_guesses_total{outcome=\"refused\"} %llu\n",
          (unsigned long long)get(&m.guesses_refused));
}

void metrics_render(FILE *out)
{
  metrics_family(out, "advisord_build_info", "gauge", "The running build (always 1)");
  fprintf(out, "advisord_build_info{version=\"%s\"} 1\n", ADVISORD_VERSION);
  metrics_family(out, "advisord_start_time_seconds", "gauge",
                 "When the process started, in seconds since the epoch");
  fprintf(out, "advisord_start_time_seconds %lld\n", (long long)m.started);
  render_requests(out);
  render_connections(out);
  static const char *const kinds[] = {"read", "write"};
  static const char *const outcomes[] = {"rolled_back", "committed", "busy", "error"};
  metrics_family(out, "advisord_db_transactions_total", "counter",
                 "Database reads and writes, by kind and outcome (rolled_back: its work decided "
                 "so, e.g. nothing to do or a refusal; busy: gave up on a database locked "
                 "elsewhere, answered 503; error: the database failed)");
  for (size_t k = 0; k < 2; k++)
    for (size_t o = 0; o < 4; o++)
      fprintf(out, "advisord_db_transactions_total{kind=\"%s\",outcome=\"%s\"} %llu\n",
              kinds[k], outcomes[o], (unsigned long long)get(&m.tx[k][o]));
  metrics_family(out, "advisord_db_transaction_retries_total", "counter",
                 "Times a transaction's BEGIN was tried again: the lock was held elsewhere");
  for (size_t k = 0; k < 2; k++)
    fprintf(out, "advisord_db_transaction_retries_total{kind=\"%s\"} %llu\n", kinds[k],
            (unsigned long long)get(&m.tx_retries[k]));
  metrics_family(out, "advisord_db_write_batches_total", "counter",
                 "Transactions of the writer connection, each carrying one or more writes "
                 "(group commit): writes / batches is the mean batch");
  fprintf(out, "advisord_db_write_batches_total %llu\n", (unsigned long long)get(&m.batches));
  metrics_family(out, "advisord_mail_deliveries_total", "counter",
                 "E-mail delivery attempts, by outcome (retry: a temporary failure, tried "
                 "again later; failed: given up)");
  for (size_t i = 0; i < N_MAIL; i++)
    fprintf(out, "advisord_mail_deliveries_total{outcome=\"%s\"} %llu\n", mail_outcomes[i],
            (unsigned long long)get(&m.mail[i]));
  metrics_family(out, "advisord_mail_circuit_open", "gauge",
                 "1 while the mailer pauses because its SMTP server cannot be reached (one "
                 "worker probes it now and then; e-mails wait pending), else 0");
  fprintf(out, "advisord_mail_circuit_open %llu\n",
          (unsigned long long)get(&m.mail_circuit_open));
  metrics_family(out, "advisord_mail_circuit_opened_total", "counter",
                 "Times the mailer paused because its SMTP server could not be reached");
  fprintf(out, "advisord_mail_circuit_opened_total %llu\n",
          (unsigned long long)get(&m.mail_circuit_opened));
  metrics_family(out, "advisord_mail_circuit_probes_total", "counter",
                 "E-mails tried as probes of an SMTP server that could not be reached");
  fprintf(out, "advisord_mail_circuit_probes_total %llu\n",
          (unsigned long long)get(&m.mail_probes));
  metrics_family(out, "advisord_mail_lease_lost_total", "counter",
                 "Tries whose outcome found the e-mail no longer held by their claim (its lease "
                 "ran out and another claim took it), by outcome: a late sent is still recorded "
                 "while the e-mail is pending, the others change nothing");
  for (size_t i = 0; i < N_LEASE; i++)
    fprintf(out, "advisord_mail_lease_lost_total{outcome=\"%s\"} %llu\n", lease_outcomes[i],
            (unsigned long long)get(&m.mail_lease_lost[i]));
  static const char *const hook_outcomes[] = {"delivered", "retry", "failed"};
  metrics_family(out, "advisord_webhook_deliveries_total", "counter",
                 "Webhook delivery attempts, by outcome (retry: tried again later; failed: "
                 "given up)");
  for (size_t i = 0; i < N_MAIL; i++)
    fprintf(out, "advisord_webhook_deliveries_total{outcome=\"%s\"} %llu\n", hook_outcomes[i],
            (unsigned long long)get(&m.webhook[i]));
}
