/* collab_create.c - how a collaboration starts: POST /v1/customers/{id}/collaborations (an
 * office activates, ways 1-3) and POST /v1/office-invitations (a customer administrator invites
 * an office, way 4). Each parses the body into a collab_start_in, reserves the Idempotency-Key,
 * calls the use case (service/collab.h) and answers 201; the 201 is kept for a replay inside
 * the use case's transaction. */
#include "collab_api.h"
#include "domain/contact.h"
#include "domain/corporate_id.h"
#include "domain/dates.h"
#include "handlers.h"
#include "resource.h"
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>

#define IN(member) FIELD_TO(struct collab_start_in, member)

static const char *const recipients[] = {"office", "customer", NULL};
static const char *const languages[] = {"sv", "en", NULL};
static const char *const periods[] = {"3", "12", NULL};
static const struct field_spec admin_fields[] = COLLAB_ADMIN_FIELDS;

static const struct field_spec activate_fields[] = {
    {.name = "task_id", .type = FIELD_STRING, .min_len = 36, .max_len = 36, .to = IN(task_id)},
    {.name = "variant", .type = FIELD_STRING, .min_len = 1, .max_len = 32, .to = IN(variant)},
    {.name = "invoice_recipient", .type = FIELD_ENUM, .allowed = recipients,
     .to = IN(invoice_recipient)},
    {.name = "agreement_period_months", .type = FIELD_INT, .allowed = periods,
     .to = IN(period_months)},
    {.name = "administrator", .type = FIELD_OBJECT, .fields = admin_fields,
     .to = IN(administrator)},
    {.name = "language", .type = FIELD_ENUM, .allowed = languages, .to = IN(language)},
    {.name = "starts_on", .type = FIELD_STRING, .max_len = 10, .check = date_check,
     .to = IN(starts_on)},
    {0},
};

static const struct field_spec office_invite_fields[] = {
    {.name = "office_corporate_id", .type = FIELD_STRING, .required = true, .min_len = 10,
     .max_len = 13, .check = corporate_id_check, .to = IN(office_corporate_id)},
    {.name = "variant", .type = FIELD_STRING, .min_len = 1, .max_len = 32, .to = IN(variant)},
    {.name = "agreement_period_months", .type = FIELD_INT, .allowed = periods,
     .to = IN(period_months)},
    {.name = "language", .type = FIELD_ENUM, .allowed = languages, .to = IN(language)},
    {0},
};

/* The 201 being made inside the use case's transaction, for the reply and a replay. */
struct created {
  const struct principal *viewer;
  const struct idem *ik;
  char *body; /* owned: the JSON text, written once for the reply and the replay */
  size_t len;
  char location[80];
  char etag[32];
};

static enum store_status keep_created(struct store_conn *c, const struct collab *co,
                                      const struct collab_mail_state *mail, void *arg)
{
  struct created *k = arg;
  free(k->body);
  k->body = collab_json_text(co, mail, util_now_ms(), k->viewer, &k->len);
  snprintf(k->location, sizeof k->location, "/v1/collaborations/%s", co->id);
  etag_of(co->version, k->etag, sizeof k->etag);
  if (!k->body)
    return STORE_ERROR;
  return api_idem_finish_text(c, k->viewer->id, k->ik, 201, k->body, k->location, k->etag);
}

typedef enum store_status (*start_fn)(const struct app *app, const struct collab_start_in *in,
                                      struct collab_outcome *out);

/* Reserves the Idempotency-Key, runs the start and answers. */
static enum MHD_Result start(struct request *req, struct collab_start_in *in, start_fn fn)
{
  enum MHD_Result r;
  struct idem ik;
  if (api_idem_begin(req, &ik, &r))
    return r;
  struct created k = {.viewer = &req->principal, .ik = &ik};
  in->caller = &req->principal;
  in->created = keep_created;
  in->created_arg = &k;
  struct collab_outcome *out = calloc(1, sizeof *out);
  enum store_status st = out ? fn(req->app, in, out) : STORE_ERROR;
  if (st != STORE_OK || refused(&out->refusal))
    api_idem_abandon(req, &ik);
  if (st != STORE_OK) {
    r = api_store_failure(req, st, "collaboration");
  } else if (refused(&out->refusal)) {
    r = api_reply_refusal(req, &out->refusal);
  } else {
    http_add_header(req, "Location", k.location);
    r = reply_json_text(req, 201, k.body, k.len, k.etag);
    k.body = NULL;
  }
  free(k.body);
  if (out)
    collab_outcome_clear(out);
  free(out);
  return r;
}

enum MHD_Result api_collab_create(struct request *req)
{
  enum MHD_Result r;
  struct collab_start_in in = {0};
  if (!validate_body_into(req, activate_fields, &in, &r))
    return r;
  in.customer_id = http_param(req, "id");
  if (!util_is_uuid(in.customer_id))
    return reply_problem(req, ERR_BAD_PATH_PARAM, "The customer id must be a UUID");
  return start(req, &in, collab_office_activates);
}

enum MHD_Result api_office_invitation_create(struct request *req)
{
  enum MHD_Result r;
  struct collab_start_in in = {0};
  if (!validate_body_into(req, office_invite_fields, &in, &r))
    return r;
  return start(req, &in, collab_invite_office);
}
