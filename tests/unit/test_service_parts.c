/* Unit tests of the parts the use cases stand on: field specs that fill a typed input
 * (validate_fill, FIELD_TO and .given), the one refusal (service/refusal.h), the caller as the
 * collaboration rules see it (domain/collab_party.h) and the If-Match rule (domain/etag.h). */
#include "domain/authz.h"
#include "domain/collab_party.h"
#include "domain/etag.h"
#include "service/refusal.h"
#include "testlib.h"
#include "validate.h"
#include "../../src/service/collab_internal.h"

#include <inttypes.h>
#include <stddef.h>
#include <jansson.h>
#include <stdio.h>

TEST_MAIN_DEFS

struct admin_in {
  const char *name, *email;
};
struct input {
  const char *text, *choice;
  int number, flag, flag_absent;
  const char *nullable;
  int nullable_given;
  struct admin_in admin;
};

static const char *const choices[] = {"a", "b", NULL};
static const struct field_spec admin_fields[] = {
    {.name = "name", .type = FIELD_STRING, .to = FIELD_TO(struct admin_in, name)},
    {.name = "email", .type = FIELD_STRING, .to = FIELD_TO(struct admin_in, email)},
    {0},
};
static const struct field_spec fields[] = {
    {.name = "text", .type = FIELD_STRING, .to = FIELD_TO(struct input, text)},
    {.name = "choice", .type = FIELD_ENUM, .allowed = choices, .to = FIELD_TO(struct input, choice)},
    {.name = "number", .type = FIELD_INT, .to = FIELD_TO(struct input, number)},
    {.name = "flag", .type = FIELD_BOOL, .to = FIELD_TO(struct input, flag)},
    {.name = "flag_absent", .type = FIELD_BOOL, .to = FIELD_TO(struct input, flag_absent)},
    {.name = "nullable", .type = FIELD_STRING, .nullable = true,
     .to = FIELD_TO(struct input, nullable), .given = FIELD_TO(struct input, nullable_given)},
    {.name = "admin", .type = FIELD_OBJECT, .fields = admin_fields,
     .to = FIELD_TO(struct input, admin)},
    {.name = "checked_only", .type = FIELD_STRING},
    {0},
};

static void test_fill(void)
{
  json_error_t jerr;
  json_t *body = json_loads("{\"text\":\"hej\",\"choice\":\"b\",\"number\":12,\"flag\":false,"
                            "\"nullable\":null,\"admin\":{\"name\":\"Ann\",\"email\":\"a@b.se\"},"
                            "\"checked_only\":\"x\"}",
                            0, &jerr);
  json_t *errors = json_array();
  CHECK(validate_object(body, fields, "", errors));
  struct input in = {.number = -7, .flag = -1, .flag_absent = -1, .nullable = "keep"};
  validate_fill(body, fields, &in);
  CHECK_STR(in.text, "hej");
  CHECK_STR(in.choice, "b");
  CHECK_INT(in.number, 12);
  CHECK_INT(in.flag, 0);           /* false fills 0 */
  CHECK_INT(in.flag_absent, -1);   /* absent keeps the caller's default */
  CHECK_STR(in.nullable, "keep");  /* null fills nothing ... */
  CHECK_INT(in.nullable_given, 1); /* ... but says it was sent */
  CHECK_STR(in.admin.name, "Ann"); /* an object fills its own struct */
  CHECK_STR(in.admin.email, "a@b.se");
  json_decref(body);

  body = json_loads("{\"flag\":true}", 0, &jerr);
  struct input none = {.flag = -1};
  validate_fill(body, fields, &none);
  CHECK_INT(none.flag, 1);
  CHECK(none.text == NULL && none.admin.name == NULL && none.nullable_given == 0);
  json_decref(body);
  json_decref(errors);
}

/* The fields and messages of errors, "field: message; ..." */
static void error_list(json_t *errors, char *out, size_t len)
{
  out[0] = '\0';
  size_t i;
  json_t *e;
  json_array_foreach(errors, i, e) {
    size_t n = strlen(out);
    snprintf(out + n, len - n, "%s%s: %s", i ? "; " : "",
             json_string_value(json_object_get(e, "field")),
             json_string_value(json_object_get(e, "message")));
  }
}

/* validate_object walks the members once (walk_members) for a list of up to 32 specs and looks
 * each field up by name for a longer one: the same errors in the same order (unknown members in
 * the body's order, then the fields' in the list's), and the same fill, either way. */
