/* Unit tests of the date module: month ends and leap years when adding months (both ways),
 * which strings are dates, day numbers, and ISO times <-> unix milliseconds. Table-driven. */
#include "domain/dates.h"
#include "testlib.h"

TEST_MAIN_DEFS

static void test_leap_years(void)
{
  static const struct {
    int year;
    bool leap;
  } cases[] = {{2000, true}, {2100, false}, {1900, false}, {2400, true}, {2024, true},
               {2027, false}, {2028, true}, {2200, false}, {1996, true}, {2001, false}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    CHECK_MSG(date_is_leap_year(cases[i].year) == cases[i].leap, "%d", cases[i].year);
    CHECK_INT(date_days_in_month(cases[i].year, 2), cases[i].leap ? 29 : 28);
  }
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int m = 1; m <= 12; m++)
    CHECK_INT(date_days_in_month(2027, m), days[m - 1]);
  CHECK_INT(date_days_in_month(2027, 0), 0);
  CHECK_INT(date_days_in_month(2027, 13), 0);
}

static void test_add_months(void)
{
  static const struct {
    const char *from;
    int months;
    const char *want;
  } cases[] = {
      /* month ends forward */
      {"2027-01-31", 1, "2027-02-28"}, {"2028-01-31", 1, "2028-02-29"},
      {"2027-01-30", 1, "2027-02-28"}, {"2027-01-29", 1, "2027-02-28"},
      {"2027-03-31", 1, "2027-04-30"}, {"2027-08-31", 3, "2027-11-30"},
      {"2027-10-31", 3, "2028-01-31"}, {"2027-11-30", 3, "2028-02-29"},
      {"2027-12-31", 2, "2028-02-29"}, {"2027-05-31", 1, "2027-06-30"},
      /* leap days and centuries */
      {"2028-02-29", 12, "2029-02-28"}, {"2028-02-29", 48, "2032-02-29"},
      {"2099-02-28", 12, "2100-02-28"}, {"2100-01-31", 1, "2100-02-28"},
      {"2000-01-31", 1, "2000-02-29"}, {"1999-11-30", 3, "2000-02-29"},
      {"2096-02-29", 48, "2100-02-28"},
      /* ordinary days, year ends, zero */
      {"2027-01-15", 3, "2027-04-15"}, {"2027-01-15", 12, "2028-01-15"},
      {"2027-11-30", 12, "2028-11-30"}, {"2027-12-15", 1, "2028-01-15"},
      {"2027-05-01", 0, "2027-05-01"}, {"2027-02-28", 0, "2027-02-28"},
      {"2027-01-01", 1200, "2127-01-01"},
      /* backwards */
      {"2027-03-31", -3, "2026-12-31"}, {"2027-05-31", -3, "2027-02-28"},
      {"2028-05-31", -3, "2028-02-29"}, {"2027-03-31", -1, "2027-02-28"},
      {"2029-02-28", -12, "2028-02-28"}, {"2028-02-29", -12, "2027-02-28"},
      {"2027-01-15", -1, "2026-12-15"}, {"2027-01-31", -12, "2026-01-31"},
      {"2027-06-30", -12, "2026-06-30"}, {"2000-03-31", -1, "2000-02-29"},
      {"2100-03-31", -1, "2100-02-28"}, {"2027-12-31", -10, "2027-02-28"},
      /* the range's ends */
      {"1900-01-01", 0, "1900-01-01"}, {"1900-12-31", -11, "1900-01-31"},
      {"9999-01-31", 11, "9999-12-31"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char out[DATE_LEN] = "";
    CHECK_MSG(date_add_months(cases[i].from, cases[i].months, out, sizeof out), "%s %+d",
              cases[i].from, cases[i].months);
    CHECK_MSG(strcmp(out, cases[i].want) == 0, "%s %+d months: %s, want %s", cases[i].from,
              cases[i].months, out, cases[i].want);
  }
  static const struct {
    const char *from;
    int months;
  } refused[] = {{"2027-02-29", 1}, {"2027-02-30", 3}, {"2027-13-01", 3}, {"27-01-01", 3},
                 {NULL, 3},         {"2027-04-31", 0}, {"1900-01-31", -1}, {"9999-12-01", 1},
                 {"2027-01-01", -2147483647 - 1},      {"2027-01-01", 2147483647}};
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    char out[DATE_LEN] = "untouched";
    CHECK_MSG(!date_add_months(refused[i].from, refused[i].months, out, sizeof out), "%s %+d",
              refused[i].from ? refused[i].from : "(null)", refused[i].months);
    CHECK_STR(out, "untouched");
  }
}

