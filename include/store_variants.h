/* store_variants.h - reading the variants table. */
#ifndef ADVISORD_STORE_VARIANTS_H
#define ADVISORD_STORE_VARIANTS_H

#include "domain/variant.h"
#include "store.h"

#define STORE_MAX_VARIANTS 16

/* All variants in rank order into out[0..*n). */
enum store_status store_variants_list(struct store_conn *c, struct variant *out, size_t max,
                                      size_t *n);
/* One variant by code: STORE_OK or STORE_NOT_FOUND. */
enum store_status store_variant_get(struct store_conn *c, const char *code, struct variant *out);
/* As store_variant_get without the features (out->n_features 0): for what needs only the
 * code, name and rank (one statement where the features take one step each). */
enum store_status store_variant_get_brief(struct store_conn *c, const char *code,
                                         struct variant *out);
/* The features of v (read by store_variant_get_brief) into v->features. */
enum store_status store_variant_load_features(struct store_conn *c, struct variant *v);

#endif
