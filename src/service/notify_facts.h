/* notify_facts.h - the data of an e-mail (service/notify.c), kept as members and written as
 * JSON text: json_dumps(JSON_COMPACT | JSON_SORT_KEYS) of the same object would give the same
 * bytes (the members sorted by name before writing; the mail worker and the tests read it as
 * JSON). Internal to service/. */
#ifndef ADVISORD_SERVICE_NOTIFY_FACTS_H
#define ADVISORD_SERVICE_NOTIFY_FACTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store_collab.h"
#include "store_identity.h"

/* Strings are borrowed (from the collaboration, the request or the buffers here); an extra's
 * value is its own JSON text (owned). Copied with memcpy, a copy borrows the original's. */
#define MAX_FACTS 40
struct fact {
  const char *key;
  const char *s;  /* a string, or the JSON text of an extra's value (raw) */
  int64_t i;      /* when is_int */
  bool is_int;
  bool raw;
};
struct facts {
  struct fact m[MAX_FACTS];
  size_t n;
  char variant_name[STORE_NAME_LEN];
  char until[32];
  char expires_at[32];
  char nonce[COLLAB_NONCE_LEN]; /* a recipient's link */
  char *owned[MAX_FACTS];       /* extras' texts, freed by facts_free */
  size_t n_owned;
};

/* Sets member m.key (replacing one of that name, as json_object_set does); false when full. */
bool fact_set(struct facts *f, struct fact m);
/* A string member; false when full. */
bool fact_str(struct facts *f, const char *key, const char *s);
/* extra's members into f, each value as its JSON text (json_object_update's merge); false
 * when they do not fit or out of memory. */
bool facts_merge(struct facts *f, json_t *extra);
/* Frees the extras' texts (f itself is the caller's). */
void facts_free(struct facts *f);
/* f as the JSON object's text (malloc'd, the caller frees it; NULL when out of memory or a
 * string is not UTF-8). Sorts f's members. */
char *facts_text(struct facts *f);

#endif
