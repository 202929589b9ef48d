/* Unit tests of util_utf8_sanitize: well-formed UTF-8 is kept byte for byte, and every byte of
 * a malformed sequence becomes '?', so that client bytes echoed in JSON never break a reply. */
#include "testlib.h"
#include "util.h"

TEST_MAIN_DEFS

static void expect(const char *in, const char *out, size_t replaced)
{
  char buf[64];
  snprintf(buf, sizeof buf, "%s", in);
  size_t n = util_utf8_sanitize(buf);
  CHECK_STR(buf, out);
  CHECK_INT(n, replaced);
}

int main(void)
{
  expect("", "", 0);
  expect("plain /v1/variants/smart", "plain /v1/variants/smart", 0);
  expect("\xc3\xa5\xc3\xa4\xc3\xb6 \xe6\x97\xa5 \xf0\x9f\x98\x80", "\xc3\xa5\xc3\xa4\xc3\xb6 \xe6\x97\xa5 \xf0\x9f\x98\x80", 0);
  expect("/v1/variants/\xc3", "/v1/variants/?", 1);         /* truncated at the end */
  expect("a\xc3(b", "a?(b", 1);                               /* bad continuation */
  expect("\x80\xbf", "??", 2);                                /* stray continuation bytes */
  expect("\xc0\xaf", "??", 2);                                /* overlong '/' */
  expect("\xe0\x80\xaf", "???", 3);                           /* overlong, 3 bytes */
  expect("\xed\xa0\x80", "???", 3);                           /* UTF-16 surrogate */
  expect("\xf4\x90\x80\x80", "????", 4);                      /* above U+10FFFF */
  expect("\xf5\x80", "??", 2);
  expect("\xff\xfe", "??", 2);
  expect("ok\xe6\x97", "ok??", 2);                            /* cut inside a character */
  expect("\xf0\x9f\x98\x80\xf0\x9f", "\xf0\x9f\x98\x80??", 2);
  return TEST_REPORT();
}