static void test_parse(void)
{
  static const char *const good[] = {"2028-02-29", "2000-02-29", "2027-12-31", "1900-01-01",
                                     "9999-12-31", "2027-01-31"};
  static const char *const bad[] = {
      "2027-02-29", "2100-02-29", "1900-02-29", "2027-13-01", "2027-00-10", "2027-01-00",
      "2027-04-31", "2027-1-01",  "2027-01-1",  "2027-01-01x", "2027/01/01", " 2027-01-01",
      "+027-01-01", "2027-+1-01", "1899-12-31", "",            "2027-01-01T00:00:00Z",
      "abcd-ef-gh", "2027-01- 1"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    CHECK_MSG(date_valid(good[i]), "%s", good[i]);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    CHECK_MSG(!date_valid(bad[i]), "'%s'", bad[i]);
  CHECK(!date_valid(NULL));
  int y = 0, m = 0, d = 0;
  CHECK(date_parse("2028-02-29", &y, &m, &d));
  CHECK_INT(y, 2028);
  CHECK_INT(m, 2);
  CHECK_INT(d, 29);

  static const struct {
    const char *date;
    int64_t days;
  } days[] = {{"1970-01-01", 0},     {"1970-01-02", 1},      {"1969-12-31", -1},
              {"2000-03-01", 11017}, {"2027-05-31", 20969},  {"1900-01-01", -25567},
              {"2100-03-01", 47541}, {"2028-02-29", 21243}};
  for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
    int64_t n = 12345;
    CHECK_MSG(date_to_days(days[i].date, &n) && n == days[i].days, "%s: %lld, want %lld",
              days[i].date, (long long)n, (long long)days[i].days);
  }
  int64_t n;
  CHECK(!date_to_days("2027-02-29", &n));
}

