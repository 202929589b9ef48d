/* Unit tests of the e-mail templates (mail_template.h): every template in both languages,
 * the invitation link and its token, missing data, and data that tries to add lines. */
#include "mail_mime.h"
#include "mail_template.h"
#include "testlib.h"

#include <stdlib.h>

TEST_MAIN_DEFS

static struct secret key;
static struct mail_render_ctx ctx = {"https://advisor.example.se/", &key, "Visma eEkonomi Smart"};

struct tcase {
  const char *name;
  const char *data;
  bool link;
  const char *sv_subject, *en_subject;
  const char *sv_needle, *en_needle; /* a phrase the body must hold */
};

static const struct tcase cases[] = {
    {"invitation_customer",
     "{\"office_name\":\"Byrå Öst AB\",\"customer_name\":\"Ärlig Bygg AB\",\"variant\":\"smart\","
     "\"collaboration_id\":\"c-1\",\"token_nonce\":\"nonce-0001\",\"expires_at\":\"2026-12-27T10:00:00Z\"}",
     true, "Byrå Öst AB bjuder in Ärlig Bygg AB till samarbete i Visma eEkonomi Smart",
     "Byrå Öst AB invites Ärlig Bygg AB to collaborate in Visma eEkonomi Smart",
     "godkänn villkoren", "approve the terms"},
    {"activation_new_admin",
     "{\"office_name\":\"Byrå Öst AB\",\"customer_name\":\"Ärlig Bygg AB\",\"variant\":\"smart\","
     "\"collaboration_id\":\"c-2\",\"token_nonce\":\"nonce-0002\",\"admin_name\":\"Åsa Öberg\","
     "\"expires_at\":\"2027-01-31T23:59:59.999Z\"}",
     true, "Byrå Öst AB har aktiverat Visma eEkonomi Smart för Ärlig Bygg AB",
     "Byrå Öst AB has activated Visma eEkonomi Smart for Ärlig Bygg AB", "Hej Åsa Öberg!",
     "Hello Åsa Öberg,"},
    {"invitation_office",
     "{\"company_name\":\"Ärlig Bygg AB\",\"corporate_id\":\"556677-8899\","
     "\"collaboration_id\":\"c-3\",\"token_nonce\":\"nonce-0003\",\"expires_at\":\"2027-02-01T00:00:00.000Z\"}",
     true, "Ärlig Bygg AB bjuder in er byrå till samarbete",
     "Ärlig Bygg AB invites your office to collaborate", "organisationsnummer 556677-8899",
     "corporate ID 556677-8899"},
    {"office_accepted", "{\"office_name\":\"Byrå Öst AB\",\"collaboration_id\":\"c-4\"}", false,
     "Byrå Öst AB har accepterat er inbjudan", "Byrå Öst AB has accepted your invitation",
     "Samarbetets id: c-4", "Collaboration id: c-4"},
    {"approved_office", "{\"customer_name\":\"Ärlig Bygg AB\",\"collaboration_id\":\"c-5\"}",
     false, "Ärlig Bygg AB har godkänt samarbetet",
     "Ärlig Bygg AB has approved the collaboration", "Ni kan nu börja arbeta tillsammans",
     "You can now start working together"},
    {"collaboration_ended", "{\"office_name\":\"Byrå Öst AB\",\"collaboration_id\":\"c-6\"}",
     false, "Byrå Öst AB har avslutat samarbetet med er",
     "Byrå Öst AB has ended the collaboration with you",
     "på egen hand (och då själva betala för den från och med nu) eller avaktivera den",
     "keeps using the service on its own (and pays for it from then on) or deactivates it"},
    {"renewal_requested", "{\"invitee_name\":\"Ärlig Bygg AB\",\"collaboration_id\":\"c-7\"}",
     false, "Ärlig Bygg AB ber om en ny inbjudan till samarbete",
     "Ärlig Bygg AB asks for a new invitation to collaborate", "skickar ni en ny inbjudan",
     "send a new invitation"},
};

static void test_every_template(void)
{
  char why[200];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const struct tcase *c = &cases[i];
    CHECK(mail_template_known(c->name));
    json_t *data = json_loads(c->data, 0, NULL);
    for (int en = 0; en < 2; en++) {
      struct mail_rendered r;
      bool ok = mail_template_render(c->name, en ? "en" : "sv", data, &ctx, &r, why, sizeof why);
      CHECK_MSG(ok, "%s/%s: %s", c->name, en ? "en" : "sv", why);
      if (!ok)
        continue;
      CHECK_STR(r.subject, en ? c->en_subject : c->sv_subject);
      CHECK_MSG(strstr(r.body, en ? c->en_needle : c->sv_needle), "%s: %s", c->name, r.body);
      CHECK(strstr(r.body, en ? "Please do not reply" : "Svara inte") != NULL);
      CHECK(strchr(r.subject, '\n') == NULL);
      CHECK(strchr(r.body, '{') == NULL); /* every placeholder filled */
      const char *nonce = json_string_value(json_object_get(data, "token_nonce"));
      const char *expires = json_string_value(json_object_get(data, "expires_at"));
      if (expires) { /* the invitation's last day, in words of its language */
        char line[96];
        snprintf(line, sizeof line, "%s %.10s.\n",
                 en ? "The invitation is valid until" : "Inbjudan gäller till och med", expires);
        CHECK_MSG(strstr(r.body, line), "%s: no '%s' in %s", c->name, line, r.body);
      }
      CHECK(expires != NULL || !c->link); /* every invitation says until when */
      if (c->link) {
        char token[SECRET_TOKEN_LEN], link[256];
        secret_token(&key, "invitation", nonce, token);
        snprintf(link, sizeof link, "\nhttps://advisor.example.se/v1/invitations/%s\n", token);
        CHECK_MSG(strstr(r.body, link), "%s: no link %s in %s", c->name, link, r.body);
        CHECK(strstr(r.body, nonce) == NULL); /* the nonce is not shown */
      } else {
        CHECK(strstr(r.body, "/v1/invitations/") == NULL);
      }
      mail_rendered_free(&r);
    }
    json_decref(data);
  }
}

