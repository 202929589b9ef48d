/* Integration test of tenancy for collaborations, for those inside: with offices A and B each
 * collaborating with the same company, the company's own administrator and support see A's
 * collaboration as A does; a limited user of A reads it but may not change its terms or end
 * it; when the company ends B's collaboration, B's history names nothing of A's and A's is
 * unchanged. */
#include "tenancy_fx.h"

TEST_MAIN_DEFS

/* True when GET path (200) lists the collaboration id. */
static bool lists(const char *token, const char *path, const char *id)
{
  struct resp r;
  call("GET", path, token, NULL, NULL, &r);
  CHECK_MSG(r.status == 200, "GET %s: %ld", path, r.status);
  bool found = false;
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(r.json, "items"), i, it)
  {
    const char *got = json_string_value(json_object_get(it, "id"));
    found = found || (got && strcmp(got, id) == 0);
  }
  resp_free(&r);
  return found;
}

static void the_company_and_support_see_it(void)
{
  struct snapshot a, x, sup;
  snap(collab_a, tok_a, &a);
  snap(collab_a, tok_x, &x);
  snap(collab_a, tok_support, &sup);
  CHECK_STR(x.state, "active");
  CHECK(x.version == a.version && sup.version == a.version);
  CHECK(x.events == a.events && sup.events == a.events && a.events >= 3);
  CHECK(lists(tok_x, "/v1/collaborations", collab_a));
  CHECK(lists(tok_x, "/v1/collaborations?state=active", collab_a));
  CHECK(!lists(tok_x, "/v1/collaborations", collab_w4)); /* another company's invitation */
  CHECK(lists(tok_z, "/v1/collaborations", collab_w4));
  CHECK(lists(tok_a, "/v1/collaborations?initiated_by=customer", collab_w4));
  char path[200];
  snprintf(path, sizeof path, "/v1/collaborations?customer_id=%s", cust_a);
  CHECK(lists(tok_support, path, collab_a));
  CHECK(lists(tok_a, path, collab_a));
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", cust_a);
  CHECK(lists(tok_a, path, collab_a));
  CHECK(!lists(tok_a, path, collab_b));
  CHECK(!lists(tok_a, "/v1/collaborations", collab_b));
}

/* A limited user of A reads it but may not change its terms or end it. */
static void limited_user(void)
{
  struct snapshot before;
  snap(collab_a, tok_limited, &before);
  CHECK_STR(before.state, "active");
  char if_match[40], path[160];
  snprintf(if_match, sizeof if_match, "If-Match: \"%lld\"", before.version);
  const char *im[] = {if_match, NULL};
  snprintf(path, sizeof path, "/v1/collaborations/%s", collab_a);
  const char *patches[] = {"{\"variant\":\"pro\"}", "{\"agreement_period_months\":3}",
                           "{\"invoice_recipient\":\"customer\"}"};
  struct resp r;
  for (size_t i = 0; i < sizeof patches / sizeof patches[0]; i++) {
    call("PATCH", path, tok_limited, patches[i], im, &r);
    CHECK_MSG(r.status == 403, "limited PATCH %s: %ld %s", patches[i], r.status, r.body);
    CHECK_STR(resp_str(&r, "code"), "forbidden");
    resp_free(&r);
  }
  CHECK(cx_action(&s, collab_a, "variant-changes", tok_limited, "{\"variant\":\"pro\"}", &r));
  CHECK_MSG(r.status == 403, "limited variant change: %ld %s", r.status, r.body);
  CHECK_STR(resp_str(&r, "code"), "forbidden");
  resp_free(&r);
  CHECK(cx_action(&s, collab_a, "end", tok_limited, NULL, &r));
  CHECK_MSG(r.status == 403, "limited end: %ld %s", r.status, r.body);
  CHECK_STR(resp_str(&r, "code"), "forbidden");
  resp_free(&r);
  check_unchanged(collab_a, &before, "A's after the limited user's attempts");
}

/* The company ends B's collaboration: B's history must not point at A's. */
static void b_ends(void)
{
  struct snapshot before;
  snap(collab_a, tok_support, &before);
  struct resp r;
  CHECK(cx_action(&s, collab_b, "end", tok_x, "{\"keep_service\":true}", &r));
  CHECK_MSG(r.status == 200, "end B's: %ld %s", r.status, r.body);
  CHECK_STR(resp_str(&r, "state"), "ended");
  resp_free(&r);
  char path[160];
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", collab_b);
  call("GET", path, tok_b, NULL, NULL, &r);
  CHECK_INT(r.status, 200);
  /* The end event says the subscription stayed (the company's relation shows that anyway),
   * but nothing of A's, not even the id of A's collaboration. */
  check_no_trace(&r, "B's history after the company ended it");
  CHECK(r.body && strstr(r.body, "\"subscription\":\"unchanged\""));
  resp_free(&r);
  check_unchanged(collab_a, &before, "A's after B's ended");
  check_list(tok_b, "/v1/collaborations?state=active", office_b, 0);
  check_list(tok_b, "/v1/collaborations?state=ended", office_b, 1);
  call("GET", "/v1/customers?has_open_collaboration=true", tok_b, NULL, NULL, &r);
  CHECK_INT(r.status, 200);
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 0);
  resp_free(&r);
}

int main(void)
{
  tenancy_start();
  the_company_and_support_see_it();
  limited_user();
  b_ends();
  return tenancy_stop();
}
