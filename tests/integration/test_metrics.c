/* GET /metrics: scraped on --metrics-bind (open) and on the main port (a support token only),
 * checked by promtool check metrics (Prometheus's own parser and linter, Debian's prometheus
 * package) and read with parse-prometheus-text-format (tests/ops/parse_metrics.mjs); the
 * counters must move after requests: requests by route and status, the latency histogram,
 * connections, database transactions, e-mails sent, the outbox and collaborations by state. */
#include "collab_fx.h"
#include "harness.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TEST_MAIN_DEFS

#ifndef ADVISORD_SOURCE_DIR
#define ADVISORD_SOURCE_DIR "."
#endif

static char tmpfile_path[300];

/* Writes text to the scratch file. */
static void put_scratch(const char *text)
{
  FILE *f = fopen(tmpfile_path, "w");
  if (f) {
    fputs(text, f);
    fclose(f);
  }
}

/* promtool check metrics on text: true when it parses and lints clean. */
static bool promtool_ok(const char *text)
{
  put_scratch(text);
  char cmd[512];
  snprintf(cmd, sizeof cmd, "promtool check metrics < %s", tmpfile_path);
  int rc = system(cmd);
  return rc == 0;
}

/* The exposition parsed by parse_metrics.mjs (caller frees), NULL when it refused it. */
static json_t *parse(const char *text)
{
  put_scratch(text);
  char cmd[700];
  snprintf(cmd, sizeof cmd, "node %s/tests/ops/parse_metrics.mjs < %s", ADVISORD_SOURCE_DIR,
           tmpfile_path);
  FILE *p = popen(cmd, "r");
  if (!p)
    return NULL;
  json_t *j = json_loadf(p, 0, NULL);
  int rc = pclose(p);
  if (rc != 0) {
    json_decref(j);
    return NULL;
  }
  return j;
}

/* The value of the sample of family whose labels include every "k=v" in want (NULL-terminated);
 * -1 when there is none. */
static double sample(json_t *fams, const char *family, const char *const *want)
{
  json_t *samples = json_object_get(json_object_get(fams, family), "samples");
  size_t i;
  json_t *sm;
  json_array_foreach(samples, i, sm) {
    json_t *labels = json_object_get(sm, "labels");
    bool all = true;
    for (size_t k = 0; want && want[k] && all; k++) {
      char key[64];
      const char *eq = strchr(want[k], '=');
      snprintf(key, sizeof key, "%.*s", (int)(eq - want[k]), want[k]);
      const char *v = json_string_value(json_object_get(labels, key));
      all = v && strcmp(v, eq + 1) == 0;
    }
    if (all)
      return json_number_value(json_object_get(sm, "value"));
  }
  return -1;
}

/* A histogram line's value ("name{labels}" as written), -1 when absent. */
static double line_value(const char *text, const char *series)
{
  size_t n = strlen(series);
  for (const char *p = text; (p = strstr(p, series)); p += n)
    if ((p == text || p[-1] == '\n') && p[n] == ' ')
      return atof(p + n + 1);
  return -1;
}

static char *scrape(struct server *s, const char *base, const char *token, long *status,
                    char *ctype, size_t ctype_len)
{
  struct server m = *s;
  snprintf(m.base, sizeof m.base, "%s", base);
  struct resp r;
  CHECK(api(&m, "GET", "/metrics", token, NULL, &r));
  *status = r.status;
  ctype[0] = '\0';
  resp_header(&r, "content-type", ctype, ctype_len);
  char *text = strdup(r.body ? r.body : "");
  resp_free(&r);
  return text;
}

