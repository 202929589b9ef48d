/* Integration test of bulk activation (issue 18), real server and SMTP sink: a 500-row CSV file
 * from a Swedish spreadsheet (batch_fx.h) with 20 bad rows of different kinds.
 * - The dry run answers 200 with exactly those 20 refused, each naming its column, the other
 *   480 with their way, variant and change, and writes nothing (every table counted before and
 *   after).
 * - The real run needs an Idempotency-Key (428 without), answers 202 with Location; polled until
 *   done it has 480 invitations (480 collaborations, 480 outbox rows, 480 e-mails at the sink)
 *   and the 20 refusals; the CSV answer has the upload's columns plus the result, with a BOM.
 * - The same upload with the same key replays the 202 and changes nothing; with another body
 *   it is 422.
 * - A limited user gets 403, another office 404; the batch counts once against the creation
 *   cap (a single activation still goes through with --collaboration-create-limit 5), and
 *   --batch-create-limit refuses the next batch with 429 and Retry-After.
 * - A file that cannot be read (an unknown or repeated column, bad UTF-8, an open quote, no
 *   rows, more than 1000 rows) is refused whole, naming the column or line.
 * - An e-mail to a company the vendor knew names it by its own name, never by the office's
 *   register name from the upload. */
#include "batch_fx.h"
#include "smtp_sink.h"

TEST_MAIN_DEFS

static struct server s;
static struct smtp_sink k;
static char office[FX_ID_LEN], tok[FX_TOKEN_LEN];

static const char *const tables[] = {
    "companies", "customers", "tasks", "collaborations", "collaboration_events", "outbox",
    "customer_admins", "invitation_links", "idempotency_keys", "collab_batches",
    "collab_batch_rows", "webhook_deliveries", "audit_events", NULL};

static void count_tables(long *out)
{
  char sql[96];
  for (int i = 0; tables[i]; i++) {
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
    out[i] = cx_count(&s, sql, NULL);
  }
}

/* The refused rows of a dry run or a batch are exactly bfx_bad, each with its column. */
static void check_rows(json_t *rows, const char *good_outcome)
{
  CHECK_INT(json_array_size(rows), BFX_ROWS);
  int refused = 0, good = 0, ways[4] = {0};
  size_t i;
  json_t *row;
  json_array_foreach(rows, i, row) {
    int n = (int)json_integer_value(json_object_get(row, "row"));
    CHECK_INT(n, (int)i + 1);
    CHECK_INT(json_integer_value(json_object_get(row, "line")), n + 1);
    const char *outcome = json_string_value(json_object_get(row, "outcome"));
    const struct bfx_bad *bad = bfx_bad_row(n);
    json_t *problem = json_object_get(row, "problem");
    const char *column = json_string_value(json_object_get(problem, "column"));
    const char *detail = json_string_value(json_object_get(problem, "detail"));
    if (bad) {
      refused++;
      CHECK_MSG(outcome && strcmp(outcome, "refused") == 0, "row %d: %s", n, outcome);
      CHECK_MSG(column && strcmp(column, bad->column) == 0, "row %d: column %s, not %s", n,
                column ? column : "(none)", bad->column);
      CHECK_MSG(detail && strstr(detail, bad->words), "row %d: '%s' lacks '%s'", n,
                detail ? detail : "", bad->words);
      continue;
    }
    good++;
    CHECK_MSG(outcome && strcmp(outcome, good_outcome) == 0, "row %d: %s (%s)", n, outcome,
              detail ? detail : "");
    if (strcmp(good_outcome, "ok") == 0) {
      int way = (int)json_integer_value(json_object_get(row, "way"));
      ways[way >= 1 && way <= 3 ? way : 0]++;
      const char *change = json_string_value(json_object_get(row, "change"));
      CHECK_STR(change, n == 210 ? "same" : way == 1 ? "upgrade" : "new");
      CHECK_STR(json_string_value(json_object_get(row, "customer")), "added");
      CHECK_STR(json_string_value(json_object_get(row, "task")), "added");
    }
  }
  CHECK_INT(refused, BFX_BAD);
  CHECK_INT(good, BFX_ROWS - BFX_BAD);
  if (strcmp(good_outcome, "ok") == 0) {
    CHECK_INT(ways[1], BFX_WAY1);
    CHECK_INT(ways[2], BFX_WAY2);
    CHECK_INT(ways[3], BFX_ROWS - BFX_BAD - BFX_WAY1 - BFX_WAY2);
  }
}

