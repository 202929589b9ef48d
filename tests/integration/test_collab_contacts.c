/* Integration test of the contacts an office gives or confirms: while a way-3 invitation is
 * open the office sees the administrator it named and corrects it (the old link dies, a new
 * e-mail goes to the corrected address, the mistyped one is gone); a withdrawn or expired
 * way-3 invitation leaves no administrator that nobody confirmed; and in way 4 the office
 * accepts a customer's invitation only together with the terms in force, which the history
 * records. */
#include "collab_fx.h"

#include <unistd.h>

TEST_MAIN_DEFS

static struct server s;
static char office[FX_ID_LEN], tok_office[FX_TOKEN_LEN];

static void patch_admin(const char *id, const char *etag, const char *body, struct resp *r)
{
  char path[128], im[64];
  snprintf(path, sizeof path, "/v1/collaborations/%s", id);
  snprintf(im, sizeof im, "If-Match: %s", etag);
  const char *hdr[] = {im, NULL};
  CHECK(api_with(&s, "PATCH", path, tok_office, body, hdr, r));
}

static long link_status(const char *token)
{
  char path[160];
  snprintf(path, sizeof path, "/v1/invitations/%s", token);
  struct resp r;
  CHECK(api(&s, "GET", path, NULL, NULL, &r));
  long st = r.status;
  resp_free(&r);
  return st;
}

/* The link of the collaboration's latest e-mail that has one. */
static void latest_link(const char *id, char *token)
{
  struct cx_mail m[16];
  int n = cx_mails(&s, id, m, 16);
  token[0] = '\0';
  for (int i = n - 1; i >= 0 && !token[0]; i--)
    if (json_object_get(m[i].data, "token_nonce"))
      cx_token(&s, &m[i], token);
  cx_mails_free(m, n);
}

static void way3_correction(void)
{
  char customer[FX_ID_LEN], task[FX_ID_LEN], path[160], id[FX_ID_LEN], admin[FX_ID_LEN];
  cx_customer(&s, tok_office, "556100-2014", "Rättelse", "hej@rattelse.se", customer);
  cx_task(&s, tok_office, customer, "Löpande", task);
  struct resp r;
  cx_activate_way3(&s, tok_office, customer, task, "Rut Rätt", "rut@ratelse.se", &r);
  CHECK_INT(r.status, 201);
  snprintf(id, sizeof id, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  snprintf(admin, sizeof admin, "%s", resp_str(&r, "administrator.id") ? resp_str(&r, "administrator.id") : "");
  /* the office sees the contact it gave */
  CHECK_STR(resp_str(&r, "administrator.email"), "rut@ratelse.se");
  CHECK_STR(resp_str(&r, "administrator.name"), "Rut Rätt");
  resp_free(&r);
  char old_link[SECRET_LINK_TOKEN_LEN], new_link[SECRET_LINK_TOKEN_LEN];
  latest_link(id, old_link);
  CHECK_INT(link_status(old_link), 200);
  /* a correction needs If-Match; a bad address is refused and changes nothing */
  patch_admin(id, "\"1\"", "{\"administrator\":{\"name\":\"Rut Rätt\",\"email\":\"inte-en-adress\","
                           "\"phone\":\"+46 70 555 12 34\"}}",
              &r);
  CHECK_INT(r.status, 400);
  CHECK(r.body && strstr(r.body, "administrator.email"));
  resp_free(&r);
  patch_admin(id, "\"1\"", "{\"administrator\":{\"name\":\"Rut Rätt\",\"email\":\"rut@rattelse.se\","
                           "\"phone\":\"+46 70 555 12 34\"}}",
              &r);
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "administrator.email"), "rut@rattelse.se");
  CHECK_STR(resp_str(&r, "state"), "invited");
  resp_free(&r);
  /* a second sending right after is limited in rate like a reminder (the first correction of
   * a typo goes at once) */
  patch_admin(id, "\"2\"", "{\"administrator\":{\"name\":\"Rut Rätt\",\"email\":\"rut2@rattelse.se\","
                           "\"phone\":\"+46 70 555 12 34\"}}",
              &r);
  CHECK_INT(r.status, 429);
  CHECK_STR(resp_str(&r, "code"), "rate_limited");
  resp_free(&r);
  /* the old link died; a new e-mail went to the corrected address */
  CHECK_INT(link_status(old_link), 404);
  latest_link(id, new_link);
  CHECK_INT(link_status(new_link), 200);
  const char *mails[] = {"activation_new_admin>rut@ratelse.se",
                         "activation_new_admin>rut@rattelse.se", NULL};
  cx_check_mails(&s, id, mails);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM customer_admins WHERE email = ?",
                     "rut@ratelse.se"),
            0);
  const char *steps[] = {"invite:>invited", "change_administrator:invited>invited", NULL};
  cx_check_events(&s, id, tok_office, steps);
  /* the customer approves through the new link: the corrected administrator is confirmed */
  char ap[160];
  snprintf(ap, sizeof ap, "/v1/invitations/%s/approve", new_link);
  CHECK(api(&s, "POST", ap, NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "active");
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT confirmed FROM customer_admins WHERE email = ?",
                     "rut@rattelse.se"),
            1);
  /* once answered there is nothing to correct */
  snprintf(path, sizeof path, "/v1/collaborations/%s", id);
  CHECK(api(&s, "GET", path, tok_office, NULL, &r));
  char etag[32];
  CHECK(resp_header(&r, "etag", etag, sizeof etag));
  resp_free(&r);
  patch_admin(id, etag, "{\"administrator\":{\"name\":\"X\",\"email\":\"x@rattelse.se\","
                        "\"phone\":\"+46 70 555 00 00\"}}",
              &r);
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "illegal_transition");
  resp_free(&r);
}

