/* Unit tests of a try's decision (attempt.c): a message the transport never put on the wire
 * (mail_delivery.unsent: the call's time, conn.settle_by, was up before it was written) is no
 * try: its row is given back untouched (released, due at once, its attempts not counted),
 * like a try abandoned at a stop; a message not sent for another reason (the server could
 * not be reached) is a try, counted and scheduled by the retry rules. No server is reached:
 * the call's time is up before it begins, and the port refuses connections. */
#include "app.h"
#include "attempt.h"
#include "config.h"
#include "testlib.h"
#include "util.h"

#include <curl/curl.h>
#include <string.h>

TEST_MAIN_DEFS

#define DATA                                                                                  \
  "{\"office_name\":\"Byrå Öst AB\",\"company_name\":\"Ärlig Bygg AB\","                    \
  "\"collaboration_id\":\"c-test\",\"variant_name\":\"Visma\"}"

static struct outbox_row row(int i, int attempts)
{
  struct outbox_row r = {.attempts = attempts, .data = DATA};
  snprintf(r.id, sizeof r.id, "0a1b2c3d-0000-4000-8000-00000000000%d", i);
  snprintf(r.message_id, sizeof r.message_id, "<%.36s@advisord>", r.id);
  strcpy(r.recipient, "kund@example.se");
  strcpy(r.template_name, "office_accepted");
  strcpy(r.language, "sv");
  return r;
}

static void check_given_back(const struct attempt *t, const struct outbox_row *r)
{
  CHECK_MSG(t->d.unsent && t->f.release, "unsent %d release %d: %s", t->d.unsent, t->f.release,
            t->d.detail);
  CHECK_INT(t->attempts, r->attempts); /* not counted */
  int64_t now = util_now_ms();
  CHECK_MSG(t->f.next_at <= now && t->f.next_at > now - 5000, "next_at %lld",
            (long long)(t->f.next_at - now));
  CHECK_STR(t->f.id, r->id);
}

int main(void)
{
  curl_global_init(CURL_GLOBAL_DEFAULT);
  struct config cfg = {.mail_from = "advisord@example.se"};
  struct app app = {.cfg = &cfg};
  strcpy(app.public_url, "https://advisor.example.se");
  struct mail_smtp_settings smtp = {"smtp://127.0.0.1:1", NULL, NULL, "off", NULL, 5};
  atomic_bool stop = false;
  struct mail_retry_policy policy = {1000, 60000, 3};
  struct mail_try_env e = {&app, &smtp, "advisord@example.se", &stop, &policy};
  struct outbox_row rows[3] = {row(1, 0), row(2, 2), row(3, 5)};
  struct attempt t[3];

  /* the call's time up before it began: nothing sent, no try made */
  struct mail_smtp_conn c = {.settle_by = util_mono_ms() - 1};
  attempt_deliver_many(&e, &c, rows, 3, t);
  CHECK_INT((long long)c.connections, 0);
  for (int i = 0; i < 3; i++)
    check_given_back(&t[i], &rows[i]);
  c.settle_by = util_mono_ms() - 1;
  attempt_deliver(&e, &c, &rows[1], &t[0]);
  check_given_back(&t[0], &rows[1]);

  /* the server not reached (the port refuses): a try, counted, retried after the backoff */
  struct mail_smtp_conn d = {0};
  attempt_deliver(&e, &d, &rows[1], &t[0]);
  CHECK_MSG(!t[0].d.unsent && !t[0].f.release && t[0].f.decision == MAIL_RETRY_LATER,
            "unsent %d release %d decision %d: %s", t[0].d.unsent, t[0].f.release,
            (int)t[0].f.decision, t[0].d.detail);
  CHECK_INT(t[0].attempts, 3);
  CHECK(t[0].f.next_at > util_now_ms());
  mail_smtp_close(&d);
  curl_global_cleanup();
  return TEST_REPORT();
}
