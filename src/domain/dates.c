/* dates.c - calendar dates and ISO 8601 times (see dates.h). Day numbers are counted from
 * 1970-01-01 with the proleptic Gregorian calendar (H. Hinnant's civil-from-days algorithms),
 * so no time_t, struct tm or time zone is involved. */
#include "domain/dates.h"

#include <stdio.h>
#include <string.h>

static const int64_t DAY_MS = 86400000;

bool date_is_leap_year(int year)
{
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int date_days_in_month(int year, int month)
{
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12)
    return 0;
  return days[month - 1] + (month == 2 && date_is_leap_year(year));
}

/* The number written by the n decimal digits at p, or -1 when one of them is not a digit. */
static int digits(const char *p, int n)
{
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9')
      return -1;
    v = v * 10 + (p[i] - '0');
  }
  return v;
}

/* "YYYY-MM-DD" at the start of s (more may follow) as a real day in the supported years. */
static bool parse_ymd_prefix(const char *s, int *y, int *m, int *d)
{
  if (strnlen(s, 10) < 10 || s[4] != '-' || s[7] != '-')
    return false;
  *y = digits(s, 4);
  *m = digits(s + 5, 2);
  *d = digits(s + 8, 2);
  return *y >= DATE_MIN_YEAR && *y <= DATE_MAX_YEAR && *d >= 1 &&
         *d <= date_days_in_month(*y, *m);
}

bool date_parse(const char *s, int *y, int *m, int *d)
{
  int yy, mm, dd;
  if (!s || strlen(s) != 10 || !parse_ymd_prefix(s, &yy, &mm, &dd))
    return false;
  if (y)
    *y = yy;
  if (m)
    *m = mm;
  if (d)
    *d = dd;
  return true;
}

