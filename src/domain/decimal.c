/* decimal.c - integers as decimal text (domain/decimal.h). */
#include "domain/decimal.h"

#include <string.h>

size_t decimal_i64(int64_t v, char *out)
{
  char digits[DECIMAL_I64_LEN - 1], *p = digits + sizeof digits;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v; /* INT64_MIN too, without overflow */
  do
    *--p = (char)('0' + u % 10);
  while (u /= 10);
  if (v < 0)
    *--p = '-';
  size_t n = (size_t)(digits + sizeof digits - p);
  memcpy(out, p, n);
  out[n] = '\0';
  return n;
}
