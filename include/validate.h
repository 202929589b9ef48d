/* validate.h - declarative validation of JSON bodies and query strings. A handler lists its
 * fields once; one call checks them all and collects every problem, so that a 400 names every
 * bad field at once. */
#ifndef ADVISORD_VALIDATE_H
#define ADVISORD_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "http.h"

/* FIELD_STRING_LIST: a JSON array of 1 to max (0: 100) strings, each checked as a FIELD_STRING
 * (min_len, max_len, check); it fills a `json_t *` (borrowed from the body). */
enum field_type { FIELD_STRING, FIELD_INT, FIELD_BOOL, FIELD_OBJECT, FIELD_ENUM, FIELD_STRING_LIST };

/* A custom check on a string value; returns NULL when fine, else why it is not (static).
 * Ready-made ones: corporate_id_check (domain/corporate_id.h), contact_email_check and
 * contact_phone_check (domain/contact.h). */
typedef const char *(*field_check)(const char *value);

struct field_spec {
  const char *name;
  enum field_type type;
  bool required;
  bool nullable;                   /* JSON null accepted (means "clear") */
  size_t min_len, max_len;         /* FIELD_STRING: in characters; max 0 means 1000 */
  long long min, max;              /* FIELD_INT: bounds (both 0: any) */
  const char *const *allowed;      /* FIELD_ENUM (strings) and FIELD_INT: NULL-terminated */
  field_check check;               /* FIELD_STRING: extra rule */
  const struct field_spec *fields; /* FIELD_OBJECT: its fields, ended by {0} */
  size_t to;                       /* where the value goes: FIELD_TO(type, member); 0: nowhere */
  size_t given;                    /* an int set to 1 when the member is present, even as null
                                      (FIELD_TO; 0: none): "clear" for a nullable field */
};

/* A member of the struct a field's value fills (validate_body_into): a FIELD_STRING or
 * FIELD_ENUM fills a `const char *` (borrowed from the body), FIELD_INT and FIELD_BOOL an `int`
 * (0 or 1), FIELD_OBJECT a struct that its own fields' FIELD_TO name members of. */
#define FIELD_TO(type, member) (offsetof(type, member) + 1)

/* Checks obj against specs (ended by an entry with name NULL). Unknown members are errors.
 * Appends {"field","message"} objects to errors for each problem; prefix names the parent
 * ("administrator.") or is "". Returns true when nothing was wrong. */
bool validate_object(json_t *obj, const struct field_spec *specs, const char *prefix,
                     json_t *errors);

/* Checks req->json against specs; on any problem queues a 400 naming every bad field and
 * returns false (*result holds libmicrohttpd's answer). A missing body counts as {}. */
bool validate_body(struct request *req, const struct field_spec *specs,
                   enum MHD_Result *result);

/* validate_body, then fills the members of out that the specs name (FIELD_TO) from the body's
 * members that are present and not null; the rest keep what the caller set (its defaults).
 * The strings stay the body's: out must not outlive the request. */
bool validate_body_into(struct request *req, const struct field_spec *specs, void *out,
                        enum MHD_Result *result);
/* Fills out from obj as validate_body_into does (obj already checked against specs). */
void validate_fill(json_t *obj, const struct field_spec *specs, void *out);

/* Checks the query string: every argument must be listed in specs and well-formed
 * (FIELD_STRING, FIELD_INT, FIELD_BOOL as true/false, FIELD_ENUM). On a problem queues a 400
 * and returns false. */
bool validate_query(struct request *req, const struct field_spec *specs,
                    enum MHD_Result *result);

/* validate_query, then fills the members of out that the specs name (FIELD_TO) from the
 * arguments given: strings (FIELD_STRING, FIELD_ENUM) as pointers into the request, FIELD_INT
 * and FIELD_BOOL as int (1 for "true"); the rest keep the caller's defaults. */
bool validate_query_into(struct request *req, const struct field_spec *specs, void *out,
                         enum MHD_Result *result);

/* Sends 400 validation_failed with errors (reference stolen). */
enum MHD_Result reply_validation(struct request *req, json_t *errors);

/* Number of UTF-8 characters in s, or -1 when s is not valid UTF-8. */
long utf8_length(const char *s);

/* Helpers to read validated members: NULL/def when absent or null. */
const char *json_str_member(json_t *obj, const char *name);
long long json_int_member(json_t *obj, const char *name, long long def);

#endif
