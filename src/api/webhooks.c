/* webhooks.c - webhook endpoints: GET/POST /v1/webhooks, GET/PATCH/DELETE /v1/webhooks/{id},
 * POST .../rotate-secret, POST .../ping, GET .../deliveries and POST
 * .../deliveries/{delivery_id}/redeliver. An office user with full rights manages the office's
 * endpoints, a customer administrator its company's. The secret is shown once, at creation
 * and at a rotation. */
#include "app.h"
#include "domain/authz.h"
#include "domain/dates.h"
#include "handlers.h"
#include "resource.h"
#include "service/webhooks.h"
#include "util.h"
#include "validate.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const languages[] = {"sv", "en", NULL};

static const struct field_spec create_fields[] = {
    {.name = "url", .type = FIELD_STRING, .required = true, .min_len = 8, .max_len = 2048,
     .to = FIELD_TO(struct webhook_in, url)},
    {.name = "events", .type = FIELD_STRING_LIST, .required = true, .min_len = 1,
     .max_len = 64, .max = 32, .to = FIELD_TO(struct webhook_in, events)},
    {.name = "description", .type = FIELD_STRING, .max_len = 500,
     .to = FIELD_TO(struct webhook_in, description)},
    {.name = "language", .type = FIELD_ENUM, .allowed = languages,
     .to = FIELD_TO(struct webhook_in, language)},
    {0},
};

static const struct field_spec patch_fields[] = {
    {.name = "url", .type = FIELD_STRING, .min_len = 8, .max_len = 2048,
     .to = FIELD_TO(struct webhook_in, url)},
    {.name = "events", .type = FIELD_STRING_LIST, .min_len = 1, .max_len = 64, .max = 32,
     .to = FIELD_TO(struct webhook_in, events)},
    {.name = "description", .type = FIELD_STRING, .max_len = 500,
     .to = FIELD_TO(struct webhook_in, description)},
    {.name = "language", .type = FIELD_ENUM, .allowed = languages,
     .to = FIELD_TO(struct webhook_in, language)},
    {.name = "enabled", .type = FIELD_BOOL, .to = FIELD_TO(struct webhook_in, enabled)},
    {0},
};

static const struct field_spec list_query[] = {
    {.name = "cursor", .type = FIELD_STRING, .min_len = 1, .max_len = API_CURSOR_MAX},
    {.name = "limit", .type = FIELD_INT, .min = 1, .max = API_LIST_MAX_LIMIT},
    {0},
};

static bool may_manage(struct request *req, enum MHD_Result *r)
{
  if (authz_may(&req->principal, CAP_WEBHOOKS_MANAGE))
    return true;
  *r = reply_problem(req, ERR_FORBIDDEN, "Only a user of the office with full rights (or a "
                                         "company's administrator) may manage webhooks");
  return false;
}

static enum MHD_Result no_such(struct request *req)
{
  return reply_problem(req, ERR_NOT_FOUND, "No such webhook endpoint of %s",
                       req->principal.kind == PRINCIPAL_OFFICE_USER ? "your office"
                                                                    : "your company");
}

/* An endpoint as the API shows it (new reference); never its secret. */
static json_t *hook_json(const struct webhook *w)
{
  json_t *events = json_array();
  if (strcmp(w->events, "*") == 0) {
    json_array_append_new(events, json_string("*"));
  } else {
    char buf[WEBHOOK_EVENTS_LEN];
    snprintf(buf, sizeof buf, "%s", w->events);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
      json_array_append_new(events, json_string(t));
  }
  char failing[32] = "", until[32] = "";
  if (w->failing_since_ms)
    date_iso_ms(w->failing_since_ms, failing, sizeof failing);
  if (w->old_secret_nonce[0] && w->old_valid_until_ms > util_now_ms())
    date_iso_ms(w->old_valid_until_ms, until, sizeof until);
  return json_pack("{s:s, s:s, s:o, s:s, s:s, s:b, s:o, s:o, s:o, s:s, s:s}", "id", w->id,
                   "url", w->url, "events", events, "description", w->description, "language",
                   w->language[0] ? w->language : "sv", "enabled",
                   w->enabled, "disabled_reason",
                   w->disabled_reason[0] ? json_string(w->disabled_reason) : json_null(),
                   "failing_since", failing[0] ? json_string(failing) : json_null(),
                   "previous_secret_valid_until", until[0] ? json_string(until) : json_null(),
                   "created_at", w->created_at, "updated_at", w->updated_at);
}