static void test_optional_lines_and_fallbacks(void)
{
  char why[200];
  struct mail_rendered r;
  json_t *d = json_loads(cases[0].data, 0, NULL);
  CHECK(mail_template_render("invitation_customer", "sv", d, &ctx, &r, why, sizeof why));
  CHECK(r.body && strstr(r.body, "Inbjudan gäller till och med 2026-12-27.\n"));
  mail_rendered_free(&r);
  json_object_del(d, "expires_at");
  CHECK(mail_template_render("invitation_customer", "sv", d, &ctx, &r, why, sizeof why));
  CHECK(r.body && !strstr(r.body, "gäller till"));
  mail_rendered_free(&r);
  /* no display name known: the variant code is shown; unknown language: Swedish */
  struct mail_render_ctx bare = {"http://127.0.0.1:8080", &key, NULL};
  CHECK(mail_template_render("invitation_customer", "de", d, &bare, &r, why, sizeof why));
  CHECK_STR(r.subject, "Byrå Öst AB bjuder in Ärlig Bygg AB till samarbete i smart");
  CHECK(r.body && strstr(r.body, "\nhttp://127.0.0.1:8080/v1/invitations/"));
  mail_rendered_free(&r);
  json_decref(d);
}

static void test_refusals(void)
{
  char why[200];
  struct mail_rendered r;
  json_t *d = json_loads("{\"office_name\":\"X\"}", 0, NULL);
  CHECK(!mail_template_render("nope", "sv", d, &ctx, &r, why, sizeof why));
  CHECK(strstr(why, "unknown template 'nope'") != NULL);
  CHECK(!mail_template_known("nope"));
  CHECK(!mail_template_render("office_accepted", "sv", d, &ctx, &r, why, sizeof why));
  CHECK_MSG(strstr(why, "collaboration_id") != NULL, "%s", why);
  CHECK(r.subject == NULL && r.body == NULL);
  json_t *arr = json_array();
  CHECK(!mail_template_render("office_accepted", "sv", arr, &ctx, &r, why, sizeof why));
  CHECK(strstr(why, "not a JSON object") != NULL);
  json_decref(arr);
  json_decref(d);
  d = json_loads("{\"office_name\":\"\",\"collaboration_id\":\"c\"}", 0, NULL);
  CHECK(!mail_template_render("office_accepted", "sv", d, &ctx, &r, why, sizeof why));
  CHECK(strstr(why, "office_name") != NULL); /* empty counts as missing */
  json_decref(d);
  d = json_loads("{\"company_name\":\"A\",\"corporate_id\":\"1\",\"collaboration_id\":\"c\"}", 0,
                 NULL);
  CHECK(!mail_template_render("invitation_office", "en", d, &ctx, &r, why, sizeof why));
  CHECK(strstr(why, "token_nonce") != NULL);
  json_decref(d);
}

static void test_data_cannot_add_lines(void)
{
  char why[200];
  struct mail_rendered r;
  json_t *d = json_pack("{s:s, s:s}", "office_name", "Evil\r\nBcc: all@example.com\n\nHi",
                        "collaboration_id", "c");
  CHECK(mail_template_render("office_accepted", "en", d, &ctx, &r, why, sizeof why));
  CHECK(r.subject && !strchr(r.subject, '\n') && !strchr(r.subject, '\r'));
  CHECK(r.body && !strstr(r.body, "\nBcc:"));
  mail_rendered_free(&r);
  json_decref(d);
}

/* Found by fuzzing (tests/fuzz/corpus/template/regression-long-utf8-value): a data value
 * longer than the renderer's 1023-byte field, cut in the middle of a character, made a body
 * that was not UTF-8, which the MIME builder then refused (the mail could never be sent).
 * A cut character becomes '?', and every rendered mail can be built. */
static void test_long_value_stays_utf8(void)
{
  char name[1100];
  memset(name, 'a', 1022);
  snprintf(name + 1022, sizeof name - 1022, "%s", "åäö");
  json_t *data = json_pack("{s:s, s:s}", "office_name", name, "collaboration_id", "c-9");
  struct mail_rendered out;
  char why[200];
  CHECK(mail_template_render("office_accepted", "sv", data, &ctx, &out, why, sizeof why));
  struct mail_message m = {.from = "advisord <no-reply@advisord.local>", .to = "a@b.se",
                           .subject = out.subject, .body = out.body,
                           .message_id = "<t-1@advisord>", .language = "sv"};
  char *msg = mail_mime_build(&m, why, sizeof why);
  CHECK_MSG(msg != NULL, "%s", why);
  char want[1100];
  memset(want, 'a', 1022);
  snprintf(want + 1022, sizeof want - 1022, "?"); /* the cut "å", and nothing after it */
  CHECK(out.body && strstr(out.body, want) && !strstr(out.body, "?äö"));
  free(msg);
  mail_rendered_free(&out);
  json_decref(data);
}

int main(void)
{
  for (size_t i = 0; i < sizeof key.key; i++)
    key.key[i] = (unsigned char)(i * 7 + 1);
  test_every_template();
  test_optional_lines_and_fallbacks();
  test_refusals();
  test_data_cannot_add_lines();
  test_long_value_stays_utf8();
  return TEST_REPORT();
}
