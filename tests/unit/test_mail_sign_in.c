/* Unit tests of the account e-mails (texts_account.c). The sign-in e-mail: in both languages it names the account
 * and how long the link works, carries the link <public URL>/sign-in#token=<token> with the
 * token derived for "sign-in" (never the nonce, never an invitation's token), and refuses to
 * render without any of its required members, naming it. */
#include "mail_template_fx.h"
#include "secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TEST_MAIN_DEFS

#define DATA(kind, extra)                                                                   \
  "{\"sign_in_nonce\":\"nonce-s1\",\"valid_minutes\":15,\"account_kind\":\"" kind "\"" extra "}"

static void check_body(const char *lang, const char *data_text, const char *const *want)
{
  json_t *data = json_loads(data_text, 0, NULL);
  CHECK(data != NULL);
  char *subject = NULL;
  char *body = render_body("sign_in_link", lang, data, &subject);
  for (size_t i = 0; body && want[i]; i++)
    CHECK_MSG(strstr(body, want[i]), "%s: no '%s' in:\n%s", lang, want[i], body);
  if (body) {
    char token[SECRET_TOKEN_LEN], invitation[SECRET_TOKEN_LEN], line[200];
    secret_token(&key, "sign-in", "nonce-s1", token);
    secret_token(&key, "invitation", "nonce-s1", invitation);
    snprintf(line, sizeof line, "\nhttps://advisor.example.se/sign-in#token=%s\n", token);
    CHECK_MSG(strstr(body, line), "%s: no link %s", lang, line);
    CHECK(strcmp(token, invitation) != 0);
    CHECK(strstr(body, invitation) == NULL);
    CHECK(strstr(body, "nonce-s1") == NULL);
    CHECK(strchr(body, '{') == NULL); /* no placeholder left */
    CHECK(subject && strchr(subject, '{') == NULL);
  }
  free(body);
  free(subject);
  json_decref(data);
}

static void test_texts(void)
{
  const char *sv[] = {"Hej!", "Konto: Byrå Öst AB (användare på redovisningsbyrån)",
                      "Den fungerar en gång och i 15 minuter.", "Svara inte på det", NULL};
  check_body("sv", DATA("office_user", ",\"account_name\":\"Byrå Öst AB\""), sv);
  const char *en[] = {"Hello,", "Account: Byrå Öst AB (user of the accounting office)",
                      "It works once and for 15 minutes.", "Please do not reply", NULL};
  check_body("en", DATA("office_user", ",\"account_name\":\"Byrå Öst AB\""), en);
  const char *admin[] = {"Account: Ärlig Bygg AB (administrator of the company)", NULL};
  check_body("en", DATA("customer_admin", ",\"account_name\":\"Ärlig Bygg AB\""), admin);
  const char *support[] = {"Konto: support\n", NULL};
  check_body("sv", DATA("support", ""), support);
}

static void test_required_members(void)
{
  const char *members[] = {"sign_in_nonce", "valid_minutes", "account_kind"};
  for (size_t i = 0; i < 3; i++) {
    json_t *data = json_loads(DATA("office_user", ""), 0, NULL);
    json_object_del(data, members[i]);
    struct mail_rendered r;
    char why[200] = "";
    CHECK_MSG(!mail_template_render("sign_in_link", "sv", data, &ctx, &r, why, sizeof why),
              "rendered without %s", members[i]);
    CHECK_MSG(strstr(why, members[i]) != NULL, "why '%s' does not name %s", why, members[i]);
    json_decref(data);
  }
  json_t *data = json_loads(DATA("admin", ""), 0, NULL); /* administrators never sign in */
  struct mail_rendered r;
  char why[200] = "";
  CHECK(!mail_template_render("sign_in_link", "sv", data, &ctx, &r, why, sizeof why));
  CHECK(strstr(why, "account_kind") != NULL);
  json_decref(data);
  CHECK(mail_template_known("sign_in_link"));
}

/* The invitation of a new office user: who added it, where, its rights, its link. */
static void test_invitation(void)
{
#define INVITED(full)                                                                       \
  "{\"sign_in_nonce\":\"nonce-s1\",\"valid_days\":7,\"office_name\":\"Byrå Öst AB\","      \
  "\"actor_name\":\"anna@byra.se\",\"full\":" full "}"
  json_t *data = json_loads(INVITED("true"), 0, NULL);
  char *sv = render_body("user_invited", "sv", data, NULL);
  char *en = render_body("user_invited", "en", data, NULL);
  char token[SECRET_TOKEN_LEN], link[200];
  secret_token(&key, "sign-in", "nonce-s1", token);
  snprintf(link, sizeof link, "https://advisor.example.se/sign-in#token=%s", token);
  CHECK(sv && strstr(sv, "anna@byra.se har lagt till dig som användare på Byrå Öst AB"));
  CHECK(sv && strstr(sv, "Du har fulla rättigheter") && strstr(sv, "i 7 dagar"));
  CHECK(sv && strstr(sv, link) && !strstr(sv, "nonce-s1"));
  CHECK(en && strstr(en, "anna@byra.se has added you as a user of Byrå Öst AB"));
  CHECK(en && strstr(en, "You have full rights") && strstr(en, "for 7 days") && strstr(en, link));
  free(sv);
  free(en);
  json_decref(data);
  data = json_loads(INVITED("false"), 0, NULL);
  json_object_del(data, "actor_name");
  sv = render_body("user_invited", "sv", data, NULL);
  CHECK(sv && strstr(sv, "Du har lagts till som användare på Byrå Öst AB"));
  CHECK(sv && !strstr(sv, "fulla rättigheter"));
  free(sv);
  json_object_del(data, "office_name");
  struct mail_rendered r;
  char why[200] = "";
  CHECK(!mail_template_render("user_invited", "sv", data, &ctx, &r, why, sizeof why));
  CHECK(strstr(why, "office_name") != NULL);
  json_decref(data);
}

int main(void)
{
  init_key();
  test_texts();
  test_invitation();
  test_required_members();
  return TEST_REPORT();
}