int main(void)
{
  snprintf(tmpfile_path, sizeof tmpfile_path, "/tmp/advisord-metrics-%d.txt", (int)getpid());
  const char *args[] = {"--metrics-bind", "127.0.0.1:0", NULL};
  struct server s;
  server_start(&s, args, NULL);
  int mport = server_metrics_port(&s);
  CHECK_MSG(mport > 0, "no metrics_listening line in the log");
  char mbase[64];
  snprintf(mbase, sizeof mbase, "http://127.0.0.1:%d", mport);

  long st;
  char ct[128];
  char *before = scrape(&s, mbase, NULL, &st, ct, sizeof ct);
  CHECK_INT(st, 200);
  CHECK_STR(ct, "text/plain; version=0.0.4; charset=utf-8");
  CHECK_MSG(promtool_ok(before), "promtool refused the first scrape:\n%s", before);
  json_t *b = parse(before);
  CHECK_MSG(b != NULL, "the parser refused the first scrape");
  const char *v010[] = {"version=0.1.0", NULL};
  CHECK(sample(b, "advisord_build_info", v010) == 1);
  const char *post_cust[] = {"method=POST", "route=/v1/customers", "status=201", NULL};
  CHECK(sample(b, "advisord_http_requests_total", post_cust) == -1);
  const char *invited[] = {"state=invited", NULL};
  CHECK(sample(b, "advisord_collaborations", invited) == 0);
  const char *w_ok[] = {"kind=write", "outcome=committed", NULL};
  double writes0 = sample(b, "advisord_db_transactions_total", w_ok);
  const char *sent[] = {"outcome=sent", NULL};
  double sent0 = sample(b, "advisord_mail_deliveries_total", sent);
  double conns0 = sample(b, "advisord_http_connections_total", NULL);
  CHECK(writes0 >= 0 && sent0 == 0 && conns0 >= 0);
  CHECK_STR(json_string_value(json_object_get(json_object_get(b, "advisord_http_request_duration_seconds"), "type")),
            "HISTOGRAM");

  /* Work: an office, two customers, a task, a way-3 invitation (an e-mail), a 404, a 401. */
  char office[FX_ID_LEN], token[FX_TOKEN_LEN], cust[FX_ID_LEN], cust2[FX_ID_LEN],
      task[FX_ID_LEN], sup_id[FX_ID_LEN], sup[FX_TOKEN_LEN];
  fx_office(&s, "Byr\xc3\xa5 Ett AB", "556036-0793", "info@byra-ett.se", office, token);
  fx_support(&s, "support@example.com", sup_id, sup);
  cx_customer(&s, token, "802002-4280", "Kund AB", "ekonomi@kund.se", cust);
  cx_customer(&s, token, "556016-0680", "Kund Tv\xc3\xa5 AB", "ekonomi@tva.se", cust2);
  cx_task(&s, token, cust, "L\xc3\xb6pande", task);
  struct resp r;
  cx_activate_way3(&s, token, cust, task, "Anna Andersson", "anna@kund.se", &r);
  CHECK_INT(r.status, 201);
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/nowhere", token, NULL, &r));
  CHECK_INT(r.status, 404);
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/me", "not-a-token-at-all", NULL, &r));
  CHECK_INT(r.status, 401);
  resp_free(&r);

  /* The mailer writes the invitation to the spool shortly after. A request is counted when
   * it completes, after its answer went out (on_completed, on its worker's thread): the scrape
   * is read again (up to 10 s) until every count checked below is there, and then each must be
   * there exactly (counted twice would show). */
  const char *unmatched[] = {"route=unmatched", "status=404", NULL};
  const char *me401[] = {"method=GET", "route=/v1/me", "status=401", NULL};
  const char *post_count = "advisord_http_request_duration_seconds_count{method=\"POST\","
                           "route=\"/v1/customers\"}";
  char *after = NULL;
  json_t *a = NULL;
  for (int i = 0; i < 100; i++) {
    free(after);
    json_decref(a);
    after = scrape(&s, mbase, NULL, &st, ct, sizeof ct);
    a = parse(after);
    if (a && sample(a, "advisord_mail_deliveries_total", sent) >= 1 &&
        sample(a, "advisord_http_requests_total", post_cust) >= 2 &&
        sample(a, "advisord_http_requests_total", unmatched) >= 1 &&
        sample(a, "advisord_http_requests_total", me401) >= 1 &&
        line_value(after, post_count) >= 2)
      break;
    usleep(100 * 1000);
  }
  CHECK_MSG(promtool_ok(after), "promtool refused the second scrape:\n%s", after);
  CHECK_MSG(a != NULL, "the parser refused the second scrape");
  CHECK(sample(a, "advisord_http_requests_total", post_cust) == 2);
  CHECK(sample(a, "advisord_http_requests_total", unmatched) == 1);
  CHECK(sample(a, "advisord_http_requests_total", me401) == 1);
  CHECK(line_value(after, post_count) == 2);
  CHECK(line_value(after, "advisord_http_request_duration_seconds_bucket{method=\"POST\","
                          "route=\"/v1/customers\",le=\"+Inf\"}") == 2);
  CHECK(line_value(after, "advisord_http_request_duration_seconds_sum{method=\"POST\","
                          "route=\"/v1/customers\"}") > 0);
  CHECK_MSG(sample(a, "advisord_db_transactions_total", w_ok) >= writes0 + 4,
            "writes %g -> %g", writes0, sample(a, "advisord_db_transactions_total", w_ok));
  CHECK(sample(a, "advisord_mail_deliveries_total", sent) == 1);
  CHECK(sample(a, "advisord_collaborations", invited) == 1);
  CHECK(sample(a, "advisord_http_connections_total", NULL) > conns0);
  const char *failed_guess[] = {"outcome=failed", NULL};
  CHECK(sample(a, "advisord_guesses_total", failed_guess) == 1);
  CHECK(sample(a, "advisord_db_up", NULL) == 1);
  free(before);
  free(after);
  json_decref(b);
  json_decref(a);

  /* The main port: a support token only. The listener's own scrapes are not counted. */
  char *text = scrape(&s, s.base, NULL, &st, ct, sizeof ct);
  CHECK_INT(st, 401);
  free(text);
  text = scrape(&s, s.base, token, &st, ct, sizeof ct);
  CHECK_INT(st, 403);
  free(text);
  /* a request is counted when it completes, after its answer went out, on its worker's
   * thread; this scrape may be served by the other worker first: it is read again (up to 2 s)
   * until the 401 is there, and then it must be there once */
  const char *main401[] = {"method=GET", "route=/metrics", "status=401", NULL};
  json_t *m = NULL;
  for (int tries = 0; tries < 40; tries++) {
    if (m) { /* not yet counted */
      json_decref(m);
      m = NULL;
      free(text);
      usleep(50 * 1000);
    }
    text = scrape(&s, s.base, sup, &st, ct, sizeof ct);
    if (st != 200)
      break;
    m = parse(text);
    if (sample(m, "advisord_http_requests_total", main401) >= 1)
      break;
  }
  CHECK_INT(st, 200);
  CHECK(promtool_ok(text));
  CHECK(sample(m, "advisord_http_requests_total", main401) == 1);
  /* the outbox: nothing pending once the e-mail went out */
  CHECK(sample(m, "advisord_outbox_messages", NULL) == -1);
  json_decref(m);
  free(text);
  unlink(tmpfile_path);
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
