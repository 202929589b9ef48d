/* Unit tests of json_read.h: the plain reader gives jansson's tree for request bodies as the
 * API sees them (keys in their order, escapes, UTF-8, integers at the edge of its subset), is
 * not used for what it leaves to jansson (\u escapes, reals, "-0", leading zeros, duplicate keys,
 * a bare value, text after the value, control characters, bytes that are not UTF-8, deep
 * nesting), and in 200,000 random edits of such bodies never gives a tree that differs from
 * jansson's or reads text that jansson refuses. */
#include "json_read.h"
#include "testlib.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

TEST_MAIN_DEFS

static const size_t flags = JSON_REJECT_DUPLICATES; /* as http/ reads bodies */

/* jansson's tree as compact text in its key order, NULL when it refuses the text */
static char *jansson_text(const char *t, size_t n)
{
  json_t *j = json_loadb(t, n, flags, NULL);
  char *s = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
  json_decref(j);
  return s;
}

/* 1 read plain and equal to jansson's tree, 0 left to jansson, -1 (a failed check) differs */
static int compare(const char *t, size_t n, const char *label)
{
  json_t *mine = json_read_plain(t, n);
  char *theirs = jansson_text(t, n);
  int r = mine ? 1 : 0;
  if (mine) {
    char *m = json_dumps(mine, JSON_COMPACT | JSON_ENCODE_ANY);
    CHECK_MSG(theirs && m && strcmp(m, theirs) == 0, "%s: plain %s, jansson %s", label,
              m ? m : "(null)", theirs ? theirs : "(refused)");
    if (!theirs || !m || strcmp(m, theirs) != 0)
      r = -1;
    free(m);
  }
  json_error_t e1, e2; /* json_read: the plain tree, or jansson's answer and words */
  json_t *a = json_read(t, n, flags, &e1), *b = json_loadb(t, n, flags, &e2);
  CHECK_MSG((a == NULL) == (b == NULL), "%s: json_read and jansson disagree", label);
  if (!a && !b)
    CHECK_MSG(strcmp(e1.text, e2.text) == 0 && e1.line == e2.line && e1.column == e2.column,
              "%s: %s, jansson %s", label, e1.text, e2.text);
  json_decref(a);
  json_decref(b);
  json_decref(mine);
  free(theirs);
  return r;
}

static void plain(const char *t, const char *label)
{
  CHECK_MSG(compare(t, strlen(t), label) == 1, "%s: not read plain: %s", label, t);
}

static void left(const char *t, const char *label)
{
  CHECK_MSG(compare(t, strlen(t), label) == 0, "%s: read plain: %s", label, t);
}

static const char *const seeds[] = {
    "{\"task_id\":\"0b7c1f44-3a4e-4c8e-9a51-2f1d7e0c9b11\",\"variant\":\"smart\","
    "\"invoice_recipient\":\"office\",\"agreement_period_months\":12,\"administrator\":"
    "{\"name\":\"Anna Admin\",\"email\":\"anna1@kund.test\",\"phone\":\"+46701234567\"}}",
    " {\"name\" : \"Byr\xc3\xa5 \xe2\x82\xac \xf0\x9f\x98\x80\\n\\\"q\\\" \\\\ \\/ \\t\\b\\f\\r\","
    "\n\t\"list\" : [1, -2, 0, 123456789012345678, true, false, null, [], {}, [[\"x\"]]]}\r\n",
    "[{\"a\":1,\"b\":[\"c\",{\"d\":null}]},\"\",-987654321]",
    "{\"notes\":\"Bench note, version 7\",\"k\":{\"l\":{\"m\":[0,1,2]}}}",
};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static unsigned next(unsigned n)
{
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return (unsigned)(rng % n);
}

int main(void)
{
  for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
    plain(seeds[i], "seed");
  plain("{}", "empty object");
  plain("[]", "empty array");
  plain("{\"n\":-999999999999999999}", "18 digits, negative");
  plain("{\"k\\\"ey\\\\\":\"v\"}", "escaped key");
  plain("{\"\":\"\"}", "empty key");
  static const char *const others[] = {
      "{\"a\":\"\\u00e5\"}",         "{\"a\":1.5}",         "{\"a\":1e3}",
      "{\"a\":-0}",                  "{\"a\":01}",          "{\"a\":1234567890123456789}",
      "{\"a\":1,\"a\":2}",           "\"bare\"",            "12",
      "{} x",                        "{}{}",                "{\"a\":\"b\tc\"}",
      "{\"a\":\"\xc3\"}",            "{\"a\":\"\xed\xa0\x80\"}", "{\"a\":\"\xc0\xaf\"}",
      "{\"a\":\"\xf4\x90\x80\x80\"}", "{\"a\":tru}",        "{\"a\":truex}",
      "{\"a\":\"x\\q\"}",            "{\"a\" 1}",           "{\"a\":1,}",
      "[1,]",                        "{a:1}",               "",
      "{\"a\":\"\\u0000\"}",         "{\"a\":+1}",          "{\"a\":-}",
      "{\"x\":{\"b\":1,\"c\":2,\"b\":[3]}}", "{\"k\\\"\":1,\"k\\\"\":{}}",
      "[{\"a\":1,\"b\":2,\"a\":1}]",
  };
  for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
    left(others[i], others[i]);
  char deep[200] = "";
  for (int i = 0; i < 40; i++)
    strcat(deep, "[");
  for (int i = 0; i < 40; i++)
    strcat(deep, "]");
  left(deep, "40 levels");
  CHECK(compare("{\"a\":1}\0{", 9, "a NUL after the value") == 0);

  /* random edits of the seeds: a byte replaced, inserted or removed, or the text cut short */
  static const char alphabet[] = "{}[]\":,\\ \n\t0123456789-+.eEutrfalsn/b\x01\x1f\x7f"
                                 "\xc3\xa5\xe2\x82\xac\xed\xa0\xf0\x9f\xff\xc0";
  int read_plain = 0, differ = 0;
  char buf[512];
  for (int i = 0; i < 200000; i++) {
    const char *s = seeds[next(sizeof seeds / sizeof seeds[0])];
    size_t n = strlen(s);
    memcpy(buf, s, n);
    for (int edits = 1 + (int)next(3); edits > 0 && n > 0; edits--) {
      size_t at = next((unsigned)n);
      char c = alphabet[next(sizeof alphabet - 1)];
      switch (next(4)) {
      case 0:
        buf[at] = c;
        break;
      case 1:
        memmove(buf + at + 1, buf + at, n - at);
        buf[at] = c;
        n++;
        break;
      case 2:
        memmove(buf + at, buf + at + 1, n - at - 1);
        n--;
        break;
      default:
        n = at;
      }
    }
    int r = compare(buf, n, "edit");
    read_plain += r == 1;
    differ += r == -1;
    if (differ > 5)
      break;
  }
  CHECK_INT(differ, 0);
  CHECK_MSG(read_plain > 10000, "only %d edits were read plain", read_plain);
  return TEST_REPORT();
}
