/* words_sv_catalog.h - the catalog behind words_sv.h: English patterns and their Swedish. A
 * pattern's {} stands for one or more characters (a number, a name, a date, a list); the
 * Swedish takes them in the same order. First match wins, so a longer pattern comes before a
 * shorter one it would also match. tests/web/words_sv.test.mjs checks that every refusal text
 * written in src/ has its entry. */
#ifndef ADVISORD_WORDS_SV_CATALOG_H
#define ADVISORD_WORDS_SV_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#define WORDS_PART 1u /* only as a part of another text (a state, a noun), never a whole one */
#define WORDS_DEEP 2u /* its parts are texts of the catalog too: translated where they are */

struct words_entry {
  const char *en, *sv;
  unsigned flags; /* WORDS_PART, WORDS_DEEP; 0: its parts are values, kept as they are */
};

/* A field's message: the validator's and the rules' (words_sv_fields.c). */
extern const struct words_entry words_fields[];
extern const size_t words_fields_len;

/* A problem's detail: the collaboration's (words_sv_details.c), the rest's
 * (words_sv_requests.c). */
extern const struct words_entry words_details[];
extern const size_t words_details_len;
extern const struct words_entry words_requests[];
extern const size_t words_requests_len;

#endif
