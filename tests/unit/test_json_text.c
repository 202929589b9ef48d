/* Unit tests of json_text.h: what it writes is byte for byte what jansson's
 * json_dumps(..., JSON_COMPACT) writes for the same values (every ASCII character and some
 * UTF-8 in strings, short and at every place of a longer one, integers at their limits, nesting, null and booleans), and a string that
 * is not UTF-8 fails the whole text as it fails jansson's tree; the _lit forms (keys made by the
 * compiler) write the same text as the others. */
#include "json_text.h"
#include "testlib.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

TEST_MAIN_DEFS

static void same_member(const char *s, const char *label);

/* s as one JSON string (and as a member's value and key: same_member), by both; equal, or both
 * refused */
static void same_string(const char *s, const char *label)
{
  struct json_text w = {0};
  json_text_str(&w, NULL, s);
  char *mine = json_text_take(&w, NULL);
  json_t *j = json_string(s);
  char *theirs = j ? json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
  json_decref(j);
  CHECK_MSG((mine == NULL) == (theirs == NULL), "%s: one refused it and the other did not",
            label);
  if (mine && theirs)
    CHECK_MSG(strcmp(mine, theirs) == 0, "%s: %s, jansson %s", label, mine, theirs);
  free(mine);
  free(theirs);
  same_member(s, label);
}

/* s as a member's value after another member, and as a key, by both (a member whose key and
 * value need no escape is written in one piece: the bytes that make it take the other way) */
static void same_member(const char *s, const char *label)
{
  struct json_text w = {0};
  json_text_open(&w, NULL, '{');
  json_text_str(&w, "a", "b");
  json_text_str(&w, "k", s);
  json_text_open(&w, "o", '{');
  json_text_str(&w, s, "v");
  json_text_close(&w, '}');
  json_text_close(&w, '}');
  char *mine = json_text_take(&w, NULL);
  json_t *j = json_pack("{s:s, s:s, s:{s:s}}", "a", "b", "k", s, "o", s, "v");
  char *theirs = j ? json_dumps(j, JSON_COMPACT) : NULL;
  json_decref(j);
  CHECK_MSG((mine == NULL) == (theirs == NULL), "%s as a member: one refused it", label);
  if (mine && theirs)
    CHECK_MSG(strcmp(mine, theirs) == 0, "%s as a member: %s, jansson %s", label, mine, theirs);
  free(mine);
  /* the same with the keys made by the compiler (the _lit forms) */
  json_text_open(&w, NULL, '{');
  json_text_lit_str(&w, "a", "b");
  json_text_lit_str(&w, "k", s);
  json_text_lit_open(&w, "o", '{');
  json_text_str(&w, s, "v");
  json_text_close(&w, '}');
  json_text_close(&w, '}');
  mine = json_text_take(&w, NULL);
  CHECK_MSG((mine == NULL) == (theirs == NULL), "%s as a _lit member: one refused it", label);
  if (mine && theirs)
    CHECK_MSG(strcmp(mine, theirs) == 0, "%s as a _lit member: %s, jansson %s", label, mine,
              theirs);
  free(mine);
  free(theirs);
}