static json_t *delivery_json(const struct webhook_delivery *d)
{
  char next[32] = "";
  if (strcmp(d->status, "pending") == 0)
    date_iso_ms(d->next_attempt_ms, next, sizeof next);
  return json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:i, s:o, s:o, s:o, s:s, s:o}", "id", d->id,
                   "webhook_id", d->webhook_id, "event_id", d->event_id, "event_type",
                   d->event_type, "collaboration_id",
                   d->collaboration_id[0] ? json_string(d->collaboration_id) : json_null(),
                   "status", d->status, "attempts", d->attempts, "response_code",
                   d->response_code ? json_integer(d->response_code) : json_null(),
                   "last_error", d->last_error[0] ? json_string(d->last_error) : json_null(),
                   "next_attempt_at", next[0] ? json_string(next) : json_null(), "created_at",
                   d->created_at, "delivered_at",
                   d->delivered_at[0] ? json_string(d->delivered_at) : json_null());
}

/* The reply of create and rotate-secret: the endpoint with its secret (shown this once). */
static enum MHD_Result reply_with_secret(struct request *req, enum store_status st,
                                         struct webhook_out *out, unsigned status)
{
  enum MHD_Result r;
  http_add_header(req, "Cache-Control", "no-store");
  if (st == STORE_OK && refused(&out->rf)) {
    r = api_reply_refusal(req, &out->rf);
  } else if (st == STORE_NOT_FOUND) {
    r = no_such(req);
  } else if (st != STORE_OK) {
    r = api_store_failure(req, st, "webhook");
  } else {
    json_t *body = hook_json(&out->w);
    json_object_set_new(body, "secret", json_string(out->secret));
    if (status == 201) {
      char location[96];
      snprintf(location, sizeof location, "/v1/webhooks/%s", out->w.id);
      http_add_header(req, "Location", location);
    }
    r = reply_json(req, status, body);
  }
  OPENSSL_cleanse(out->secret, sizeof out->secret);
  refusal_clear(&out->rf);
  free(out);
  return r;
}

enum MHD_Result api_webhooks_create(struct request *req)
{
  enum MHD_Result r;
  struct webhook_in in = {.caller = &req->principal, .enabled = -1,
                          .allow_private = req->app->cfg->webhook_allow_private != 0};
  if (!may_manage(req, &r) || !validate_body_into(req, create_fields, &in, &r))
    return r;
  struct webhook_out *out = calloc(1, sizeof *out);
  if (!out)
    return api_store_failure(req, STORE_ERROR, "webhook");
  return reply_with_secret(req, webhook_create(req->app, &in, out), out, 201);
}

enum MHD_Result api_webhooks_rotate(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r))
    return r;
  if (!util_is_uuid(http_param(req, "id")))
    return no_such(req);
  struct webhook_in in = {.caller = &req->principal, .id = http_param(req, "id")};
  struct webhook_out *out = calloc(1, sizeof *out);
  if (!out)
    return api_store_failure(req, STORE_ERROR, "webhook");
  return reply_with_secret(req, webhook_rotate(req->app, &in, out), out, 200);
}

enum MHD_Result api_webhooks_patch(struct request *req)
{
  enum MHD_Result r;
  struct webhook_in in = {.caller = &req->principal, .enabled = -1,
                          .allow_private = req->app->cfg->webhook_allow_private != 0};
  if (!may_manage(req, &r) || !validate_body_into(req, patch_fields, &in, &r) ||
      api_reject_empty_patch(req, "url, events, description, enabled", &r))
    return r;
  if (!util_is_uuid(http_param(req, "id")))
    return no_such(req);
  in.id = http_param(req, "id");
  struct webhook_out *out = calloc(1, sizeof *out);
  if (!out)
    return api_store_failure(req, STORE_ERROR, "webhook");
  enum store_status st = webhook_patch(req->app, &in, out);
  if (st == STORE_OK && refused(&out->rf))
    r = api_reply_refusal(req, &out->rf);
  else if (st == STORE_NOT_FOUND)
    r = no_such(req);
  else
    r = st == STORE_OK ? reply_json(req, 200, hook_json(&out->w))
                       : api_store_failure(req, st, "webhook");
  refusal_clear(&out->rf);
  free(out);
  return r;
}

