/* Integration test of tenancy for collaborations: offices A and B each have a customer for the
 * same company; A's collaboration with it is active and another company has invited A (way 4).
 * To office B and to an administrator of another company, every read, change, action, history
 * and list of A's collaborations answers exactly as for an id that does not exist (404, or the
 * same 403 where the route is not theirs) and no answer carries A's ids or A's name; nothing of
 * A's changes. The company's own administrator and support see it; a limited user of A reads it
 * but may not change its terms or end it. */
#include "collab_fx.h"

TEST_MAIN_DEFS

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
static void call(const char *method, const char *path, const char *token, const char *body,
                 const char *const *extra, struct resp *r)
{
  CHECK(api_with(&s, method, path, token, body, extra, r));
}

/* Checks that the body names none of A's collaborations (except `allowed`, may be NULL), nor
 * A's office or its customer. */
static void check_no_trace_but(const struct resp *r, const char *what, const char *allowed)
{
  const char *body = r->body ? r->body : "";
  const char *secrets[] = {collab_a, collab_w4, A_NAME, A_CUSTOMER_NAME, office_a};
  for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
    CHECK_MSG(secrets[i] == allowed || strstr(body, secrets[i]) == NULL,
              "%s: the answer contains '%s': %s", what, secrets[i], body);
}

static void check_no_trace(const struct resp *r, const char *what)
{
  check_no_trace_but(r, what, NULL);
}

/* text with every occurrence of from replaced by to; the caller frees it. */
static char *replace_all(const char *text, const char *from, const char *to)
{
  size_t nf = strlen(from), nt = strlen(to), cap = strlen(text) * (nt > nf ? nt / nf + 1 : 1) + 1;
  char *out = malloc(cap), *o = out;
  if (!out)
    return NULL;
  for (const char *p = text; *p;) {
    if (strncmp(p, from, nf) == 0) {
      memcpy(o, to, nt);
      o += nt;
      p += nf;
    } else {
      *o++ = *p++;
    }
  }
  *o = '\0';
  return out;
}

/* The version, state and number of events of a collaboration as A's office reads it. */
struct snapshot {
  long long version;
  char state[16];
  size_t events;
  char updated_at[40];
};

static void snap(const char *id, const char *token, struct snapshot *out)
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

static void check_unchanged(const char *id, const struct snapshot *before, const char *what)
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

/* One request about base+theirs+suffix and the same about an id that does not exist: both
 * answer want, with the same problem (code, title, type; detail and instance equal once the id
 * asked for is replaced), and neither names anything of A's beyond the id put in the path. */
static void same_as_missing(const char *token, const char *method, const char *base,
                            const char *theirs, const char *suffix, const char *body,
                            const char *const *extra, long want, const char *who)
{
  char p_theirs[200], p_none[200];
  snprintf(p_theirs, sizeof p_theirs, "%s%s%s", base, theirs, suffix);
  snprintf(p_none, sizeof p_none, "%s%s%s", base, MISSING, suffix);
  struct resp rt, rn;
  call(method, p_theirs, token, body, extra, &rt);
  call(method, p_none, token, body, extra, &rn);
  CHECK_MSG(rt.status == want, "%s %s %s: %ld, want %ld: %s", who, method, p_theirs, rt.status,
            want, rt.body);
  CHECK_MSG(rn.status == want, "%s %s %s: %ld, want %ld: %s", who, method, p_none, rn.status,
            want, rn.body);
  char *norm = replace_all(rt.body ? rt.body : "", theirs, MISSING);
  json_t *jt = norm ? json_loads(norm, 0, NULL) : NULL;
  json_t *jn = rn.body ? json_loads(rn.body, 0, NULL) : NULL;
  CHECK_MSG(json_is_object(jt) && json_is_object(jn), "%s %s %s: not JSON objects", who, method,
            p_theirs);
  if (json_is_object(jt) && json_is_object(jn)) {
    CHECK_STR(json_string_value(json_object_get(jt, "code")),
              json_string_value(json_object_get(jn, "code")));
    json_object_del(jt, "request_id");
    json_object_del(jn, "request_id");
    CHECK_MSG(json_equal(jt, jn), "%s %s %s differs from a made-up id:\n  %s\n  %s", who, method,
              p_theirs, rt.body, rn.body);
  }
  json_decref(jt);
  json_decref(jn);
  /* apart from the echo of what was asked, nothing of A's */
  struct resp masked = rt;
  masked.body = norm;
  check_no_trace(&masked, p_theirs);
  check_no_trace(&rn, p_none);
  free(norm);
  resp_free(&rt);
  resp_free(&rn);
}

