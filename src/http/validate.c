/* validate.c - one checker for every handler's declared fields (bodies and query strings). */
#include "validate.h"
#include "domain/decimal.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long utf8_length(const char *s)
{
  long n = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; n++) {
    int extra = *p < 0x80 ? 0 : (*p >> 5) == 6 ? 1 : (*p >> 4) == 14 ? 2 : (*p >> 3) == 30 ? 3 : -1;
    if (extra < 0)
      return -1;
    p++;
    for (int i = 0; i < extra; i++, p++)
      if ((*p & 0xC0) != 0x80)
        return -1;
  }
  return n;
}

static void add_error(json_t *errors, const char *prefix, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add_error(json_t *errors, const char *prefix, const char *name, const char *fmt, ...)
{
  char field[128], msg[256];
  snprintf(field, sizeof field, "%s%s", prefix, name);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  util_utf8_sanitize(field); /* a client's (query) name, maybe cut inside a character */
  util_utf8_sanitize(msg);
  json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field, "message", msg));
}

static void list_allowed(const char *const *allowed, char *buf, size_t len)
{
  buf[0] = '\0';
  for (size_t i = 0; allowed[i]; i++) {
    if (i)
      strncat(buf, ", ", len - strlen(buf) - 1);
    strncat(buf, allowed[i], len - strlen(buf) - 1);
  }
}

static bool in_list(const char *const *allowed, const char *v)
{
  for (size_t i = 0; allowed[i]; i++)
    if (strcmp(allowed[i], v) == 0)
      return true;
  return false;
}

static void check_string(const struct field_spec *f, const char *v, const char *prefix,
                         json_t *errors)
{
  long n = utf8_length(v);
  size_t max = f->max_len ? f->max_len : 1000;
  if (n < 0) {
    add_error(errors, prefix, f->name, "must be valid UTF-8");
  } else if ((size_t)n < f->min_len) {
    add_error(errors, prefix, f->name, "must have at least %zu characters", f->min_len);
  } else if ((size_t)n > max) {
    add_error(errors, prefix, f->name, "must have at most %zu characters", max);
  } else if (f->check) {
    const char *why = f->check(v);
    if (why)
      add_error(errors, prefix, f->name, "%s", why);
  }
}

static void check_int(const struct field_spec *f, long long v, const char *prefix,
                      json_t *errors)
{
  if (f->allowed) {
    char num[DECIMAL_I64_LEN];
    decimal_i64(v, num);
    if (!in_list(f->allowed, num)) {
      char list[256];
      list_allowed(f->allowed, list, sizeof list);
      add_error(errors, prefix, f->name, "must be one of %s", list);
    }
  } else if ((f->min || f->max) && (v < f->min || v > f->max)) {
    add_error(errors, prefix, f->name, "must be from %lld to %lld", f->min, f->max);
  }
}

static void check_enum(const struct field_spec *f, const char *v, const char *prefix,
                       json_t *errors)
{
  if (!in_list(f->allowed, v)) {
    char list[256];
    list_allowed(f->allowed, list, sizeof list);
    add_error(errors, prefix, f->name, "must be one of %s", list);
  }
}

static const char *type_name(enum field_type t)
{
  switch (t) {
  case FIELD_INT:
    return "an integer";
  case FIELD_BOOL:
    return "true or false";
  case FIELD_OBJECT:
    return "an object";
  default:
    return "a string";
  }
}

/* An array of 1 to max (0: 100) strings, each checked as a FIELD_STRING. */
static void check_list(const struct field_spec *f, json_t *v, const char *prefix, json_t *errors)
{
  size_t max = f->max ? (size_t)f->max : 100, i;
  json_t *item;
  if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > max) {
    add_error(errors, prefix, f->name, "must be an array of 1 to %zu strings", max);
    return;
  }
  json_array_foreach(v, i, item) {
    char name[96];
    snprintf(name, sizeof name, "%s[%zu]", f->name, i);
    struct field_spec one = *f;
    one.name = name;
    if (!json_is_string(item))
      add_error(errors, prefix, name, "must be a string");
    else
      check_string(&one, json_string_value(item), prefix, errors);
  }
}

