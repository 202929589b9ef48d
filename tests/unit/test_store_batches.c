/* Store tests of batches on a temporary database (either engine): a batch and its rows scoped
 * to their office, the counts, the list and the count of a user's recent batches; the runner's
 * claim (a held batch is not claimed again until its lease ends, a done one never), rows taken
 * in order, a row's result written only while it is pending (a second time: CONFLICT), and
 * the batch marked done; the task a row names by name (the customer's oldest open one). */
#include "db.h"
#include "store_batches.h"
#include "store_register.h"
#include "testdb.h"
#include "testlib.h"
#include "util.h"

#include <stdlib.h>
#include <unistd.h>

TEST_MAIN_DEFS

static int listed;

static bool count_listed(const struct batch *b, void *arg)
{
  (void)b;
  (void)arg;
  listed++;
  return true;
}

static bool check_row(const struct batch_row *r, void *arg)
{
  int *n = arg;
  (*n)++;
  CHECK_INT(r->row_no, *n);
  CHECK_INT(r->line, *n + 1);
  CHECK_STR(r->outcome, *n == 2 ? "refused" : "pending");
  CHECK_STR(r->problem_column, *n == 2 ? "email" : "");
  return true;
}

/* A task of cu named name with status, made created_at (NULL: now). */
static void add_task(struct store_conn *c, const struct customer *cu, const char *name,
                     const char *status, const char *created_at, struct task *t)
{
  memset(t, 0, sizeof *t);
  snprintf(t->office_id, sizeof t->office_id, "%s", cu->office_id);
  snprintf(t->customer_id, sizeof t->customer_id, "%s", cu->id);
  snprintf(t->name, sizeof t->name, "%s", name);
  snprintf(t->status, sizeof t->status, "%s", status);
  CHECK_INT(store_task_create(c, t), STORE_OK);
  if (!created_at)
    return;
  struct db_stmt *s = db_stmt(c, "UPDATE tasks SET created_at = :at WHERE id = :id");
  CHECK(s != NULL);
  db_bind_text(s, ":at", created_at);
  db_bind_text(s, ":id", t->id);
  CHECK_INT(db_exec_stmt(c, s), STORE_OK);
}

/* store_batch_open_task: the oldest open task of that exact name, of that office. */
static void test_open_task(struct store_conn *c, const struct office *a, const struct office *b)
{
  struct company co = {0};
  snprintf(co.corporate_id, sizeof co.corporate_id, "556677-8899");
  snprintf(co.name, sizeof co.name, "Kund AB");
  snprintf(co.relation, sizeof co.relation, "account");
  CHECK_INT(store_company_create(c, &co), STORE_OK);
  struct customer cu = {0};
  snprintf(cu.office_id, sizeof cu.office_id, "%s", a->id);
  snprintf(cu.company_id, sizeof cu.company_id, "%s", co.id);
  snprintf(cu.name, sizeof cu.name, "Kunden");
  CHECK_INT(store_customer_create(c, &cu), STORE_OK);
  const char *name = "L\xC3\xB6pande 2027";
  struct task closed, newer, older, other_case;
  add_task(c, &cu, name, "closed", "2020-01-01T00:00:00.000Z", &closed);
  add_task(c, &cu, name, "open", NULL, &newer);
  add_task(c, &cu, name, "open", "2021-01-01T00:00:00.000Z", &older);
  add_task(c, &cu, "l\xC3\xB6pande 2027", "open", "2019-01-01T00:00:00.000Z", &other_case);
  char id[STORE_ID_LEN] = "";
  CHECK_INT(store_batch_open_task(c, a->id, cu.id, name, id), STORE_OK);
  CHECK_STR(id, older.id);
  CHECK_INT(store_batch_open_task(c, a->id, cu.id, "l\xC3\xB6pande 2027", id), STORE_OK);
  CHECK_STR(id, other_case.id);
  CHECK_INT(store_batch_open_task(c, a->id, cu.id, "Bokslut", id), STORE_NOT_FOUND);
  CHECK_INT(store_batch_open_task(c, b->id, cu.id, name, id), STORE_NOT_FOUND);
}