bool date_valid(const char *s)
{
  return date_parse(s, NULL, NULL, NULL);
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

bool date_to_days(const char *s, int64_t *days)
{
  int y, m, d;
  if (!date_parse(s, &y, &m, &d))
    return false;
  *days = days_from_civil(y, m, d);
  return true;
}

bool date_add_months(const char *date, int months, char *out, size_t len)
{
  int y, m, d;
  if (!date_parse(date, &y, &m, &d))
    return false;
  int64_t total = (int64_t)y * 12 + (m - 1) + months; /* months since year 0, >= 0 below */
  if (total < (int64_t)DATE_MIN_YEAR * 12 || total > (int64_t)DATE_MAX_YEAR * 12 + 11)
    return false;
  y = (int)(total / 12);
  m = (int)(total % 12) + 1;
  int last = date_days_in_month(y, m);
  snprintf(out, len, "%04d-%02d-%02d", y, m, d > last ? last : d);
  return true;
}

/* floor(a / b) and the matching remainder (0 <= *rem < b) for b > 0. */
static int64_t floor_div(int64_t a, int64_t b, int64_t *rem)
{
  int64_t q = a / b, r = a % b;
  if (r < 0) {
    q--;
    r += b;
  }
  *rem = r;
  return q;
}

/* The parts of instant ms: day number and milliseconds into that day. */
static void split_ms(int64_t ms, int64_t *y, int *mo, int *d, int64_t *ms_of_day)
{
  civil_from_days(floor_div(ms, DAY_MS, ms_of_day), y, mo, d);
}

void date_of_ms(int64_t ms, char *out, size_t len)
{
  int64_t y, msd;
  int mo, d;
  split_ms(ms, &y, &mo, &d, &msd);
  snprintf(out, len, "%04lld-%02d-%02d", (long long)y, mo, d);
}

/* v as n decimal digits at p (v >= 0 fits in them); returns the end. */
static char *put_digits(char *p, int64_t v, int n)
{
  for (int i = n - 1; i >= 0; i--, v /= 10)
    p[i] = (char)('0' + v % 10);
  return p + n;
}

static void iso(int64_t ms, bool with_ms, char *out, size_t len)
{
  int64_t y, msd;
  int mo, d;
  split_ms(ms, &y, &mo, &d, &msd);
  int h = (int)(msd / 3600000), mi = (int)(msd / 60000 % 60), s = (int)(msd / 1000 % 60);
  if (y >= 0 && y <= 9999 && len > 0) { /* what snprintf below writes, without its cost */
    char t[32], *p = t;
    p = put_digits(p, y, 4), *p++ = '-', p = put_digits(p, mo, 2), *p++ = '-';
    p = put_digits(p, d, 2), *p++ = 'T', p = put_digits(p, h, 2), *p++ = ':';
    p = put_digits(p, mi, 2), *p++ = ':', p = put_digits(p, s, 2);
    if (with_ms)
      *p++ = '.', p = put_digits(p, msd % 1000, 3);
    *p++ = 'Z';
    size_t n = (size_t)(p - t) < len ? (size_t)(p - t) : len - 1;
    memcpy(out, t, n);
    out[n] = '\0';
    return;
  }
  if (with_ms)
    snprintf(out, len, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", (long long)y, mo, d, h, mi, s,
             (int)(msd % 1000));
  else
    snprintf(out, len, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, mo, d, h, mi, s);
}

void date_iso_ms(int64_t ms, char *out, size_t len)
{
  iso(ms, true, out, len);
}

void date_iso_s(int64_t ms, char *out, size_t len)
{
  iso(ms, false, out, len);
}

void date_rfc5322(int64_t ms, char *out, size_t len)
{
  static const char *const days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t y, msd, weekday;
  int mo, d;
  split_ms(ms, &y, &mo, &d, &msd);
  floor_div(floor_div(ms, DAY_MS, &msd), 7, &weekday); /* 1970-01-01 was a Thursday */
  snprintf(out, len, "%s, %02d %s %04lld %02d:%02d:%02d +0000", days[weekday], d, months[mo - 1],
           (long long)y, (int)(msd / 3600000), (int)(msd / 60000 % 60), (int)(msd / 1000 % 60));
}

bool date_parse_iso_ms(const char *s, int64_t *ms)
{
  int y, mo, d;
  if (!s || !parse_ymd_prefix(s, &y, &mo, &d) || s[10] != 'T' || strnlen(s, 20) < 20 ||
      s[13] != ':' || s[16] != ':')
    return false;
  int h = digits(s + 11, 2), mi = digits(s + 14, 2), sec = digits(s + 17, 2), milli = 0;
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
    return false;
  const char *p = s + 19;
  if (*p == '.') {
    int n = 0;
    for (p++; *p >= '0' && *p <= '9'; p++, n++)
      if (n < 3)
        milli = milli * 10 + (*p - '0');
    if (n == 0 || n > 9)
      return false;
    for (; n < 3; n++)
      milli *= 10;
  }
  if (p[0] != 'Z' || p[1] != '\0')
    return false;
  *ms = (days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) * 1000 + milli;
  return true;
}

/* Unix milliseconds of 01:00 UTC on the last Sunday of month (March or October) of year: when
 * the European Union's summer time starts or ends. */
static int64_t eu_switch_ms(int64_t year, int month)
{
  char last[DATE_LEN];
  snprintf(last, sizeof last, "%04lld-%02d-31", (long long)year, month);
  int64_t days = 0;
  date_to_days(last, &days);
  int64_t rem;
  floor_div(days + 4, 7, &rem); /* 1970-01-01 was a Thursday: rem 0 is a Sunday */
  return (days - rem) * DAY_MS + 3600 * 1000;
}

const char *date_check(const char *v)
{
  return date_valid(v) ? NULL : "must be a date YYYY-MM-DD";
}

void date_local_of_ms(int64_t ms, char *out, size_t len)
{
  int64_t y, msd;
  int mo, d;
  split_ms(ms, &y, &mo, &d, &msd);
  bool summer = ms >= eu_switch_ms(y, 3) && ms < eu_switch_ms(y, 10);
  date_of_ms(ms + (summer ? 2 : 1) * 3600 * 1000, out, len);
}
