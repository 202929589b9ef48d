/* errors.c - lookups into the error catalogue defined in errors.h. */
#include "errors.h"

struct err_entry {
  const char *code;
  unsigned status;
  const char *title;
};

static const struct err_entry catalogue[ERR__COUNT] = {
#define ERR_ROW(e, code, status, title) [e] = {code, status, title},
  ERR_CATALOGUE(ERR_ROW)
#undef ERR_ROW
};

static const struct err_entry *entry(enum err_code e)
{
  return (e >= 0 && e < ERR__COUNT) ? &catalogue[e] : &catalogue[ERR_INTERNAL];
}

const char *err_code_str(enum err_code e) { return entry(e)->code; }
unsigned err_status(enum err_code e) { return entry(e)->status; }
const char *err_title(enum err_code e) { return entry(e)->title; }
