/* Integration tests of listing the customer register: cursor pagination over pages of two in name
 * order, the filters on open tasks and open collaborations, and the search (case-insensitive for
 * ASCII, % matched literally). At the end no token is in the database or the log. */
#include "register_fx.h"

TEST_MAIN_DEFS

static void test_pagination(const char *tok)
{
  const char *ids[] = {"5562345677", "5563456788", "5564567898", "5565678900", "5566789912"};
  char id[FX_ID_LEN], name[32], t[FX_ID_LEN];
  for (int i = 0; i < 5; i++) {
    snprintf(name, sizeof name, "Page %c", 'E' - i); /* created in reverse name order */
    customer(tok, ids[i], name, id);
    if (i % 2 == 0)
      task(tok, id, "Open work", t);
  }
  char path[4096] = "/v1/customers?q=Page&limit=2";
  char seen[5][32];
  int n = 0, pages = 0;
  for (;;) {
    struct resp r;
    call("GET", path, tok, NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    json_t *items = json_object_get(r.json, "items");
    for (size_t i = 0; i < json_array_size(items) && n < 5; i++)
      snprintf(seen[n++], sizeof seen[0], "%s",
               json_string_value(json_object_get(json_array_get(items, i), "name")));
    pages++;
    const char *next = resp_str(&r, "next_cursor");
    if (!next || pages > 5) {
      CHECK(json_is_null(json_object_get(r.json, "next_cursor")));
      resp_free(&r);
      break;
    }
    snprintf(path, sizeof path, "/v1/customers?q=Page&limit=2&cursor=%s", next);
    resp_free(&r);
  }
  CHECK_INT(pages, 3);
  CHECK_INT(n, 5);
  for (int i = 0; i < n; i++) {
    char want[16];
    snprintf(want, sizeof want, "Page %c", 'A' + i);
    CHECK_STR(seen[i], want);
  }
  /* Filters: customers with an open task (3 of the 5), with an open collaboration (none). */
  CHECK_INT(list_count("/v1/customers?q=Page&task_status=open", tok), 3);
  CHECK_INT(list_count("/v1/customers?q=Page&task_status=closed", tok), 0);
  CHECK_INT(list_count("/v1/customers?q=Page&has_open_collaboration=true", tok), 0);
  CHECK_INT(list_count("/v1/customers?q=Page&has_open_collaboration=false", tok), 5);
  CHECK_INT(list_count("/v1/customers?q=page%20c", tok), 1); /* case-insensitive for ASCII */
  CHECK_INT(list_count("/v1/customers?q=%25", tok), 0);      /* % is matched literally */
}


int main(void)
{
  struct principals p;
  register_start(&p);
  test_pagination(p.tok_b);
  return register_stop(&p);
}
