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
#include "store_collab.h"
#include "store_variants.h"
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

static const struct field_spec subscription_fields[] = {
    {.name = "variant", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 32},
    {.name = "invoice_recipient", .type = FIELD_ENUM, .required = true, .allowed = recipients},
    {.name = "agreement_period_months", .type = FIELD_INT, .required = true, .allowed = periods},
    {.name = "starts_on", .type = FIELD_STRING, .required = true, .max_len = 10,
     .check = date_check},
    {.name = "renews_on", .type = FIELD_STRING, .required = true, .max_len = 10,
     .check = date_check},
    {0},
};

static const struct field_spec create_fields[] = {
    {.name = "corporate_id", .type = FIELD_STRING, .required = true, .min_len = 1,
     .max_len = 20, .check = corporate_id_check},
    {.name = "name", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 200,
     .check = contact_name_check},
    {.name = "relation", .type = FIELD_ENUM, .required = true, .allowed = relations},
    {.name = "subscription", .type = FIELD_OBJECT, .nullable = true,
     .fields = subscription_fields},
    {0},
};

static const struct field_spec patch_fields[] = {
    {.name = "name", .type = FIELD_STRING, .min_len = 1, .max_len = 200,
     .check = contact_name_check},
    {.name = "relation", .type = FIELD_ENUM, .allowed = relations},
    {.name = "subscription", .type = FIELD_OBJECT, .nullable = true,
     .fields = subscription_fields},
    {0},
};

struct write_ctx {
  struct api_write w; /* first: what the reply is made of */
  struct company co;
  char cid[CORPORATE_ID_LEN]; /* PATCH: the path's corporate ID, normalised */
};

/* Applies name, relation and subscription from body to w->co and checks that they agree:
 * a subscriber has a subscription, no one else has one (changing the relation away from
 * subscriber drops it). Validation errors name the field. */
static enum store_status apply_fields(struct store_conn *c, struct write_ctx *w, json_t *body)
{
  struct company *co = &w->co;
  const char *v;
  if ((v = json_str_member(body, "name")))
    snprintf(co->name, sizeof co->name, "%s", v);
  if ((v = json_str_member(body, "relation")))
    snprintf(co->relation, sizeof co->relation, "%s", v);
  bool subscriber = strcmp(co->relation, "subscriber") == 0;
  json_t *sub = json_object_get(body, "subscription");
  if (json_is_object(sub)) {
    if (!subscriber)
      return refuse_field(&w->w.err, "subscription", "is only for relation subscriber");
    struct variant var;
    enum store_status st = store_variant_get(c, json_str_member(sub, "variant"), &var);
    if (st == STORE_NOT_FOUND)
      return refuse_field(&w->w.err, "subscription.variant", VARIANT_UNKNOWN);
    if (st != STORE_OK)
      return st;
    const char *starts = json_str_member(sub, "starts_on");
    const char *renews = json_str_member(sub, "renews_on");
    if (strcmp(starts, renews) >= 0)
      return refuse_field(&w->w.err, "subscription.renews_on", "must be after starts_on");
    co->has_subscription = true;
    snprintf(co->sub.variant, sizeof co->sub.variant, "%s", var.code);
    snprintf(co->sub.invoice_recipient, sizeof co->sub.invoice_recipient, "%s",
             json_str_member(sub, "invoice_recipient"));
    co->sub.agreement_period_months =
        (int)json_int_member(sub, "agreement_period_months", 12);
    snprintf(co->sub.starts_on, sizeof co->sub.starts_on, "%s", starts);
    snprintf(co->sub.renews_on, sizeof co->sub.renews_on, "%s", renews);
  } else if (json_is_null(sub) || !subscriber) {
    co->has_subscription = false;
    memset(&co->sub, 0, sizeof co->sub);
  }
  if (subscriber && !co->has_subscription)
    return refuse_field(&w->w.err, "subscription", "is required for relation subscriber");
  return STORE_OK;
}

static enum store_status create_tx(struct store_conn *c, void *arg)
{
  struct write_ctx *w = arg;
  struct request *req = w->w.req;
  api_write_restart(&w->w);
  memset(&w->co, 0, sizeof w->co);
  corporate_id_normalize(json_str_member(req->json, "corporate_id"), w->co.corporate_id, NULL);
  enum store_status st = apply_fields(c, w, req->json);
  if (st != STORE_OK)
    return st;
  st = store_company_create(c, &w->co);
  if (st == STORE_CONFLICT)
    return refuse(&w->w.err, ERR_DUPLICATE, "A company with corporate ID %s exists already",
                   w->co.corporate_id);
  if (st != STORE_OK)
    return st;
  w->w.body = api_company_json(&w->co);
  etag_of(w->co.version, w->w.etag, sizeof w->w.etag);
  snprintf(w->w.location, sizeof w->w.location, "/v1/companies/%s", w->co.corporate_id);
  return api_idem_finish(c, req->principal.id, w->w.ik, 201, w->w.body, w->w.location, w->w.etag);
}

