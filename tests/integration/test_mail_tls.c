/* Integration test of SMTP with TLS and login against a real server (aiosmtpd with a
 * self-signed certificate): STARTTLS required with --smtp-user/--smtp-password, credentials in
 * the URL, smtps:// (TLS from the first byte), a wrong password (535: failed with the reason),
 * an untrusted certificate and a server without STARTTLS (temporary: the mail waits). The
 * password never reaches the log, and the URL is logged without its user info. */
#include "fixtures.h"
#include "harness.h"
#include "mail_fixtures.h"
#include "smtp_sink.h"
#include "testlib.h"

#include <stdlib.h>

TEST_MAIN_DEFS

#define PASSWORD "S3cret-pw-4711"

/* Runs one server with args, sends one e-mail, waits for the row to settle (or for its first
 * try when it must stay pending), stops the server; the row into r, the log kept in log_copy
 * (malloc'd, caller frees). */
static void one_mail(const char *const *args, bool expect_pending, struct outbox_row *r,
                     char **log_copy)
{
  struct server s;
  server_start(&s, args, NULL);
  struct store *st = mf_open_db(&s);
  char id[37];
  mf_enqueue_simple(st, "kund@example.se", id);
  if (expect_pending) {
    CHECK(mf_wait_row(st, id, MF_TRIED, r, 30000));
    CHECK_STR(r->status, "pending");
  } else {
    CHECK(mf_wait_row(st, id, MF_SETTLED, r, 30000));
  }
  store_close(st);
  CHECK_INT(server_stop(&s, true), 0);
  CHECK_MSG(!fx_file_contains(s.log, PASSWORD), "the password is in the log %s", s.log);
  FILE *f = fopen(s.log, "r");
  char *text = calloc(1, 1 << 16);
  if (f && text)
    text[fread(text, 1, (1 << 16) - 1, f)] = '\0';
  if (f)
    fclose(f);
  *log_copy = text;
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", s.dir);
  CHECK(system(cmd) == 0);
}

/* The last received message was sent over TLS with this login. */
static void check_last(struct smtp_sink *k, size_t count, const char *login)
{
  CHECK_INT(sink_wait(k, count, 10000), count);
  json_t *all = sink_received(k);
  json_t *m = json_array_get(all, json_array_size(all) - 1);
  CHECK(json_is_true(json_object_get(m, "tls")));
  CHECK_STR(json_string_value(json_object_get(m, "login")), login);
  json_decref(all);
}

int main(void)
{
  struct smtp_sink k;
  sink_start_tls(&k, SINK_STARTTLS, "advisord:" PASSWORD);
  struct outbox_row r;
  char *log = NULL;

  /* STARTTLS required, login from its own settings */
  const char *a1[] = {"--smtp-url", k.url, "--smtp-starttls", "required", "--smtp-ca-file",
                      k.cert, "--smtp-user", "advisord", "--smtp-password", PASSWORD, NULL};
  one_mail(a1, false, &r, &log);
  CHECK_STR(r.status, "sent");
  check_last(&k, 1, "advisord");
  CHECK(log && strstr(log, "\"transport\":\"smtp\"") && strstr(log, "\"login\":true"));
  free(log);

  /* the credentials in the URL: logged without them */
  char url[200], bare[200];
  snprintf(url, sizeof url, "smtp://advisord:%s@127.0.0.1:%d", PASSWORD, k.port);
  snprintf(bare, sizeof bare, "\"url\":\"smtp://127.0.0.1:%d\"", k.port);
  const char *a2[] = {"--smtp-url", url, "--smtp-starttls", "required", "--smtp-ca-file", k.cert,
                      NULL};
  one_mail(a2, false, &r, &log);
  CHECK_STR(r.status, "sent");
  check_last(&k, 2, "advisord");
  CHECK_MSG(log && strstr(log, bare), "no %s in the log", bare);
  CHECK(log && !strstr(log, PASSWORD) && !strstr(log, "//advisord")); /* no user info */
  free(log);

  /* a wrong password is a permanent refusal (535) */
  const char *a3[] = {"--smtp-url", k.url, "--smtp-ca-file", k.cert, "--smtp-user", "advisord",
                      "--smtp-password", "wrong-" PASSWORD, "--mail-max-attempts", "1", NULL};
  one_mail(a3, false, &r, &log);
  CHECK_STR(r.status, "failed");
  CHECK_MSG(strstr(r.last_error, "535") != NULL, "last_error: %s", r.last_error);
  free(log);

  /* a certificate the system does not trust: the mail waits (a setting to fix) */
  const char *a4[] = {"--smtp-url", k.url, "--smtp-starttls", "required", "--smtp-user",
                      "advisord", "--smtp-password", PASSWORD, "--mail-retry-min", "1",
                      "--mail-retry-max", "2", NULL};
  one_mail(a4, true, &r, &log);
  CHECK_MSG(strstr(r.last_error, "certificate") != NULL, "last_error: %s", r.last_error);
  free(log);
  sink_cleanup(&k);

  /* smtps://: TLS from the first byte */
  sink_start_tls(&k, SINK_IMPLICIT_TLS, "advisord:" PASSWORD);
  CHECK(strncmp(k.url, "smtps://", 8) == 0);
  const char *a5[] = {"--smtp-url", k.url, "--smtp-ca-file", k.cert, "--smtp-user", "advisord",
                      "--smtp-password", PASSWORD, NULL};
  one_mail(a5, false, &r, &log);
  CHECK_STR(r.status, "sent");
  check_last(&k, 1, "advisord");
  free(log);
  sink_cleanup(&k);

  /* STARTTLS required but the server offers none: nothing goes out in clear; the mail waits */
  sink_start(&k, 0, 0);
  const char *a6[] = {"--smtp-url", k.url, "--smtp-starttls", "required", "--mail-retry-min",
                      "1", "--mail-retry-max", "2", NULL};
  one_mail(a6, true, &r, &log);
  CHECK_MSG(strstr(r.last_error, "STARTTLS") != NULL, "last_error: %s", r.last_error);
  CHECK_INT(sink_wait(&k, 1, 0), 0);
  free(log);
  sink_cleanup(&k);
  return TEST_REPORT();
}
