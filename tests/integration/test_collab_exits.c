/* Integration tests of the ways out and the invitation's life: decline, withdraw, reminders
 * (a new link each time, limited in rate), end by either party (the customer decides about the
 * service; a main contact is needed), expiry with a short --invitation-ttl (read as expired
 * before any sweep), a renewal request after expiry, and a way-4 invitation whose accept
 * attempts run out. Each step's events and outbox rows are checked. */
#include "collab_fx.h"

#include <time.h>

TEST_MAIN_DEFS

#define REMINDER_INTERVAL 2 /* seconds, the main server's --reminder-interval */
#define TEXT_(x) #x
#define TEXT(x) TEXT_(x)

static char office[FX_ID_LEN], tok_office[FX_TOKEN_LEN];
static char limited[FX_ID_LEN], tok_limited[FX_TOKEN_LEN];

struct invite {
  char id[FX_ID_LEN];
  char customer[FX_ID_LEN];
  char task[FX_ID_LEN];
  char cadmin[FX_ID_LEN];         /* the company's administrator, who gets the invitation */
  char tok_cadmin[FX_TOKEN_LEN];
  char link[SECRET_TOKEN_LEN];   /* from the latest invitation e-mail */
};

static void sleep_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* The link of the latest invitation e-mail of the collaboration. */
static void latest_link(struct server *s, struct invite *in)
{
  struct cx_mail m[16];
  int n = cx_mails(s, in->id, m, 16);
  in->link[0] = '\0';
  for (int i = n - 1; i >= 0; i--)
    if (strncmp(m[i].template_name, "invitation_", 11) == 0) {
      cx_token(s, &m[i], in->link);
      break;
    }
  cx_mails_free(m, n);
}

/* A way-2 invitation of a fresh account company and its administrator (the main contact, who
 * gets the invitation), paid by recipient. */
static void invite_account_paid(struct server *s, const char *cid, const char *name,
                                const char *admin_email, const char *recipient,
                                struct invite *in)
{
  char company[FX_ID_LEN];
  memset(in, 0, sizeof *in);
  fx_company(s, cid, name, "account", company);
  fx_customer_admin(s, cid, "Admin", admin_email, in->cadmin, in->tok_cadmin);
  cx_customer(s, tok_office, cid, name, "kontakt@example.se", in->customer);
  cx_task(s, tok_office, in->customer, "Uppdrag", in->task);
  cx_activate(s, tok_office, in->customer, in->task, "fakturering", recipient, 3, in->id);
  latest_link(s, in);
}

/* The same, paid by the customer. */
static void invite_account(struct server *s, const char *cid, const char *name,
                           const char *admin_email, struct invite *in)
{
  invite_account_paid(s, cid, name, admin_email, "customer", in);
}

/* The company's relation and, when it subscribes, who pays ("" when none) into relation and
 * payer (>= 16 bytes). */
static void company_terms(struct server *s, const char *cid, const char *token, char *relation,
                          char *payer)
{
  char path[80];
  snprintf(path, sizeof path, "/v1/companies/%s", cid);
  struct resp r;
  CHECK(api(s, "GET", path, token, NULL, &r));
  CHECK_INT(r.status, 200);
  const char *rel = resp_str(&r, "relation"), *pay = resp_str(&r, "subscription.invoice_recipient");
  snprintf(relation, 16, "%s", rel ? rel : "");
  snprintf(payer, 16, "%s", pay ? pay : "");
  resp_free(&r);
}

static void expect_illegal(struct server *s, const char *id, const char *action,
                           const char *token, const char *body, const char *state)
{
  struct resp r;
  CHECK(cx_action(s, id, action, token, body, &r));
  CHECK_MSG(r.status == 409, "%s: %ld", action, r.status);
  CHECK_STR(resp_str(&r, "code"), "illegal_transition");
  CHECK_STR(resp_str(&r, "state"), state);
  resp_free(&r);
}

static void link_status(struct server *s, const char *link, long want)
{
  char path[128];
  snprintf(path, sizeof path, "/v1/invitations/%s", link);
  struct resp r;
  CHECK(api(s, "GET", path, NULL, NULL, &r));
  CHECK_MSG(r.status == want, "link: %ld, want %ld", r.status, want);
  resp_free(&r);
}