static void test_dry_run(const char *csv)
{
  long before[16], after[16];
  count_tables(before);
  struct resp r;
  int64_t t0 = util_mono_ms();
  CHECK(bfx_post(&s, tok, "?dry_run=true", NULL, csv, &r));
  printf("dry run of %d rows: %lld ms\n", BFX_ROWS, (long long)(util_mono_ms() - t0));
  CHECK_INT(r.status, 200);
  CHECK(json_is_true(json_object_get(r.json, "dry_run")));
  json_t *counts = json_object_get(r.json, "counts");
  CHECK_INT(json_integer_value(json_object_get(counts, "ok")), BFX_ROWS - BFX_BAD);
  CHECK_INT(json_integer_value(json_object_get(counts, "refused")), BFX_BAD);
  check_rows(json_object_get(r.json, "rows"), "ok");
  json_t *row = json_array_get(json_object_get(r.json, "rows"), 6); /* row 7, quoted name */
  CHECK_STR(json_string_value(json_object_get(row, "name")), "Ekstr\xC3\xB6m; Bygg 7 AB");
  resp_free(&r);
  count_tables(after);
  for (int i = 0; tables[i]; i++)
    CHECK_MSG(before[i] == after[i], "the dry run wrote to %s: %ld -> %ld rows", tables[i],
              before[i], after[i]);
}

static void test_csv_answer(const char *location)
{
  char path[160];
  snprintf(path, sizeof path, "%s?format=csv", location);
  struct resp r;
  CHECK(api(&s, "GET", path, tok, NULL, &r));
  CHECK_INT(r.status, 200);
  char type[80] = "";
  CHECK(resp_header(&r, "content-type", type, sizeof type) && strstr(type, "text/csv"));
  CHECK(r.body_len > 3 && memcmp(r.body, "\xEF\xBB\xBF", 3) == 0);
  CHECK(strstr(r.body, "corporate_id;name;email;task;variant;invoice_recipient;"
                       "agreement_period_months;administrator_name;administrator_email;"
                       "administrator_phone;language;starts_on;outcome;collaboration_id;"
                       "problem_column;problem\r\n") == r.body + 3);
  CHECK(strstr(r.body, "\"Ekstr\xC3\xB6m; Bygg 14 AB\";") != NULL);
  CHECK(strstr(r.body, ";refused;;starts_on;\"starts_on: 2020-01-01 is in the past") != NULL);
  int lines = 0;
  for (const char *p = r.body; (p = strstr(p, "\r\n")); p += 2)
    lines++;
  CHECK_INT(lines, BFX_ROWS + 1);
  resp_free(&r);
  /* in Swedish for a reader who prefers it: the same file, the problem's words translated */
  const char *sv[] = {"Accept-Language: sv", NULL};
  CHECK(api_with(&s, "GET", path, tok, NULL, sv, &r));
  CHECK_INT(r.status, 200);
  CHECK_MSG(strstr(r.body, ";refused;;starts_on;\"starts_on: 2020-01-01 har redan varit") != NULL,
            "%.300s", strstr(r.body, ";refused;;starts_on;") ? strstr(r.body, ";refused;;starts_on;") : "");
  resp_free(&r);
  const char *accept[] = {"Accept: text/csv", NULL};
  CHECK(api_with(&s, "GET", location, tok, NULL, accept, &r));
  CHECK_INT(r.status, 200);
  CHECK(r.body_len > 3 && memcmp(r.body, "\xEF\xBB\xBF", 3) == 0);
  resp_free(&r);
}