static void test_walk(void)
{
  enum { LONG = 40 };
  static char names[LONG][4];
  static struct field_spec longer[LONG + 1];
  struct many {
    int v[LONG];
  };
  for (int i = 0; i < LONG; i++) {
    snprintf(names[i], sizeof names[i], "f%02d", i);
    longer[i] = (struct field_spec){.name = names[i], .type = FIELD_INT, .required = i == 0,
                                    .min = 1, .max = 100,
                                    .to = offsetof(struct many, v) + (size_t)i * sizeof(int) + 1};
  }
  static const struct field_spec admin_req[] = {
      {.name = "name", .type = FIELD_STRING, .required = true}, {0}};
  static const struct field_spec shorter[] = {
      {.name = "a", .type = FIELD_INT, .required = true},
      {.name = "b", .type = FIELD_STRING},
      {.name = "o", .type = FIELD_OBJECT, .fields = admin_req},
      {0},
  };
  json_error_t jerr;
  char got[512];
  for (int round = 0; round < 2; round++) {
    const struct field_spec *specs = round ? longer : shorter;
    json_t *body = json_loads(round ? "{\"zz\":1,\"f39\":500,\"f01\":7,\"yy\":2}"
                                    : "{\"zz\":1,\"b\":5,\"o\":{\"x\":1},\"yy\":2}",
                              0, &jerr);
    json_t *errors = json_array();
    CHECK(!validate_object(body, specs, "", errors));
    error_list(errors, got, sizeof got);
    CHECK_STR(got, round ? "zz: is not a known field; yy: is not a known field; f00: is "
                           "required; f39: must be from 1 to 100"
                         : "zz: is not a known field; yy: is not a known field; a: is "
                           "required; b: must be a string; o.x: is not a known field; "
                           "o.name: is required");
    json_decref(errors);
    json_decref(body);
  }
  /* a name given twice in one list: each spec checks the member, as before the walk */
  static const struct field_spec twice[] = {
      {.name = "a", .type = FIELD_INT, .required = true},
      {.name = "a", .type = FIELD_STRING, .required = true},
      {0},
  };
  json_t *body = json_loads("{\"a\":5}", 0, &jerr);
  json_t *errors = json_array();
  CHECK(!validate_object(body, twice, "", errors));
  error_list(errors, got, sizeof got);
  CHECK_STR(got, "a: must be a string");
  json_decref(errors);
  json_decref(body);
  body = json_loads("{\"f00\":3,\"f01\":7,\"f39\":39}", 0, &jerr);
  errors = json_array();
  CHECK(validate_object(body, longer, "", errors));
  struct many m = {{0}};
  validate_fill(body, longer, &m);
  CHECK(m.v[0] == 3 && m.v[1] == 7 && m.v[2] == 0 && m.v[39] == 39);
  json_decref(errors);
  json_decref(body);
}

static void test_refusal(void)
{
  struct refusal r = {0};
  CHECK(!refused(&r));
  CHECK_INT(refuse(&r, ERR_CONFLICT, "the %s changed", "task"), STORE_ABORT);
  CHECK(refused(&r));
  CHECK_INT(r.code, ERR_CONFLICT);
  CHECK_STR(r.detail, "the task changed");
  refusal_extra(&r, json_pack("{s:i}", "n", 1));
  /* words again: the earlier extra goes with the earlier words */
  refuse(&r, ERR_NOT_FOUND, "gone");
  CHECK(r.extra == NULL);
  /* fields: every field named, the words made by api/ */
  CHECK_INT(refuse_field(&r, "a", "is wrong"), STORE_ABORT);
  refuse_field(&r, "b", "is wrong too");
  CHECK_INT(r.code, ERR_VALIDATION);
  CHECK_STR(r.detail, "");
  CHECK_INT(json_array_size(r.errors), 2);
  CHECK_STR(json_string_value(json_object_get(json_array_get(r.errors, 1), "field")), "b");
  r.retry_after = 9;
  refusal_clear(&r);
  CHECK(!refused(&r) && r.errors == NULL && r.extra == NULL && r.retry_after == 0);
  /* If-Match: absent or stale refuses 412 naming the current ETag; a match passes */
  CHECK_INT(refuse_unless_match(&r, "\"3\"", "task", 3), STORE_OK);
  CHECK(!refused(&r));
  CHECK_INT(refuse_unless_match(&r, "\"2\"", "task", 3), STORE_ABORT);
  CHECK_INT(r.code, ERR_PRECONDITION_FAILED);
  CHECK(strstr(r.detail, "\"3\"") != NULL);
  refusal_clear(&r);
  CHECK_INT(refuse_unless_match(&r, NULL, "task", 3), STORE_ABORT);
  refusal_clear(&r);
}

