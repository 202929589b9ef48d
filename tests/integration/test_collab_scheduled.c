/* Integration test of a scheduled start (issue 18): an activation with starts_on tomorrow (the
 * offices' time zone, Europe/Stockholm) is approved and stays approved, the company's variant
 * unchanged; the sweep run as of a second before midnight (`admin start-due --at`) leaves it
 * so, run as of a second after midnight starts it: active, the agreement from that day, the
 * company's variant changed, a provision event, and both parties e-mailed. A start in the past
 * or after the agreement's renewal is refused in words naming starts_on; the office moves and
 * clears the date of an invitation (PATCH), and cleared it starts on approval. */
#include "collab_fx.h"

TEST_MAIN_DEFS

#define HOUR_MS ((int64_t)3600 * 1000)
#define DAY_MS (24 * HOUR_MS)

static struct server s;
static char office[FX_ID_LEN], tok_office[FX_TOKEN_LEN];
static char today[DATE_LEN], tomorrow[DATE_LEN];

/* The day `days` after today (Stockholm) into out. */
static void day_after(int days, char *out)
{
  int64_t d = 0;
  CHECK(date_to_days(today, &d));
  date_of_ms((d + days) * DAY_MS, out, DATE_LEN);
}

/* Runs the sweep's start as of the UTC instant ms; the number it started. */
static int start_due_at(int64_t ms)
{
  char at[DATE_TIME_LEN], *out = NULL, started[16] = "";
  date_iso_s(ms, at, sizeof at);
  const char *args[] = {"admin", "start-due", "--at", at, NULL};
  CHECK_INT(run_cli(&s, args, &out), 0);
  CHECK(out && cli_value(out, "started", started, sizeof started));
  free(out);
  return atoi(started);
}

static void get(const char *id, struct resp *r)
{
  char path[128];
  snprintf(path, sizeof path, "/v1/collaborations/%s", id);
  CHECK(api(&s, "GET", path, tok_office, NULL, r));
  CHECK_INT(r->status, 200);
}

static long sub_variant_is(const char *corporate_id, const char *variant)
{
  char sql[200];
  snprintf(sql, sizeof sql,
           "SELECT count(*) FROM companies WHERE corporate_id = ? AND sub_variant = '%s'",
           variant);
  return cx_count(&s, sql, corporate_id);
}

static void activate_on(const char *cu, const char *task, const char *variant, const char *on,
                        struct resp *r)
{
  char path[160];
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", cu);
  CHECK(cx_post(&s, path, tok_office, r, "{\"task_id\":\"%s\",\"variant\":\"%s\",\"starts_on\":\"%s\"}",
                task, variant, on));
}

static void test_refusals(const char *cu, const char *task)
{
  char yesterday[DATE_LEN], far[DATE_LEN];
  day_after(-1, yesterday);
  day_after(400, far);
  const char *days[] = {yesterday, far, "2027-02-30"};
  const char *words[] = {"is in the past", "after the agreement's renewal", "must be a date"};
  for (int i = 0; i < 3; i++) {
    struct resp r;
    activate_on(cu, task, "smart", days[i], &r);
    CHECK_INT(r.status, 400);
    CHECK_MSG(r.body && strstr(r.body, "\"starts_on\"") && strstr(r.body, words[i]), "%s: %s",
              days[i], r.body ? r.body : "");
    resp_free(&r);
  }
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaborations WHERE customer_id = ?", cu), 0);
}

/* Way 1: an upgrade from start to smart, tomorrow. */
static void test_crossing_midnight(void)
{
  char company[FX_ID_LEN], admin[FX_ID_LEN], tok_admin[FX_TOKEN_LEN], cu[FX_ID_LEN],
      task[FX_ID_LEN], id[FX_ID_LEN], renews[DATE_LEN];
  day_after(200, renews);
  fx_subscriber(&s, "556100-2121", "Sched AB", "start", "customer", "12", renews, company);
  fx_customer_admin(&s, "556100-2121", "Sara Sched", "sara@sched.se", admin, tok_admin);
  cx_customer(&s, tok_office, "556100-2121", "S", "s@kund.se", cu);
  cx_task(&s, tok_office, cu, "Löpande", task);
  test_refusals(cu, task);

  struct resp r;
  activate_on(cu, task, "smart", tomorrow, &r);
  CHECK_INT(r.status, 201);
  snprintf(id, sizeof id, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  CHECK_STR(resp_str(&r, "starts_on"), tomorrow);
  resp_free(&r);
  CHECK(cx_action(&s, id, "approve", tok_admin, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "approved");
  CHECK_STR(resp_str(&r, "starts_on"), tomorrow);
  resp_free(&r);
  CHECK_INT(sub_variant_is("556100-2121", "start"), 1);
  const char *approved[] = {"invitation_customer>sara@sched.se", "approved_office>info@byra.se",
                            NULL};
  cx_check_mails(&s, id, approved);

  /* midnight in Stockholm: 23:00 UTC in winter, 22:00 in summer */
  int64_t d = 0;
  CHECK(date_to_days(tomorrow, &d));
  int64_t before = d * DAY_MS - 2 * HOUR_MS - 1000, after = d * DAY_MS - HOUR_MS + 1000;
  CHECK_INT(start_due_at(before), 0);
  get(id, &r);
  CHECK_STR(resp_str(&r, "state"), "approved");
  resp_free(&r);
  CHECK_INT(sub_variant_is("556100-2121", "start"), 1);
  cx_check_mails(&s, id, approved);

  CHECK_INT(start_due_at(after), 1);
  CHECK_INT(start_due_at(after), 0); /* once */
  get(id, &r);
  CHECK_STR(resp_str(&r, "state"), "active");
  CHECK_STR(resp_str(&r, "variant"), "smart");
  resp_free(&r);
  CHECK_INT(sub_variant_is("556100-2121", "smart"), 1);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaboration_events WHERE collaboration_id = ? AND "
                         "event = 'provision' AND to_state = 'active' AND actor_kind = 'system'",
                     id),
            1);
  const char *started[] = {"invitation_customer>sara@sched.se", "approved_office>info@byra.se",
                           "variant_changed_customer>sara@sched.se",
                           "activated_customer>sara@sched.se", "started_office>info@byra.se",
                           NULL};
  cx_check_mails(&s, id, started);
}

