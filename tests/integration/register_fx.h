/* register_fx.h - what the tests of the customer register, tasks and companies share
 * (test_register_tenancy.c, _input.c, _idempotency.c, _pagination.c; header-only: each test
 * binary includes it once): the server, exchanges that count as checks, customers and tasks
 * over HTTP, and the principals every such test starts with; at the end no token may be in the
 * database or the log. */
#ifndef ADVISORD_TEST_REGISTER_FX_H
#define ADVISORD_TEST_REGISTER_FX_H

#include "fixtures.h"
#include "testdb.h"

static struct server s;

/* One exchange with extra headers (NULL-terminated list, may be NULL). */
static inline void call(const char *method, const char *path, const char *token, const char *body,
                 const char *const *extra, struct resp *r)
{
  CHECK(api_with(&s, method, path, token, body, extra, r));
}

static inline long status_of(const char *method, const char *path, const char *token,
                             const char *body, const char *const *extra)
{
  struct resp r;
  call(method, path, token, body, extra, &r);
  long st = r.status;
  resp_free(&r);
  return st;
}

/* Creates a customer; its id into id. */
static inline void customer(const char *token, const char *cid, const char *name, char *id)
{
  char body[512];
  snprintf(body, sizeof body, "{\"corporate_id\":\"%s\",\"name\":\"%s\",\"email\":\"k@kund.se\"}",
           cid, name);
  struct resp r;
  call("POST", "/v1/customers", token, body, NULL, &r);
  CHECK_MSG(r.status == 201, "POST customer %s: %ld %s", name, r.status, r.body);
  snprintf(id, FX_ID_LEN, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
}

static inline void task(const char *token, const char *customer_id, const char *name, char *id)
{
  char path[128], body[256];
  snprintf(path, sizeof path, "/v1/customers/%s/tasks", customer_id);
  snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
  struct resp r;
  call("POST", path, token, body, NULL, &r);
  CHECK_MSG(r.status == 201, "POST task: %ld %s", r.status, r.body);
  snprintf(id, FX_ID_LEN, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
}

/* Number of items in GET path (one page). */
static inline long list_count(const char *path, const char *token)
{
  struct resp r;
  call("GET", path, token, NULL, NULL, &r);
  CHECK_INT(r.status, 200);
  long n = (long)json_array_size(json_object_get(r.json, "items"));
  resp_free(&r);
  return n;
}

/* True when the 400 names exactly these fields (in any order). */
static inline bool names_fields(const struct resp *r, const char *const *fields)
{
  json_t *errors = json_object_get(r->json, "errors");
  size_t n = 0;
  while (fields[n])
    n++;
  if (json_array_size(errors) != n)
    return false;
  for (size_t i = 0; i < n; i++) {
    bool found = false;
    for (size_t k = 0; k < n && !found; k++)
      found = strcmp(json_string_value(json_object_get(json_array_get(errors, k), "field")),
                     fields[i]) == 0;
    if (!found)
      return false;
  }
  return true;
}

/* Offices A and B, a limited user of A, the administrator of company 802002-4280 ("Kund AB",
 * a portal account) and support. */
struct principals {
  char office_a[FX_ID_LEN], office_b[FX_ID_LEN], tok_a[FX_TOKEN_LEN], tok_b[FX_TOKEN_LEN];
  char user_a[FX_ID_LEN], tok_limited[FX_TOKEN_LEN], lim[FX_ID_LEN];
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN];
  char support[FX_ID_LEN], tok_support[FX_TOKEN_LEN];
};

/* Starts the server and makes the principals. */
static inline void register_start(struct principals *p)
{
  server_start(&s, NULL, NULL);
  fx_office(&s, "Byrå A", "556016-0680", "a@byra-a.se", p->office_a, p->tok_a);
  fx_office(&s, "Byrå B", "556703-7485", "b@byra-b.se", p->office_b, p->tok_b);
  fx_user(&s, p->office_a, "limited@byra-a.se", "limited", p->lim, p->tok_limited);
  struct resp r;
  call("GET", "/v1/me", p->tok_a, NULL, NULL, &r);
  snprintf(p->user_a, sizeof p->user_a, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
  fx_company(&s, "802002-4280", "Kund AB", "account", p->company);
  fx_customer_admin(&s, "802002-4280", "Kim Kund", "kim@kund.se", p->cadmin, p->tok_cadmin);
  fx_support(&s, "support@vendor.se", p->support, p->tok_support);
}

/* Stops the server and checks that no principal's token is in the database or the log; the
 * test program's exit status. */
static inline int register_stop(const struct principals *p)
{
  CHECK_INT(server_stop(&s, true), 0);
  const char *toks[] = {p->tok_a, p->tok_b, p->tok_limited, p->tok_cadmin, p->tok_support};
  for (size_t i = 0; i < 5; i++) {
    CHECK_MSG(!testdb_contains(s.db, toks[i]),
              "token %zu in the database", i);
    CHECK_MSG(!fx_file_contains(s.log, toks[i]), "token %zu in the log", i);
  }
  char rm[400];
  snprintf(rm, sizeof rm, "rm -rf '%s'", s.dir);
  CHECK_INT(system(rm), 0);
  return TEST_REPORT();
}

#endif
