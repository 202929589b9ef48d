/* fuzz_json_body.c - libFuzzer target: a request body as the server reads it (json_read, with
 * duplicate keys refused), which must read exactly what jansson's json_loadb reads (the same
 * tree, or both refuse), then the declarative validator (validate.c) over a spec table that
 * uses every field kind and every ready-made check, as the handlers' tables do. */
#include "domain/contact.h"
#include "domain/corporate_id.h"
#include "json_read.h"
#include "validate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const languages[] = {"sv", "en", NULL};
static const char *const periods[] = {"3", "12", NULL};

static const struct field_spec person[] = {
    {.name = "name", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 200,
     .check = contact_name_check},
    {.name = "email", .type = FIELD_STRING, .required = true, .min_len = 3, .max_len = 254,
     .check = contact_email_check},
    {.name = "phone", .type = FIELD_STRING, .min_len = 6, .max_len = 40,
     .check = contact_phone_check},
    {0},
};

static const struct field_spec body[] = {
    {.name = "corporate_id", .type = FIELD_STRING, .min_len = 10, .max_len = 13,
     .check = corporate_id_check},
    {.name = "name", .type = FIELD_STRING, .nullable = true},
    {.name = "limit", .type = FIELD_INT, .min = 1, .max = 200},
    {.name = "agreement_period_months", .type = FIELD_INT, .allowed = periods},
    {.name = "language", .type = FIELD_ENUM, .nullable = true, .allowed = languages},
    {.name = "confirm_company_reset", .type = FIELD_BOOL},
    {.name = "administrator", .type = FIELD_OBJECT, .fields = person},
    {0},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  json_error_t jerr;
  json_t *obj = json_read((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
  json_t *by_jansson = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
  if (!obj != !by_jansson || (obj && !json_equal(obj, by_jansson)))
    abort(); /* the fast reader read something jansson does not, or differently */
  if (obj) { /* json_equal ignores the members' order; the reply keeps it */
    char *a = json_dumps(obj, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    char *b = json_dumps(by_jansson, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    if (!a || !b || strcmp(a, b) != 0)
      abort();
    free(a);
    free(b);
  }
  json_decref(by_jansson);
  if (obj && json_is_object(obj)) {
    json_t *errors = json_array();
    bool ok = validate_object(obj, body, "", errors);
    if (ok != (json_array_size(errors) == 0))
      abort(); /* the verdict and the list of problems must agree */
    if (ok) {
      const char *name = json_str_member(obj, "name");
      if (name && utf8_length(name) < 0)
        abort(); /* a validated string is valid UTF-8 */
      (void)json_int_member(obj, "limit", 50);
    }
    char *text = json_dumps(errors, JSON_COMPACT); /* as the 400 reply serialises it */
    free(text);
    json_decref(errors);
  }
  json_decref(obj);
  return 0;
}
