/* Integration test of the mailer's circuit breaker (src/mail/breaker.h) against a real refused
 * port and a real SMTP server (aiosmtpd, tests/mail/smtp_sink.py): with the server down, a
 * few tries find no server, then the workers pause and one probes now and then (the other
 * e-mails wait pending and untried, instead of each failing on its own); the pause shows in
 * /metrics and the log; a failed probe is its row's failed try, counted as the retry rules say
 * (attempts, last_error, the retry counter); once the server is back every e-mail goes out,
 * once, and the breaker closes; a server that answers 451 (reached) does not open it. */
#include "harness.h"
#include "mail_fixtures.h"
#include "smtp_sink.h"
#include "testlib.h"

#include <curl/curl.h>
#include <stdlib.h>

TEST_MAIN_DEFS

#define N_ROWS 40

static int sum_attempts(struct store *st, char ids[][37], int *untried, int *refused)
{
  int sum = 0;
  *untried = *refused = 0;
  for (int i = 0; i < N_ROWS; i++) {
    struct outbox_row r;
    CHECK(store_outbox_get(store_conn(st), ids[i], &r) == STORE_OK);
    CHECK_STR(r.status, "pending");
    sum += r.attempts;
    *untried += r.attempts == 0;
    *refused += r.attempts > 0 && strstr(r.last_error, "onnect") != NULL;
  }
  return sum;
}

/* Waits up to timeout_ms for series to read want; returns the last value read. */
static double wait_metric(struct server *s, const char *series, double want, int timeout_ms)
{
  double v = -1;
  for (int waited = 0; waited <= timeout_ms; waited += 100) {
    if ((v = server_metric(s, series)) == want)
      break;
    usleep(100000);
  }
  return v;
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_DEFAULT);
  struct smtp_sink k;
  sink_start(&k, 0, 0);
  sink_stop(&k); /* its port now refuses connections */
  const char *args[] = {"--smtp-url", k.url, "--smtp-starttls", "off", "--mail-retry-min", "1",
                        "--mail-retry-max", "2", "--metrics-bind", "127.0.0.1:0", NULL};
  struct server s;
  server_start(&s, args, NULL);
  struct store *st = mf_open_db(&s);
  CHECK(server_metric(&s, "advisord_mail_circuit_open") == 0);

  char ids[N_ROWS][37];
  for (int i = 0; i < N_ROWS; i++) {
    char to[64];
    snprintf(to, sizeof to, "down%d@example.se", i);
    mf_enqueue_simple(st, to, ids[i]);
  }
  /* the first tries are refused; the breaker opens */
  CHECK_MSG(wait_metric(&s, "advisord_mail_circuit_open", 1, 10000) == 1,
            "the breaker did not open");
  CHECK(server_metric(&s, "advisord_mail_circuit_opened_total") == 1);
  CHECK(server_log_count(&s, "\"event\":\"mail_paused\"") == 1);
  sleep(4); /* without the breaker: every row tried, most two or three times (retry 1-2 s) */

  int untried, refused;
  const char *retry_series = "advisord_mail_deliveries_total{outcome=\"retry\"}";
  double retries0 = server_metric(&s, retry_series);
  int sum = sum_attempts(st, ids, &untried, &refused);
  double probes = server_metric(&s, "advisord_mail_circuit_probes_total");
  /* a try's row is written (queued to the writer) just before the try is counted: read the
   * count again (up to 2 s) until every try the rows show is counted */
  double retries = server_metric(&s, retry_series);
  for (int i = 0; i < 100 && retries < sum; i++) {
    usleep(20 * 1000);
    retries = server_metric(&s, retry_series);
  }
  fprintf(stderr, "server down 4 s: %d tries of %d e-mails, %d untried, %.0f probes, %.0f "
          "retries counted\n", sum, N_ROWS, untried, probes, retries);
  CHECK_MSG(sum <= N_ROWS / 2, "%d tries of %d e-mails while the server was down", sum, N_ROWS);
  CHECK(untried >= N_ROWS / 2);
  CHECK(refused == N_ROWS - untried); /* every row tried has its refusal as last_error */
  CHECK(probes >= 1 && probes <= 8);  /* after 0.5, 1, 2, 2 ... s (capped at retry max) */
  /* each failed try counted; before the rows were read, one more may have been counted whose
   * write was still queued */
  CHECK(retries >= sum && retries0 <= sum + 1);
  CHECK(server_metric(&s, "advisord_mail_circuit_open") == 1);

  /* the server is back (answering 451 to its first two messages: reached, no new opening) */
  sink_restart(&k, 2, 0);
  for (int i = 0; i < N_ROWS; i++) {
    struct outbox_row r;
    CHECK(mf_wait_row(st, ids[i], MF_SETTLED, &r, 30000));
    CHECK_STR(r.status, "sent");
  }
  CHECK(server_metric(&s, "advisord_mail_circuit_open") == 0);
  CHECK(server_metric(&s, "advisord_mail_circuit_opened_total") == 1);
  CHECK(server_log_count(&s, "\"event\":\"mail_resumed\"") == 1);
  json_t *recv = sink_received(&k);
  CHECK_INT((int)json_array_size(recv), N_ROWS); /* each once */
  for (int i = 0; i < N_ROWS; i++) {
    char mid[64];
    snprintf(mid, sizeof mid, "<%.36s@advisord>", ids[i]);
    CHECK_MSG(sink_find(recv, mid) != NULL, "message %s lost", mid);
  }
  json_decref(recv);
  json_t *ev = sink_events(&k);
  CHECK_INT((int)json_array_size(ev), 2); /* the two 451s */
  json_decref(ev);

  store_close(st);
  CHECK_INT(server_stop(&s, false), 0);
  sink_cleanup(&k);
  curl_global_cleanup();
  return TEST_REPORT();
}