static void test_times(void)
{
  static const struct {
    int64_t ms;
    const char *iso_ms, *iso_s, *day;
  } cases[] = {
      {0, "1970-01-01T00:00:00.000Z", "1970-01-01T00:00:00Z", "1970-01-01"},
      {1830297600123LL, "2028-01-01T00:00:00.123Z", "2028-01-01T00:00:00Z", "2028-01-01"},
      {1835481599999LL, "2028-02-29T23:59:59.999Z", "2028-02-29T23:59:59Z", "2028-02-29"},
      {951782400000LL, "2000-02-29T00:00:00.000Z", "2000-02-29T00:00:00Z", "2000-02-29"},
      {-1, "1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59Z", "1969-12-31"},
      {4107542399000LL, "2100-02-28T23:59:59.000Z", "2100-02-28T23:59:59Z", "2100-02-28"},
      {4107542400000LL, "2100-03-01T00:00:00.000Z", "2100-03-01T00:00:00Z", "2100-03-01"},
      {-62167219200000LL, "0000-01-01T00:00:00.000Z", "0000-01-01T00:00:00Z", "0000-01-01"},
      {253402300799999LL, "9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59Z", "9999-12-31"},
      {253402300800000LL, "10000-01-01T00:00:00.000Z", "10000-01-01T00:00:00Z", "10000-01-01"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char buf[DATE_TIME_LEN];
    date_iso_ms(cases[i].ms, buf, sizeof buf);
    CHECK_STR(buf, cases[i].iso_ms);
    date_iso_s(cases[i].ms, buf, sizeof buf);
    CHECK_STR(buf, cases[i].iso_s);
    date_of_ms(cases[i].ms, buf, sizeof buf);
    CHECK_STR(buf, cases[i].day);
    int64_t back = 42;
    if (cases[i].iso_ms[0] != '0' && strlen(cases[i].iso_ms) == 24) /* the parser's years */
      CHECK_MSG(date_parse_iso_ms(cases[i].iso_ms, &back) && back == cases[i].ms, "%s: %lld",
                cases[i].iso_ms, (long long)back);
    /* a short buffer gets the text cut as snprintf cuts it */
    char shortbuf[12];
    date_iso_ms(cases[i].ms, shortbuf, sizeof shortbuf);
    CHECK_INT((long)strlen(shortbuf), 11);
    CHECK(strncmp(shortbuf, cases[i].iso_ms, 11) == 0);
  }
  static const struct {
    const char *iso;
    int64_t ms;
  } parsed[] = {{"2028-01-01T00:00:00Z", 1830297600000LL},
                {"2028-01-01T00:00:00.1Z", 1830297600100LL},
                {"2028-01-01T00:00:00.12Z", 1830297600120LL},
                {"2028-01-01T00:00:00.123456Z", 1830297600123LL}};
  for (size_t i = 0; i < sizeof parsed / sizeof parsed[0]; i++) {
    int64_t ms = 0;
    CHECK_MSG(date_parse_iso_ms(parsed[i].iso, &ms) && ms == parsed[i].ms, "%s", parsed[i].iso);
  }
  static const char *const bad[] = {
      "2028-01-01",           "2028-01-01T00:00:00",      "2028-01-01T24:00:00Z",
      "2028-01-01T00:60:00Z", "2028-01-01T00:00:60Z",     "2027-02-29T00:00:00Z",
      "2028-01-01 00:00:00Z", "2028-01-01T00:00:00.Z",    "2028-01-01T00:00:00.000Zx",
      "2028-01-01T0:00:00Z",  "2028-01-01T00:00:00+01:00", "2028-01-01T00:00:00.1234567890Z",
      ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int64_t ms = 42;
    CHECK_MSG(!date_parse_iso_ms(bad[i], &ms) && ms == 42, "'%s'", bad[i]);
  }
  int64_t ms;
  CHECK(!date_parse_iso_ms(NULL, &ms));

  static const struct {
    int64_t ms;
    const char *want;
  } mail[] = {{0, "Thu, 01 Jan 1970 00:00:00 +0000"},
              {1795773600000LL, "Fri, 27 Nov 2026 10:00:00 +0000"},
              {1835481599999LL, "Tue, 29 Feb 2028 23:59:59 +0000"},
              {-1, "Wed, 31 Dec 1969 23:59:59 +0000"},
              {4107542400000LL, "Mon, 01 Mar 2100 00:00:00 +0000"}};
  for (size_t i = 0; i < sizeof mail / sizeof mail[0]; i++) {
    char buf[DATE_TIME_LEN];
    date_rfc5322(mail[i].ms, buf, sizeof buf);
    CHECK_STR(buf, mail[i].want);
  }
}

/* The day in Stockholm: midnight is 23:00 UTC in winter, 22:00 UTC in summer; summer time
 * from 01:00 UTC on the last Sunday of March (2027-03-28) to the last Sunday of October
 * (2027-10-31). */
static void test_local_day(void)
{
  int64_t ms;
  static const struct {
    const char *utc, *want;
  } cases[] = {
      {"2026-12-31T22:59:59.999Z", "2026-12-31"}, {"2026-12-31T23:00:00.000Z", "2027-01-01"},
      {"2027-06-30T21:59:59.999Z", "2027-06-30"}, {"2027-06-30T22:00:00.000Z", "2027-07-01"},
      {"2027-03-28T00:59:59.999Z", "2027-03-28"}, {"2027-03-27T22:30:00.000Z", "2027-03-27"},
      {"2027-03-28T22:30:00.000Z", "2027-03-29"}, {"2027-10-30T22:30:00.000Z", "2027-10-31"},
      {"2027-10-31T22:30:00.000Z", "2027-10-31"}, {"2027-10-31T23:00:00.000Z", "2027-11-01"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char buf[DATE_LEN];
    CHECK(date_parse_iso_ms(cases[i].utc, &ms));
    date_local_of_ms(ms, buf, sizeof buf);
    CHECK_MSG(strcmp(buf, cases[i].want) == 0, "%s: %s, want %s", cases[i].utc, buf,
              cases[i].want);
  }
}

int main(void)
{
  test_local_day();
  test_leap_years();
  test_add_months();
  test_parse();
  test_times();
  return TEST_REPORT();
}
