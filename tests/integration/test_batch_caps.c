/* Integration test of a batch's rows against the register and of the caps a batch counts
 * against (issue 18), with --collaboration-create-limit 3 and --batch-create-limit 5:
 * - A row naming a task by name takes the customer's oldest open task of that name (not a
 *   closed one, not a newer one of the same name) and makes none; a row whose customer has
 *   only a closed task of that name gets a new one; a row of a company not in the register
 *   adds the customer and the task.
 * - The rows of the 202 and of GET are one form (BatchResultRow): a row refused at the upload
 *   is the same in both, a row run since then differs only in outcome and collaboration_id.
 * - A batch counts once against --collaboration-create-limit, its rows not at all: after one
 *   activation and a batch of 3 rows a second activation is still within 3; the next batch is
 *   then refused (429, Retry-After within the hour) for the collaborations, office invitations
 *   and batches of the hour, though --batch-create-limit is not reached.
 * - A refusal naming a register name of 200 four-byte characters is longer than a row's problem
 *   holds: it is cut at a character, so the row still has its problem (in valid UTF-8). */
#include "batch_fx.h"

TEST_MAIN_DEFS

static struct server s;
static char office[FX_ID_LEN], tok[FX_TOKEN_LEN];

/* A row of way 3 (a company the vendor does not know) naming the task by name. */
#define ROW(cid, n)                                                                            \
  "{\"corporate_id\":\"" cid "\",\"name\":\"Kund " n "\",\"email\":\"k" n "@kund.se\","          \
  "\"task\":\"Bokslut 2027\",\"variant\":\"start\",\"invoice_recipient\":\"office\","          \
  "\"agreement_period_months\":\"3\",\"administrator_name\":\"Admin " n "\","                  \
  "\"administrator_email\":\"admin" n "@kund.se\",\"administrator_phone\":\"+46 70 123 45 6" n \
  "\"}"

/* An activation of a new customer (corporate ID number n) through a task of its own. */
static long activate_one(int n)
{
  char cid[12], cu[FX_ID_LEN], task[FX_ID_LEN], email[40];
  bfx_cid(0, 5000 + n, cid);
  snprintf(email, sizeof email, "ensam%d@kund.se", n);
  cx_customer(&s, tok, cid, "Ensam AB", email, cu);
  cx_task(&s, tok, cu, "L\xC3\xB6pande", task);
  struct resp r;
  snprintf(email, sizeof email, "admin%d@ensam.se", n);
  cx_activate_way3(&s, tok, cu, task, "Ensam Admin", email, &r);
  long status = r.status;
  resp_free(&r);
  return status;
}

/* The rows of the 202 (as uploaded) and of GET (as run) are one form: the refused row (its
 * corporate ID number's check digit) the same, member for member; a row run since then the same
 * but for its outcome and collaboration_id. */
static void check_same_rows(json_t *accepted, json_t *run)
{
  CHECK_INT(json_array_size(accepted), 4);
  CHECK_INT(json_array_size(run), 4);
  for (size_t i = 0; i < json_array_size(run); i++) {
    json_t *before = json_deep_copy(json_array_get(accepted, i));
    json_t *after = json_deep_copy(json_array_get(run, i));
    const char *outcome = json_string_value(json_object_get(after, "outcome"));
    CHECK_STR(outcome, i == 3 ? "refused" : "invited");
    CHECK_STR(json_string_value(json_object_get(before, "outcome")),
              i == 3 ? "refused" : "pending");
    CHECK(json_is_null(json_object_get(before, "collaboration_id")));
    CHECK(i == 3 ? json_is_null(json_object_get(after, "collaboration_id"))
                 : json_is_string(json_object_get(after, "collaboration_id")));
    if (i < 3) {
      const char *skip[] = {"outcome", "collaboration_id"};
      for (int k = 0; k < 2; k++) {
        json_object_del(before, skip[k]);
        json_object_del(after, skip[k]);
      }
    }
    char *want = json_dumps(before, JSON_SORT_KEYS), *got = json_dumps(after, JSON_SORT_KEYS);
    CHECK_MSG(json_equal(before, after), "row %zu: 202 %s, GET %s", i + 1, want, got);
    free(want);
    free(got);
    json_decref(before);
    json_decref(after);
  }
  json_t *problem = json_object_get(json_array_get(run, 3), "problem");
  CHECK_STR(json_string_value(json_object_get(problem, "column")), "corporate_id");
}