static void check_member(const struct field_spec *f, json_t *v, const char *prefix,
                         json_t *errors)
{
  if (json_is_null(v)) {
    if (!f->nullable)
      add_error(errors, prefix, f->name, "must not be null");
    return;
  }
  switch (f->type) {
  case FIELD_STRING:
  case FIELD_ENUM:
    if (!json_is_string(v))
      add_error(errors, prefix, f->name, "must be %s", type_name(f->type));
    else if (f->type == FIELD_ENUM)
      check_enum(f, json_string_value(v), prefix, errors);
    else if (strlen(json_string_value(v)) != json_string_length(v))
      add_error(errors, prefix, f->name, "must not contain NUL characters");
    else
      check_string(f, json_string_value(v), prefix, errors);
    break;
  case FIELD_INT:
    if (!json_is_integer(v))
      add_error(errors, prefix, f->name, "must be an integer");
    else
      check_int(f, json_integer_value(v), prefix, errors);
    break;
  case FIELD_BOOL:
    if (!json_is_boolean(v))
      add_error(errors, prefix, f->name, "must be true or false");
    break;
  case FIELD_OBJECT:
    if (!json_is_object(v)) {
      add_error(errors, prefix, f->name, "must be an object");
    } else {
      char sub[128]; /* prefix, name and ".", cut at 127 bytes as snprintf would */
      size_t n = strnlen(prefix, sizeof sub - 1);
      memcpy(sub, prefix, n);
      size_t m = strnlen(f->name, sizeof sub - 1 - n);
      memcpy(sub + n, f->name, m);
      n += m;
      if (n < sizeof sub - 1)
        sub[n++] = '.';
      sub[n] = '\0';
      validate_object(v, f->fields, sub, errors);
    }
    break;
  case FIELD_STRING_LIST:
    check_list(f, v, prefix, errors);
    break;
  }
}

#define WALK_SPECS 32 /* longer spec lists (none: 14 at most) look each field up by name */

/* One walk of obj's members, each matched by name: its value put at vals[i] for every specs[i]
 * of that name (vals: WALK_SPECS, zeroed), an unknown member noted in errors (when not NULL).
 * Returns vals, or NULL when specs is longer. jansson hashes the name at each json_object_get:
 * one per field for the check and one for the fill were about 5,000 instructions of a POST. */
static json_t **walk_members(json_t *obj, const struct field_spec *specs, json_t **vals,
                             const char *prefix, json_t *errors)
{
  size_t n = 0;
  while (specs[n].name)
    n++;
  const char *key;
  json_t *value;
  json_object_foreach(obj, key, value) {
    bool known = false;
    for (const struct field_spec *f = specs; f->name; f++)
      if (strcmp(f->name, key) == 0) {
        known = true;
        if (n <= WALK_SPECS)
          vals[f - specs] = value;
      }
    if (!known && errors)
      add_error(errors, prefix, key, "is not a known field");
  }
  return n <= WALK_SPECS ? vals : NULL;
}

bool validate_object(json_t *obj, const struct field_spec *specs, const char *prefix,
                     json_t *errors)
{
  size_t before = json_array_size(errors);
  json_t *walked[WALK_SPECS] = {0};
  json_t **vals = walk_members(obj, specs, walked, prefix, errors);
  for (const struct field_spec *f = specs; f->name; f++) {
    json_t *v = vals ? vals[f - specs] : json_object_get(obj, f->name);
    if (!v) {
      if (f->required)
        add_error(errors, prefix, f->name, "is required");
      continue;
    }
    check_member(f, v, prefix, errors);
  }
  return json_array_size(errors) == before;
}

enum MHD_Result reply_validation(struct request *req, json_t *errors)
{
  size_t n = json_array_size(errors);
  char names[512] = "";
  for (size_t i = 0; i < n; i++) {
    const char *f = json_string_value(json_object_get(json_array_get(errors, i), "field"));
    if (i)
      strncat(names, ", ", sizeof names - strlen(names) - 1);
    strncat(names, f ? f : "?", sizeof names - strlen(names) - 1);
  }
  return reply_problem_extra(req, ERR_VALIDATION, json_pack("{s:o}", "errors", errors),
                             "Invalid field%s: %s", n == 1 ? "" : "s", names);
}

