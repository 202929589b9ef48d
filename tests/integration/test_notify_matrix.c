/* Integration test of the notification matrix (README "Who is told of what", domain/notify.h):
 * flows over the API make every event of DOMAIN.md happen (invitation in all four ways,
 * reminder, withdrawal and decline by either side, approval, activation, expiry and renewal
 * request on either side, ending by either side, the service decision, a payer change, an
 * upgrade seen by the other office, support's reset seen by every office); the mailer delivers
 * to a real SMTP server. Then every expected e-mail is found as delivered: to whom, in which
 * language, and stating the office, the company, the variant's display name, who pays, the
 * period and, with a link, until when it works. Nothing else is sent, and every e-mail of the
 * domain's matrix is among the expected ones. */
#include "collab_fx.h"
#include "domain/notify.h"
#include "smtp_sink.h"

#include <unistd.h>

TEST_MAIN_DEFS

static struct server s;
static struct smtp_sink k;
static char office_a[FX_ID_LEN], tok_a[FX_TOKEN_LEN], lisa[FX_ID_LEN], tok_lisa[FX_TOKEN_LEN];
static char office_b[FX_ID_LEN], tok_b[FX_TOKEN_LEN], tok_support[FX_TOKEN_LEN];
static char tok_maja[FX_TOKEN_LEN], tok_mats[FX_TOKEN_LEN], tok_olof[FX_TOKEN_LEN],
    tok_nora[FX_TOKEN_LEN];
static char c1[FX_ID_LEN], c2[FX_ID_LEN], cb[FX_ID_LEN], c9[FX_ID_LEN], c10[FX_ID_LEN],
    c11[FX_ID_LEN], c12[FX_ID_LEN], c13[FX_ID_LEN], c14[FX_ID_LEN], c15[FX_ID_LEN];

#define A_INFO "info@byra-ett.se"
#define A_LISA "lisa@byra-ett.se"
#define B_INFO "info@byra-tva.se"
#define MAJA "maja@matris.se"
#define MATS "mats@matris.se"
#define OLOF "olof@ost.se"
#define NORA "nora@nord.se"

struct expect {
  const char *collab; /* one of the ids above */
  const char *tpl, *to, *lang;
  int count;          /* how many such e-mails */
};

static void ok(struct resp *r, long want)
{
  CHECK_MSG(r->status == want, "%ld, want %ld: %s", r->status, want, r->body ? r->body : "");
  resp_free(r);
}

static void action(const char *id, const char *what, const char *token, const char *body)
{
  struct resp r;
  CHECK(cx_action(&s, id, what, token, body, &r));
  ok(&r, 200);
}

