/* tenancy_fx.h - the world of the collaboration tenancy tests (test_collab_tenancy_outsiders.c,
 * test_collab_tenancy_insiders.c; header-only: each test binary includes it once): offices A and
 * B each have a customer for the same company; A's collaboration with it is active, another
 * company has invited A (way 4), and B's own collaboration with the company is active. With
 * it: a check that an answer names nothing of A's, a snapshot of a collaboration that must not
 * change, and a check of a list. */
#ifndef ADVISORD_TEST_TENANCY_FX_H
#define ADVISORD_TEST_TENANCY_FX_H

#include "collab_fx.h"

static struct server s;

#define MISSING "00000000-0000-4000-8000-000000000000"
#define A_NAME "Alfa Redovisning AB"
#define A_CUSTOMER_NAME "Delad (Alfas kund)"

static char office_a[FX_ID_LEN], tok_a[FX_TOKEN_LEN], office_b[FX_ID_LEN], tok_b[FX_TOKEN_LEN];
static char limited_a[FX_ID_LEN], tok_limited[FX_TOKEN_LEN];
static char admin_x[FX_ID_LEN], tok_x[FX_TOKEN_LEN]; /* the shared company's administrator */
static char admin_y[FX_ID_LEN], tok_y[FX_TOKEN_LEN]; /* another company's administrator */
static char admin_z[FX_ID_LEN], tok_z[FX_TOKEN_LEN]; /* a third company: invites A (way 4) */
static char support[FX_ID_LEN], tok_support[FX_TOKEN_LEN];
static char cust_a[FX_ID_LEN], task_a[FX_ID_LEN], cust_b[FX_ID_LEN], task_b[FX_ID_LEN];
static char collab_a[FX_ID_LEN], collab_w4[FX_ID_LEN], collab_b[FX_ID_LEN];

/* One exchange with an optional bearer token, JSON body and extra headers (NULL-terminated). */
static inline void call(const char *method, const char *path, const char *token, const char *body,
                 const char *const *extra, struct resp *r)
{
  CHECK(api_with(&s, method, path, token, body, extra, r));
}

/* Checks that the body names none of A's collaborations (except `allowed`, may be NULL), nor
 * A's office or its customer. */
static inline void check_no_trace_but(const struct resp *r, const char *what, const char *allowed)
{
  const char *body = r->body ? r->body : "";
  const char *secrets[] = {collab_a, collab_w4, A_NAME, A_CUSTOMER_NAME, office_a};
  for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
    CHECK_MSG(secrets[i] == allowed || strstr(body, secrets[i]) == NULL,
              "%s: the answer contains '%s': %s", what, secrets[i], body);
}

static inline void check_no_trace(const struct resp *r, const char *what)
{
  check_no_trace_but(r, what, NULL);
}

/* The version, state and number of events of a collaboration as A's office reads it. */
struct snapshot {
  long long version;
  char state[16];
  size_t events;
  char updated_at[40];
};

static inline void snap(const char *id, const char *token, struct snapshot *out)
{
  char path[160];
  struct resp r;
  memset(out, 0, sizeof *out);
  snprintf(path, sizeof path, "/v1/collaborations/%s", id);
  call("GET", path, token, NULL, NULL, &r);
  CHECK_INT(r.status, 200);
  out->version = json_integer_value(json_object_get(r.json, "version"));
  snprintf(out->state, sizeof out->state, "%s", resp_str(&r, "state") ? resp_str(&r, "state") : "");
  snprintf(out->updated_at, sizeof out->updated_at, "%s",
           resp_str(&r, "updated_at") ? resp_str(&r, "updated_at") : "");
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", id);
  call("GET", path, token, NULL, NULL, &r);
  CHECK_INT(r.status, 200);
  out->events = json_array_size(json_object_get(r.json, "items"));
  resp_free(&r);
}

static inline void check_unchanged(const char *id, const struct snapshot *before, const char *what)
{
  struct snapshot now;
  snap(id, tok_support, &now);
  CHECK_MSG(now.version == before->version, "%s: version %lld, was %lld", what, now.version,
            before->version);
  CHECK_MSG(strcmp(now.state, before->state) == 0, "%s: state %s, was %s", what, now.state,
            before->state);
  CHECK_MSG(now.events == before->events, "%s: %zu events, was %zu", what, now.events,
            before->events);
  CHECK_MSG(strcmp(now.updated_at, before->updated_at) == 0, "%s: updated_at %s, was %s", what,
            now.updated_at, before->updated_at);
}