static void test_rows_and_caps(void)
{
  char a[12], b[12], c[12], cu_a[FX_ID_LEN], cu_b[FX_ID_LEN], t[3][FX_ID_LEN];
  bfx_cid(0, 5000 + 1, a);
  bfx_cid(0, 5000 + 2, b);
  bfx_cid(0, 5000 + 3, c);
  /* a: a closed task of the name, then two open ones (the first made older); b: only closed */
  cx_customer(&s, tok, a, "Kund A", "a@kund.se", cu_a);
  cx_customer(&s, tok, b, "Kund B", "b@kund.se", cu_b);
  for (int i = 0; i < 3; i++)
    cx_task(&s, tok, cu_a, "Bokslut 2027", t[i]);
  CHECK(cx_exec(&s, "UPDATE tasks SET status = 'closed', created_at = "
                    "'2020-01-01T00:00:00.000Z' WHERE id = ?", t[0]));
  CHECK(cx_exec(&s, "UPDATE tasks SET created_at = '2021-01-01T00:00:00.000Z' WHERE id = ?",
                t[2]));
  char closed_b[FX_ID_LEN];
  cx_task(&s, tok, cu_b, "Bokslut 2027", closed_b);
  CHECK(cx_exec(&s, "UPDATE tasks SET status = 'closed' WHERE id = ?", closed_b));

  CHECK_INT(activate_one(10), 201); /* 1 of 3 */
  char body[2400];
  snprintf(body, sizeof body, "[" ROW("%s", "1") "," ROW("%s", "2") "," ROW("%s", "3") ","
           ROW("%s", "5") "]", a, b, c, "556036-0794");
  const char *key[] = {"Idempotency-Key: caps-batch-1", NULL};
  struct resp r;
  CHECK(api_with(&s, "POST", "/v1/collaboration-batches", tok, body, key, &r));
  CHECK_INT(r.status, 202); /* 2 of 3 */
  char location[160] = "";
  CHECK(resp_header(&r, "location", location, sizeof location));
  json_t *accepted = json_incref(json_object_get(r.json, "rows"));
  resp_free(&r);
  bfx_wait_done(&s, tok, location, 60000, &r);
  json_t *counts = json_object_get(r.json, "counts");
  CHECK_INT(json_integer_value(json_object_get(counts, "invited")), 3);
  CHECK_INT(json_integer_value(json_object_get(counts, "refused")), 1);
  check_same_rows(accepted, json_object_get(r.json, "rows"));
  json_decref(accepted);
  resp_free(&r);

  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaborations WHERE task_id = ?", t[2]), 1);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM tasks WHERE customer_id = ?", cu_a), 3);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM tasks WHERE customer_id = ?", cu_b), 2);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaborations co JOIN tasks t ON "
                         "t.id = co.task_id WHERE t.customer_id = ? AND t.status = 'open'",
                     cu_b),
            1);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM customers c JOIN companies co ON "
                         "co.id = c.company_id WHERE co.corporate_id = ?",
                     c),
            1);

  CHECK_INT(activate_one(11), 201); /* 3 of 3: the batch's rows were not counted */
  const char *key2[] = {"Idempotency-Key: caps-batch-2", NULL};
  snprintf(body, sizeof body, "[" ROW("%s", "4") "]", c);
  CHECK(api_with(&s, "POST", "/v1/collaboration-batches", tok, body, key2, &r));
  CHECK_INT(r.status, 429);
  char retry[16] = "";
  CHECK(resp_header(&r, "retry-after", retry, sizeof retry));
  CHECK_MSG(atoi(retry) > 0 && atoi(retry) <= 3600, "Retry-After: %s", retry);
  CHECK_MSG(r.body && strstr(r.body, "You started 3 collaborations, office invitations or "
                                     "batches in the last hour"),
            "%s", r.body ? r.body : "");
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collab_batches", NULL), 1);
}

static void long_name_refusal(void)
{
  char cu[FX_ID_LEN], cid[12], name[801] = "", body[1200];
  bfx_cid(0, 4545, cid);
  for (int i = 0; i < 200; i++)
    strcat(name, "\xf0\x9f\x98\x80");
  cx_customer(&s, tok, cid, name, "lang@kund.se", cu);
  snprintf(body, sizeof body,
           "[{\"corporate_id\":\"%s\",\"name\":\"B\",\"email\":\"b@b.se\",\"task_id\":"
           "\"01a2268a-0000-7000-8000-000000000000\",\"variant\":\"pro\",\"invoice_recipient\":"
           "\"office\",\"agreement_period_months\":\"12\"}]",
           cid);
  struct resp r;
  CHECK(api(&s, "POST", "/v1/collaboration-batches?dry_run=true", tok, body, &r));
  CHECK_INT(r.status, 200);
  json_t *first = json_array_get(json_object_get(r.json, "rows"), 0);
  CHECK_STR(json_string_value(json_object_get(first, "outcome")), "refused");
  json_t *problem = json_object_get(first, "problem");
  CHECK_STR(json_string_value(json_object_get(problem, "column")), "task_id");
  const char *why = json_string_value(json_object_get(problem, "detail"));
  CHECK_MSG(why && strncmp(why, "\xf0\x9f\x98\x80", 4) == 0 && strlen(why) % 4 == 0, "%s",
            why ? why : "(no detail)");
  resp_free(&r);
}

int main(void)
{
  const char *args[] = {"--collaboration-create-limit", "3", "--batch-create-limit", "5", NULL};
  server_start(&s, args, NULL);
  fx_office(&s, "Byr\xC3\xA5 Tak AB", "5560360793", "info@byra.se", office, tok);
  long_name_refusal();
  test_rows_and_caps();
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