/* POSTs with a printf-made body and keeps the new resource's id in id. */
static void create(const char *path, const char *token, char *id, const char *body)
{
  struct resp r;
  CHECK(api(&s, "POST", path, token, body, &r));
  snprintf(id, FX_ID_LEN, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  ok(&r, 201);
}

/* The office activates for the customer with body, in which "TASK" stands for task's id. */
static void activate(const char *customer, const char *token, char *id, const char *body,
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
static void lapse(const char *id)
{
  CHECK(cx_exec(&s, "UPDATE collaborations SET expires_at_ms = 1 WHERE id = ?", id));
  for (int i = 0; i < 100 && cx_count(&s, "SELECT count(*) FROM collaborations WHERE id = ? AND "
                                          "state = 'expired'",
                                      id) != 1;
       i++)
    usleep(50000);
}

static void patch(const char *id, const char *token, const char *body)
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

/* Company M with two administrators: A and B both work with it. */
static void flows_shared_company(void)
{
  char company[FX_ID_LEN], id[FX_ID_LEN], cu_a[FX_ID_LEN], t_a[FX_ID_LEN], cu_b[FX_ID_LEN],
      t_b[FX_ID_LEN];
  fx_company(&s, "556100-2089", "Matris AB", "account", company);
  fx_customer_admin(&s, "556100-2089", "Maja Matris", MAJA, id, tok_maja);
  fx_customer_admin(&s, "556100-2089", "Mats Matris", MATS, id, tok_mats);
  cx_customer(&s, tok_lisa, "556100-2089", "M (vår kund)", "m@kund.se", cu_a);
  cx_task(&s, tok_lisa, cu_a, "Löpande", t_a);
  /* invitation, reminder, withdrawal (office-initiated), in English */
  activate(cu_a, tok_lisa, c1,
           "{\"task_id\":\"TASK\",\"variant\":\"smart\",\"invoice_recipient\":\"office\","
           "\"agreement_period_months\":12,\"language\":\"en\"}",
           t_a);
  action(c1, "reminders", tok_lisa, NULL);
  action(c1, "withdraw", tok_lisa, "{\"reason\":\"fel kund\"}");
  /* approval and activation, in Swedish */
  activate(cu_a, tok_lisa, c2,
           "{\"task_id\":\"TASK\",\"variant\":\"bokforing\",\"invoice_recipient\":\"customer\","
           "\"agreement_period_months\":12}",
           t_a);
  action(c2, "approve", tok_maja, NULL);
  /* office B joins (way 1) */
  cx_customer(&s, tok_b, "556100-2089", "Matris", "m@kund.se", cu_b);
  cx_task(&s, tok_b, cu_b, "Rådgivning", t_b);
  activate(cu_b, tok_b, cb, "{\"task_id\":\"TASK\"}", t_b);
  action(cb, "approve", tok_mats, NULL);
  /* payer change, upgrade (B is told), support's reset (every office is told) */
  patch(c2, tok_lisa, "{\"invoice_recipient\":\"office\"}");
  action(c2, "variant-changes", tok_lisa, "{\"variant\":\"pro\"}");
  action(c2, "variant-changes", tok_support,
         "{\"variant\":\"smart\",\"confirm_company_reset\":true}");
  /* the office ends, the customer decides; the customer ends B's */
  action(c2, "end", tok_lisa, "{\"reason\":\"uppdraget slut\"}");
  action(c2, "service-decision", tok_maja, "{\"keep_service\":true}");
  action(cb, "end", tok_mats, "{\"keep_service\":true,\"reason\":\"vi byter byrå\"}");
}

/* Company O: a decline, and an expiry followed by a request for a new invitation. */
static void flows_customer_answers(void)
{
  char company[FX_ID_LEN], id[FX_ID_LEN], cu[FX_ID_LEN], t[FX_ID_LEN];
  fx_company(&s, "556100-2097", "Ost AB", "account", company);
  fx_customer_admin(&s, "556100-2097", "Olof Ost", OLOF, id, tok_olof);
  cx_customer(&s, tok_lisa, "556100-2097", "O", "o@kund.se", cu);
  cx_task(&s, tok_lisa, cu, "Löpande", t);
  const char *fmt = "{\"task_id\":\"TASK\",\"variant\":\"start\",\"invoice_recipient\":"
                    "\"customer\",\"agreement_period_months\":3}";
  activate(cu, tok_lisa, c9, fmt, t);
  action(c9, "decline", tok_olof, "{\"reason\":\"för dyrt\"}");
  activate(cu, tok_lisa, c10, fmt, t);
  lapse(c10);
  action(c10, "renewal-requests", tok_olof, "{\"reason\":\"missade mejlet\"}");
}

/* Company N invites office A (way 4, English): expiry and renewal, withdrawal, decline,
 * acceptance and activation. */
static void flows_customer_invites(void)
{
  char company[FX_ID_LEN], id[FX_ID_LEN], cu[FX_ID_LEN], t[FX_ID_LEN];
  fx_company(&s, "556100-2105", "Nord AB", "account", company);
  fx_customer_admin(&s, "556100-2105", "Nora Nord", NORA, id, tok_nora);
  const char *invite = "{\"office_corporate_id\":\"556036-0793\",\"variant\":\"fakturering\","
                       "\"language\":\"en\"}";
  create("/v1/office-invitations", tok_nora, c11, invite);
  lapse(c11);
  action(c11, "renewal-requests", tok_lisa, NULL);
  create("/v1/office-invitations", tok_nora, c12, invite);
  action(c12, "withdraw", tok_nora, "{\"reason\":\"ändrade oss\"}");
  create("/v1/office-invitations", tok_nora, c13, invite);
  action(c13, "decline", tok_lisa, "{\"reason\":\"inte just nu\"}");
  create("/v1/office-invitations", tok_nora, c14, invite);
  action(c14, "accept", tok_lisa,
         "{\"corporate_id\":\"556036-0793\",\"email\":\"" A_INFO "\","
         "\"terms_version\":\"" COLLAB_TERMS_VERSION "\"}");
  cx_customer(&s, tok_lisa, "556100-2105", "N", "n@kund.se", cu);
  cx_task(&s, tok_lisa, cu, "Löpande", t);
  char body[128];
  snprintf(body, sizeof body, "{\"task_id\":\"%s\"}", t);
  action(c14, "activate", tok_lisa, body);
}

/* Way 3: the administrator the office names gets its own text. */
static void flows_new_customer(void)
{
  char cu[FX_ID_LEN], t[FX_ID_LEN];
  cx_customer(&s, tok_lisa, "556100-2113", "P", "p@kund.se", cu);
  cx_task(&s, tok_lisa, cu, "Start", t);
  activate(cu, tok_lisa, c15,
           "{\"task_id\":\"TASK\",\"variant\":\"start\",\"invoice_recipient\":\"office\","
           "\"agreement_period_months\":3,\"administrator\":{\"name\":\"Per Ny\","
           "\"email\":\"per@ny.se\",\"phone\":\"+46 70 123 45 67\"}}",
           t);
}

static const struct expect expected[] = {
    {c1, "invitation_customer", MAJA, "en", 2}, /* the invitation and the reminder */
    {c1, "invitation_customer", MATS, "en", 2},
    {c1, "withdrawn_customer", MAJA, "en", 1},
    {c1, "withdrawn_customer", MATS, "en", 1},
    {c2, "invitation_customer", MAJA, "sv", 1},
    {c2, "invitation_customer", MATS, "sv", 1},
    {c2, "approved_office", A_INFO, "sv", 1},
    {c2, "approved_office", A_LISA, "sv", 1},
    {c2, "activated_customer", MAJA, "sv", 1},
    {c2, "activated_customer", MATS, "sv", 1},
    {c2, "terms_changed_customer", MAJA, "sv", 1},
    {c2, "terms_changed_customer", MATS, "sv", 1},
    {c2, "variant_changed_customer", MAJA, "sv", 1},
    {c2, "variant_changed_customer", MATS, "sv", 1},
    {c2, "company_reset_customer", MAJA, "sv", 1},
    {c2, "company_reset_customer", MATS, "sv", 1},
    {c2, "company_reset_office", A_INFO, "sv", 1},
    {c2, "company_reset_office", A_LISA, "sv", 1},
    {c2, "collaboration_ended", MAJA, "sv", 1},
    {c2, "collaboration_ended", MATS, "sv", 1},
    {c2, "service_decided", A_INFO, "sv", 1},
    {c2, "service_decided", A_LISA, "sv", 1},
    {c2, "service_decided", MAJA, "sv", 1},
    {c2, "service_decided", MATS, "sv", 1},
    {cb, "invitation_customer", MAJA, "sv", 1},
    {cb, "invitation_customer", MATS, "sv", 1},
    {cb, "approved_office", B_INFO, "sv", 1},
    {cb, "activated_customer", MAJA, "sv", 1},
    {cb, "activated_customer", MATS, "sv", 1},
    {cb, "variant_changed_office", B_INFO, "sv", 1},
    {cb, "company_reset_office", B_INFO, "sv", 1},
    {cb, "ended_office", B_INFO, "sv", 1},
    {c9, "invitation_customer", OLOF, "sv", 1},
    {c9, "declined_office", A_INFO, "sv", 1},
    {c9, "declined_office", A_LISA, "sv", 1},
    {c10, "invitation_customer", OLOF, "sv", 1},
    {c10, "expired_office", A_INFO, "sv", 1},
    {c10, "expired_office", A_LISA, "sv", 1},
    {c10, "renewal_requested", A_INFO, "sv", 1},
    {c10, "renewal_requested", A_LISA, "sv", 1},
    {c11, "invitation_office", A_INFO, "en", 1},
    {c11, "expired_customer", NORA, "en", 1},
    {c11, "renewal_requested", NORA, "en", 1},
    {c12, "invitation_office", A_INFO, "en", 1},
    {c12, "withdrawn_office", A_INFO, "en", 1},
    {c13, "invitation_office", A_INFO, "en", 1},
    {c13, "declined_customer", NORA, "en", 1},
    {c14, "invitation_office", A_INFO, "en", 1},
    {c14, "office_accepted", NORA, "en", 1},
    {c14, "activated_customer", NORA, "en", 1},
    {c15, "activation_new_admin", "per@ny.se", "sv", 1},
};
#define N_EXPECTED (sizeof expected / sizeof expected[0])

/* The body states the facts of its outbox row's data, in its language. */
static void check_facts(const struct expect *e, const char *body, json_t *data)
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

/* Finds each expected e-mail as delivered. */
static void check_delivered(json_t *received)
{
  for (size_t i = 0; i < N_EXPECTED; i++) {
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
static void check_matrix_covered(void)
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
            for (size_t j = 0; j < N_EXPECTED && !seen; j++)
              seen = strcmp(expected[j].tpl, names[t]) == 0;
            CHECK_MSG(seen, "the matrix's %s (%s) is not tested", names[t],
                      notify_event_str((enum notify_event)ev));
          }
        }
      }
}