static void test_real_run(const char *csv, char *location)
{
  struct resp r;
  CHECK(bfx_post(&s, tok, "", NULL, csv, &r));
  CHECK_INT(r.status, 428);
  CHECK_STR(resp_str(&r, "code"), "idempotency_key_required");
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collab_batches", NULL), 0);

  int64_t t0 = util_mono_ms();
  CHECK(bfx_post(&s, tok, "", "batch-upload-1", csv, &r));
  CHECK_INT(r.status, 202);
  CHECK(resp_header(&r, "location", location, 160));
  CHECK(strncmp(location, "/v1/collaboration-batches/", 26) == 0);
  CHECK_INT(json_integer_value(json_object_get(r.json, "rows_total")), BFX_ROWS);
  resp_free(&r);
  bfx_wait_done(&s, tok, location, 120000, &r);
  printf("real run of %d rows: done after %lld ms\n", BFX_ROWS,
         (long long)(util_mono_ms() - t0));
  json_t *counts = json_object_get(r.json, "counts");
  CHECK_INT(json_integer_value(json_object_get(counts, "invited")), BFX_ROWS - BFX_BAD);
  CHECK_INT(json_integer_value(json_object_get(counts, "refused")), BFX_BAD);
  CHECK_INT(json_integer_value(json_object_get(counts, "pending")), 0);
  CHECK(resp_str(&r, "finished_at") != NULL);
  check_rows(json_object_get(r.json, "rows"), "invited");
  resp_free(&r);

  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaborations WHERE office_id = ?", office),
            BFX_ROWS - BFX_BAD);
  CHECK_INT(cx_count(&s, "SELECT count(DISTINCT collaboration_id) FROM collab_batch_rows "
                         "WHERE outcome = 'invited'", NULL), BFX_ROWS - BFX_BAD);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM outbox WHERE collaboration_id IN (SELECT id "
                         "FROM collaborations WHERE office_id = ?)", office),
            BFX_ROWS - BFX_BAD);
  size_t got = sink_wait(&k, BFX_ROWS - BFX_BAD, 120000);
  usleep(500 * 1000); /* nothing more comes */
  json_t *mails = sink_received(&k);
  printf("e-mails at the sink: %zu (waited for %d)\n", json_array_size(mails), BFX_ROWS - BFX_BAD);
  CHECK_INT(got, BFX_ROWS - BFX_BAD);
  CHECK_INT(json_array_size(mails), BFX_ROWS - BFX_BAD);
  size_t i;
  json_t *m;
  int own_name = 0;
  json_array_foreach(mails, i, m) { /* a company the vendor knew: its own name, never the
                                       office's register name for it */
    const char *body = json_string_value(json_object_get(m, "body"));
    const char *to = json_string_value(json_object_get(m, "to"));
    if (!to || !body || !strstr(to, "agare"))
      continue;
    own_name++;
    CHECK_MSG(strstr(body, "Prenumerant") || strstr(body, "Kontoinnehavare"), "%s", to);
    CHECK_MSG(!strstr(body, "S\xC3\xB6ner") && !strstr(body, "Bygg"), "%s", to);
  }
  CHECK_INT(own_name, BFX_WAY1 + BFX_WAY2);
  json_decref(mails);
  test_csv_answer(location);
}

static void test_replay(const char *csv, const char *location)
{
  long before[16], after[16];
  count_tables(before);
  struct resp r;
  CHECK(bfx_post(&s, tok, "", "batch-upload-1", csv, &r));
  CHECK_INT(r.status, 202);
  char again[160] = "", replayed[16] = "";
  CHECK(resp_header(&r, "location", again, sizeof again));
  CHECK_STR(again, location);
  CHECK(resp_header(&r, "idempotency-replayed", replayed, sizeof replayed));
  CHECK_STR(replayed, "true");
  resp_free(&r);
  char *other = strdup(csv);
  other[strlen(other) - 3] = 'x'; /* the last row's starts_on cell */
  CHECK(bfx_post(&s, tok, "", "batch-upload-1", other, &r));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "idempotency_key_reused");
  resp_free(&r);
  free(other);
  usleep(300 * 1000);
  count_tables(after);
  for (int i = 0; tables[i]; i++)
    CHECK_MSG(before[i] == after[i], "the replay wrote to %s: %ld -> %ld rows", tables[i],
              before[i], after[i]);
  CHECK_INT(sink_wait(&k, BFX_ROWS, 300), BFX_ROWS - BFX_BAD);
}