/* A way-3 invitation that expires unanswered leaves no administrator nobody confirmed; the
 * office is told. */
static void way3_expiry(void)
{
  char customer[FX_ID_LEN], task[FX_ID_LEN], path[160], id[FX_ID_LEN];
  cx_customer(&s, tok_office, "556100-2022", "Utgår", "hej@utgar.se", customer);
  cx_task(&s, tok_office, customer, "Löpande", task);
  struct resp r;
  cx_activate_way3(&s, tok_office, customer, task, "Ulla Ut", "ulla@utgar.se", &r);
  CHECK_INT(r.status, 201);
  snprintf(id, sizeof id, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
  /* the server runs with a 1-second invitation lifetime and a 1-second sweep */
  for (int i = 0; i < 60 && cx_count(&s, "SELECT count(*) FROM collaborations WHERE id = ? AND "
                                         "state = 'expired'",
                                     id) != 1;
       i++)
    usleep(100000);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM customer_admins WHERE email = ?",
                     "ulla@utgar.se"),
            0);
  /* the invitee still asks for a new invitation through its link; the office is told in words
   * that do not need the removed administrator */
  char link[SECRET_LINK_TOKEN_LEN];
  latest_link(id, link);
  snprintf(path, sizeof path, "/v1/invitations/%s/renewal-requests", link);
  CHECK(api(&s, "POST", path, NULL, "{\"reason\":\"missade det\"}", &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  const char *mails[] = {"activation_new_admin>ulla@utgar.se", "expired_office>info@byra-ett.se",
                         "renewal_requested>info@byra-ett.se", NULL};
  cx_check_mails(&s, id, mails);
  for (int i = 0; i < 100 && cx_count(&s, "SELECT count(*) FROM outbox WHERE collaboration_id = ? "
                                          "AND status = 'pending'",
                                      id) > 0;
       i++)
    usleep(50000);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM outbox WHERE collaboration_id = ? AND status = "
                         "'sent'",
                     id),
            3);

}

