/* Unit tests of the variant change rule over every pair of the five variants. */
#include "domain/variant.h"
#include "testlib.h"

#include <stdarg.h>

TEST_MAIN_DEFS

static struct variant make(const char *code, int n, ...)
{
  struct variant v = {0};
  snprintf(v.code, sizeof v.code, "%s", code);
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++)
    snprintf(v.features[v.n_features++], sizeof v.features[0], "%s", va_arg(ap, const char *));
  va_end(ap);
  return v;
}

int main(void)
{
  struct variant vs[5] = {
      make("start", 2, "bookkeeping.basic", "invoicing.basic"),
      make("bokforing", 3, "bookkeeping.basic", "invoicing.basic", "bookkeeping.full"),
      make("fakturering", 3, "bookkeeping.basic", "invoicing.basic", "invoicing.full"),
      make("smart", 4, "bookkeeping.basic", "invoicing.basic", "bookkeeping.full",
           "invoicing.full"),
      make("pro", 7, "bookkeeping.basic", "invoicing.basic", "bookkeeping.full",
           "invoicing.full", "supplier_invoices", "approval_flow", "multi_user"),
  };
  /* expected[from][to]: S same, U upgrade, D downgrade (DOMAIN.md). */
  const char *expected[5] = {
      "SUUUU", /* start */
      "DSDUU", /* bokforing: fakturering is a downgrade (bookkeeping.full is lost) */
      "DDSUU", /* fakturering */
      "DDDSU", /* smart */
      "DDDDS", /* pro */
  };
  for (int f = 0; f < 5; f++)
    for (int t = 0; t < 5; t++) {
      struct variant_change ch;
      variant_compare(&vs[f], &vs[t], &ch);
      char got = ch.kind == VARIANT_SAME ? 'S' : ch.kind == VARIANT_UPGRADE ? 'U' : 'D';
      CHECK_MSG(got == expected[f][t], "%s -> %s: got %c, want %c", vs[f].code, vs[t].code,
                got, expected[f][t]);
      CHECK(ch.requires_support == (got == 'D'));
      CHECK(ch.kind != VARIANT_UPGRADE || ch.n_lost == 0);
      CHECK(ch.kind != VARIANT_SAME || (ch.n_lost == 0 && ch.n_gained == 0));
    }
  struct variant_change ch;
  variant_compare(&vs[1], &vs[2], &ch);
  CHECK_INT(ch.n_gained, 1);
  CHECK_STR(ch.gained[0], "invoicing.full");
  CHECK_INT(ch.n_lost, 1);
  CHECK_STR(ch.lost[0], "bookkeeping.full");
  variant_compare(&vs[0], &vs[4], &ch);
  CHECK_INT(ch.n_gained, 5);
  CHECK_INT(ch.n_lost, 0);
  CHECK_STR(variant_change_kind_str(VARIANT_UPGRADE), "upgrade");
  CHECK_STR(variant_change_kind_str(VARIANT_DOWNGRADE), "downgrade");
  CHECK_STR(variant_change_kind_str(VARIANT_SAME), "same");
  return TEST_REPORT();
}
