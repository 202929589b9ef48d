/* Unit tests of the Swedish refusal texts (words_sv.h): the texts come from the code that
 * writes them (the request validator, the contact, identity-number, date, webhook and
 * activation rules), so a text changed there without its Swedish fails here; and
 * Accept-Language's preference. */
#include "csv.h"
#include "domain/collab.h"
#include "domain/contact.h"
#include "domain/corporate_id.h"
#include "domain/dates.h"
#include "domain/variant.h"
#include "domain/webhook.h"
#include "errors.h"
#include "../../src/service/collab_internal.h"
#include "testlib.h"
#include "validate.h"
#include "words_sv.h"

#include <jansson.h>

TEST_MAIN_DEFS

/* The text has Swedish, and the Swedish is not the English. */
static void has_swedish(const char *en)
{
  char sv[1024];
  CHECK_MSG(en && words_sv(en, sv, sizeof sv) && strcmp(sv, en) != 0, "no Swedish for '%s'",
            en ? en : "(null)");
}

static void sv_is(const char *en, const char *want)
{
  char sv[1024] = "";
  CHECK_MSG(words_sv(en, sv, sizeof sv), "no Swedish for '%s'", en);
  CHECK_STR(sv, want);
}

/* Every message the validator writes for a body with every kind of mistake. */
static void validator_texts(void)
{
  static const char *const colours[] = {"red", "blue", NULL};
  static const struct field_spec inner[] = {{.name = "x", .type = FIELD_STRING}, {0}};
  static const struct field_spec specs[] = {
      {.name = "short", .type = FIELD_STRING, .min_len = 3},
      {.name = "long", .type = FIELD_STRING, .max_len = 2},
      {.name = "enum", .type = FIELD_ENUM, .allowed = colours},
      {.name = "range", .type = FIELD_INT, .min = 1, .max = 5},
      {.name = "int", .type = FIELD_INT},
      {.name = "bool", .type = FIELD_BOOL},
      {.name = "obj", .type = FIELD_OBJECT, .fields = inner},
      {.name = "list", .type = FIELD_STRING_LIST, .max_len = 10},
      {.name = "null", .type = FIELD_STRING},
      {.name = "email", .type = FIELD_STRING, .check = contact_email_check},
      {.name = "needed", .type = FIELD_STRING, .required = true},
      {0}};
  json_error_t je;
  json_t *body = json_loads("{\"short\":\"ab\",\"long\":\"abc\",\"enum\":\"green\",\"range\":9,"
                            "\"int\":\"1\",\"bool\":1,\"obj\":[],\"list\":[1],\"null\":null,"
                            "\"email\":\"a b\",\"unknown\":1}",
                            0, &je);
  json_t *errors = json_array();
  CHECK(!validate_object(body, specs, "", errors));
  CHECK(json_array_size(errors) >= 11);
  size_t i;
  json_t *e;
  json_array_foreach(errors, i, e) has_swedish(json_string_value(json_object_get(e, "message")));
  json_decref(errors);
  json_decref(body);
}

static void rule_texts(void)
{
  const char *bad_emails[] = {"a b@x.se", "no-at-sign", "a@b", NULL};
  for (size_t i = 0; bad_emails[i]; i++)
    has_swedish(contact_email_check(bad_emails[i]));
  has_swedish(contact_phone_check("070-abc"));
  has_swedish(contact_phone_check("+46 1"));
  has_swedish(contact_name_check("   "));
  has_swedish(contact_name_check("a\nb"));
  const char *bad_ids[] = {"12345", "556036-07x3", "55-60360793", "056036-0793", "17556036-0793",
                           "17811218-9876", "811232-9876", "556036-0794", NULL};
  for (size_t i = 0; bad_ids[i]; i++)
    has_swedish(corporate_id_check(bad_ids[i]));
  has_swedish(date_check("2026-13-01"));
  has_swedish(VARIANT_UNKNOWN);
  const char *bad_urls[] = {"ftp://x", "https://", "https://u:p@x.se/", "https://x.se/#f",
                            "https://x.se/a b", NULL};
  char why[200];
  for (size_t i = 0; bad_urls[i]; i++) {
    why[0] = '\0';
    CHECK(!webhook_url_check(bad_urls[i], false, why, sizeof why));
    has_swedish(why);
  }
  CHECK(!webhook_url_check("ftp://x", true, why, sizeof why));
  has_swedish(why);
  /* a start day in the past, and after the renewal */
  char msg[240];
  int64_t now = 1790000000000; /* 2026-09-21 */
  CHECK(!collab_start_day_ok("2020-01-01", NULL, 12, now, msg, sizeof msg));
  has_swedish(msg);
  CHECK(!collab_start_day_ok("2030-01-01", "2027-01-01", 12, now, msg, sizeof msg));
  has_swedish(msg);
}