bool validate_body(struct request *req, const struct field_spec *specs,
                   enum MHD_Result *result)
{
  json_t *errors = json_array();
  json_t *body = req->json ? json_incref(req->json) : json_object();
  bool ok = validate_object(body, specs, "", errors);
  json_decref(body);
  if (ok) {
    json_decref(errors);
    return true;
  }
  *result = reply_validation(req, errors);
  return false;
}

void validate_fill(json_t *obj, const struct field_spec *specs, void *out)
{
  json_t *walked[WALK_SPECS] = {0};
  json_t **vals = walk_members(obj, specs, walked, "", NULL);
  for (const struct field_spec *f = specs; f->name; f++) {
    json_t *v = vals ? vals[f - specs] : json_object_get(obj, f->name);
    if (v && f->given)
      *(int *)((char *)out + f->given - 1) = 1;
    if (!f->to || !v || json_is_null(v))
      continue;
    char *at = (char *)out + f->to - 1;
    switch (f->type) {
    case FIELD_STRING:
    case FIELD_ENUM:
      *(const char **)at = json_string_value(v);
      break;
    case FIELD_INT:
      *(int *)at = (int)json_integer_value(v);
      break;
    case FIELD_BOOL:
      *(int *)at = json_is_true(v);
      break;
    case FIELD_OBJECT:
      validate_fill(v, f->fields, at);
      break;
    case FIELD_STRING_LIST:
      *(json_t **)at = v;
      break;
    }
  }
}

bool validate_body_into(struct request *req, const struct field_spec *specs, void *out,
                        enum MHD_Result *result)
{
  if (!validate_body(req, specs, result))
    return false;
  if (req->json)
    validate_fill(req->json, specs, out);
  return true;
}

struct query_walk {
  const struct field_spec *specs;
  json_t *errors;
  json_t *seen; /* names met so far: a repeated parameter is ambiguous, so refused */
};

static enum MHD_Result query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
  (void)kind;
  struct query_walk *w = cls;
  const struct field_spec *f = w->specs;
  while (f->name && strcmp(f->name, key) != 0)
    f++;
  if (!f->name) {
    add_error(w->errors, "", key, "is not a known query parameter");
    return MHD_YES;
  }
  if (json_object_get(w->seen, key)) {
    add_error(w->errors, "", key, "is given more than once");
    return MHD_YES;
  }
  json_object_set_new(w->seen, key, json_true());
  const char *v = value ? value : "";
  switch (f->type) {
  case FIELD_INT: {
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (!*v || *end || errno)
      add_error(w->errors, "", key, "must be an integer");
    else
      check_int(f, n, "", w->errors);
    break;
  }
  case FIELD_BOOL:
    if (strcmp(v, "true") && strcmp(v, "false"))
      add_error(w->errors, "", key, "must be true or false");
    break;
  case FIELD_ENUM:
    check_enum(f, v, "", w->errors);
    break;
  default:
    check_string(f, v, "", w->errors);
  }
  return MHD_YES;
}

bool validate_query(struct request *req, const struct field_spec *specs,
                    enum MHD_Result *result)
{
  struct query_walk w = {specs, json_array(), json_object()};
  MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, query_arg, &w);
  json_decref(w.seen);
  if (json_array_size(w.errors) == 0) {
    json_decref(w.errors);
    return true;
  }
  *result = reply_validation(req, w.errors);
  return false;
}

const char *json_str_member(json_t *obj, const char *name)
{
  return json_string_value(json_object_get(obj, name));
}

long long json_int_member(json_t *obj, const char *name, long long def)
{
  json_t *v = json_object_get(obj, name);
  return json_is_integer(v) ? json_integer_value(v) : def;
}

bool validate_query_into(struct request *req, const struct field_spec *specs, void *out,
                         enum MHD_Result *result)
{
  if (!validate_query(req, specs, result))
    return false;
  for (const struct field_spec *f = specs; f->name; f++) {
    const char *v = f->to ? http_query(req, f->name) : NULL;
    if (!v)
      continue;
    char *at = (char *)out + f->to - 1;
    if (f->type == FIELD_INT)
      *(int *)at = (int)strtoll(v, NULL, 10);
    else if (f->type == FIELD_BOOL)
      *(int *)at = strcmp(v, "true") == 0;
    else
      *(const char **)at = v;
  }
  return true;
}