/* Way 2: the office moves and clears an invitation's date; cleared, approval starts it. */
static void test_move_and_clear(void)
{
  char company[FX_ID_LEN], admin[FX_ID_LEN], tok_admin[FX_TOKEN_LEN], cu[FX_ID_LEN],
      task[FX_ID_LEN], id[FX_ID_LEN], later[DATE_LEN], later2[DATE_LEN];
  day_after(10, later);
  day_after(20, later2);
  fx_company(&s, "556100-2139", "Flytt AB", "account", company);
  fx_customer_admin(&s, "556100-2139", "Fia Flytt", "fia@flytt.se", admin, tok_admin);
  cx_customer(&s, tok_office, "556100-2139", "F", "f@kund.se", cu);
  cx_task(&s, tok_office, cu, "Löpande", task);
  struct resp r;
  char path[160];
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", cu);
  CHECK(cx_post(&s, path, tok_office, &r,
                "{\"task_id\":\"%s\",\"variant\":\"smart\",\"invoice_recipient\":\"office\","
                "\"agreement_period_months\":12,\"starts_on\":\"%s\"}",
                task, later));
  CHECK_INT(r.status, 201);
  snprintf(id, sizeof id, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/collaborations/%s", id);
  const char *bodies[] = {NULL, "{\"starts_on\":null}"};
  char moved[64];
  snprintf(moved, sizeof moved, "{\"starts_on\":\"%s\"}", later2);
  bodies[0] = moved;
  const char *want[] = {later2, NULL};
  /* a limited user may change the task but not the date: 403 in words, nothing changed */
  char limited_id[FX_ID_LEN], tok_limited[FX_TOKEN_LEN];
  fx_user(&s, office, "assistent@byra.se", "limited", limited_id, tok_limited);
  {
    char etag[32] = "", im[64];
    get(id, &r);
    resp_header(&r, "etag", etag, sizeof etag);
    resp_free(&r);
    snprintf(im, sizeof im, "If-Match: %s", etag);
    const char *hdr[] = {im, NULL};
    CHECK(api_with(&s, "PATCH", path, tok_limited, moved, hdr, &r));
    CHECK_INT(r.status, 403);
    CHECK(r.body && strstr(r.body, "full rights"));
    resp_free(&r);
    get(id, &r);
    CHECK_STR(resp_str(&r, "starts_on"), later);
    resp_free(&r);
  }
  for (int i = 0; i < 2; i++) {
    char etag[32] = "", im[64];
    get(id, &r);
    resp_header(&r, "etag", etag, sizeof etag);
    resp_free(&r);
    snprintf(im, sizeof im, "If-Match: %s", etag);
    const char *hdr[] = {im, NULL};
    CHECK(api_with(&s, "PATCH", path, tok_office, bodies[i], hdr, &r));
    CHECK_MSG(r.status == 200, "%ld: %s", r.status, r.body ? r.body : "");
    if (want[i])
      CHECK_STR(resp_str(&r, "starts_on"), want[i]);
    else
      CHECK(resp_str(&r, "starts_on") == NULL);
    resp_free(&r);
  }
  CHECK(cx_action(&s, id, "approve", tok_admin, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "active");
  CHECK_STR(resp_str(&r, "starts_on"), today);
  resp_free(&r);
}

int main(void)
{
  date_local_of_ms(util_now_ms(), today, sizeof today);
  day_after(1, tomorrow);
  server_start(&s, NULL, NULL);
  fx_office(&s, "Byrå AB", "556036-0793", "info@byra.se", office, tok_office);
  test_crossing_midnight();
  test_move_and_clear();
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
