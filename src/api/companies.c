/* companies.c - the vendor's company records: POST /v1/companies and
 * GET/PATCH /v1/companies/{corporate_id} (support and administrators; a customer
 * administrator may read only their own company). */
#include "app.h"
#include "domain/authz.h"
#include "domain/contact.h"
#include "domain/corporate_id.h"
#include "domain/dates.h"
#include "handlers.h"
#include "register_json.h"
#include "resource.h"
#include "service/register.h"
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *date_check(const char *v)
{
  return date_valid(v) ? NULL : "must be a date YYYY-MM-DD";
}

static const char *const relations[] = {"none", "account", "subscriber", NULL};
static const char *const recipients[] = {"office", "customer", NULL};
static const char *const periods[] = {"3", "12", NULL};

#define SUB(member) FIELD_TO(struct company_sub_in, member)
#define IN(member) FIELD_TO(struct company_in, member)

static const struct field_spec subscription_fields[] = {
    {.name = "variant", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 32,
     .to = SUB(variant)},
    {.name = "invoice_recipient", .type = FIELD_ENUM, .required = true, .allowed = recipients,
     .to = SUB(invoice_recipient)},
    {.name = "agreement_period_months", .type = FIELD_INT, .required = true, .allowed = periods,
     .to = SUB(period_months)},
    {.name = "starts_on", .type = FIELD_STRING, .required = true, .max_len = 10,
     .check = date_check, .to = SUB(starts_on)},
    {.name = "renews_on", .type = FIELD_STRING, .required = true, .max_len = 10,
     .check = date_check, .to = SUB(renews_on)},
    {0},
};

static const struct field_spec create_fields[] = {
    {.name = "corporate_id", .type = FIELD_STRING, .required = true, .min_len = 1,
     .max_len = 20, .check = corporate_id_check, .to = IN(corporate_id)},
    {.name = "name", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 200,
     .check = contact_name_check, .to = IN(name)},
    {.name = "relation", .type = FIELD_ENUM, .required = true, .allowed = relations,
     .to = IN(relation)},
    {.name = "subscription", .type = FIELD_OBJECT, .nullable = true,
     .fields = subscription_fields, .to = IN(subscription), .given = IN(subscription_given)},
    {0},
};

static const struct field_spec patch_fields[] = {
    {.name = "name", .type = FIELD_STRING, .min_len = 1, .max_len = 200,
     .check = contact_name_check, .to = IN(name)},
    {.name = "relation", .type = FIELD_ENUM, .allowed = relations, .to = IN(relation)},
    {.name = "subscription", .type = FIELD_OBJECT, .nullable = true,
     .fields = subscription_fields, .to = IN(subscription), .given = IN(subscription_given)},
    {0},
};

/* Renders a company, its ETag and, once created, its Location. */
static void render(const void *resource, struct api_render *w)
{
  const struct company *co = resource;
  w->body = api_company_json(co);
  etag_of(co->version, w->etag, sizeof w->etag);
  if (w->ik)
    snprintf(w->location, sizeof w->location, "/v1/companies/%s", co->corporate_id);
}

/* Runs the use case fn with in and answers status. */
static enum MHD_Result call(struct request *req, struct company_in *in, const struct idem *ik,
                            enum store_status (*fn)(const struct app *, const struct company_in *,
                                                    struct company_out *),
                            unsigned status)
{
  struct api_render w = {.principal_id = req->principal.id, .ik = ik, .render = render};
  in->if_match = http_header(req, "If-Match");
  in->created = (struct created_hook){.fn = api_render_keep, .arg = &w};
  struct company_out *out = calloc(1, sizeof *out);
  enum store_status st = out ? fn(req->app, in, out) : STORE_ERROR;
  struct refusal none = {0};
  enum MHD_Result r = api_render_reply(req, &w, st, out ? &out->refusal : &none,
                                       out ? &out->co : NULL, status, "company");
  free(out);
  return r;
}

enum MHD_Result api_companies_create(struct request *req)
{
  enum MHD_Result r;
  struct company_in in = {0};
  if (!validate_body_into(req, create_fields, &in, &r))
    return r;
  struct idem ik;
  if (api_idem_begin(req, &ik, &r))
    return r;
  return call(req, &in, &ik, company_create, 201);
}

/* The path's corporate ID in normalised form; answers 400 when it is not one. */
static bool path_corporate_id(struct request *req, char *out, enum MHD_Result *r)
{
  const char *why = NULL;
  const char *v = http_param(req, "corporate_id");
  if (corporate_id_normalize(v, out, &why) != CORPORATE_ID_INVALID)
    return true;
  *r = reply_problem(req, ERR_BAD_PATH_PARAM, "The corporate ID in the path %s", why);
  return false;
}

enum MHD_Result api_companies_get(struct request *req)
{
  enum MHD_Result r;
  char cid[CORPORATE_ID_LEN];
  if (!path_corporate_id(req, cid, &r))
    return r;
  struct company co;
  enum store_status st = company_read(req->app, &req->principal, cid, &co);
  if (st != STORE_OK)
    return api_store_failure(req, st, "company");
  char etag[32];
  etag_of(co.version, etag, sizeof etag);
  return reply_json_etag(req, 200, api_company_json(&co), etag);
}

enum MHD_Result api_companies_patch(struct request *req)
{
  enum MHD_Result r;
  char cid[CORPORATE_ID_LEN];
  struct company_in in = {.corporate_id = cid};
  if (!path_corporate_id(req, cid, &r) || !validate_body_into(req, patch_fields, &in, &r) ||
      api_reject_empty_patch(req, "name, relation, subscription", &r) ||
      api_require_if_match(req, &r))
    return r;
  return call(req, &in, NULL, company_update, 200);
}