static void test_who_and_caps(const char *location)
{
  char other[FX_ID_LEN], tok_other[FX_TOKEN_LEN], user[FX_ID_LEN], tok_limited[FX_TOKEN_LEN];
  char other_cid[12];
  bfx_cid(0, 777777, other_cid);
  fx_office(&s, "Annan Byr\xC3\xA5 AB", other_cid, "info@annan.se", other, tok_other);
  fx_user(&s, office, "limited@byra.se", "limited", user, tok_limited);
  struct resp r;
  CHECK(api(&s, "GET", location, tok_other, NULL, &r));
  CHECK_INT(r.status, 404);
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/collaboration-batches", tok_other, NULL, &r));
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 0);
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/collaboration-batches", tok, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 1);
  resp_free(&r);
  const char *row = "[{\"corporate_id\":\"556677-8899\",\"name\":\"X\",\"email\":\"x@x.se\","
                    "\"task\":\"T\",\"variant\":\"start\",\"invoice_recipient\":\"office\","
                    "\"agreement_period_months\":3}]";
  const char *key2[] = {"Idempotency-Key: second-batch", NULL};
  CHECK(api_with(&s, "POST", "/v1/collaboration-batches", tok_limited, row, key2, &r));
  CHECK_INT(r.status, 403);
  CHECK(r.body && strstr(r.body, "full rights"));
  resp_free(&r);
  /* the batch counted once: a single activation is within --collaboration-create-limit 5 */
  char cu[FX_ID_LEN], task[FX_ID_LEN], cid[12];
  bfx_cid(0, 4242, cid);
  cx_customer(&s, tok, cid, "Ensam AB", "ensam@kund.se", cu);
  cx_task(&s, tok, cu, "L\xC3\xB6pande", task);
  char path[160];
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", cu);
  CHECK(cx_post(&s, path, tok, &r,
                "{\"task_id\":\"%s\",\"variant\":\"start\",\"invoice_recipient\":\"office\","
                "\"agreement_period_months\":3,\"administrator\":{\"name\":\"Ensam\","
                "\"email\":\"ensam@admin.se\",\"phone\":\"+46 70 111 22 33\"}}",
                task));
  CHECK_INT(r.status, 201);
  resp_free(&r);
  /* --batch-create-limit 1: the next batch waits */
  CHECK(api_with(&s, "POST", "/v1/collaboration-batches", tok, row, key2, &r));
  CHECK_INT(r.status, 429);
  char retry[16] = "";
  CHECK(resp_header(&r, "retry-after", retry, sizeof retry) && atoi(retry) > 0);
  CHECK(r.body && strstr(r.body, "batches in the last hour"));
  resp_free(&r);
  /* a dry run is not counted; a customer and task of the register are used as they are */
  char cu2[FX_ID_LEN], task2[FX_ID_LEN], cid2[12];
  bfx_cid(0, 4343, cid2);
  cx_customer(&s, tok, cid2, "Befintlig AB", "befintlig@kund.se", cu2);
  cx_task(&s, tok, cu2, "Bokslut 2027", task2);
#define BFX_ROW_JSON(cid, task_member, task, phone)                                           \
  "{\"corporate_id\":\"" cid "\",\"name\":\"B\",\"email\":\"b@b.se\",\"" task_member "\":\"" task  \
  "\",\"variant\":\"pro\",\"invoice_recipient\":\"office\",\"agreement_period_months\":\"12\","   \
  "\"administrator_name\":\"Bo\",\"administrator_email\":\"bo@b.se\",\"administrator_phone\":\"" \
  phone "\"}"
  char body[1200];
  /* a phone of too few digits; a customer with an open collaboration (task_id) */
  snprintf(body, sizeof body, "[" BFX_ROW_JSON("%s", "task", "Bokslut 2027", "+46 70 1") ","
           BFX_ROW_JSON("%s", "task_id", "%s", "+46 70 123 45 67") "]", cid2, cid, task);
  CHECK(api(&s, "POST", "/v1/collaboration-batches?dry_run=true", tok, body, &r));
  CHECK_INT(r.status, 200);
  json_t *rows = json_object_get(r.json, "rows"), *first = json_array_get(rows, 0),
         *second = json_array_get(rows, 1);
  CHECK_STR(json_string_value(json_object_get(first, "outcome")), "refused");
  CHECK_STR(json_string_value(json_object_get(json_object_get(first, "problem"), "column")),
            "administrator_phone");
  CHECK(json_object_get(first, "line") == NULL); /* a JSON upload has no lines */
  CHECK_STR(json_string_value(json_object_get(second, "outcome")), "refused");
  const char *why =
      json_string_value(json_object_get(json_object_get(second, "problem"), "detail"));
  CHECK_MSG(why && strstr(why, "already has an open collaboration"), "%s", why ? why : "");
  resp_free(&r);
  /* a reader who prefers Swedish reads the same problems in Swedish, the column kept */
  const char *sv[] = {"Accept-Language: sv-SE, en;q=0.5", NULL};
  CHECK(api_with(&s, "POST", "/v1/collaboration-batches?dry_run=true", tok, body, sv, &r));
  CHECK_INT(r.status, 200);
  rows = json_object_get(r.json, "rows");
  why = json_string_value(json_object_get(json_object_get(json_array_get(rows, 0), "problem"),
                                          "detail"));
  CHECK_MSG(why && strstr(why, "administrator_phone: ") == why &&
                strstr(why, "måste vara ett telefonnummer"), "%s", why ? why : "");
  why = json_string_value(json_object_get(json_object_get(json_array_get(rows, 1), "problem"),
                                          "detail"));
  CHECK_MSG(why && strstr(why, "Byrån har redan ett öppet samarbete med"), "%s", why ? why : "");
  resp_free(&r);
  snprintf(body, sizeof body,
           "[" BFX_ROW_JSON("%s", "task", "Bokslut 2027", "+46 70 123 45 67") "]", cid2);
  CHECK(api(&s, "POST", "/v1/collaboration-batches?dry_run=true", tok, body, &r));
  CHECK_INT(r.status, 200);
  first = json_array_get(json_object_get(r.json, "rows"), 0);
  CHECK_STR(json_string_value(json_object_get(first, "outcome")), "ok");
  CHECK_STR(json_string_value(json_object_get(first, "customer")), "existing");
  CHECK_STR(json_string_value(json_object_get(first, "task")), "existing");
  CHECK_INT(json_integer_value(json_object_get(first, "way")), 3);
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaborations WHERE customer_id = ?", cu2), 0);
}

