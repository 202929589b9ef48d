/* Integration test of the notification matrix (README "Who is told of what", domain/notify.h):
 * flows over the API make every event of DOMAIN.md happen (invitation in all four ways,
 * reminder, withdrawal and decline by either side, approval, activation, expiry and renewal
 * request on either side, ending by either side, the service decision, a payer change, an
 * upgrade seen by the other office, support's reset seen by every office); the mailer delivers
 * to a real SMTP server. Then every expected e-mail is found as delivered: to whom, in which
 * language, and stating the office, the company, the variant's display name, who pays, the
 * period and, with a link, until when it works. Nothing else is sent, and every e-mail of the
 * domain's matrix is among the expected ones. */
#include "notify_fx.h"

TEST_MAIN_DEFS

static char office_a[FX_ID_LEN], tok_a[FX_TOKEN_LEN], lisa[FX_ID_LEN], tok_lisa[FX_TOKEN_LEN];
static char office_b[FX_ID_LEN], tok_b[FX_TOKEN_LEN], tok_support[FX_TOKEN_LEN];
static char tok_maja[FX_TOKEN_LEN], tok_mats[FX_TOKEN_LEN], tok_olof[FX_TOKEN_LEN],
    tok_nora[FX_TOKEN_LEN];
static char c1[FX_ID_LEN], c2[FX_ID_LEN], cb[FX_ID_LEN], c9[FX_ID_LEN], c10[FX_ID_LEN],
    c11[FX_ID_LEN], c12[FX_ID_LEN], c13[FX_ID_LEN], c14[FX_ID_LEN], c15[FX_ID_LEN],
    c16[FX_ID_LEN];

#define A_INFO "info@byra-ett.se"
#define A_LISA "lisa@byra-ett.se"
#define B_INFO "info@byra-tva.se"
#define MAJA "maja@matris.se"
#define MATS "mats@matris.se"
#define OLOF "olof@ost.se"
#define NORA "nora@nord.se"
#define SIV "siv@senare.se"

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

/* Company S: a start scheduled for tomorrow (Stockholm), approved at once, started by the
 * sweep run as of tomorrow noon. */
static void flows_scheduled_start(void)
{
  char company[FX_ID_LEN], id[FX_ID_LEN], tok_siv[FX_TOKEN_LEN], cu[FX_ID_LEN], t[FX_ID_LEN];
  fx_company(&s, "556100-2147", "Senare AB", "account", company);
  fx_customer_admin(&s, "556100-2147", "Siv Senare", SIV, id, tok_siv);
  cx_customer(&s, tok_lisa, "556100-2147", "S", "s@kund.se", cu);
  cx_task(&s, tok_lisa, cu, "Löpande", t);
  char today[DATE_LEN], tomorrow[DATE_LEN], body[200], at[DATE_TIME_LEN];
  date_local_of_ms(util_now_ms(), today, sizeof today);
  int64_t days = 0;
  CHECK(date_to_days(today, &days));
  date_of_ms((days + 1) * 86400000, tomorrow, sizeof tomorrow);
  snprintf(body, sizeof body,
           "{\"task_id\":\"TASK\",\"variant\":\"smart\",\"invoice_recipient\":\"office\","
           "\"agreement_period_months\":12,\"starts_on\":\"%s\"}",
           tomorrow);
  activate(cu, tok_lisa, c16, body, t);
  action(c16, "approve", tok_siv, NULL);
  date_iso_s((days + 1) * 86400000 + 12 * 3600000, at, sizeof at);
  const char *args[] = {"admin", "start-due", "--at", at, NULL};
  char *out = NULL;
  CHECK_INT(run_cli(&s, args, &out), 0);
  CHECK(out && strstr(out, "started: 1"));
  free(out);
}

static const struct expect expected[] = {
    {c16, "invitation_customer", SIV, "sv", 1},
    {c16, "approved_office", A_INFO, "sv", 1},
    {c16, "approved_office", A_LISA, "sv", 1},
    {c16, "activated_customer", SIV, "sv", 1},
    {c16, "started_office", A_INFO, "sv", 1},
    {c16, "started_office", A_LISA, "sv", 1},
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

/* A stored JSON text is the one json_dumps(JSON_COMPACT | JSON_SORT_KEYS) makes of it. */
static void canonical_row(const char *const *col, void *arg)
{
  json_t *v = json_loads(col[0], 0, NULL);
  char *again = v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  CHECK_MSG(again && strcmp(again, col[0]) == 0, "stored %s, json_dumps gives %s", col[0],
            again ? again : "nothing");
  free(again);
  json_decref(v);
  ++*(size_t *)arg;
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
  flows_scheduled_start();
  size_t total = 0;
  for (size_t i = 0; i < N_EXPECTED; i++)
    total += (size_t)expected[i].count;
  size_t got = sink_wait(&k, total, 30000);
  CHECK_MSG(got == total, "%zu e-mails delivered, want %zu", got, total);
  usleep(300000); /* nothing more arrives */
  json_t *received = sink_received(&k);
  CHECK_INT(json_array_size(received), total);
  check_delivered(expected, N_EXPECTED, received);
  json_decref(received);
  check_matrix_covered(expected, N_EXPECTED);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM outbox WHERE status <> 'sent'", NULL), 0);
  /* the e-mails' data and the events' details are written as text (json_text), exactly as
   * json_dumps(JSON_COMPACT | JSON_SORT_KEYS) writes them */
  size_t n_texts = 0;
  CHECK(testdb_rows(s.db, "SELECT data FROM outbox UNION ALL SELECT details FROM "
                          "collaboration_events", NULL, 1, canonical_row, &n_texts) > 0);
  CHECK_MSG(n_texts > total, "%zu texts checked", n_texts);
  CHECK_INT(server_stop(&s, false), 0);
  sink_cleanup(&k);
  return TEST_REPORT();
}