/* Way 2: the invitation goes to the company's own administrators; nothing to correct, and the
 * office does not see their contact. */
static void other_ways(void)
{
  char customer[FX_ID_LEN], task[FX_ID_LEN], path[160], id[FX_ID_LEN];
  struct resp r;
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN];
  fx_company(&s, "556100-2030", "Konto Två AB", "account", company);
  fx_customer_admin(&s, "556100-2030", "Kajsa", "kajsa@kontotva.se", cadmin, tok_cadmin);
  cx_customer(&s, tok_office, "556100-2030", "Konto Två", "hej@kontotva.se", customer);
  cx_task(&s, tok_office, customer, "Löpande", task);
  cx_activate(&s, tok_office, customer, task, "start", "office", 3, id);
  patch_admin(id, "\"1\"", "{\"administrator\":{\"name\":\"X\",\"email\":\"x@kontotva.se\","
                           "\"phone\":\"+46 70 555 00 00\"}}",
              &r);
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "not_for_this_way");
  resp_free(&r);
  /* the office does not see a way-2 administrator's contact: it is the company's */
  snprintf(path, sizeof path, "/v1/collaborations/%s", id);
  CHECK(api(&s, "GET", path, tok_office, NULL, &r));
  CHECK(r.body && !strstr(r.body, "kajsa@kontotva.se"));
  resp_free(&r);
}

/* Ways 1-3 invite only administrators who confirmed: a mistyped way-3 address never becomes the
 * company's main contact, is dropped when another administrator answers, and never receives
 * another office's invitation. Two offices naming the same mistyped address: one office's
 * correction leaves the other's named administrator alone. Support cannot change the
 * subscription of a company with an open invitation. */
