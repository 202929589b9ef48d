/* corporate_id.c - Swedish organisationsnummer and personnummer: shape, date, Luhn digit and
 * the normalised form "NNNNNN-NNNN". */
#include "domain/corporate_id.h"
#include "domain/dates.h"

#include <stddef.h>
#include <string.h>

/* Luhn over ten digits: weights 2,1,2,1... from the left; the sum must end in 0. */
static bool luhn_ok(const char d[10])
{
  int sum = 0;
  for (int i = 0; i < 10; i++) {
    int v = (d[i] - '0') * (i % 2 == 0 ? 2 : 1);
    sum += v > 9 ? v - 9 : v;
  }
  return sum % 10 == 0;
}

static int two(const char *p) { return (p[0] - '0') * 10 + (p[1] - '0'); }

/* A birth date's month and day (day + 60 for a samordningsnummer) in year. */
static bool date_ok(int year, int month, int day)
{
  if (day > 60)
    day -= 60;
  return day >= 1 && day <= date_days_in_month(year, month);
}

enum corporate_id_kind corporate_id_normalize(const char *s, char *out, const char **why)
{
  const char *dummy;
  if (!why)
    why = &dummy;
  out[0] = '\0';
  if (!s) {
    *why = "is required";
    return CORPORATE_ID_INVALID;
  }
  char digits[13];
  size_t n = 0, len = strlen(s), sep_at = 0;
  int seps = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] >= '0' && s[i] <= '9') {
      if (n == 12) {
        *why = "must have 10 or 12 digits";
        return CORPORATE_ID_INVALID;
      }
      digits[n++] = s[i];
    } else if (s[i] == '-' || s[i] == '+') {
      seps++;
      sep_at = n;
    } else {
      *why = "may contain only digits and one hyphen or plus (like 556036-0793)";
      return CORPORATE_ID_INVALID;
    }
  }
  digits[n] = '\0';
  if (n != 10 && n != 12) {
    *why = "must have 10 or 12 digits";
    return CORPORATE_ID_INVALID;
  }
  if (seps > 1 || (seps == 1 && sep_at != n - 4)) {
    *why = "may have one hyphen or plus, before the last four digits";
    return CORPORATE_ID_INVALID;
  }
  const char *ten = digits + (n - 10);
  int century = n == 12 ? two(digits) : -1;
  enum corporate_id_kind kind;
  if (two(ten + 2) >= 20) { /* organisationsnummer: the "month" digits are 20 or more */
    kind = CORPORATE_ID_ORGANISATION;
    if (ten[0] == '0') {
      *why = "is not a valid organisation number (it cannot start with 0)";
      return CORPORATE_ID_INVALID;
    }
    if (n == 12 && century != 16) {
      *why = "in its 12-digit form an organisation number starts with 16";
      return CORPORATE_ID_INVALID;
    }
  } else {
    kind = CORPORATE_ID_PERSON;
    if (n == 12 && (century < 18 || century > 20)) {
      *why = "in its 12-digit form a personal identity number starts with 18, 19 or 20";
      return CORPORATE_ID_INVALID;
    }
    /* Without the century, 29 February is accepted in any year divisible by 4 (as in
     * 2000-2099, where 2000 is a leap year). */
    int year = (n == 12 ? century * 100 : 2000) + two(ten);
    if (!date_ok(year, two(ten + 2), two(ten + 4))) {
      *why = "is not a valid personal identity number (no such date of birth)";
      return CORPORATE_ID_INVALID;
    }
  }
  if (!luhn_ok(ten)) {
    *why = "has a wrong check digit";
    return CORPORATE_ID_INVALID;
  }
  memcpy(out, ten, 6);
  out[6] = '-';
  memcpy(out + 7, ten + 6, 4);
  out[11] = '\0';
  return kind;
}

const char *corporate_id_check(const char *s)
{
  char out[CORPORATE_ID_LEN];
  const char *why = NULL;
  return corporate_id_normalize(s, out, &why) == CORPORATE_ID_INVALID ? why : NULL;
}
