/* domain/decimal.h - integers as decimal text: the one decimal writer (ETags, the JSON writer's
 * numbers, validation messages), what snprintf's "%lld" writes, without its cost. Pure. */
#ifndef ADVISORD_DOMAIN_DECIMAL_H
#define ADVISORD_DOMAIN_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

#define DECIMAL_I64_LEN 21 /* INT64_MIN's 20 characters and the NUL */

/* v in decimal and a NUL into out (>= DECIMAL_I64_LEN bytes); returns its length. */
size_t decimal_i64(int64_t v, char *out);

#endif
