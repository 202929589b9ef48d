/* variant.c - upgrade/downgrade classification by feature sets (DOMAIN.md, Variants). */
#include "domain/variant.h"

#include <string.h>

bool variant_has_feature(const struct variant *v, const char *feature)
{
  for (size_t i = 0; i < v->n_features; i++)
    if (strcmp(v->features[i], feature) == 0)
      return true;
  return false;
}

void variant_compare(const struct variant *from, const struct variant *to,
                     struct variant_change *out)
{
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < to->n_features; i++)
    if (!variant_has_feature(from, to->features[i]))
      out->gained[out->n_gained++] = to->features[i];
  for (size_t i = 0; i < from->n_features; i++)
    if (!variant_has_feature(to, from->features[i]))
      out->lost[out->n_lost++] = from->features[i];
  if (out->n_lost > 0)
    out->kind = VARIANT_DOWNGRADE;
  else if (out->n_gained > 0)
    out->kind = VARIANT_UPGRADE;
  else
    out->kind = VARIANT_SAME;
  out->requires_support = out->kind == VARIANT_DOWNGRADE;
}

const char *variant_change_kind_str(enum variant_change_kind kind)
{
  switch (kind) {
  case VARIANT_UPGRADE:
    return "upgrade";
  case VARIANT_DOWNGRADE:
    return "downgrade";
  default:
    return "same";
  }
}
