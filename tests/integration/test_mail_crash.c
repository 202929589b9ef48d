/* Integration test: a crash between sending and marking sent sends the message twice, with
 * the same Message-ID. The SMTP server saves each message and only then waits before answering
 * 250; advisord is killed (SIGKILL) in that window, so the row stays pending and leased. A new
 * advisord on the same database, secret and spool sends it again once the lease has run out:
 * the server holds exactly two copies with the row's Message-ID, recipient and body, and the
 * row ends sent with both tries counted. */
#include "harness.h"
#include "mail_fixtures.h"
#include "smtp_sink.h"
#include "testlib.h"
#include "util.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

TEST_MAIN_DEFS

#define ACK_DELAY_S 3    /* the server saves, then answers 250 this much later */
#define SMTP_TIMEOUT "5" /* the smallest --smtp-timeout: the lease is this + its margin */

static const char *str(json_t *o, const char *key)
{
  const char *v = json_string_value(json_object_get(o, key));
  return v ? v : "";
}

int main(void)
{
  int64_t t0 = util_mono_ms();
  struct smtp_sink k;
  sink_start_ack(&k, ACK_DELAY_S);
  const char *args[] = {"--smtp-url",       k.url, "--smtp-timeout",   SMTP_TIMEOUT,
                        "--mail-retry-min", "1",   "--mail-retry-max", "2",
                        NULL};
  struct server s1;
  server_start(&s1, args, NULL);
  struct store *st = mf_open_db(&s1);
  char id[37];
  mf_enqueue_simple(st, "crash@example.se", id);

  /* the server has saved the message and not yet answered: the crash */
  CHECK_INT((int)sink_wait(&k, 1, 30000), 1);
  CHECK_INT(kill(s1.pid, SIGKILL), 0);
  int status = 0;
  CHECK_INT(waitpid(s1.pid, &status, 0), s1.pid);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL); /* it had no chance to finish */
  s1.pid = 0;

  struct outbox_row r;
  CHECK_INT(store_outbox_get(store_conn(st), id, &r), STORE_OK);
  CHECK_STR(r.status, "pending");
  CHECK(r.in_flight);        /* still leased by the dead process */
  CHECK_INT(r.attempts, 0);  /* the outcome of the first try was never recorded */
  CHECK_STR(r.sent_at, "");
  int64_t lease_end = r.next_attempt_at;
  char message_id[64];
  snprintf(message_id, sizeof message_id, "%s", r.message_id);
  fprintf(stderr, "killed advisord %lld ms in; lease ends %lld ms after the kill\n",
          (long long)(util_mono_ms() - t0), (long long)(lease_end - util_now_ms()));

  /* a new advisord on the same database, secret and spool */
  char secret[320], spool[320];
  snprintf(secret, sizeof secret, "%s/secret.key", s1.dir);
  snprintf(spool, sizeof spool, "%s/mail", s1.dir);
  const char *args2[] = {"--smtp-url",       k.url, "--smtp-timeout",   SMTP_TIMEOUT,
                         "--mail-retry-min", "1",   "--mail-retry-max", "2",
                         "--db",             s1.db, "--secret-file",    secret,
                         "--mail-spool",     spool, NULL};
  struct server s2;
  server_start(&s2, args2, NULL);
  CHECK(mf_wait_row(st, id, MF_SETTLED, &r, 60000));
  CHECK_STR(r.status, "sent");
  CHECK_INT(r.attempts, 2); /* the crashed try and the one that was recorded */
  CHECK(!r.in_flight);
  CHECK(r.sent_at[0] != '\0');

  /* exactly two copies (nothing more comes after the row is sent), both the same message */
  CHECK_INT((int)sink_wait(&k, 3, 1500), 2);
  CHECK(util_now_ms() >= lease_end); /* the second copy waited for the lease */
  json_t *recv = sink_received(&k);
  CHECK_INT((int)json_array_size(recv), 2);
  json_t *a = json_array_get(recv, 0), *b = json_array_get(recv, 1);
  if (a && b) {
    CHECK_STR(str(a, "message_id"), message_id);
    CHECK_STR(str(b, "message_id"), message_id);
    CHECK_INT((int)json_array_size(json_object_get(a, "rcpt_tos")), 1);
    CHECK_STR(json_string_value(json_array_get(json_object_get(a, "rcpt_tos"), 0)),
              "crash@example.se");
    CHECK(json_equal(json_object_get(a, "rcpt_tos"), json_object_get(b, "rcpt_tos")));
    CHECK_STR(str(a, "to"), str(b, "to"));
    CHECK_STR(str(a, "subject"), str(b, "subject"));
    CHECK(str(a, "body")[0] != '\0');
    CHECK_STR(str(a, "body"), str(b, "body"));
    CHECK_INT((int)json_array_size(json_object_get(a, "defects")), 0);
  }
  json_decref(recv);
  json_t *events = sink_events(&k);
  CHECK_INT((int)json_array_size(events), 0); /* nothing refused or deferred */
  json_decref(events);

  store_close(st);
  CHECK_INT(server_stop(&s2, false), 0);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", s1.dir);
  CHECK(system(cmd) == 0);
  sink_cleanup(&k);
  fprintf(stderr, "crash test took %lld ms\n", (long long)(util_mono_ms() - t0));
  return TEST_REPORT();
}