static void test_party_and_etag(void)
{
  struct principal full = {.kind = PRINCIPAL_OFFICE_USER, .role = OFFICE_ROLE_FULL,
                           .office_id = "o1"};
  struct principal limited = {.kind = PRINCIPAL_OFFICE_USER, .role = OFFICE_ROLE_LIMITED,
                              .office_id = "o1"};
  struct principal admin = {.kind = PRINCIPAL_CUSTOMER_ADMIN, .company_id = "c1"};
  struct principal support = {.kind = PRINCIPAL_SUPPORT};
  CHECK_INT(collab_actor_of(&full), COLLAB_ACTOR_OFFICE_FULL);
  CHECK_INT(collab_actor_of(&limited), COLLAB_ACTOR_OFFICE_LIMITED);
  CHECK_INT(collab_actor_of(&admin), COLLAB_ACTOR_CUSTOMER_ADMIN);
  CHECK_INT(collab_actor_of(&support), COLLAB_ACTOR_SUPPORT);
  CHECK(collab_visible_to("o1", "c9", &limited));
  CHECK(!collab_visible_to("o2", "c1", &full));
  CHECK(collab_visible_to("o2", "c1", &admin));
  CHECK(!collab_visible_to("o1", "c2", &admin));
  CHECK(collab_visible_to("o7", "c7", &support));
  struct principal nobody = {0};
  CHECK(!collab_visible_to("o1", "c1", &nobody));
  CHECK(authz_sees_company(&admin, "c1"));
  CHECK(!authz_sees_company(&admin, "c2"));
  CHECK(authz_sees_company(&support, "c2"));
  CHECK(!collab_accept_exhausted(COLLAB_MAX_ACCEPT_ATTEMPTS - 1));
  CHECK(collab_accept_exhausted(COLLAB_MAX_ACCEPT_ATTEMPTS));
  CHECK_INT(collab_accept_attempts_left(1), COLLAB_MAX_ACCEPT_ATTEMPTS - 1);
  CHECK_INT(collab_accept_attempts_left(COLLAB_MAX_ACCEPT_ATTEMPTS + 2), 0);

  char tag[32];
  etag_of(42, tag, sizeof tag);
  CHECK_STR(tag, "\"42\"");
  /* what snprintf's "\"%" PRId64 "\"" writes, cut to the buffer too */
  static const int64_t versions[] = {0, 1, -1, 10, 1234567, INT64_MAX, INT64_MIN};
  for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
    char want[32];
    snprintf(want, sizeof want, "\"%" PRId64 "\"", versions[i]);
    etag_of(versions[i], tag, sizeof tag);
    CHECK_STR(tag, want);
    for (size_t len = 1; len < 6; len++) {
      char small[6], cut[6];
      snprintf(cut, len, "\"%" PRId64 "\"", versions[i]);
      etag_of(versions[i], small, len);
      CHECK_STR(small, cut);
    }
  }
  CHECK_INT(etag_if_match(NULL, 42), IF_MATCH_ABSENT);
  CHECK_INT(etag_if_match("\"42\"", 42), IF_MATCH_OK);
  CHECK_INT(etag_if_match("\"41\", \"42\"", 42), IF_MATCH_OK);
  CHECK_INT(etag_if_match("*", 42), IF_MATCH_OK);
  CHECK_INT(etag_if_match("W/\"42\"", 42), IF_MATCH_FAILED); /* strong comparison */
  CHECK_INT(etag_if_match("\"4\"", 42), IF_MATCH_FAILED);
}

/* A new agreement starts on the offices' day (Stockholm), not UTC's: in the last hour of a
 * UTC day (two in summer) it is already the next day there. */
static void test_agreement_day(void)
{
  static const struct {
    int64_t ms;
    const char *starts, *renews;
  } cases[] = {
      {1795906740000, "2026-11-28", "2027-11-28"}, /* 22:59 UTC = 23:59 CET */
      {1795908600000, "2026-11-29", "2027-11-29"}, /* 23:30 UTC = 00:30 CET */
      {1782855000000, "2026-06-30", "2027-06-30"}, /* 21:30 UTC = 23:30 CEST */
      {1782858600000, "2026-07-01", "2027-07-01"}, /* 22:30 UTC = 00:30 CEST */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct collab co = {.agreement_period_months = 12};
    CHECK(collab_start_agreement_at(&co, cases[i].ms));
    CHECK_STR(co.starts_on, cases[i].starts);
    CHECK_STR(co.renews_on, cases[i].renews);
  }
}

int main(void)
{
  test_agreement_day();
  test_fill();
  test_walk();
  test_refusal();
  test_party_and_etag();
  return TEST_REPORT();
}
