/* words_sv.c - the server's refusal texts in Swedish (words_sv.h). A pattern's {} stands for a
 * value the English text carries (a number, a list, a field name, a date); the Swedish takes
 * the values in the same order (the catalog: words_sv_catalog.h). When a text changes in the
 * code, its entry changes with it: tests/unit/test_words_sv.c and tests/web/words_sv.test.mjs
 * fail otherwise. */
#include "words_sv.h"
#include "words_sv_catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_PARTS 4

struct part {
  const char *at;
  size_t len;
};

/* Whether text is all of pattern, its {} each standing for one or more characters (the
 * shortest run up to the next literal piece; the last piece must end the text). */
static bool match(const char *pattern, const char *text, struct part *parts, size_t *n_parts)
{
  const char *hole = strstr(pattern, "{}");
  size_t lit = hole ? (size_t)(hole - pattern) : strlen(pattern);
  if (strncmp(text, pattern, lit) != 0)
    return false;
  const char *t = text + lit;
  if (!hole)
    return *t == '\0';
  size_t n = 0;
  for (const char *p = hole + 2;; p = hole + 2) {
    hole = strstr(p, "{}");
    lit = hole ? (size_t)(hole - p) : strlen(p);
    if (n == MAX_PARTS || (hole && lit == 0) || !*t)
      return false;
    const char *end;
    if (!hole) {
      size_t rest = strlen(t);
      if (rest <= lit || strcmp(t + rest - lit, p) != 0)
        return false;
      end = t + rest - lit;
    } else {
      end = t + 1;
      while (*end && strncmp(end, p, lit) != 0)
        end++;
      if (!*end)
        return false;
    }
    parts[n++] = (struct part){t, (size_t)(end - t)};
    t = end + lit;
    if (!hole) {
      *n_parts = n;
      return true;
    }
  }
}

/* Appends len bytes of s at out[*used]; false when they do not fit (with the NUL). */
static bool put(char *out, size_t cap, size_t *used, const char *s, size_t len)
{
  if (*used + len >= cap)
    return false;
  memcpy(out + *used, s, len);
  *used += len;
  out[*used] = '\0';
  return true;
}

static const struct words_entry *lookup(const char *en, int depth, struct part *parts,
                                        size_t *n)
{
  static const struct {
    const struct words_entry *list;
    const size_t *len;
  } tables[] = {{words_fields, &words_fields_len},
                {words_details, &words_details_len},
                {words_requests, &words_requests_len}};
  for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
    for (size_t i = 0; i < *tables[t].len; i++) {
      const struct words_entry *e = &tables[t].list[i];
      if ((depth > 0 || !(e->flags & WORDS_PART)) && match(e->en, en, parts, n))
        return e;
    }
  return NULL;
}

/* depth: 0 for a whole text, more for a part of one (at most 2: the states of "invited or
 * approved" in a sentence). */
static bool translate(const char *en, char *out, size_t cap, int depth)
{
  struct part parts[MAX_PARTS];
  size_t n = 0;
  const struct words_entry *e = lookup(en, depth, parts, &n);
  if (!e)
    return false;
  char buf[1024];
  size_t used = 0, k = 0;
  buf[0] = '\0';
  for (const char *s = e->sv;;) {
    const char *hole = strstr(s, "{}");
    if (!put(buf, sizeof buf, &used, s, hole ? (size_t)(hole - s) : strlen(s)))
      return false;
    if (!hole)
      break;
    if (k == n)
      return false;
    /* a part that is itself a text of the catalog ("Invalid starts_on: <why>") */
    char value[512], inner[512];
    bool done = false;
    if ((e->flags & WORDS_DEEP) && depth < 2 && parts[k].len < sizeof value) {
      memcpy(value, parts[k].at, parts[k].len);
      value[parts[k].len] = '\0';
      if (translate(value, inner, sizeof inner, depth + 1)) {
        if (!put(buf, sizeof buf, &used, inner, strlen(inner)))
          return false;
        done = true;
      }
    }
    if (!done && !put(buf, sizeof buf, &used, parts[k].at, parts[k].len))
      return false;
    k++;
    s = hole + 2;
  }
  if (used >= cap)
    return false;
  memcpy(out, buf, used + 1);
  return true;
}

bool words_sv(const char *en, char *out, size_t len)
{
  return en && out && len && translate(en, out, len, 0);
}

/* One language range of an Accept-Language list: its primary tag's language (0 none of
 * ours, 1 Swedish, 2 English) and quality. */
static int range_lang(const char *item, size_t len, double *q)
{
  while (len && (*item == ' ' || *item == '\t'))
    item++, len--;
  size_t tag = 0;
  while (tag < len && item[tag] != ';' && item[tag] != ' ' && item[tag] != '-')
    tag++;
  *q = 1.0;
  const char *semi = memchr(item, ';', len);
  if (semi) {
    const char *qv = semi + 1;
    while (qv < item + len && *qv == ' ')
      qv++;
    if (qv + 2 <= item + len && (qv[0] == 'q' || qv[0] == 'Q') && qv[1] == '=') {
      char num[8] = "";
      size_t m = (size_t)(item + len - (qv + 2));
      memcpy(num, qv + 2, m < sizeof num - 1 ? m : sizeof num - 1);
      *q = strtod(num, NULL);
    }
  }
  if (tag == 2 && strncasecmp(item, "sv", 2) == 0)
    return 1;
  if (tag == 2 && strncasecmp(item, "en", 2) == 0)
    return 2;
  return 0;
}

bool words_prefer_sv(const char *accept_language)
{
  if (!accept_language)
    return false;
  double best[3] = {0, 0, 0};
  int first[3] = {-1, -1, -1};
  int i = 0;
  for (const char *s = accept_language; *s; i++) {
    size_t len = strcspn(s, ",");
    double q;
    int l = range_lang(s, len, &q);
    if (l && q > best[l]) {
      best[l] = q;
      first[l] = i;
    }
    s += len;
    if (*s == ',')
      s++;
  }
  return best[1] > 0 && (best[1] > best[2] || (best[1] == best[2] && first[1] < first[2]));
}
