/* variants.c - GET /v1/variants, GET /v1/variants/{code}, POST /v1/variant-changes/preview. */
#include "app.h"
#include "handlers.h"
#include "resource.h"
#include "service/variants.h"
#include "validate.h"

static json_t *strings_json(const char *const *items, size_t n)
{
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(a, json_string(items[i]));
  return a;
}

json_t *api_variant_json(const struct variant *v)
{
  const char *features[VARIANT_MAX_FEATURES];
  for (size_t i = 0; i < v->n_features; i++)
    features[i] = v->features[i];
  return json_pack("{s:s, s:s, s:s, s:i, s:o}", "code", v->code, "name", v->name,
                   "description", v->description, "rank", v->rank, "features",
                   strings_json(features, v->n_features));
}

enum MHD_Result api_variants_list(struct request *req)
{
  struct variant vs[STORE_MAX_VARIANTS];
  size_t n = 0;
  enum store_status st = variants_read(req->app, vs, STORE_MAX_VARIANTS, &n);
  if (st != STORE_OK)
    return api_store_failure(req, st, "variant");
  json_t *items = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(items, api_variant_json(&vs[i]));
  return reply_json(req, 200, json_pack("{s:o}", "items", items));
}

enum MHD_Result api_variants_get(struct request *req)
{
  struct variant v;
  const char *code = http_param(req, "code");
  enum store_status st = variant_read(req->app, code, &v);
  if (st == STORE_NOT_FOUND)
    return reply_problem(req, ERR_NOT_FOUND,
                         "No variant '%.40s'; the codes are start, bokforing, fakturering, "
                         "smart and pro", code);
  if (st != STORE_OK)
    return api_store_failure(req, st, "variant");
  return reply_json(req, 200, api_variant_json(&v));
}

/* The preview's body: two variant codes. */
struct preview_in {
  const char *from, *to;
};

static const struct field_spec preview_fields[] = {
    {.name = "from", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 32,
     .to = FIELD_TO(struct preview_in, from)},
    {.name = "to", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 32,
     .to = FIELD_TO(struct preview_in, to)},
    {0},
};

enum MHD_Result api_variant_change_preview(struct request *req)
{
  enum MHD_Result r;
  struct preview_in in = {0};
  if (!validate_body_into(req, preview_fields, &in, &r))
    return r;
  struct variant v[2];
  struct variant_change ch;
  struct refusal rf = {0};
  enum store_status st = variant_preview(req->app, in.from, in.to, &v[0], &v[1], &ch, &rf);
  if (st != STORE_OK || refused(&rf))
    return tx_reply(req, &rf, st == STORE_OK ? STORE_ABORT : st, "variant");
  return reply_json(req, 200,
                    json_pack("{s:s, s:s, s:s, s:o, s:o, s:b}", "from", v[0].code, "to",
                              v[1].code, "kind", variant_change_kind_str(ch.kind),
                              "gained_features", strings_json(ch.gained, ch.n_gained),
                              "lost_features", strings_json(ch.lost, ch.n_lost),
                              "requires_support", ch.requires_support));
}
