/* fuzz_corporate_id.c - libFuzzer target: Swedish corporate IDs (domain/corporate_id.c). A
 * valid ID normalises to "NNNNNN-NNNN", and the normalised form is valid and normalises to
 * itself. */
#include "domain/corporate_id.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s = malloc(size + 1);
  if (!s)
    return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  char out[CORPORATE_ID_LEN], again[CORPORATE_ID_LEN];
  const char *why = NULL;
  enum corporate_id_kind kind = corporate_id_normalize(s, out, &why);
  const char *check = corporate_id_check(s);
  if ((kind == CORPORATE_ID_INVALID) != (check != NULL))
    abort(); /* the field check and the normaliser agree */
  if (kind == CORPORATE_ID_INVALID) {
    if (!why || out[0])
      abort();
  } else {
    if (strlen(out) != CORPORATE_ID_LEN - 1 || out[6] != '-')
      abort();
    if (corporate_id_normalize(out, again, NULL) != kind || strcmp(out, again) != 0)
      abort();
  }
  free(s);
  return 0;
}
