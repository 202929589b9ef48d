/* fuzz_cursor.c - libFuzzer target: the opaque list cursors (api/resource.c). Any string is
 * decoded for one and two parts without harm; and a cursor encoded from the input's parts
 * (split at NUL bytes) decodes to the same parts. */
#include "resource.h"

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
  static char bufs[2][1024];
  (void)api_cursor_decode(s, 1, bufs);
  (void)api_cursor_decode(s, 2, bufs);

  /* Round trip: the first two NUL-separated parts, when short enough to be keys. */
  const char *parts[2] = {s, ""};
  size_t first = strlen(s);
  if (first < size)
    parts[1] = s + first + 1;
  if (strlen(parts[0]) < 300 && strlen(parts[1]) < 300) {
    char *cursor = api_cursor_encode(parts, 2);
    if (cursor) {
      bool ok = api_cursor_decode(cursor, 2, bufs);
      /* jansson refuses strings that are not UTF-8; everything it encodes comes back. */
      if (ok && (strcmp(bufs[0], parts[0]) != 0 || strcmp(bufs[1], parts[1]) != 0))
        abort();
      free(cursor);
    }
  }
  free(s);
  return 0;
}
