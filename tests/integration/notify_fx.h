/* notify_fx.h - the steps and checks of the notification matrix test (test_notify_matrix.c;
 * header-only: each test binary includes it once): the server and the SMTP server it delivers
 * to, API steps that check their answer (an action, a creation, an activation naming a task, a
 * PATCH with the current If-Match, an invitation made to lapse), and the checks of the
 * delivered e-mails against a table of expected ones: each found once per its count, in its
 * language, stating its facts; every e-mail of the domain's matrix among them. */
#ifndef ADVISORD_TEST_NOTIFY_FX_H
#define ADVISORD_TEST_NOTIFY_FX_H

#include "collab_fx.h"
#include "domain/notify.h"
#include "smtp_sink.h"

#include <unistd.h>

static struct server s;
static struct smtp_sink k;

struct expect {
  const char *collab; /* the collaboration's id */
  const char *tpl, *to, *lang;
  int count;          /* how many such e-mails */
};

static inline void ok(struct resp *r, long want)
{
  CHECK_MSG(r->status == want, "%ld, want %ld: %s", r->status, want, r->body ? r->body : "");
  resp_free(r);
}

static inline void action(const char *id, const char *what, const char *token, const char *body)
{
  struct resp r;
  CHECK(cx_action(&s, id, what, token, body, &r));
  ok(&r, 200);
}