/* Every field the activation rules can refuse, for each relation. */
static void activation_texts(void)
{
  struct variant smart = {0}, start = {0};
  snprintf(smart.code, sizeof smart.code, "smart");
  smart.rank = 4;
  snprintf(start.code, sizeof start.code, "start");
  start.rank = 1;
  struct collab_activation_request rqs[] = {
      {.relation = RELATION_SUBSCRIBER, .full_rights = true},
      {.relation = RELATION_SUBSCRIBER, .current = &smart, .sub_invoice_recipient = "office",
       .sub_period_months = 12, .invoice_recipient = "customer", .period_months = 3,
       .has_administrator = true, .full_rights = true},
      {.relation = RELATION_SUBSCRIBER, .current = &smart, .sub_invoice_recipient = "customer",
       .sub_period_months = 12, .invoice_recipient = "office", .full_rights = true},
      {.relation = RELATION_NONE, .full_rights = true},
      {.relation = RELATION_ACCOUNT, .requested = &start, .invoice_recipient = "office",
       .period_months = 3, .has_administrator = true, .full_rights = true},
  };
  size_t seen = 0;
  for (size_t r = 0; r < sizeof rqs / sizeof rqs[0]; r++) {
    struct collab_activation out;
    struct collab_field_error errors[COLLAB_MAX_FIELD_ERRORS];
    size_t n = 0;
    CHECK(collab_activation_plan(&rqs[r], &out, errors, &n) == COLLAB_ACTIVATION_INVALID);
    for (size_t i = 0; i < n; i++, seen++)
      has_swedish(errors[i].message);
  }
  CHECK(seen >= 10);
}

/* Every refusal of the state machine, whole: neither its action nor its reason stays English. */
static void state_machine_texts(void)
{
  static const enum collab_refusal kinds[] = {COLLAB_REFUSED_ACTOR, COLLAB_REFUSED_WAY,
                                              COLLAB_REFUSED_STATE};
  size_t seen = 0;
  for (size_t k = 0; k < 3; k++)
    for (int ev = 0; ev < COLLAB_EVENT__COUNT; ev++)
      for (int a = 0; a < COLLAB_ACTOR__COUNT; a++)
        for (int by = 0; by < 2; by++)
          for (int st = 0; st < COLLAB_STATE__COUNT; st++, seen++) {
            char en[512], sv[1024] = "";
            collab_refusal_detail(en, sizeof en, kinds[k], (enum collab_event)ev,
                                  (enum collab_actor)a, (enum collab_initiator)by,
                                  (enum collab_state)st);
            const char *what = collab_event_phrase((enum collab_event)ev);
            const char *why = collab_refusal_reason(kinds[k], (enum collab_event)ev,
                                                    (enum collab_actor)a,
                                                    (enum collab_initiator)by);
            bool ok = words_sv(en, sv, sizeof sv);
            CHECK_MSG(ok && !strstr(sv, what) && (kinds[k] == COLLAB_REFUSED_STATE ||
                                                  !strstr(sv, why)),
                      "'%s' -> '%s'", en, sv);
            if (!ok)
              return;
          }
  CHECK(seen > 1000);
  char sv[1024];
  CHECK(words_sv("The collaboration is active; you can approve the invitation only when it is "
                 "invited or approved",
                 sv, sizeof sv));
  CHECK_STR(sv, "Samarbetet är aktivt; du kan godkänna inbjudan bara när det är inbjudet eller "
                "godkänt");
}

