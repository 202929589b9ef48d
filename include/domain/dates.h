/* dates.h - the one date module: calendar dates "YYYY-MM-DD" (the Gregorian calendar, UTC),
 * adding months with the month-end rule, and ISO 8601 times <-> unix milliseconds. Pure: no
 * clock, no I/O, no time zone (callers pass the current time in). Every caller that parses,
 * validates, formats or shifts a date or a time uses these functions. */
#ifndef ADVISORD_DOMAIN_DATES_H
#define ADVISORD_DOMAIN_DATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DATE_LEN 11      /* "2027-05-31" and its NUL */
#define DATE_TIME_LEN 32 /* "2027-05-31T10:00:00.123Z" and its NUL, with room to spare */
#define DATE_MIN_YEAR 1900
#define DATE_MAX_YEAR 9999

/* True for a leap year of the Gregorian calendar (2000 and 2028 are, 2100 and 2027 are not). */
bool date_is_leap_year(int year);
/* Days in month (1-12) of year: 28 to 31; 0 for a month out of range. */
int date_days_in_month(int year, int month);

/* True when s is exactly "YYYY-MM-DD", a real day between DATE_MIN_YEAR and DATE_MAX_YEAR;
 * then its parts go to y, m, d (each may be NULL). */
bool date_parse(const char *s, int *y, int *m, int *d);
/* date_parse without the parts. */
bool date_valid(const char *s);
/* A field check (api/ field specs): NULL when v is a valid date, else the message (static). */
const char *date_check(const char *v);
/* The day `months` months after date (before it when negative) into out (>= DATE_LEN). When
 * that month is shorter, the day is clamped to its last day: Jan 31 + 1 = Feb 28 (29 in a
 * leap year), Mar 31 - 3 = Dec 31, Feb 29 + 12 = Feb 28. False when date is not a valid date
 * or the result falls outside the years above (out is then untouched). */
bool date_add_months(const char *date, int months, char *out, size_t len);
/* Days from 1970-01-01 to the valid date s into *days (negative before 1970). False when s is
 * not a valid date. */
bool date_to_days(const char *s, int64_t *days);

/* The UTC day of the instant ms (unix milliseconds) as "YYYY-MM-DD" into out (>= DATE_LEN). */
void date_of_ms(int64_t ms, char *out, size_t len);
/* The day of the instant ms in the offices' time zone, Europe/Stockholm (CET, UTC+1; CEST,
 * UTC+2 from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
 * October), as "YYYY-MM-DD" into out (>= DATE_LEN): the day a scheduled start falls on. */
void date_local_of_ms(int64_t ms, char *out, size_t len);
/* The instant ms as "2027-01-15T10:00:00.123Z" into out (>= DATE_TIME_LEN). */
void date_iso_ms(int64_t ms, char *out, size_t len);
/* The instant ms to the second, as "2027-01-15T10:00:00Z", into out (>= DATE_TIME_LEN). */
void date_iso_s(int64_t ms, char *out, size_t len);
/* The instant ms as an e-mail's Date (RFC 5322, UTC): "Fri, 27 Nov 2026 10:00:00 +0000" into
 * out (>= DATE_TIME_LEN). */
void date_rfc5322(int64_t ms, char *out, size_t len);
/* Unix milliseconds of "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (UTC; the fraction is cut to
 * milliseconds). False when s is not such a time. */
bool date_parse_iso_ms(const char *s, int64_t *ms);

#endif