enum MHD_Result api_webhooks_get(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r))
    return r;
  struct webhook *w = malloc(sizeof *w);
  enum store_status st = !w ? STORE_ERROR
                         : !util_is_uuid(http_param(req, "id"))
                             ? STORE_NOT_FOUND
                             : webhook_read(req->app, &req->principal, http_param(req, "id"), w);
  r = st == STORE_NOT_FOUND ? no_such(req)
      : st == STORE_OK      ? reply_json(req, 200, hook_json(w))
                            : api_store_failure(req, st, "webhook");
  free(w);
  return r;
}

enum MHD_Result api_webhooks_delete(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r))
    return r;
  if (!util_is_uuid(http_param(req, "id")))
    return no_such(req);
  struct webhook_in in = {.caller = &req->principal, .id = http_param(req, "id")};
  enum store_status st = webhook_delete(req->app, &in);
  return st == STORE_NOT_FOUND ? no_such(req)
         : st == STORE_OK      ? reply_empty(req, 204)
                               : api_store_failure(req, st, "webhook");
}

static bool list_row(const struct webhook *w, void *arg)
{
  return api_page_add(arg, hook_json(w), w->created_at, w->id);
}

static enum store_status list_fill(const char *const *after, struct api_page *p, void *arg)
{
  const struct request *req = arg;
  return webhooks_page(req->app, &req->principal, after[0], after[1], p->limit + 1, list_row, p);
}

enum MHD_Result api_webhooks_list(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r) || !validate_query(req, list_query, &r))
    return r;
  return api_list_run(req, list_fill, req, "webhook");
}

static bool delivery_row(const struct webhook_delivery *d, void *arg)
{
  char seq[24];
  snprintf(seq, sizeof seq, "%lld", (long long)d->seq);
  return api_page_add(arg, delivery_json(d), seq, d->id);
}

static enum store_status deliveries_fill(const char *const *after, struct api_page *p,
                                         void *arg)
{
  struct request *req = arg;
  char *end = NULL;
  long long before = after[0] ? strtoll(after[0], &end, 10) : 0;
  if (after[0] && (!end || *end || before <= 0))
    return STORE_ABORT;
  return webhook_deliveries_page(req->app, &req->principal, http_param(req, "id"), before,
                                 p->limit + 1, delivery_row, p);
}

enum MHD_Result api_webhooks_deliveries(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r) || !validate_query(req, list_query, &r))
    return r;
  if (!util_is_uuid(http_param(req, "id")))
    return no_such(req);
  struct webhook *w = malloc(sizeof *w);
  enum store_status st = w ? webhook_read(req->app, &req->principal, http_param(req, "id"), w)
                           : STORE_ERROR;
  free(w);
  if (st != STORE_OK)
    return st == STORE_NOT_FOUND ? no_such(req) : api_store_failure(req, st, "webhook");
  return api_list_run(req, deliveries_fill, req, "delivery");
}

enum MHD_Result api_webhooks_ping(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r))
    return r;
  if (!util_is_uuid(http_param(req, "id")))
    return no_such(req);
  struct webhook_in in = {.caller = &req->principal, .id = http_param(req, "id")};
  struct webhook_delivery d;
  enum store_status st = webhook_ping(req->app, &in, &d);
  return st == STORE_NOT_FOUND ? no_such(req)
         : st == STORE_OK      ? reply_json(req, 202, delivery_json(&d))
                               : api_store_failure(req, st, "webhook");
}

enum MHD_Result api_webhooks_redeliver(struct request *req)
{
  enum MHD_Result r;
  if (!may_manage(req, &r))
    return r;
  const char *id = http_param(req, "id"), *did = http_param(req, "delivery_id");
  if (!util_is_uuid(id))
    return no_such(req);
  struct webhook_delivery d;
  enum store_status st = !util_is_uuid(did) ? STORE_NOT_FOUND
                                            : webhook_redeliver(req->app, &req->principal, id,
                                                                did, &d);
  if (st == STORE_NOT_FOUND)
    return reply_problem(req, ERR_NOT_FOUND, "No such delivery of this webhook endpoint of yours");
  if (st == STORE_CONFLICT)
    return reply_problem(req, ERR_CONFLICT, "The delivery is still pending: it is sent on its "
                                            "turn; redeliver one that was delivered or failed");
  return st == STORE_OK ? reply_json(req, 202, delivery_json(&d))
                        : api_store_failure(req, st, "delivery");
}