enum MHD_Result api_companies_create(struct request *req)
{
  enum MHD_Result r;
  if (!validate_body(req, create_fields, &r))
    return r;
  struct idem ik;
  if (api_idem_begin(req, &ik, &r))
    return r;
  struct write_ctx w = {.w = {.req = req, .ik = &ik}};
  return api_write_run(&w.w, create_tx, &w, 201, "company");
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

/* A customer administrator sees only their own company: any other is "not found". */
static bool visible(const struct request *req, const struct company *co)
{
  return req->principal.kind != PRINCIPAL_CUSTOMER_ADMIN ||
         strcmp(req->principal.company_id, co->id) == 0;
}

enum MHD_Result api_companies_get(struct request *req)
{
  enum MHD_Result r;
  char cid[CORPORATE_ID_LEN];
  if (!path_corporate_id(req, cid, &r))
    return r;
  struct store_conn *c = store_conn(req->app->store);
  struct company co;
  enum store_status st = c ? store_company_get_by_corporate_id(c, cid, &co) : STORE_ERROR;
  if (st == STORE_OK && !visible(req, &co))
    st = STORE_NOT_FOUND;
  if (st != STORE_OK)
    return api_store_failure(req, st, "company");
  char etag[32];
  etag_of(co.version, etag, sizeof etag);
  return reply_json_etag(req, 200, api_company_json(&co), etag);
}

/* While a collaboration with an office is open (invited, approved or active), the company's
 * subscription changes only through a collaboration, where the variant rule applies and every
 * party is told: a PATCH of the relation or the subscription is refused then (the name may
 * change). */
static enum store_status check_no_open_collaboration(struct store_conn *c, struct write_ctx *w,
                                                     json_t *body)
{
  if (!json_object_get(body, "relation") && !json_object_get(body, "subscription"))
    return STORE_OK;
  char (*ids)[COLLAB_ID_LEN] = malloc(COLLAB_MAX_OPEN_PER_COMPANY * sizeof *ids);
  size_t n = 0;
  enum store_status st = ids ? store_collab_open_of_company(c, w->co.id, ids, &n) : STORE_ERROR;
  if (st == STORE_OK && n > 0)
    st = refuse(&w->w.err, ERR_CONFLICT,
                 "%s has an open collaboration with an accounting office (%s): change its "
                 "variant, payer or period through a collaboration (variant-changes or PATCH), "
                 "where the variant rule applies and every party is told",
                 w->co.name, ids[0]);
  free(ids);
  return st;
}

static enum store_status patch_tx(struct store_conn *c, void *arg)
{
  struct write_ctx *w = arg;
  struct request *req = w->w.req;
  api_write_restart(&w->w);
  enum store_status st = store_company_get_by_corporate_id(c, w->cid, &w->co);
  if (st == STORE_NOT_FOUND)
    return refuse(&w->w.err, ERR_NOT_FOUND, "No company with corporate ID %s", w->cid);
  if (st != STORE_OK)
    return st;
  if ((st = tx_if_match(&w->w.err, req, "company", w->co.version)) != STORE_OK)
    return st;
  if ((st = check_no_open_collaboration(c, w, req->json)) != STORE_OK)
    return st;
  if ((st = apply_fields(c, w, req->json)) != STORE_OK)
    return st;
  if ((st = store_company_update(c, &w->co, w->co.version)) != STORE_OK)
    return st;
  w->w.body = api_company_json(&w->co);
  etag_of(w->co.version, w->w.etag, sizeof w->w.etag);
  return STORE_OK;
}

enum MHD_Result api_companies_patch(struct request *req)
{
  enum MHD_Result r;
  struct write_ctx w = {.w = {.req = req}};
  if (!path_corporate_id(req, w.cid, &r) || !validate_body(req, patch_fields, &r) ||
      api_reject_empty_patch(req, "name, relation, subscription", &r) ||
      api_require_if_match(req, &r))
    return r;
  return api_write_run(&w.w, patch_tx, &w, 200, "company");
}