int main(void)
{
  char s[8], label[32];
  for (int c = 1; c < 0x80; c++) {
    snprintf(s, sizeof s, "a%cb", c);
    snprintf(label, sizeof label, "character %d", c);
    same_string(s, label);
  }
  /* the same in longer strings, at every place of the eight-byte words the writer scans: each
   * ASCII character, a two-byte character, and a byte that is not UTF-8 */
  static const char *const odd[] = {"\xc3\xa5", "\xc3"};
  char text[40];
  for (int c = 1; c < 0x80 + 2; c++)
    for (int at = 0; at < 20; at++) {
      const char *put = c < 0x80 ? (char[]){(char)c, 0} : odd[c - 0x80];
      snprintf(text, sizeof text, "%.*s%s%.*s", at, "abcdefghijklmnopqrst", put, 19 - at,
               "ABCDEFGHIJKLMNOPQRS");
      snprintf(label, sizeof label, "byte %d at %d", c, at);
      same_string(text, label);
    }
  /* and in short strings (1 to 9 bytes: the writer scans 4 to 7 as two 4-byte words) */
  for (int c = 1; c < 0x80 + 2; c++)
    for (int len = 1; len <= 9; len++)
      for (int at = 0; at < len; at++) {
        const char *put = c < 0x80 ? (char[]){(char)c, 0} : odd[c - 0x80];
        snprintf(text, sizeof text, "%.*s%s%.*s", at, "abcdefgh", put, len - 1 - at, "ABCDEFGH");
        snprintf(label, sizeof label, "byte %d at %d of %d", c, at, len);
        same_string(text, label);
      }
  same_string("", "empty");
  same_string("Byr\xc3\xa5 \xe6\x97\xa5 \xf0\x9f\x98\x80 \"q\" \\ \x7f", "UTF-8 and escapes");
  same_string("\x01\x1f\n\r\t\b\f/", "controls and a slash");
  same_string("cut \xc3", "cut inside a character");
  same_string("\xed\xa0\x80", "a surrogate");
  same_string("\xc0\xaf", "overlong");

  /* strings that end at or about the first block's edge (2048 bytes): the room a plain string
   * needs counts both quotes, the comma after it and the NUL (the ASan build sees one short) */
  static char fill[2100], tail[80];
  for (int p = 1990; p <= 2060; p++)
    for (int n = 0; n <= 70; n++) {
      memset(fill, 'f', (size_t)p);
      fill[p] = '\0';
      memset(tail, 't', (size_t)n);
      tail[n] = '\0';
      struct json_text a = {0};
      json_text_open(&a, NULL, '[');
      json_text_str(&a, NULL, fill);
      json_text_str(&a, NULL, tail);
      json_text_close(&a, ']');
      char *mine = json_text_take(&a, NULL);
      json_t *pair = json_pack("[s,s]", fill, tail);
      char *theirs = json_dumps(pair, JSON_COMPACT);
      json_decref(pair);
      CHECK_MSG(mine && theirs && strcmp(mine, theirs) == 0, "strings of %d and %d bytes", p,
                n);
      free(mine);
      free(theirs);
      /* the same as members: key, quotes, colon, comma and NUL in one reservation */
      struct json_text o = {0};
      json_text_open(&o, NULL, '{');
      json_text_str(&o, "fill", fill);
      json_text_str(&o, "tail", tail);
      json_text_close(&o, '}');
      mine = json_text_take(&o, NULL);
      pair = json_pack("{s:s, s:s}", "fill", fill, "tail", tail);
      theirs = json_dumps(pair, JSON_COMPACT);
      json_decref(pair);
      CHECK_MSG(mine && theirs && strcmp(mine, theirs) == 0, "members of %d and %d bytes", p,
                n);
      free(mine);
      /* and with the keys made by the compiler */
      json_text_open(&o, NULL, '{');
      json_text_lit_str(&o, "fill", fill);
      json_text_lit_str(&o, "tail", tail);
      json_text_close(&o, '}');
      mine = json_text_take(&o, NULL);
      CHECK_MSG(mine && theirs && strcmp(mine, theirs) == 0, "_lit members of %d and %d bytes",
                p, n);
      free(mine);
      free(theirs);
    }

  /* a nested object with every kind of member, against the same tree */
  struct json_text w = {0};
  json_text_open(&w, NULL, '{');
  json_text_str(&w, "id", "x\"y");
  json_text_str(&w, "k\"\xc3\xa5\n", "a key escaped"); /* keys take the same way as values */
  json_text_str_or_null(&w, "none", "");
  json_text_str_or_null(&w, "some", "v");
  json_text_str(&w, "null", NULL);
  json_text_int(&w, "min", INT64_MIN);
  json_text_int(&w, "max", INT64_MAX);
  json_text_int(&w, "zero", 0);
  json_text_int(&w, "minus", -42);
  json_text_bool(&w, "t", true);
  json_text_bool(&w, "f", false);
  json_text_open(&w, "inner", '{');
  json_text_open(&w, "list", '[');
  json_text_int(&w, NULL, 1);
  json_text_str(&w, NULL, "two");
  json_text_open(&w, NULL, '{');
  json_text_close(&w, '}');
  json_text_close(&w, ']');
  json_text_null(&w, "n");
  json_text_close(&w, '}');
  json_text_raw(&w, "raw", "[1,{\"a\":\"b\"}]");
  json_text_close(&w, '}');
  size_t len = 0;
  char *mine = json_text_take(&w, &len);
  json_t *tree = json_pack("{s:s, s:s, s:n, s:s, s:n, s:I, s:I, s:i, s:i, s:b, s:b, "
                           "s:{s:[i, s, {}], s:n}, s:[i, {s:s}]}",
                           "id", "x\"y", "k\"\xc3\xa5\n", "a key escaped", "none", "some", "v",
                           "null", "min",
                           (json_int_t)INT64_MIN, "max", (json_int_t)INT64_MAX, "zero", 0,
                           "minus", -42, "t", 1, "f", 0, "inner", "list", 1, "two", "n", "raw", 1,
                           "a", "b");
  char *theirs = json_dumps(tree, JSON_COMPACT);
  json_decref(tree);
  char *theirs_copy = theirs ? strdup(theirs) : NULL;
  CHECK(mine != NULL && theirs != NULL);
  if (mine && theirs) {
    CHECK_STR(mine, theirs);
    CHECK_INT(len, strlen(theirs));
  }
  free(mine);
  free(theirs);

  /* the same members with the keys made by the compiler (the escaped key as before) */
  json_text_open(&w, NULL, '{');
  json_text_lit_str(&w, "id", "x\"y");
  json_text_str(&w, "k\"\xc3\xa5\n", "a key escaped");
  json_text_lit_str_or_null(&w, "none", "");
  json_text_lit_str_or_null(&w, "some", "v");
  json_text_lit_null(&w, "null");
  json_text_lit_int(&w, "min", INT64_MIN);
  json_text_lit_int(&w, "max", INT64_MAX);
  json_text_lit_int(&w, "zero", 0);
  json_text_lit_int(&w, "minus", -42);
  json_text_lit_bool(&w, "t", true);
  json_text_lit_bool(&w, "f", false);
  json_text_lit_open(&w, "inner", '{');
  json_text_lit_open(&w, "list", '[');
  json_text_int(&w, NULL, 1);
  json_text_str(&w, NULL, "two");
  json_text_open(&w, NULL, '{');
  json_text_close(&w, '}');
  json_text_close(&w, ']');
  json_text_lit_null(&w, "n");
  json_text_close(&w, '}');
  json_text_raw(&w, "raw", "[1,{\"a\":\"b\"}]");
  json_text_close(&w, '}');
  char *lit = json_text_take(&w, &len);
  CHECK(lit != NULL && theirs_copy != NULL && strcmp(lit, theirs_copy) == 0);
  CHECK_INT(len, lit ? strlen(lit) : 0);
  free(lit);
  free(theirs_copy);

  /* unbalanced, too deep, or two outermost values: no text */
  json_text_open(&w, NULL, '{');
  CHECK(json_text_take(&w, NULL) == NULL);
  json_text_close(&w, '}');
  CHECK(json_text_take(&w, NULL) == NULL);
  for (int i = 0; i <= JSON_TEXT_DEPTH; i++)
    json_text_open(&w, NULL, '[');
  for (int i = 0; i <= JSON_TEXT_DEPTH; i++)
    json_text_close(&w, ']');
  CHECK(json_text_take(&w, NULL) == NULL);
  json_text_int(&w, NULL, 1);
  json_text_int(&w, NULL, 2);
  CHECK(json_text_take(&w, NULL) == NULL);
  /* and the writer is usable again after a failure */
  json_text_int(&w, NULL, 7);
  mine = json_text_take(&w, NULL);
  CHECK(mine != NULL && strcmp(mine, "7") == 0);
  free(mine);
  return TEST_REPORT();
}
