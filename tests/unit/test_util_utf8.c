/* Unit tests of util_utf8_sanitize: well-formed UTF-8 is kept byte for byte, and every byte of
 * a malformed sequence becomes '?', so that client bytes echoed in JSON never break a reply;
 * and of util_utf8_cut_end, which drops only a sequence cut short at the end. */
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
  /* util_utf8_cut_end: only a sequence cut short at the very end goes */
  const char *cuts[][2] = {
      {"", ""}, {"abc", "abc"}, {"ab\xc3", "ab"}, {"ab\xc3\xa5", "ab\xc3\xa5"},
      {"x\xe2\x82", "x"}, {"x\xe2", "x"}, {"x\xe2\x82\xac", "x\xe2\x82\xac"},
      {"\xf0\x9f\x98", ""}, {"y\xf0\x9f\x98\x80", "y\xf0\x9f\x98\x80"},
      {"\xe2\x82\xac\xf0", "\xe2\x82\xac"}, {"\xc3\xa5\xc3\xa5\xe2\x82", "\xc3\xa5\xc3\xa5"},
  };
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
    char buf[16];
    snprintf(buf, sizeof buf, "%s", cuts[i][0]);
    util_utf8_cut_end(buf);
    CHECK_STR(buf, cuts[i][1]);
  }
  /* what snprintf leaves when a text of 3-byte characters meets a buffer's end */
  char big[11];
  memcpy(big, "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", sizeof big - 1);
  big[sizeof big - 1] = '\0';
  util_utf8_cut_end(big);
  CHECK_STR(big, "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac");
  CHECK_INT(util_utf8_invalid_at(big), -1);
  return TEST_REPORT();
}
