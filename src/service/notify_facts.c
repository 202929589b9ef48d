/* notify_facts.c - see notify_facts.h. */
#include "notify_facts.h"
#include "json_text.h"

#include <stdlib.h>
#include <string.h>

/* Sets member key (replacing one of that name, as json_object_set does); false when full. */
bool fact_set(struct facts *f, struct fact m)
{
  for (size_t i = 0; i < f->n; i++)
    if (strcmp(f->m[i].key, m.key) == 0) {
      f->m[i] = m;
      return true;
    }
  if (f->n == MAX_FACTS)
    return false;
  f->m[f->n++] = m;
  return true;
}

bool fact_str(struct facts *f, const char *key, const char *s)
{
  return fact_set(f, (struct fact){.key = key, .s = s});
}

void facts_free(struct facts *f)
{
  for (size_t i = 0; i < f->n_owned; i++)
    free(f->owned[i]);
  f->n_owned = 0;
}

/* extra's members into f, each value as its JSON text (json_object_update's merge). */
bool facts_merge(struct facts *f, json_t *extra)
{
  const char *key;
  json_t *v;
  json_object_foreach(extra, key, v) {
    char *text = f->n_owned < MAX_FACTS
                     ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY)
                     : NULL;
    if (!text)
      return false;
    f->owned[f->n_owned++] = text;
    if (!fact_set(f, (struct fact){.key = key, .s = text, .raw = true}))
      return false;
  }
  return true;
}

static int by_key(const void *a, const void *b)
{
  return strcmp(((const struct fact *)a)->key, ((const struct fact *)b)->key);
}

/* f as the JSON object's text (malloc'd; NULL when out of memory or not UTF-8); sorts f. */
char *facts_text(struct facts *f)
{
  qsort(f->m, f->n, sizeof f->m[0], by_key);
  struct json_text w = {0};
  json_text_open(&w, NULL, '{');
  for (size_t i = 0; i < f->n; i++) {
    const struct fact *m = &f->m[i];
    if (m->is_int)
      json_text_int(&w, m->key, m->i);
    else if (m->raw)
      json_text_raw(&w, m->key, m->s);
    else
      json_text_str(&w, m->key, m->s);
  }
  json_text_close(&w, '}');
  return json_text_take(&w, NULL);
}