int main(void)
{
  char dir[] = "/tmp/advisord-batches-XXXXXX", path[400]; /* SQLite, or PostgreSQL */
  struct store *st = testdb_store_temp(dir, path, sizeof path);
  struct store_conn *c = store_conn(st);
  struct office a, b;
  CHECK_INT(store_office_create(c, "5560360793", "A", "a@a.se", &a), STORE_OK);
  CHECK_INT(store_office_create(c, "5561000018", "B", "b@b.se", &b), STORE_OK);

  struct batch bt = {.delimiter = ';', .rows_total = 3};
  snprintf(bt.office_id, sizeof bt.office_id, "%s", a.id);
  snprintf(bt.created_by_id, sizeof bt.created_by_id, "user-1");
  snprintf(bt.created_by_email, sizeof bt.created_by_email, "u@a.se");
  snprintf(bt.format, sizeof bt.format, "csv");
  snprintf(bt.columns, sizeof bt.columns, "[\"corporate_id\",\"email\"]");
  CHECK_INT(store_batch_create(c, &bt), STORE_OK);
  const char *cells = "{\"corporate_id\":\"556036-0793\",\"email\":\"x@\\u00e5.se\"}";
  for (long i = 1; i <= 3; i++) {
    struct batch_row r = {.row_no = i, .line = i + 1, .cells = cells,
                          .outcome = i == 2 ? "refused" : "pending",
                          .problem_column = i == 2 ? "email" : NULL,
                          .problem = i == 2 ? "email: must be an address" : NULL};
    CHECK_INT(store_batch_row_add(c, bt.id, &r), STORE_OK);
  }
  struct batch got;
  CHECK_INT(store_batch_get(c, a.id, bt.id, &got), STORE_OK);
  CHECK_STR(got.state, "queued");
  CHECK_INT(got.delimiter, ';');
  CHECK_INT(got.refused, 1);
  CHECK_INT(got.pending, 2);
  CHECK_STR(got.finished_at, "");
  CHECK_INT(store_batch_get(c, b.id, bt.id, &got), STORE_NOT_FOUND);
  int n = 0;
  CHECK_INT(store_batch_rows(c, bt.id, check_row, &n), STORE_OK);
  CHECK_INT(n, 3);
  CHECK_INT(store_batches_list(c, a.id, NULL, NULL, 10, count_listed, NULL), STORE_OK);
  CHECK_INT(listed, 1);
  CHECK_INT(store_batches_list(c, b.id, NULL, NULL, 10, count_listed, NULL), STORE_OK);
  CHECK_INT(listed, 1);
  long since = 0;
  char oldest[32] = "";
  CHECK_INT(store_batches_created_since(c, "user-1", "2000-01-01T00:00:00Z", &since, oldest),
            STORE_OK);
  CHECK_INT(since, 1);
  CHECK_STR(oldest, bt.created_at);

  /* the runner's claim: held until the lease ends */
  int64_t now = util_now_ms();
  char id[STORE_ID_LEN] = "";
  CHECK_INT(store_batch_claim(c, now, 1000, id), STORE_OK);
  CHECK_STR(id, bt.id);
  CHECK_INT(store_batch_claim(c, now + 999, 1000, id), STORE_NOT_FOUND);
  CHECK_INT(store_batch_claim(c, now + 1001, 1000, id), STORE_OK);
  CHECK_INT(store_batch_get(c, NULL, bt.id, &got), STORE_OK);
  CHECK_STR(got.state, "running");

  long row = 0, line = 0;
  char *text = NULL;
  CHECK_INT(store_batch_next_pending(c, bt.id, &row, &line, &text), STORE_OK);
  CHECK_INT(row, 1);
  CHECK_INT(line, 2);
  CHECK(text && strstr(text, "556036-0793"));
  free(text);
  CHECK_INT(store_batch_row_finish(c, bt.id, 1, "invited", NULL, NULL, NULL), STORE_OK);
  CHECK_INT(store_batch_row_finish(c, bt.id, 1, "invited", NULL, NULL, NULL), STORE_CONFLICT);
  CHECK_INT(store_batch_row_finish(c, bt.id, 2, "invited", NULL, NULL, NULL), STORE_CONFLICT);
  CHECK_INT(store_batch_next_pending(c, bt.id, &row, &line, &text), STORE_OK);
  CHECK_INT(row, 3);
  free(text);
  CHECK_INT(store_batch_row_finish(c, bt.id, 3, "refused", NULL, "variant", "variant: no"),
            STORE_OK);
  text = NULL;
  CHECK_INT(store_batch_next_pending(c, bt.id, &row, &line, &text), STORE_NOT_FOUND);
  CHECK(text == NULL);
  CHECK_INT(store_batch_hold(c, bt.id, 0), STORE_OK); /* let go: claimable at once */
  CHECK_INT(store_batch_claim(c, now, 1000, id), STORE_OK);
  CHECK_INT(store_batch_done(c, bt.id), STORE_OK);
  CHECK_INT(store_batch_get(c, a.id, bt.id, &got), STORE_OK);
  CHECK_STR(got.state, "done");
  CHECK(got.finished_at[0] != '\0');
  CHECK_INT(got.invited, 1);
  CHECK_INT(got.refused, 2);
  CHECK_INT(got.pending, 0);
  CHECK_INT(store_batch_claim(c, now + 1000000, 1000, id), STORE_NOT_FOUND);

  test_open_task(c, &a, &b);

  CHECK(testdb_store_temp_end(st, dir, path));
  return TEST_REPORT();
}