/* GET path: 200, every item's office is office_id (NULL: no items at all), nothing of A's. */
static inline void check_list(const char *token, const char *path, const char *office_id,
                       size_t want_items)
{
  struct resp r;
  call("GET", path, token, NULL, NULL, &r);
  CHECK_MSG(r.status == 200, "GET %s: %ld %s", path, r.status, r.body);
  json_t *items = json_object_get(r.json, "items");
  CHECK_MSG(json_is_array(items) && json_array_size(items) == want_items,
            "GET %s: %zu items, want %zu", path, json_array_size(items), want_items);
  size_t i;
  json_t *it;
  json_array_foreach(items, i, it)
  {
    const char *o = json_string_value(json_object_get(it, "office_id"));
    CHECK_MSG(office_id && o && strcmp(o, office_id) == 0, "GET %s: item of office %s", path,
              o ? o : "(none)");
  }
  check_no_trace(&r, path);
  resp_free(&r);
}

/* The world: principals, customers, tasks and A's two collaborations. */
static inline void tenancy_setup(void)
{
  fx_office(&s, A_NAME, "556016-0680", "info@alfa.se", office_a, tok_a);
  fx_office(&s, "Beta Byrå AB", "556703-7485", "b@beta.se", office_b, tok_b);
  fx_user(&s, office_a, "limited@alfa.se", "limited", limited_a, tok_limited);
  fx_support(&s, "support@vendor.se", support, tok_support);
  char company_x[FX_ID_LEN], company_y[FX_ID_LEN], company_z[FX_ID_LEN];
  fx_company(&s, "802002-4280", "Delad AB", "account", company_x);
  fx_customer_admin(&s, "802002-4280", "Xena Delad", "xena@delad.se", admin_x, tok_x);
  fx_company(&s, "556100-0018", "Annan AB", "account", company_y);
  fx_customer_admin(&s, "556100-0018", "Yngve Annan", "yngve@annan.se", admin_y, tok_y);
  fx_subscriber(&s, "556100-0042", "Tredje AB", "smart", "customer", "3", "2030-06-30", company_z);
  fx_customer_admin(&s, "556100-0042", "Zelda Tredje", "zelda@tredje.se", admin_z, tok_z);

  /* the same company in both registers, each with a task */
  cx_customer(&s, tok_a, "8020024280", A_CUSTOMER_NAME, "ekonomi@delad.se", cust_a);
  cx_task(&s, tok_a, cust_a, "Alfas bokslut", task_a);
  cx_customer(&s, tok_b, "802002-4280", "Delad (Betas kund)", "kontakt@delad.se", cust_b);
  cx_task(&s, tok_b, cust_b, "Betas bokföring", task_b);

  /* A's collaboration (way 2), approved by the company's administrator: active */
  cx_activate(&s, tok_a, cust_a, task_a, "smart", "office", 12, collab_a);
  struct resp r;
  CHECK(cx_action(&s, collab_a, "approve", tok_x, NULL, &r));
  CHECK_MSG(r.status == 200, "approve: %ld %s", r.status, r.body);
  CHECK_STR(resp_str(&r, "state"), "active");
  resp_free(&r);
  /* a third company invites A (way 4): invited */
  CHECK(cx_post(&s, "/v1/office-invitations", tok_z, &r,
                "{\"office_corporate_id\":\"556016-0680\"}"));
  CHECK_MSG(r.status == 201, "office invitation: %ld %s", r.status, r.body);
  snprintf(collab_w4, sizeof collab_w4, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  CHECK_STR(resp_str(&r, "office_name"), A_NAME);
  resp_free(&r);
}

/* B's own collaboration with the same company (way 1 now: A's made it a subscriber), active;
 * everything B sees of it is its own. */
static inline void b_collaborates(void)
{
  struct snapshot before;
  snap(collab_a, tok_support, &before);
  char path[160];
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", cust_b);
  struct resp r;
  CHECK(cx_post(&s, path, tok_b, &r, "{\"task_id\":\"%s\"}", task_b));
  CHECK_MSG(r.status == 201, "B's collaboration: %ld %s", r.status, r.body);
  snprintf(collab_b, sizeof collab_b, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  CHECK_STR(resp_str(&r, "way"), "subscriber");
  check_no_trace(&r, "B's POST collaboration");
  resp_free(&r);
  CHECK(cx_action(&s, collab_b, "approve", tok_x, NULL, &r));
  CHECK_MSG(r.status == 200, "approve B's: %ld %s", r.status, r.body);
  CHECK_STR(resp_str(&r, "state"), "active");
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/collaborations/%s", collab_b);
  call("GET", path, tok_b, NULL, NULL, &r);
  CHECK_INT(r.status, 200);
  check_no_trace(&r, "B's GET own collaboration");
  resp_free(&r);
  check_unchanged(collab_a, &before, "A's after B's collaboration started");
}

/* Starts the server (its mailer has no SMTP server) and makes the world, B's collaboration
 * included. */
static inline void tenancy_start(void)
{
  const char *env[] = {"ADVISORD_SMTP_URL=", NULL};
  server_start(&s, NULL, env);
  tenancy_setup();
  b_collaborates();
}

/* Stops the server; the test program's exit status. */
static inline int tenancy_stop(void)
{
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}

#endif
