/* Integration test of tenancy for collaborations, for those outside: offices A and B each have a
 * customer for the same company; A's collaboration with it is active and another company has
 * invited A (way 4). To office B and to an administrator of another company, every read,
 * change, action, history and list of A's collaborations answers exactly as for an id that does
 * not exist (404, or the same 403 where the route is not theirs) and no answer carries A's ids
 * or A's name; nothing of A's changes. */
#include "tenancy_fx.h"

TEST_MAIN_DEFS

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

int main(void)
{
  tenancy_start();
  office_b_sees_nothing();
  other_admin_sees_nothing();
  return tenancy_stop();
}
