/* service/variants.h - the service variants (data in the store) and a change between two of
 * them as the variant rule (domain/variant.h) judges it. */
#ifndef ADVISORD_SERVICE_VARIANTS_H
#define ADVISORD_SERVICE_VARIANTS_H

#include "app.h"
#include "service/refusal.h"
#include "store_variants.h"

/* Every variant, by rank, into out[0..*n). */
enum store_status variants_read(const struct app *app, struct variant *out, size_t max,
                                size_t *n);
/* One variant by code (NOT_FOUND: none). */
enum store_status variant_read(const struct app *app, const char *code, struct variant *out);
/* The change from from_code to to_code into ch (from and to filled); a code that names no
 * variant is refused naming its field ("from", "to"). */
enum store_status variant_preview(const struct app *app, const char *from_code,
                                  const char *to_code, struct variant *from, struct variant *to,
                                  struct variant_change *ch, struct refusal *rf);

#endif