static void unconfirmed_administrators(void)
{
  char customer[FX_ID_LEN], task[FX_ID_LEN], path[160], id[FX_ID_LEN], ghost[FX_ID_LEN];
  cx_customer(&s, tok_office, "556100-2055", "Spöke", "hej@spoke.se", customer);
  cx_task(&s, tok_office, customer, "Löpande", task);
  struct resp r;
  cx_activate_way3(&s, tok_office, customer, task, "Spöket", "ghost@typo.example", &r);
  CHECK_INT(r.status, 201);
  snprintf(id, sizeof id, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  snprintf(ghost, sizeof ghost, "%s", resp_str(&r, "administrator_id") ? resp_str(&r, "administrator_id") : "");
  resp_free(&r);
  /* support edits the company while the invitation is open: refused */
  char support[FX_ID_LEN], tok_support[FX_TOKEN_LEN], etag[32] = "", im[48];
  fx_support(&s, "support@vendor.example", support, tok_support);
  CHECK(api(&s, "GET", "/v1/companies/556100-2055", tok_support, NULL, &r));
  resp_header(&r, "etag", etag, sizeof etag);
  resp_free(&r);
  snprintf(im, sizeof im, "If-Match: %s", etag);
  const char *cim[] = {im, NULL};
  CHECK(api_with(&s, "PATCH", "/v1/companies/556100-2055", tok_support,
                 "{\"relation\":\"account\"}", cim, &r));
  CHECK_INT(r.status, 409);
  CHECK(r.body && strstr(r.body, "open collaboration"));
  resp_free(&r);
  /* the real owner is added by support: the company's main contact, not the mistyped one */
  char real[FX_ID_LEN], tok_real[FX_TOKEN_LEN];
  fx_customer_admin(&s, "556100-2055", "Riktig Ägare", "agare@spoke.se", real, tok_real);
  CHECK_INT(cx_count(&s, "SELECT is_main_contact FROM customer_admins WHERE id = ?", real), 1);
  CHECK_INT(cx_count(&s, "SELECT is_main_contact FROM customer_admins WHERE id = ?", ghost), 0);
  /* the owner approves: the mistyped administrator nobody confirmed is gone */
  CHECK(cx_action(&s, id, "approve", tok_real, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "active");
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM customer_admins WHERE id = ?", ghost), 0);
  /* another office's invitation goes to the owner only */
  char office_b[FX_ID_LEN], tok_b[FX_TOKEN_LEN], cu_b[FX_ID_LEN], t_b[FX_ID_LEN], id_b[FX_ID_LEN];
  fx_office(&s, "Byrå Två AB", "556703-7485", "info@byra-tva.se", office_b, tok_b);
  cx_customer(&s, tok_b, "556100-2055", "Spöke B", "b@spoke.se", cu_b);
  cx_task(&s, tok_b, cu_b, "Löpande", t_b);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", cu_b);
  CHECK(cx_post(&s, path, tok_b, &r, "{\"task_id\":\"%s\"}", t_b));
  CHECK_INT(r.status, 201);
  snprintf(id_b, sizeof id_b, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
  const char *b_mails[] = {"invitation_customer>agare@spoke.se", NULL};
  cx_check_mails(&s, id_b, b_mails);

  /* two offices name the same mistyped address for a new company */
  char cu1[FX_ID_LEN], t1[FX_ID_LEN], c1[FX_ID_LEN], c2[FX_ID_LEN], shared[FX_ID_LEN];
#define SHARED_BODY                                                                          \
  "{\"task_id\":\"%s\",\"variant\":\"start\",\"invoice_recipient\":\"customer\","                 \
  "\"agreement_period_months\":3,\"administrator\":{\"name\":\"Delad\","                       \
  "\"email\":\"same@typo.example\",\"phone\":\"+46 70 555 11 11\"}}"
  cx_customer(&s, tok_office, "556100-2063", "Tvåbyrå", "hej@tvabyra.se", cu1);
  cx_task(&s, tok_office, cu1, "Löpande", t1);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", cu1);
  CHECK(cx_post(&s, path, tok_office, &r, SHARED_BODY, t1));
  CHECK_INT(r.status, 201);
  snprintf(c1, sizeof c1, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  snprintf(shared, sizeof shared, "%s", resp_str(&r, "administrator_id") ? resp_str(&r, "administrator_id") : "");
  resp_free(&r);
  cx_customer(&s, tok_b, "556100-2063", "Tvåbyrå B", "b@tvabyra.se", cu_b);
  cx_task(&s, tok_b, cu_b, "Löpande", t_b);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", cu_b);
  CHECK(cx_post(&s, path, tok_b, &r, SHARED_BODY, t_b));
  CHECK_INT(r.status, 201);
  snprintf(c2, sizeof c2, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  CHECK_STR(resp_str(&r, "administrator_id"), shared);
  resp_free(&r);
  /* while office B's invitation still names that address, office 1 cannot name another person
   * (a correction is held to the rule of a way-3 activation: else naming the same person and
   * then correcting it would get round it) */
#define RIGHT_BODY                                                                           \
  "{\"administrator\":{\"name\":\"Rätt\",\"email\":\"right@tvabyra.se\","                        \
  "\"phone\":\"+46 70 555 22 22\"}}"
  patch_admin(c1, "\"1\"", RIGHT_BODY, &r);
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "administrator_already_named");
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/collaborations/%s", c2);
  CHECK(api(&s, "GET", path, tok_b, NULL, &r));
  CHECK_STR(resp_str(&r, "administrator.email"), "same@typo.example");
  CHECK_STR(resp_str(&r, "administrator.name"), "Delad");
  resp_free(&r);
  /* once office B withdrew, office 1 corrects its own (in place: nobody else names it now) */
  CHECK(cx_action(&s, c2, "withdraw", tok_b, "{\"reason\":\"fel adress\"}", &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  patch_admin(c1, "\"1\"", RIGHT_BODY, &r);
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "administrator.email"), "right@tvabyra.se");
  CHECK_STR(resp_str(&r, "administrator.name"), "Rätt");
  resp_free(&r);
}

/* Way 4: accepting needs the terms in force; the history records the version accepted. */
static void way4_terms(void)
{
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN], id[FX_ID_LEN];
  fx_company(&s, "556100-2048", "Villkor AB", "account", company);
  fx_customer_admin(&s, "556100-2048", "Vilma", "vilma@villkor.se", cadmin, tok_cadmin);
  struct resp r;
  CHECK(cx_post(&s, "/v1/office-invitations", tok_cadmin, &r,
                "{\"office_corporate_id\":\"556036-0793\",\"variant\":\"smart\"}"));
  CHECK_INT(r.status, 201);
  snprintf(id, sizeof id, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
  char link[SECRET_LINK_TOKEN_LEN], path[160];
  latest_link(id, link);
  /* the link shows which terms the office accepts */
  snprintf(path, sizeof path, "/v1/invitations/%s", link);
  CHECK(api(&s, "GET", path, NULL, NULL, &r));
  CHECK_STR(resp_str(&r, "terms_version"), "2026-11");
  resp_free(&r);
  /* so does the collaboration, to the office's users while it is open (not to the customer) */
  snprintf(path, sizeof path, "/v1/collaborations/%s", id);
  CHECK(api(&s, "GET", path, tok_office, NULL, &r));
  CHECK_STR(resp_str(&r, "terms_version"), "2026-11");
  resp_free(&r);
  CHECK(api(&s, "GET", path, tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK(resp_str(&r, "terms_version") == NULL);
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/invitations/%s/accept", link);
  CHECK(cx_post(&s, path, NULL, &r,
                "{\"corporate_id\":\"556036-0793\",\"email\":\"info@byra-ett.se\"}"));
  CHECK_INT(r.status, 400);
  CHECK(r.body && strstr(r.body, "terms_version"));
  resp_free(&r);
  CHECK(cx_post(&s, path, NULL, &r,
                "{\"corporate_id\":\"556036-0793\",\"email\":\"info@byra-ett.se\","
                "\"terms_version\":\"2020-01\"}"));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "terms_version"), "2026-11");
  resp_free(&r);
  CHECK(cx_post(&s, path, NULL, &r,
                "{\"corporate_id\":\"556036-0793\",\"email\":\"info@byra-ett.se\","
                "\"terms_version\":\"2026-11\"}"));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "approved");
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/collaborations/%s", id);
  CHECK(api(&s, "GET", path, tok_office, NULL, &r));
  CHECK(resp_str(&r, "terms_version") == NULL); /* accepted: nothing left to accept */
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", id);
  CHECK(api(&s, "GET", path, tok_office, NULL, &r));
  json_t *accept = json_array_get(json_object_get(r.json, "items"), 1);
  CHECK_STR(json_string_value(json_object_get(accept, "event")), "accept");
  CHECK_STR(json_string_value(
                json_object_get(json_object_get(accept, "details"), "terms_version_accepted")),
            "2026-11");
  CHECK_STR(json_string_value(json_object_get(json_object_get(accept, "actor"), "name")),
            "Byrå Ett AB");
  resp_free(&r);
  const char *mails[] = {"invitation_office>info@byra-ett.se",
                         "office_accepted>vilma@villkor.se", NULL};
  cx_check_mails(&s, id, mails);
}

int main(void)
{
  server_start(&s, NULL, NULL);
  fx_office(&s, "Byrå Ett AB", "556036-0793", "info@byra-ett.se", office, tok_office);
  way3_correction();
  other_ways();
  way4_terms();
  unconfirmed_administrators();
  CHECK_INT(server_stop(&s, false), 0);
  /* invitations that lapse at once, recorded by a sweep every second */
  const char *args[] = {"--invitation-ttl", "1", "--expiry-sweep-interval", "1", NULL};
  server_start(&s, args, NULL);
  fx_office(&s, "Byrå Ett AB", "556036-0793", "info@byra-ett.se", office, tok_office);
  way3_expiry();
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