/* Every operation on one collaboration, for a caller who must not see it. */
static void probe_collab(const char *token, const char *id, bool customer_admin, const char *who)
{
  struct snapshot before;
  snap(id, tok_support, &before);
  char if_match[40], body_task[96];
  snprintf(if_match, sizeof if_match, "If-Match: \"%lld\"", before.version);
  const char *im[] = {if_match, NULL};
  snprintf(body_task, sizeof body_task, "{\"task_id\":\"%s\"}", task_b);
  long nf = 404;
  /* PATCH is an office route: a customer administrator gets the same 403 for any id */
  same_as_missing(token, "GET", "/v1/collaborations/", id, "", NULL, NULL, nf, who);
  same_as_missing(token, "PATCH", "/v1/collaborations/", id, "", body_task, im,
                  customer_admin ? 403 : nf, who);
  same_as_missing(token, "PATCH", "/v1/collaborations/", id, "", "{\"variant\":\"pro\"}", im,
                  customer_admin ? 403 : nf, who);
  same_as_missing(token, "GET", "/v1/collaborations/", id, "/events", NULL, NULL, nf, who);
  same_as_missing(token, "POST", "/v1/collaborations/", id, "/approve", NULL, NULL, nf, who);
  same_as_missing(token, "POST", "/v1/collaborations/", id, "/decline",
                  "{\"reason\":\"nej\"}", NULL, nf, who);
  same_as_missing(token, "POST", "/v1/collaborations/", id, "/withdraw", NULL, NULL, nf, who);
  same_as_missing(token, "POST", "/v1/collaborations/", id, "/reminders", NULL, im, nf, who);
  same_as_missing(token, "POST", "/v1/collaborations/", id, "/accept",
                  "{\"corporate_id\":\"556703-7485\",\"email\":\"b@beta.se\",\"terms_version\":\"2026-11\"}", NULL, nf, who);
  same_as_missing(token, "POST", "/v1/collaborations/", id, "/activate", body_task, NULL, nf, who);
  same_as_missing(token, "POST", "/v1/collaborations/", id, "/end",
                  customer_admin ? "{\"keep_service\":false}" : NULL, im, nf, who);
  same_as_missing(token, "POST", "/v1/collaborations/", id, "/renewal-requests", NULL, NULL, nf,
                  who);
  same_as_missing(token, "POST", "/v1/collaborations/", id, "/variant-changes",
                  "{\"variant\":\"pro\"}", NULL, nf, who);
  same_as_missing(token, "POST", "/v1/collaborations/", id, "/service-decision",
                  "{\"keep_service\":true}", NULL, nf, who);
  check_unchanged(id, &before, who);
}

/* GET path: 200, every item's office is office_id (NULL: no items at all), nothing of A's. */
static void check_list(const char *token, const char *path, const char *office_id,
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

static void setup(void)
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
static void b_collaborates(void)
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

static void office_b_sees_nothing(void)
{
  probe_collab(tok_b, collab_a, false, "office B");
  probe_collab(tok_b, collab_w4, false, "office B (way 4)");
  /* A's customer's list: no such customer in B's register */
  same_as_missing(tok_b, "GET", "/v1/customers/", cust_a, "/collaborations", NULL, NULL, 404,
                  "office B");
  char path[200];
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", cust_b);
  check_list(tok_b, path, office_b, 1);
  /* B's list, and with every filter pointed at A's */
  check_list(tok_b, "/v1/collaborations", office_b, 1);
  check_list(tok_b, "/v1/collaborations?state=active", office_b, 1);
  check_list(tok_b, "/v1/collaborations?state=invited", office_b, 0);
  check_list(tok_b, "/v1/collaborations?variant=smart", office_b, 1);
  check_list(tok_b, "/v1/collaborations?initiated_by=customer", office_b, 0);
  const char *filters[][2] = {{"customer_id=", ""},
                               {"task_id=", ""},
                               {"customer_id=", "&state=active&variant=smart"},
                               {"task_id=", "&initiated_by=office"}};
  for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
    snprintf(path, sizeof path, "/v1/collaborations?%s%s%s", filters[i][0],
             i % 2 ? task_a : cust_a, filters[i][1]);
    check_list(tok_b, path, office_b, 0);
  }
  /* A's open collaboration does not count as B's customer's */
  struct resp r;
  call("GET", "/v1/customers?has_open_collaboration=true", tok_b, NULL, NULL, &r);
  CHECK_INT(r.status, 200);
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 1); /* B's own, active */
  check_no_trace(&r, "B's customers with an open collaboration");
  resp_free(&r);
}

static void other_admin_sees_nothing(void)
{
  probe_collab(tok_y, collab_a, true, "other company's admin");
  probe_collab(tok_y, collab_w4, true, "other company's admin (way 4)");
  same_as_missing(tok_y, "GET", "/v1/customers/", cust_a, "/collaborations", NULL, NULL, 403,
                  "other company's admin");
  check_list(tok_y, "/v1/collaborations", NULL, 0);
  check_list(tok_y, "/v1/collaborations?state=active", NULL, 0);
  check_list(tok_y, "/v1/collaborations?variant=smart", NULL, 0);
  char path[200];
  snprintf(path, sizeof path, "/v1/collaborations?customer_id=%s", cust_a);
  check_list(tok_y, path, NULL, 0);
  snprintf(path, sizeof path, "/v1/collaborations?task_id=%s", task_a);
  check_list(tok_y, path, NULL, 0);
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
  const char *env[] = {"ADVISORD_SMTP_URL=", NULL};
  server_start(&s, NULL, env);
  setup();
  b_collaborates();
  office_b_sees_nothing();
  other_admin_sees_nothing();
  the_company_and_support_see_it();
  limited_user();
  b_ends();
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
