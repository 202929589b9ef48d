/* domain/variant.h - service variants and the rule that classifies a change between two of
 * them. Pure: the variants themselves are data (a table seeded by a migration). */
#ifndef ADVISORD_DOMAIN_VARIANT_H
#define ADVISORD_DOMAIN_VARIANT_H

#include <stdbool.h>
#include <stddef.h>

#define VARIANT_MAX_FEATURES 16

struct variant {
  char code[16];
  char name[64];
  char description[160];
  int rank; /* display order, smallest first */
  size_t n_features;
  char features[VARIANT_MAX_FEATURES][40];
};

enum variant_change_kind { VARIANT_SAME, VARIANT_UPGRADE, VARIANT_DOWNGRADE };

struct variant_change {
  enum variant_change_kind kind;
  bool requires_support; /* only support may carry it out (a downgrade resets the company) */
  size_t n_gained, n_lost;
  const char *gained[VARIANT_MAX_FEATURES]; /* point into the `to` variant */
  const char *lost[VARIANT_MAX_FEATURES];   /* point into the `from` variant */
};

/* Classifies from -> to: an upgrade when to's features are a strict superset of from's,
 * the same when the sets are equal, and a downgrade otherwise (data can be lost). */
void variant_compare(const struct variant *from, const struct variant *to,
                     struct variant_change *out);
/* "same", "upgrade" or "downgrade". */
const char *variant_change_kind_str(enum variant_change_kind kind);
/* True when v has the feature. */
bool variant_has_feature(const struct variant *v, const char *feature);
/* The validation message for a variant code that the variants table does not hold. */
#define VARIANT_UNKNOWN "must be one of start, bokforing, fakturering, smart, pro"

#endif