/* The CSV reader's reasons, in the batch upload's refusal that carries them: no English left. */
static void csv_texts(void)
{
  static const char *const files[] = {
      "a,b\n\"x,1\n", "a,b\n\"x\"y,1\n", "a,b\nx\"y,1\n", "a,b\n\xff,1\n", "",
      "a,b\n1,2,3\n", "a,b\n1,2\n3,4\n5,6\n"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    struct csv_table t;
    struct csv_problem why;
    CHECK(csv_parse(files[i], strlen(files[i]), 2, &t, &why) != CSV_OK);
    csv_free(&t);
    char en[400], sv[1024] = "";
    snprintf(en, sizeof en, "The file cannot be read as CSV: %s", why.detail);
    CHECK_MSG(words_sv(en, sv, sizeof sv) && !strstr(sv, why.detail), "'%s' -> '%s'", en, sv);
  }
}

static void titles(void)
{
  for (int e = ERR_NONE + 1; e < ERR__COUNT; e++)
    has_swedish(err_title((enum err_code)e));
}

static void patterns(void)
{
  sv_is("must have at most 254 characters", "får ha högst 254 tecken");
  sv_is("must be from 1 to 12", "måste vara från 1 till 12");
  sv_is("Invalid fields: administrator.email, variant",
        "Ogiltiga fält: administrator.email, variant");
  /* a part that is itself a text: translated too, where the entry says so */
  sv_is("Invalid starts_on: must be a date YYYY-MM-DD",
        "Ogiltigt starts_on: måste vara ett datum ÅÅÅÅ-MM-DD");
  sv_is("Invalid fields for a company whose relation to the vendor is none: variant and more",
        "Ogiltiga fält för ett företag vars relation till Visma är none: variant med flera");
  sv_is("No such customer", "Hittades inte: kund");
  /* way 3's refusal while another office's invitation names the administrator-to-be
   * (service/collab_office_start.c) */
  sv_is("Nybolag AB (559100-5003) has no administrator yet, and another office's invitation, "
        "still unanswered, already names the person who is to become its administrator: name "
        "that same person (the same e-mail address; capital and small letters a-z count as the "
        "same), or wait until that invitation is answered, withdrawn or expires",
        "Nybolag AB (559100-5003) har ingen administratör än, och en annan byrås inbjudan, ännu "
        "obesvarad, anger redan den person som ska bli dess administratör: ange samma person "
        "(samma e-postadress; stora och små bokstäver a-z räknas som samma), eller vänta tills "
        "den inbjudan har besvarats, dragits tillbaka eller gått ut");
  sv_is("Invalid field: task", "Ogiltigt fält: task"); /* a field's name stays */
  char in_place[64] = "must be a string";
  CHECK(words_sv(in_place, in_place, sizeof in_place));
  CHECK_STR(in_place, "måste vara en text");
  char small[20] = "must be an integer"; /* its Swedish does not fit: left as it was */
  CHECK(!words_sv(small, small, sizeof small));
  CHECK_STR(small, "must be an integer");
  char out[16] = "unchanged";
  CHECK(!words_sv("Something the catalog does not know", out, sizeof out));
  CHECK(!words_sv("must have at most  characters", out, sizeof out)); /* an empty part */
  CHECK(!words_sv("must be a string and more", out, sizeof out));      /* not the whole text */
  CHECK(!words_sv("must have at most 254 characters", out, 8));         /* does not fit */
  CHECK_STR(out, "unchanged");
  CHECK(!words_sv(NULL, out, sizeof out));
  CHECK(!words_sv("invited", out, sizeof out)); /* a part alone is no text */
}

static void preference(void)
{
  CHECK(words_prefer_sv("sv"));
  CHECK(words_prefer_sv("sv-SE,sv;q=0.9,en-US;q=0.8,en;q=0.7"));
  CHECK(words_prefer_sv("en;q=0.5, SV"));
  CHECK(words_prefer_sv("de, sv;q=0.8, en;q=0.3"));
  CHECK(words_prefer_sv("sv, en"));
  CHECK(!words_prefer_sv("en, sv"));
  CHECK(!words_prefer_sv("en-GB,en;q=0.9,sv;q=0.8"));
  CHECK(!words_prefer_sv("sv;q=0"));
  CHECK(!words_prefer_sv("svx, de"));
  CHECK(!words_prefer_sv("*"));
  CHECK(!words_prefer_sv(""));
  CHECK(!words_prefer_sv(NULL));
}

int main(void)
{
  validator_texts();
  rule_texts();
  activation_texts();
  state_machine_texts();
  titles();
  csv_texts();
  patterns();
  preference();
  return TEST_REPORT();
}