/* Uploads that cannot be read are refused whole, in words naming what is wrong (an unknown
 * column with every known one). */
#define KNOWN_WORDS                                                                           \
  "corporate_id, name, email, task, task_id, variant, invoice_recipient, "                    \
  "agreement_period_months, administrator_name, administrator_email, administrator_phone, "   \
  "language, starts_on, company_name"
static void test_unreadable(void)
{
  static const struct {
    const char *csv;
    long status;
    const char *words;
  } cases[] = {
      {"corporate_id;name;org_nr\r\n556036-0793;A;1\r\n", 400, "unknown column \\\"org_nr\\\""},
      {"corporate_id;org_nr\r\n556036-0793;1\r\n", 400, "the columns are: " KNOWN_WORDS},
      {"corporate_id;name;name\r\n556036-0793;A;B\r\n", 400, "the column name twice"},
      {"corporate_id;name\r\n556036-0793;Bj\xF6rk\r\n", 400, "line 2 is not valid UTF-8"},
      {"corporate_id;name\r\n556036-0793;\"Bj\r\n", 400, "line 2: a quoted cell is not closed"},
      {"corporate_id;name\r\n", 400, "no rows"},
  };
  struct resp r;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    CHECK(bfx_post(&s, tok, "?dry_run=true", NULL, cases[i].csv, &r));
    CHECK_INT(r.status, cases[i].status);
    CHECK_MSG(r.body && strstr(r.body, cases[i].words), "%zu: %s", i, r.body ? r.body : "");
    resp_free(&r);
  }
  size_t cap = 40 * 1002;
  char *big = malloc(cap);
  size_t n = (size_t)snprintf(big, cap, "corporate_id,name\n");
  for (int i = 0; i < 1001; i++)
    n += (size_t)snprintf(big + n, cap - n, "556036-0793,R%d\n", i);
  CHECK(bfx_post(&s, tok, "", "too-many", big, &r));
  CHECK_INT(r.status, 413);
  CHECK(r.body && strstr(r.body, "at most 1000 rows"));
  resp_free(&r);
  free(big);
  CHECK(api(&s, "POST", "/v1/collaboration-batches?dry_run=true", tok,
            "[{\"corporate_id\":\"556036-0793\",\"org_nr\":\"1\"}]", &r));
  CHECK_INT(r.status, 400);
  CHECK(r.body && strstr(r.body, "unknown member \\\"org_nr\\\""));
  CHECK(r.body && strstr(r.body, "the members are: " KNOWN_WORDS "\""));
  resp_free(&r);
}

int main(void)
{
  sink_start(&k, 0, 0);
  const char *args[] = {"--smtp-url", k.url, "--collaboration-create-limit", "5",
                        "--batch-create-limit", "1", NULL};
  server_start(&s, args, NULL);
  fx_office(&s, "Byr\xC3\xA5 Bulk AB", "5560360793", "info@byra.se", office, tok);
  bfx_companies(&s, 0);
  char *csv = bfx_csv(0), location[160] = "";
  test_unreadable();
  test_dry_run(csv);
  test_real_run(csv, location);
  test_replay(csv, location);
  test_who_and_caps(location);
  free(csv);
  CHECK_INT(server_stop(&s, false), 0);
  sink_cleanup(&k);
  return TEST_REPORT();
}