static void test_decline(struct server *s)
{
  struct invite in;
  invite_account(s, "556100-0067", "Avböjare AB", "a@avbojare.se", &in);
  struct resp r;
  /* only the invited customer answers */
  CHECK(cx_action(s, in.id, "decline", tok_office, NULL, &r));
  CHECK_INT(r.status, 403);
  CHECK(r.body && strstr(r.body, "invited customer"));
  resp_free(&r);
  CHECK(cx_action(s, in.id, "decline", in.tok_cadmin, "{\"reason\":\"Vi sköter det själva\"}",
                  &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "declined");
  resp_free(&r);
  const char *steps[] = {"invite:>invited", "decline:invited>declined", NULL};
  cx_check_events(s, in.id, tok_office, steps);
  char path[160];
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", in.id);
  CHECK(api(s, "GET", path, in.tok_cadmin, NULL, &r));
  json_t *decline = json_array_get(json_object_get(r.json, "items"), 1);
  CHECK_STR(json_string_value(json_object_get(decline, "reason")), "Vi sköter det själva");
  CHECK_STR(json_string_value(json_object_get(json_object_get(decline, "actor"), "kind")),
            "customer_admin");
  resp_free(&r);
  link_status(s, in.link, 404);
  expect_illegal(s, in.id, "withdraw", tok_office, NULL, "declined");
  expect_illegal(s, in.id, "approve", in.tok_cadmin, NULL, "declined");
  /* the invitation, and the office told of the decline with its reason */
  const char *mails[] = {"invitation_customer>a@avbojare.se", "declined_office>info@byra-ett.se",
                         NULL};
  cx_check_mails(s, in.id, mails);
  struct cx_mail m[4];
  int n = cx_mails(s, in.id, m, 4);
  CHECK(n == 2 && json_is_string(json_object_get(m[1].data, "actor_name")));
  if (n == 2)
    CHECK_STR(json_string_value(json_object_get(m[1].data, "reason")), "Vi sköter det själva");
  cx_mails_free(m, n);
  /* declined is not open: the office may invite again */
  cx_activate(s, tok_office, in.customer, in.task, "start", "office", 12, NULL);
}

static void test_withdraw(struct server *s)
{
  struct invite in;
  invite_account(s, "556100-0075", "Tillbakadragen AB", "t@tillbaka.se", &in);
  struct resp r;
  CHECK(cx_action(s, in.id, "withdraw", in.tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 403);
  resp_free(&r);
  /* a stale If-Match loses; any office user may withdraw, a limited one too */
  char path[160];
  snprintf(path, sizeof path, "/v1/collaborations/%s/withdraw", in.id);
  const char *stale[] = {"If-Match: \"7\"", NULL};
  char auth[128];
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok_limited);
  const char *hdrs[] = {auth, stale[0], "Content-Type: application/json", NULL};
  CHECK(http(s, "POST", path, hdrs, "{}", &r));
  CHECK_INT(r.status, 412);
  resp_free(&r);
  const char *fresh[] = {auth, "If-Match: \"1\"", "Content-Type: application/json", NULL};
  CHECK(http(s, "POST", path, fresh, "{\"reason\":\"fel kund\"}", &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "cancelled");
  resp_free(&r);
  const char *steps[] = {"invite:>invited", "withdraw:invited>cancelled", NULL};
  cx_check_events(s, in.id, in.tok_cadmin, steps);
  char kind[FX_ID_LEN], who[FX_ID_LEN];
  cx_event_actor(s, in.id, tok_office, 1, kind, who);
  CHECK_STR(who, limited);
  link_status(s, in.link, 404);
  expect_illegal(s, in.id, "approve", in.tok_cadmin, NULL, "cancelled");
  expect_illegal(s, in.id, "reminders", tok_office, NULL, "cancelled");
}

static void test_reminders(struct server *s)
{
  struct invite in;
  invite_account(s, "556100-0083", "Påmind AB", "p@paminn.se", &in);
  char first[SECRET_TOKEN_LEN];
  snprintf(first, sizeof first, "%s", in.link);
  struct resp r;
  CHECK(cx_action(s, in.id, "reminders", in.tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 403); /* only the inviter resends */
  resp_free(&r);
  /* limited in rate from the invitation itself: not right after it */
  char retry[16];
  CHECK(cx_action(s, in.id, "reminders", tok_limited, NULL, &r));
  CHECK_INT(r.status, 429);
  CHECK_STR(resp_str(&r, "code"), "rate_limited");
  CHECK(resp_header(&r, "retry-after", retry, sizeof retry) && atoi(retry) >= 1 &&
        atoi(retry) <= REMINDER_INTERVAL);
  resp_free(&r);
  CHECK_INT(cx_count(s, "SELECT count(*) FROM outbox WHERE collaboration_id = ?", in.id), 1);
  sleep_ms(REMINDER_INTERVAL * 1000 + 100);
  CHECK(cx_action(s, in.id, "reminders", tok_limited, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "invited");
  CHECK(r.body && strstr(r.body, "\"count\":1"));
  resp_free(&r);
  latest_link(s, &in);
  CHECK(strcmp(first, in.link) != 0);
  link_status(s, first, 404); /* the old link died */
  link_status(s, in.link, 200);
  /* limited in rate: not again right after the reminder */
  CHECK(cx_action(s, in.id, "reminders", tok_office, NULL, &r));
  CHECK_INT(r.status, 429);
  CHECK_STR(resp_str(&r, "code"), "rate_limited");
  CHECK(resp_header(&r, "retry-after", retry, sizeof retry) && atoi(retry) >= 1 &&
        atoi(retry) <= REMINDER_INTERVAL);
  resp_free(&r);
  struct cx_mail m[8];
  int n = cx_mails(s, in.id, m, 8);
  CHECK_INT(n, 2);
  CHECK_STR(m[1].template_name, "invitation_customer");
  CHECK(strcmp(json_string_value(json_object_get(m[0].data, "token_nonce")),
               json_string_value(json_object_get(m[1].data, "token_nonce"))) != 0);
  cx_mails_free(m, n);
  const char *steps[] = {"invite:>invited", "remind:invited>invited", NULL};
  cx_check_events(s, in.id, tok_office, steps);
  /* the new link works */
  char path[160];
  snprintf(path, sizeof path, "/v1/invitations/%s/approve", in.link);
  CHECK(api(s, "POST", path, NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "active");
  resp_free(&r);
  char kind[FX_ID_LEN], who[FX_ID_LEN];
  cx_event_actor(s, in.id, tok_office, 2, kind, who);
  CHECK_STR(kind, "invitation_link");
  CHECK_STR(who, in.cadmin); /* the reminder went to the same administrator */
}

static void test_end(struct server *s)
{
  struct invite in;
  invite_account(s, "556100-0091", "Avslutad AB", "e@avslutad.se", &in);
  struct resp r;
  CHECK(cx_action(s, in.id, "approve", in.tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  /* the customer must say whether it keeps the service; the office may not say it */
  CHECK(cx_action(s, in.id, "end", in.tok_cadmin, "{}", &r));
  CHECK_INT(r.status, 400);
  CHECK(r.body && strstr(r.body, "keep_service"));
  resp_free(&r);
  CHECK(cx_action(s, in.id, "end", tok_office, "{\"keep_service\":true}", &r));
  CHECK_INT(r.status, 400);
  resp_free(&r);
  CHECK(cx_action(s, in.id, "end", tok_limited, NULL, &r));
  CHECK_INT(r.status, 403);
  resp_free(&r);
  CHECK(cx_action(s, in.id, "end", in.tok_cadmin,
                  "{\"keep_service\":false,\"reason\":\"Vi byter byrå\"}", &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "ended");
  CHECK(r.body && strstr(r.body, "\"keep_service\":false") &&
        strstr(r.body, "\"service_decision_pending\":false"));
  resp_free(&r);
  const char *steps[] = {"invite:>invited", "approve:invited>approved",
                         "provision:approved>active", "end:active>ended", NULL};
  cx_check_events(s, in.id, tok_office, steps);
  /* the company deactivated the service: back to a portal account */
  CHECK(api(s, "GET", "/v1/companies/556100-0091", in.tok_cadmin, NULL, &r));
  CHECK_STR(resp_str(&r, "relation"), "account");
  resp_free(&r);
  expect_illegal(s, in.id, "end", tok_office, NULL, "ended");
  /* the customer decided at once: nothing left to decide */
  CHECK(cx_action(s, in.id, "service-decision", in.tok_cadmin, "{\"keep_service\":true}", &r));
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "conflict");
  resp_free(&r);

  /* the office ends: the company's subscription stays exactly as it is (the office still pays)
   * until the customer decides, and the customer's main contact is told */
  struct invite kept;
  invite_account_paid(s, "556100-0109", "Behåller AB", "b@behaller.se", "office", &kept);
  CHECK(cx_action(s, kept.id, "approve", kept.tok_cadmin, NULL, &r));
  resp_free(&r);
  expect_illegal(s, kept.id, "service-decision", kept.tok_cadmin, "{\"keep_service\":true}",
                 "active");
  CHECK(cx_action(s, kept.id, "end", tok_office, "{\"reason\":\"uppdraget avslutat\"}", &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "ended");
  CHECK(r.body && strstr(r.body, "\"service_decision_pending\":true") &&
        strstr(r.body, "\"keep_service\":null"));
  resp_free(&r);
  char relation[16], payer[16];
  company_terms(s, "556100-0109", kept.tok_cadmin, relation, payer);
  CHECK_STR(relation, "subscriber");
  CHECK_STR(payer, "office");
  struct cx_mail m[8];
  int n = cx_mails(s, kept.id, m, 8);
  CHECK(n >= 1);
  if (n >= 1) {
    CHECK_STR(m[n - 1].template_name, "collaboration_ended");
    CHECK_STR(m[n - 1].recipient, "b@behaller.se");
    CHECK_STR(json_string_value(json_object_get(m[n - 1].data, "office_name")), "Byrå Ett AB");
    CHECK(json_is_true(json_object_get(m[n - 1].data, "decision_pending")));
    CHECK(!json_object_get(m[n - 1].data, "customer_name")); /* the office's name is its own */
  }
  cx_mails_free(m, n);
  /* only the customer decides, once */
  CHECK(cx_action(s, kept.id, "service-decision", tok_office, "{\"keep_service\":true}", &r));
  CHECK_INT(r.status, 403);
  resp_free(&r);
  CHECK(cx_action(s, kept.id, "service-decision", kept.tok_cadmin, "{}", &r));
  CHECK_INT(r.status, 400);
  CHECK(r.body && strstr(r.body, "keep_service"));
  resp_free(&r);
  CHECK(cx_action(s, kept.id, "service-decision", kept.tok_cadmin,
                  "{\"keep_service\":true,\"reason\":\"vi fortsätter själva\"}", &r));
  CHECK_INT(r.status, 200);
  CHECK(r.body && strstr(r.body, "\"service_decision_pending\":false") &&
        strstr(r.body, "\"keep_service\":true"));
  resp_free(&r);
  company_terms(s, "556100-0109", kept.tok_cadmin, relation, payer);
  CHECK_STR(relation, "subscriber");
  CHECK_STR(payer, "customer"); /* kept on its own: it pays from now on */
  CHECK(cx_action(s, kept.id, "service-decision", kept.tok_cadmin, "{\"keep_service\":false}",
                  &r));
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "conflict");
  resp_free(&r);
  const char *kept_steps[] = {"invite:>invited", "approve:invited>approved",
                              "provision:approved>active", "end:active>ended",
                              "service_decision:ended>ended", NULL};
  cx_check_events(s, kept.id, tok_office, kept_steps);

  /* the office ends, the customer deactivates the service */
  struct invite dropped;
  invite_account_paid(s, "556100-0133", "Avaktiverar AB", "d@avaktiverar.se", "office",
                      &dropped);
  CHECK(cx_action(s, dropped.id, "approve", dropped.tok_cadmin, NULL, &r));
  resp_free(&r);
  CHECK(cx_action(s, dropped.id, "end", tok_office, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  CHECK(cx_action(s, dropped.id, "service-decision", dropped.tok_cadmin,
                  "{\"keep_service\":false}", &r));
  CHECK_INT(r.status, 200);
  CHECK(r.body && strstr(r.body, "\"keep_service\":false"));
  resp_free(&r);
  company_terms(s, "556100-0133", dropped.tok_cadmin, relation, payer);
  CHECK_STR(relation, "account");
  CHECK_STR(payer, "");

  /* ending needs the company to have a main contact (here support has taken the mark away) */
  struct invite orphan;
  invite_account(s, "556100-0117", "Utan Kontakt AB", "u@utan.se", &orphan);
  char path[160];
  snprintf(path, sizeof path, "/v1/invitations/%s/approve", orphan.link);
  CHECK(api(s, "POST", path, NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  CHECK(cx_exec(s, "UPDATE customer_admins SET is_main_contact = 0 WHERE email = ?",
                "u@utan.se"));
  CHECK(cx_action(s, orphan.id, "end", tok_office, NULL, &r));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "main_contact_required");
  resp_free(&r);
  char state[16];
  cx_state(s, orphan.id, tok_office, state, sizeof state);
  CHECK_STR(state, "active");
}

/* Two offices serve one company: ending one office's collaboration leaves the company's
 * subscription alone while the other's is active; ending the last one applies the decision. */
static void test_end_two_offices(struct server *s)
{
  struct invite first;
  invite_account_paid(s, "556100-0141", "Delad AB", "x@delad.se", "office", &first);
  struct resp r;
  CHECK(cx_action(s, first.id, "approve", first.tok_cadmin, NULL, &r));
  CHECK_STR(resp_str(&r, "state"), "active");
  resp_free(&r);
  char office2[FX_ID_LEN], tok_office2[FX_TOKEN_LEN], customer2[FX_ID_LEN], task2[FX_ID_LEN],
      path[160], second[FX_ID_LEN];
  fx_office(s, "Byrå Två AB", "556016-0680", "info@byra-tva.se", office2, tok_office2);
  cx_customer(s, tok_office2, "556100-0141", "Delad", "delad@example.se", customer2);
  cx_task(s, tok_office2, customer2, "Bokslut", task2);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer2);
  CHECK(cx_post(s, path, tok_office2, &r, "{\"task_id\":\"%s\"}", task2));
  CHECK_INT(r.status, 201);
  CHECK_STR(resp_str(&r, "way"), "subscriber");
  snprintf(second, sizeof second, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
  CHECK(cx_action(s, second, "approve", first.tok_cadmin, NULL, &r));
  CHECK_STR(resp_str(&r, "state"), "active");
  resp_free(&r);
  /* the customer leaves the first office and would drop the service: the second office's
   * collaboration still uses it */
  CHECK(cx_action(s, first.id, "end", first.tok_cadmin, "{\"keep_service\":false}", &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  char relation[16], payer[16];
  company_terms(s, "556100-0141", first.tok_cadmin, relation, payer);
  CHECK_STR(relation, "subscriber");
  CHECK_STR(payer, "office");
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", first.id);
  CHECK(api(s, "GET", path, tok_office, NULL, &r));
  json_t *end = json_array_get(json_object_get(r.json, "items"), 3);
  json_t *details = json_object_get(end, "details");
  CHECK_STR(json_string_value(json_object_get(details, "subscription")), "unchanged");
  CHECK(json_object_get(details, "active_collaboration_id") == NULL); /* another office's */
  CHECK(r.body && !strstr(r.body, second));
  resp_free(&r);
  /* the office ends the last one; the customer then drops the service */
  CHECK(cx_action(s, second, "end", tok_office2, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  CHECK(cx_action(s, second, "service-decision", first.tok_cadmin, "{\"keep_service\":false}",
                  &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  company_terms(s, "556100-0141", first.tok_cadmin, relation, payer);
  CHECK_STR(relation, "account");
}

/* PATCHes path with body, naming the version a GET of it shows in If-Match. */
static void patch_current(struct server *s, const char *path, const char *token,
                          const char *body, struct resp *r)
{
  char etag[32] = "", auth[128], im[64];
  CHECK(api(s, "GET", path, token, NULL, r));
  CHECK(resp_header(r, "etag", etag, sizeof etag));
  resp_free(r);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
  snprintf(im, sizeof im, "If-Match: %s", etag);
  const char *hdrs[] = {auth, im, "Content-Type: application/json", NULL};
  CHECK(http(s, "PATCH", path, hdrs, body, r));
}

/* Nothing goes active through a task that was closed after the invitation: approval checks
 * that the task is still open and the customer's. */
static void test_closed_task(struct server *s)
{
  struct invite in;
  invite_account(s, "556100-0166", "Stängd AB", "st@stangd.se", &in);
  char path[160];
  struct resp r;
  snprintf(path, sizeof path, "/v1/tasks/%s", in.task);
  patch_current(s, path, tok_office, "{\"status\":\"closed\"}", &r);
  CHECK_INT(r.status, 200);
  resp_free(&r);
  CHECK(cx_action(s, in.id, "approve", in.tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "task_required");
  CHECK(r.body && strstr(r.body, "closed"));
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/invitations/%s/approve", in.link);
  CHECK(api(s, "POST", path, NULL, NULL, &r));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "task_required");
  resp_free(&r);
  char state[16];
  cx_state(s, in.id, tok_office, state, sizeof state);
  CHECK_STR(state, "invited");
  const char *steps[] = {"invite:>invited", NULL};
  cx_check_events(s, in.id, tok_office, steps);
  /* the office connects an open task of the customer; then the approval goes through */
  char task2[FX_ID_LEN], body[96];
  cx_task(s, tok_office, in.customer, "Nytt uppdrag", task2);
  snprintf(path, sizeof path, "/v1/collaborations/%s", in.id);
  snprintf(body, sizeof body, "{\"task_id\":\"%s\"}", task2);
  patch_current(s, path, tok_office, body, &r);
  CHECK_INT(r.status, 200);
  resp_free(&r);
  CHECK(cx_action(s, in.id, "approve", in.tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "active");
  CHECK_STR(resp_str(&r, "task_id"), task2);
  resp_free(&r);
}

/* Way 4: wrong answers are counted; after the last one the link dies until a reminder. */
static void test_accept_attempts(struct server *s)
{
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN];
  fx_company(s, "556100-0125", "Försökare AB", "account", company);
  fx_customer_admin(s, "556100-0125", "Fia", "fia@forsokare.se", cadmin, tok_cadmin);
  struct resp r;
  CHECK(cx_post(s, "/v1/office-invitations", tok_cadmin, &r,
                "{\"office_corporate_id\":\"556036-0793\",\"variant\":\"pro\"}"));
  CHECK_INT(r.status, 201);
  struct invite in = {0};
  snprintf(in.id, sizeof in.id, "%s", resp_str(&r, "id"));
  resp_free(&r);
  latest_link(s, &in);
  for (int i = 1; i <= 5; i++) {
    CHECK(cx_action(s, in.id, "accept", tok_office,
                    "{\"corporate_id\":\"556100-0018\",\"email\":\"info@byra-ett.se\",\"terms_version\":\"2026-11\"}", &r));
    CHECK_INT(r.status, 422);
    CHECK_STR(resp_str(&r, "code"), "identity_mismatch");
    char want[32];
    snprintf(want, sizeof want, "\"attempts_left\":%d", 5 - i);
    /* one answer for any mismatch: it does not tell which of the two is wrong */
    const char *detail = resp_str(&r, "detail");
    CHECK(r.body && strstr(r.body, want) && !strstr(r.body, "mismatched"));
    CHECK(detail && strstr(detail, "The corporate ID and e-mail address do not match this "
                                   "invitation"));
    resp_free(&r);
  }
  CHECK(cx_action(s, in.id, "accept", tok_office,
                  "{\"corporate_id\":\"556036-0793\",\"email\":\"info@byra-ett.se\",\"terms_version\":\"2026-11\"}", &r));
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "accept_attempts_exhausted");
  resp_free(&r);
  link_status(s, in.link, 404);
  const char *steps[] = {"invite:>invited", NULL};
  cx_check_events(s, in.id, tok_cadmin, steps);
  /* the customer resends (once the reminder interval has passed): a new link, the attempts
   * start over */
  sleep_ms(REMINDER_INTERVAL * 1000 + 100);
  CHECK(cx_action(s, in.id, "reminders", tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  latest_link(s, &in);
  char path[160];
  snprintf(path, sizeof path, "/v1/invitations/%s/accept", in.link);
  CHECK(cx_post(s, path, NULL, &r,
                "{\"corporate_id\":\"556036-0793\",\"email\":\"info@byra-ett.se\",\"terms_version\":\"2026-11\"}"));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "approved");
  resp_free(&r);
  /* the customer can end it while it waits for a task */
  CHECK(cx_action(s, in.id, "end", tok_cadmin, "{\"keep_service\":true}", &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "ended");
  resp_free(&r);
  const char *steps2[] = {"invite:>invited", "remind:invited>invited", "accept:invited>approved",
                          "end:approved>ended", NULL};
  cx_check_events(s, in.id, tok_office, steps2);
}

/* A server whose invitations expire after a second. */
static void test_expiry(void)
{
  struct server s;
  /* no sweep during the test: what a read shows before anything recorded the expiry */
  const char *args[] = {"--invitation-ttl", "1", "--reminder-interval", "0",
                        "--expiry-sweep-interval", "3600", NULL};
  server_start(&s, args, NULL);
  char off[FX_ID_LEN];
  fx_office(&s, "Byrå Ett AB", "5560360793", "info@byra-ett.se", off, tok_office);
  struct invite in;
  invite_account(&s, "556100-0018", "Sen AB", "s@sen.se", &in);
  sleep_ms(1300);
  /* read as expired before anything recorded it */
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaborations WHERE state = 'invited' AND id = ?",
                     in.id),
            1);
  char state[16];
  cx_state(&s, in.id, tok_office, state, sizeof state);
  CHECK_STR(state, "expired");
  struct resp r;
  CHECK(api(&s, "GET", "/v1/collaborations?state=expired", tok_office, NULL, &r));
  CHECK(r.body && strstr(r.body, in.id));
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/collaborations?state=invited", in.tok_cadmin, NULL, &r));
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 0);
  resp_free(&r);
  char path[160];
  snprintf(path, sizeof path, "/v1/invitations/%s", in.link);
  CHECK(api(&s, "GET", path, NULL, NULL, &r));
  CHECK_STR(resp_str(&r, "state"), "expired");
  CHECK(r.body && strstr(r.body, "\"answers\":[\"renewal-requests\"]"));
  resp_free(&r);
  /* answering too late is refused, and the expiry is recorded by the system */
  expect_illegal(&s, in.id, "approve", in.tok_cadmin, NULL, "expired");
  const char *steps[] = {"invite:>invited", "expire:invited>expired", NULL};
  cx_check_events(&s, in.id, tok_office, steps);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaborations WHERE state = 'expired' AND id = ?",
                     in.id),
            1);
  expect_illegal(&s, in.id, "withdraw", tok_office, NULL, "expired");
  /* only the invitee asks for a new invitation */
  CHECK(cx_action(&s, in.id, "renewal-requests", tok_office, NULL, &r));
  CHECK_INT(r.status, 403);
  resp_free(&r);
  /* the request tells the inviter, and the expired invitation stays expired: nothing revives */
  CHECK(cx_action(&s, in.id, "renewal-requests", in.tok_cadmin, "{\"reason\":\"missade den\"}",
                  &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "expired");
  CHECK(resp_str(&r, "renewal_requested_at") != NULL);
  resp_free(&r);
  cx_state(&s, in.id, tok_office, state, sizeof state);
  CHECK_STR(state, "expired");
  const char *steps2[] = {"invite:>invited", "expire:invited>expired",
                          "renewal_requested:expired>expired", NULL};
  cx_check_events(&s, in.id, tok_office, steps2);
  char kind[FX_ID_LEN], who[FX_ID_LEN];
  cx_event_actor(&s, in.id, tok_office, 2, kind, who);
  CHECK_STR(kind, "customer_admin");
  CHECK_STR(who, in.cadmin);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM outbox WHERE collaboration_id = ? AND "
                         "template = 'invitation_customer'",
                     in.id),
            1);
  /* the office is told of the expiry, then of the request (with its reason) */
  struct cx_mail m[8];
  int n = cx_mails(&s, in.id, m, 8);
  CHECK_INT(n, 3);
  if (n == 3) {
    CHECK_STR(m[1].template_name, "expired_office");
    CHECK_STR(m[1].recipient, "info@byra-ett.se");
    CHECK_STR(m[2].template_name, "renewal_requested");
    CHECK_STR(m[2].recipient, "info@byra-ett.se"); /* the inviting office */
    CHECK_STR(json_string_value(json_object_get(m[2].data, "company_name")), "Sen AB");
    CHECK(json_is_string(json_object_get(m[2].data, "actor_name")));
  }
  cx_mails_free(m, n);
  /* one request per invitation; its link is used up */
  CHECK(cx_action(&s, in.id, "renewal-requests", in.tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "conflict");
  resp_free(&r);
  link_status(&s, in.link, 404);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM outbox WHERE collaboration_id = ?", in.id), 3);
  /* the office invites again: a new collaboration; the expired one does not block it */
  cx_activate(&s, tok_office, in.customer, in.task, "smart", "office", 12, NULL);
  cx_state(&s, in.id, tok_office, state, sizeof state);
  CHECK_STR(state, "expired");

  /* way 4: the office asks through the expired link; the inviting administrator is told */
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN];
  fx_company(&s, "556100-0158", "Kundinbjudan AB", "account", company);
  fx_customer_admin(&s, "556100-0158", "Kia", "kia@kundinbjudan.se", cadmin, tok_cadmin);
  CHECK(cx_post(&s, "/v1/office-invitations", tok_cadmin, &r,
                "{\"office_corporate_id\":\"556036-0793\",\"variant\":\"start\"}"));
  CHECK_INT(r.status, 201);
  struct invite w4 = {0};
  snprintf(w4.id, sizeof w4.id, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
  latest_link(&s, &w4);
  sleep_ms(1300);
  snprintf(path, sizeof path, "/v1/invitations/%s/renewal-requests", w4.link);
  CHECK(api(&s, "POST", path, NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "expired");
  resp_free(&r);
  link_status(&s, w4.link, 404);
  cx_event_actor(&s, w4.id, tok_cadmin, 2, kind, who);
  CHECK_STR(kind, "invitation_link");
  CHECK_STR(who, off); /* the office the link was sent to */
  const char *w4_mails[] = {"invitation_office>info@byra-ett.se",
                            "expired_customer>kia@kundinbjudan.se",
                            "renewal_requested>kia@kundinbjudan.se", NULL};
  cx_check_mails(&s, w4.id, w4_mails);
  n = cx_mails(&s, w4.id, m, 8);
  if (n == 3)
    CHECK_STR(json_string_value(json_object_get(m[2].data, "actor_name")), "Byrå Ett AB");
  cx_mails_free(m, n);
  CHECK(cx_action(&s, w4.id, "renewal-requests", tok_office, NULL, &r));
  CHECK_INT(r.status, 409);
  resp_free(&r);
  CHECK_INT(server_stop(&s, false), 0);
}

/* Creations are capped per principal and hour (--collaboration-create-limit): the next one is
 * 429 with Retry-After; another principal is not affected; withdrawn ones still count. */
static void test_creation_cap(void)
{
  struct server s;
  const char *args[] = {"--collaboration-create-limit", "2", NULL};
  server_start(&s, args, NULL);
  char off[FX_ID_LEN], user2[FX_ID_LEN], tok_user2[FX_TOKEN_LEN];
  fx_office(&s, "Byrå Ett AB", "5560360793", "info@byra-ett.se", off, tok_office);
  fx_user(&s, off, "andra@byra-ett.se", "full", user2, tok_user2);
  struct invite a, b, c;
  invite_account(&s, "556100-0018", "Ett AB", "a@ett.se", &a);
  invite_account(&s, "556100-0026", "Två AB", "b@tva.se", &b);
  struct resp r;
  CHECK(cx_action(&s, b.id, "withdraw", tok_office, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  /* the third in the hour */
  memset(&c, 0, sizeof c);
  char company[FX_ID_LEN], path[160];
  fx_company(&s, "556100-0034", "Tre AB", "account", company);
  fx_customer_admin(&s, "556100-0034", "Admin", "c@tre.se", c.cadmin, c.tok_cadmin);
  cx_customer(&s, tok_office, "556100-0034", "Tre AB", "kontakt@tre.se", c.customer);
  cx_task(&s, tok_office, c.customer, "Uppdrag", c.task);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", c.customer);
#define TERMS "{\"task_id\":\"%s\",\"variant\":\"start\",\"invoice_recipient\":\"office\"," \
              "\"agreement_period_months\":3}"
  CHECK(cx_post(&s, path, tok_office, &r, TERMS, c.task));
  CHECK_INT(r.status, 429);
  CHECK_STR(resp_str(&r, "code"), "rate_limited");
  char retry[16];
  CHECK(resp_header(&r, "retry-after", retry, sizeof retry) && atoi(retry) > 3500 &&
        atoi(retry) <= 3600);
  CHECK(r.body && strstr(r.body, "2 per hour"));
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaborations WHERE customer_id = ?",
                     c.customer),
            0);
  /* another user of the office has its own allowance */
  CHECK(cx_post(&s, path, tok_user2, &r, TERMS, c.task));
#undef TERMS
  CHECK_INT(r.status, 201);
  resp_free(&r);
  /* a customer administrator's office invitations count the same way */
  CHECK(cx_action(&s, a.id, "withdraw", tok_office, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  for (int i = 0; i < 3; i++) {
    CHECK(cx_post(&s, "/v1/office-invitations", a.tok_cadmin, &r,
                  "{\"office_corporate_id\":\"556036-0793\",\"variant\":\"start\"}"));
    CHECK_MSG(r.status == (i < 2 ? 201 : 429), "office invitation %d: %ld", i, r.status);
    char inv[FX_ID_LEN];
    snprintf(inv, sizeof inv, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
    resp_free(&r);
    if (i < 2) {
      CHECK(cx_action(&s, inv, "withdraw", a.tok_cadmin, NULL, &r));
      CHECK_INT(r.status, 200);
      resp_free(&r);
    }
  }
  CHECK_INT(server_stop(&s, false), 0);
}

/* The sweeper records a lapsed invitation without any request touching it. */
static void test_sweep(void)
{
  struct server s;
  const char *args[] = {"--invitation-ttl", "1", "--expiry-sweep-interval", "1", NULL};
  server_start(&s, args, NULL);
  char off[FX_ID_LEN];
  fx_office(&s, "Byrå Ett AB", "5560360793", "info@byra-ett.se", off, tok_office);
  struct invite in;
  invite_account(&s, "556100-0018", "Sopad AB", "s@sopad.se", &in);
  const char *sql = "SELECT count(*) FROM collaboration_events WHERE collaboration_id = ? AND "
                    "event = 'expire' AND actor_kind = 'system' AND to_state = 'expired'";
  long recorded = 0;
  for (int i = 0; i < 100 && recorded == 0; i++) {
    sleep_ms(100);
    recorded = cx_count(&s, sql, in.id);
  }
  CHECK_INT(recorded, 1);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaborations WHERE state = 'expired' AND id = ?",
                     in.id),
            1);
  const char *steps[] = {"invite:>invited", "expire:invited>expired", NULL};
  cx_check_events(&s, in.id, tok_office, steps);
  CHECK_INT(server_stop(&s, false), 0);
}

int main(void)
{
  struct server s;
  const char *args[] = {"--reminder-interval", TEXT(REMINDER_INTERVAL), NULL};
  server_start(&s, args, NULL);
  fx_office(&s, "Byrå Ett AB", "5560360793", "info@byra-ett.se", office, tok_office);
  fx_user(&s, office, "limited@byra-ett.se", "limited", limited, tok_limited);
  test_decline(&s);
  test_withdraw(&s);
  test_reminders(&s);
  test_end(&s);
  test_end_two_offices(&s);
  test_closed_task(&s);
  test_accept_attempts(&s);
  CHECK_INT(server_stop(&s, false), 0);
  test_expiry();
  test_creation_cap();
  test_sweep();
  return TEST_REPORT();
}
