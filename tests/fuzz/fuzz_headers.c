/* fuzz_headers.c - libFuzzer target: the Idempotency-Key and If-Match header values
 * (api/idempotency.c, api/resource.c). A key that parses is 1..255 visible ASCII bytes; an
 * If-Match naming the version's own ETag always matches. */
#include "resource.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *h = malloc(size + 1);
  if (!h)
    return 0;
  memcpy(h, data, size);
  h[size] = '\0';
  char key[256];
  if (!api_idem_parse_key(h, key, sizeof key)) {
    size_t n = strlen(key);
    if (n == 0 || n > 255)
      abort();
    for (size_t i = 0; i < n; i++)
      if ((unsigned char)key[i] < 0x20 || (unsigned char)key[i] > 0x7e)
        abort();
  }
  int64_t version = size > 0 ? (int64_t)data[0] : 1;
  (void)etag_if_match(h, version);
  char etag[32];
  etag_of(version, etag, sizeof etag);
  char *listed = malloc(size + sizeof etag + 4);
  if (listed) {
    snprintf(listed, size + sizeof etag + 4, "%s, %s", h, etag);
    if (strchr(h, '\0') == h + size && etag_if_match(listed, version) != IF_MATCH_OK)
      abort();
    free(listed);
  }
  free(h);
  return 0;
}