/* POSTs with a printf-made body and keeps the new resource's id in id. */
static inline void create(const char *path, const char *token, char *id, const char *body)
{
  struct resp r;
  CHECK(api(&s, "POST", path, token, body, &r));
  snprintf(id, FX_ID_LEN, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  ok(&r, 201);
}

/* The office activates for the customer with body, in which "TASK" stands for task's id. */
static inline void activate(const char *customer, const char *token, char *id, const char *body,
                     const char *task)
{
  char path[160], full[512];
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
  const char *at = strstr(body, "TASK");
  snprintf(full, sizeof full, "%.*s%s%s", (int)(at ? at - body : (long)strlen(body)), body,
           at ? task : "", at ? at + 4 : "");
  create(path, token, id, full);
}

/* The invitation lapses: its expiry moves to the past and the sweep records it. */
static inline void lapse(const char *id)
{
  CHECK(cx_exec(&s, "UPDATE collaborations SET expires_at_ms = 1 WHERE id = ?", id));
  for (int i = 0; i < 100 && cx_count(&s, "SELECT count(*) FROM collaborations WHERE id = ? AND "
                                          "state = 'expired'",
                                      id) != 1;
       i++)
    usleep(50000);
}

static inline void patch(const char *id, const char *token, const char *body)
{
  char path[128], im[64];
  snprintf(path, sizeof path, "/v1/collaborations/%s", id);
  struct resp r;
  CHECK(api(&s, "GET", path, token, NULL, &r));
  char etag[32] = "";
  resp_header(&r, "etag", etag, sizeof etag);
  resp_free(&r);
  snprintf(im, sizeof im, "If-Match: %s", etag);
  const char *hdr[] = {im, NULL};
  CHECK(api_with(&s, "PATCH", path, token, body, hdr, &r));
  ok(&r, 200);
}

/* The body states the facts of its outbox row's data, in its language. */
static inline void check_facts(const struct expect *e, const char *body, json_t *data)
{
  bool en = strcmp(e->lang, "en") == 0;
  char want[600];
  const char *payer = json_string_value(json_object_get(data, "invoice_recipient"));
  bool office_pays = payer && strcmp(payer, "office") == 0;
  /* label (sv, en), value, unit (sv, en) */
  char period[16];
  snprintf(period, sizeof period, "%lld",
           (long long)json_integer_value(json_object_get(data, "agreement_period_months")));
  const char *expires = json_string_value(json_object_get(data, "expires_at"));
  char expires_on[16];
  snprintf(expires_on, sizeof expires_on, "%.10s", expires ? expires : "?");
  const struct {
    const char *label[2], *value, *unit[2];
  } facts[] = {
      {{"Redovisningsbyrå: ", "Accounting office: "},
       json_string_value(json_object_get(data, "office_name")), {"", ""}},
      {{"Företag: ", "Company: "}, json_string_value(json_object_get(data, "company_name")),
       {"", ""}},
      {{"Tjänst: ", "Service: "}, json_string_value(json_object_get(data, "variant_name")),
       {"", ""}},
      {{"Betalas av: ", "Paid for by: "},
       en ? (office_pays ? "the office" : "the company") : (office_pays ? "byrån" : "företaget"),
       {"", ""}},
      {{"Avtalsperiod: ", "Agreement period: "}, period, {" månader", " months"}},
      {{"Inbjudan gäller till och med ", "The invitation is valid until "}, expires_on,
       {"", ""}},
  };
  size_t n = json_object_get(data, "token_nonce") ? 6 : 5;
  for (size_t i = 0; i < n; i++) {
    CHECK_MSG(facts[i].value != NULL, "%s to %s: fact %zu missing from the data", e->tpl, e->to,
              i);
    snprintf(want, sizeof want, "%s%s%s", facts[i].label[en], facts[i].value ? facts[i].value : "?",
             facts[i].unit[en]);
    CHECK_MSG(body && strstr(body, want), "%s to %s (%s): no '%s'", e->tpl, e->to, e->lang, want);
  }
  if (n == 6)
    CHECK(body && strstr(body, "/invitation#token="));
  /* the office's register name never reaches the customer */
  CHECK(body && !strstr(body, "vår kund"));
}

/* Finds each expected e-mail (n_expected of them) as delivered: once per its count, in its
 * language, stating its facts. */
static inline void check_delivered(const struct expect *expected, size_t n_expected,
                                   json_t *received)
{
  for (size_t i = 0; i < n_expected; i++) {
    const struct expect *e = &expected[i];
    struct cx_mail m[40];
    int n = cx_mails(&s, e->collab, m, 40), found = 0;
    for (int j = 0; j < n; j++) {
      if (strcmp(m[j].template_name, e->tpl) != 0 || strcmp(m[j].recipient, e->to) != 0)
        continue;
      found++;
      CHECK_STR(m[j].language, e->lang);
      json_t *msg = sink_find(received, m[j].message_id);
      CHECK_MSG(msg != NULL, "%s to %s: not delivered", e->tpl, e->to);
      if (!msg)
        continue;
      const char *rcpt = json_string_value(json_array_get(json_object_get(msg, "rcpt_tos"), 0));
      CHECK_STR(rcpt, e->to);
      CHECK_STR(json_string_value(json_object_get(msg, "language")), e->lang);
      check_facts(e, json_string_value(json_object_get(msg, "body")), m[j].data);
    }
    CHECK_MSG(found == e->count, "%s to %s about %s: %d e-mails, want %d", e->tpl, e->to,
              e->collab, found, e->count);
    cx_mails_free(m, n);
  }
}

/* Every e-mail the domain's matrix can ask for is among the expected ones. */
static inline void check_matrix_covered(const struct expect *expected, size_t n_expected)
{
  for (int ev = 0; ev < NOTIFY_EVENT__COUNT; ev++)
    for (int by = 0; by < 2; by++)
      for (int side = 0; side < 3; side++) {
        struct notify_step steps[NOTIFY_MAX_STEPS];
        size_t n = notify_plan((enum notify_event)ev, (enum collab_initiator)by,
                               (enum notify_side)side, steps);
        for (size_t i = 0; i < n; i++) {
          const char *names[2] = {steps[i].template_name, steps[i].named_admin_template};
          for (int t = 0; t < 2; t++) {
            bool seen = names[t] == NULL;
            for (size_t j = 0; j < n_expected && !seen; j++)
              seen = strcmp(expected[j].tpl, names[t]) == 0;
            CHECK_MSG(seen, "the matrix's %s (%s) is not tested", names[t],
                      notify_event_str((enum notify_event)ev));
          }
        }
      }
}

#endif
