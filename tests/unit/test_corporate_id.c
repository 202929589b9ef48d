/* Unit tests of Swedish corporate ID checking and normalisation (table-driven). */
#include "domain/corporate_id.h"
#include "testlib.h"

TEST_MAIN_DEFS

struct row {
  const char *in;
  enum corporate_id_kind kind;
  const char *out; /* normalised form, or a fragment of the reason when invalid */
};

static const struct row rows[] = {
    /* organisationsnummer in every accepted spelling */
    {"556036-0793", CORPORATE_ID_ORGANISATION, "556036-0793"},
    {"5560360793", CORPORATE_ID_ORGANISATION, "556036-0793"},
    {"16556036-0793", CORPORATE_ID_ORGANISATION, "556036-0793"},
    {"165560360793", CORPORATE_ID_ORGANISATION, "556036-0793"},
    {"556036+0793", CORPORATE_ID_ORGANISATION, "556036-0793"},
    {"802002-4280", CORPORATE_ID_ORGANISATION, "802002-4280"},
    {"212000-0142", CORPORATE_ID_ORGANISATION, "212000-0142"},
    /* personnummer (sole traders), 10 and 12 digits, plus for 100 years or older */
    {"811218-9876", CORPORATE_ID_PERSON, "811218-9876"},
    {"19811218-9876", CORPORATE_ID_PERSON, "811218-9876"},
    {"198112189876", CORPORATE_ID_PERSON, "811218-9876"},
    {"121212+1212", CORPORATE_ID_PERSON, "121212-1212"},
    {"19121212-1212", CORPORATE_ID_PERSON, "121212-1212"},
    {"20000229-0005", CORPORATE_ID_PERSON, "000229-0005"},
    {"701063-2391", CORPORATE_ID_PERSON, "701063-2391"}, /* samordningsnummer: day + 60 */
    /* wrong check digit */
    {"556036-0794", CORPORATE_ID_INVALID, "check digit"},
    {"811218-9875", CORPORATE_ID_INVALID, "check digit"},
    /* wrong length or characters */
    {"", CORPORATE_ID_INVALID, "10 or 12 digits"},
    {"556036-079", CORPORATE_ID_INVALID, "10 or 12 digits"},
    {"5560360793123", CORPORATE_ID_INVALID, "10 or 12 digits"},
    {"55603607931", CORPORATE_ID_INVALID, "10 or 12 digits"},
    {"556036 0793", CORPORATE_ID_INVALID, "only digits"},
    {"55603A-0793", CORPORATE_ID_INVALID, "only digits"},
    {" 556036-0793", CORPORATE_ID_INVALID, "only digits"},
    {"5560-360793", CORPORATE_ID_INVALID, "before the last four"},
    {"556036--0793", CORPORATE_ID_INVALID, "before the last four"},
    {"556036-07-93", CORPORATE_ID_INVALID, "before the last four"},
    /* wrong century prefix */
    {"19556036-0793", CORPORATE_ID_INVALID, "starts with 16"},
    {"16811218-9876", CORPORATE_ID_INVALID, "starts with 18, 19 or 20"},
    /* impossible dates of birth */
    {"811318-9876", CORPORATE_ID_INVALID, "no such date"},
    {"810230-1234", CORPORATE_ID_INVALID, "no such date"},
    {"19000229-1234", CORPORATE_ID_INVALID, "no such date"},
    {"810100-1234", CORPORATE_ID_INVALID, "no such date"},
    /* organisation numbers never start with 0 */
    {"052000-0001", CORPORATE_ID_INVALID, "cannot start with 0"},
};

int main(void)
{
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    const struct row *r = &rows[i];
    char out[CORPORATE_ID_LEN];
    const char *why = NULL;
    enum corporate_id_kind k = corporate_id_normalize(r->in, out, &why);
    CHECK_MSG(k == r->kind, "'%s': kind %d, expected %d (%s)", r->in, (int)k, (int)r->kind,
              why ? why : "");
    if (r->kind != CORPORATE_ID_INVALID) {
      CHECK_STR(out, r->out);
      CHECK(corporate_id_check(r->in) == NULL);
    } else {
      CHECK_STR(out, "");
      CHECK_MSG(why && strstr(why, r->out), "'%s': reason '%s' lacks '%s'", r->in,
                why ? why : "(null)", r->out);
      CHECK(corporate_id_check(r->in) != NULL);
    }
  }
  /* Every spelling of one number normalises to the same stored form. */
  const char *same[] = {"5560360793", "556036-0793", "165560360793", "16556036-0793"};
  for (size_t i = 0; i < 4; i++) {
    char out[CORPORATE_ID_LEN];
    corporate_id_normalize(same[i], out, NULL);
    CHECK_STR(out, "556036-0793");
  }
  const char *why = NULL;
  char out[CORPORATE_ID_LEN];
  CHECK(corporate_id_normalize(NULL, out, &why) == CORPORATE_ID_INVALID);
  return TEST_REPORT();
}
