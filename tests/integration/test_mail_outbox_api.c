/* Integration test of the outbox API and of permanent failures: a recipient the SMTP server
 * refuses with 550 leaves a failed row with the server's reason after --mail-max-attempts
 * tries; support sees it in GET /v1/outbox?status=failed, fixes the address and retries it
 * with POST /v1/outbox/{id}/retry, and it is delivered with the same Message-ID. Also: who
 * may call, bad queries, cursor pages, 404 and 409. */
#include "fixtures.h"
#include "harness.h"
#include "mail_fixtures.h"
#include "smtp_sink.h"
#include "testlib.h"

#include <stdlib.h>

TEST_MAIN_DEFS

static long status_of(struct server *s, const char *method, const char *path, const char *token,
                      const char *body)
{
  struct resp r;
  long st = api(s, method, path, token, body, &r) ? r.status : -1;
  resp_free(&r);
  return st;
}

/* The item with this id in a list reply, or NULL. */
static json_t *item(const struct resp *r, const char *id)
{
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(r->json, "items"), i, it)
  {
    if (strcmp(json_string_value(json_object_get(it, "id")), id) == 0)
      return it;
  }
  return NULL;
}

int main(void)
{
  struct smtp_sink k;
  sink_start(&k, 0, 0);
  const char *refused[] = {"wrong@example.se", NULL};
  sink_reject(&k, refused);
  const char *args[] = {"--smtp-url", k.url, "--mail-retry-min", "1", "--mail-retry-max", "2",
                        "--mail-max-attempts", "2", NULL};
  struct server s;
  server_start(&s, args, NULL);
  char support_id[FX_ID_LEN], support[FX_TOKEN_LEN], office_id[FX_ID_LEN], office[FX_TOKEN_LEN];
  fx_support(&s, "support@vendor.example", support_id, support);
  fx_office(&s, "Byrå Öst AB", "556036-0793", "byra@example.se", office_id, office);

  struct store *st = mf_open_db(&s);
  char bad[37], good[37];
  mf_enqueue_simple(st, "wrong@example.se", bad);
  mf_enqueue_simple(st, "right@example.se", good);
  struct outbox_row row;
  CHECK(mf_wait_row(st, bad, MF_SETTLED, &row, 30000));
  CHECK_STR(row.status, "failed");
  CHECK_INT(row.attempts, 2);
  CHECK(mf_wait_row(st, good, MF_SETTLED, &row, 30000));
  CHECK_STR(row.status, "sent");

  /* support sees the failure and its reason */
  struct resp r;
  CHECK(api(&s, "GET", "/v1/outbox?status=failed", support, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 1);
  json_t *it = item(&r, bad);
  CHECK(it != NULL);
  if (it) {
    CHECK_STR(json_string_value(json_object_get(it, "status")), "failed");
    CHECK_STR(json_string_value(json_object_get(it, "recipient")), "wrong@example.se");
    CHECK_STR(json_string_value(json_object_get(it, "template")), "office_accepted");
    CHECK_INT(json_integer_value(json_object_get(it, "attempts")), 2);
    const char *why = json_string_value(json_object_get(it, "last_error"));
    CHECK_MSG(why && strstr(why, "550") && strstr(why, "Recipient address rejected"),
              "last_error: %s", why ? why : "(null)");
    CHECK(json_is_null(json_object_get(it, "sent_at")));
    CHECK(json_is_null(json_object_get(it, "next_attempt_at")));
  }
  resp_free(&r);

  /* one message by id; a sent one cannot be retried; unknown ids are 404 */
  char path[160];
  snprintf(path, sizeof path, "/v1/outbox/%s", good);
  CHECK(api(&s, "GET", path, support, NULL, &r) && r.status == 200);
  CHECK_STR(resp_str(&r, "status"), "sent");
  char mid[64];
  snprintf(mid, sizeof mid, "<%s@advisord>", good);
  CHECK_STR(resp_str(&r, "message_id"), mid);
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/outbox/%s/retry", good);
  CHECK(api(&s, "POST", path, support, NULL, &r) && r.status == 409);
  CHECK_STR(resp_str(&r, "code"), "conflict");
  CHECK_STR(resp_str(&r, "current_status"), "sent");
  resp_free(&r);
  CHECK_INT(status_of(&s, "GET", "/v1/outbox/00000000-0000-4000-8000-000000000000", support,
                      NULL),
            404);
  CHECK_INT(status_of(&s, "GET", "/v1/outbox/not-an-id", support, NULL), 404);
  CHECK_INT(status_of(&s, "POST", "/v1/outbox/00000000-0000-4000-8000-000000000000/retry",
                      support, NULL),
            404);

  /* support only */
  CHECK_INT(status_of(&s, "GET", "/v1/outbox", NULL, NULL), 401);
  CHECK_INT(status_of(&s, "GET", "/v1/outbox", office, NULL), 403);
  snprintf(path, sizeof path, "/v1/outbox/%s/retry", bad);
  CHECK_INT(status_of(&s, "POST", path, office, NULL), 403);
  snprintf(path, sizeof path, "/v1/outbox/%s", bad);
  CHECK_INT(status_of(&s, "GET", path, NULL, NULL), 401);

  /* bad queries name the field */
  const char *bad_queries[] = {"/v1/outbox?status=lost", "/v1/outbox?limit=0",
                               "/v1/outbox?limit=201", "/v1/outbox?limit=x",
                               "/v1/outbox?cursor=garbage", "/v1/outbox?colour=red"};
  for (size_t i = 0; i < sizeof bad_queries / sizeof bad_queries[0]; i++) {
    CHECK(api(&s, "GET", bad_queries[i], support, NULL, &r));
    CHECK_MSG(r.status == 400, "%s: %ld", bad_queries[i], r.status);
    json_t *errs = json_object_get(r.json, "errors");
    CHECK_MSG(json_array_size(errs) >= 1, "%s: no errors", bad_queries[i]);
    resp_free(&r);
  }
  snprintf(path, sizeof path, "/v1/outbox/%s/retry", bad);
  CHECK_INT(status_of(&s, "POST", path, support, "{\"now\":true}"), 400); /* unknown field */
  CHECK(api(&s, "POST", path, support, "{\"recipient\":\"not an address\"}", &r));
  CHECK_INT(r.status, 400);
  CHECK_STR(json_string_value(json_object_get(
                json_array_get(json_object_get(r.json, "errors"), 0), "field")),
            "recipient");
  resp_free(&r);
  CHECK(mf_wait_row(st, bad, MF_SETTLED, &row, 1000));
  CHECK_STR(row.status, "failed"); /* a refused retry changed nothing */
  CHECK_STR(row.recipient, "wrong@example.se");

  /* support fixes the address as it retries; it goes out with the same Message-ID (the old
   * address is still refused, so only the corrected one can have received it) */
  CHECK(api(&s, "POST", path, support, "{\"recipient\":\"right@example.se\"}", &r) &&
        r.status == 200);
  CHECK_STR(resp_str(&r, "id"), bad);
  CHECK_STR(resp_str(&r, "recipient"), "right@example.se");
  CHECK_STR(resp_str(&r, "status"), "pending");
  CHECK(resp_str(&r, "next_attempt_at") != NULL);
  resp_free(&r);
  CHECK_INT(status_of(&s, "POST", path, support, NULL), 409); /* pending now, or already sent */
  CHECK(mf_wait_row(st, bad, MF_SETTLED, &row, 30000));
  CHECK_STR(row.status, "sent");
  CHECK_INT(row.attempts, 3);
  json_t *recv = sink_received(&k);
  snprintf(mid, sizeof mid, "<%s@advisord>", bad);
  json_t *m = sink_find(recv, mid);
  CHECK_MSG(m != NULL, "the retried message %s did not arrive", mid);
  if (m)
    CHECK_STR(json_string_value(json_array_get(json_object_get(m, "rcpt_tos"), 0)),
              "right@example.se");
  json_decref(recv);
  CHECK(api(&s, "GET", "/v1/outbox?status=failed", support, NULL, &r) && r.status == 200);
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 0);
  resp_free(&r);

  /* cursor pages: 7 messages in pages of 3, newest first, each once */
  char more[5][37];
  for (int i = 0; i < 5; i++) {
    char to[64];
    snprintf(to, sizeof to, "page%d@example.se", i);
    mf_enqueue_simple(st, to, more[i]);
  }
  int seen = 0, pages = 0;
  char url[2300] = "/v1/outbox?limit=3";
  char prev_created[40] = "9999";
  for (;;) {
    CHECK(api(&s, "GET", url, support, NULL, &r) && r.status == 200);
    pages++;
    size_t i;
    json_array_foreach(json_object_get(r.json, "items"), i, it)
    {
      const char *created = json_string_value(json_object_get(it, "created_at"));
      CHECK(strcmp(created, prev_created) <= 0); /* newest first */
      snprintf(prev_created, sizeof prev_created, "%s", created);
      seen++;
    }
    const char *next = resp_str(&r, "next_cursor");
    if (!next || pages > 5) {
      resp_free(&r);
      break;
    }
    snprintf(url, sizeof url, "/v1/outbox?limit=3&cursor=%s", next);
    resp_free(&r);
  }
  CHECK_INT(seen, 7);
  CHECK_INT(pages, 3);
  CHECK(api(&s, "GET", "/v1/outbox?status=sent&limit=200", support, NULL, &r) &&
        r.status == 200);
  CHECK(item(&r, bad) != NULL && item(&r, good) != NULL);
  resp_free(&r);

  store_close(st);
  CHECK_INT(server_stop(&s, false), 0);
  sink_cleanup(&k);
  return TEST_REPORT();
}