int main(void)
{
  sink_start(&k, 0, 0);
  const char *args[] = {"--smtp-url", k.url, "--reminder-interval", "0",
                        "--expiry-sweep-interval", "1", "--public-url", "https://advisor.example.se",
                        NULL};
  server_start(&s, args, NULL);
  fx_office(&s, "Byrå Ett AB", "556036-0793", A_INFO, office_a, tok_a);
  fx_user(&s, office_a, A_LISA, "full", lisa, tok_lisa);
  fx_office(&s, "Byrå Två AB", "556703-7485", B_INFO, office_b, tok_b);
  char support[FX_ID_LEN];
  fx_support(&s, "support@vendor.example", support, tok_support);
  flows_shared_company();
  flows_customer_answers();
  flows_customer_invites();
  flows_new_customer();
  size_t total = 0;
  for (size_t i = 0; i < N_EXPECTED; i++)
    total += (size_t)expected[i].count;
  size_t got = sink_wait(&k, total, 30000);
  CHECK_MSG(got == total, "%zu e-mails delivered, want %zu", got, total);
  usleep(300000); /* nothing more arrives */
  json_t *received = sink_received(&k);
  CHECK_INT(json_array_size(received), total);
  check_delivered(received);
  json_decref(received);
  check_matrix_covered();
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM outbox WHERE status <> 'sent'", NULL), 0);
  CHECK_INT(server_stop(&s, false), 0);
  sink_cleanup(&k);
  return TEST_REPORT();
}
