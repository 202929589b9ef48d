/* collab_actions.c - the actions on one collaboration: POST /v1/collaborations/{id}/{approve,
 * decline,withdraw,reminders,accept,activate,end,service-decision,renewal-requests,
 * variant-changes}, PATCH /v1/collaborations/{id}, and the same answers through an invitation
 * link, POST /v1/invitations/{token}/{approve,decline,accept,renewal-requests}. Each handler
 * parses the body into a collab_action_in (the field specs fill it), calls the use case
 * (service/collab.h) and replies. */
#include "collab_api.h"
#include "domain/contact.h"
#include "handlers.h"
#include "resource.h"
#include "util.h"
#include "validate.h"

#include <stdlib.h>

#define IN(member) FIELD_TO(struct collab_action_in, member)

static const struct field_spec no_fields[] = {{0}};

static const struct field_spec reason_fields[] = {
    {.name = "reason", .type = FIELD_STRING, .max_len = 500, .to = IN(reason)},
    {0},
};

static const struct field_spec accept_fields[] = {
    {.name = "corporate_id", .type = FIELD_STRING, .required = true, .min_len = 1,
     .max_len = 20, .to = IN(corporate_id)},
    {.name = "email", .type = FIELD_STRING, .required = true, .min_len = 3, .max_len = 254,
     .to = IN(email)},
    {.name = "terms_version", .type = FIELD_STRING, .required = true, .min_len = 1,
     .max_len = 32, .to = IN(terms_version)},
    {0},
};

static const struct field_spec activate_fields[] = {
    {.name = "task_id", .type = FIELD_STRING, .required = true, .min_len = 36, .max_len = 36,
     .to = IN(task_id)},
    {0},
};

static const struct field_spec end_fields[] = {
    {.name = "keep_service", .type = FIELD_BOOL, .to = IN(keep_service)},
    {.name = "reason", .type = FIELD_STRING, .max_len = 500, .to = IN(reason)},
    {0},
};

static const struct field_spec decision_fields[] = {
    {.name = "keep_service", .type = FIELD_BOOL, .required = true, .to = IN(keep_service)},
    {.name = "reason", .type = FIELD_STRING, .max_len = 500, .to = IN(reason)},
    {0},
};

static const struct field_spec variant_fields[] = {
    {.name = "variant", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 32,
     .to = IN(variant)},
    {.name = "confirm_company_reset", .type = FIELD_BOOL, .to = IN(confirm_company_reset)},
    {.name = "reason", .type = FIELD_STRING, .max_len = 500, .to = IN(reason)},
    {0},
};

static const char *const recipients[] = {"office", "customer", NULL};
static const char *const periods[] = {"3", "12", NULL};
static const struct field_spec admin_fields[] = COLLAB_ADMIN_FIELDS;

static const struct field_spec patch_fields[] = {
    {.name = "task_id", .type = FIELD_STRING, .min_len = 36, .max_len = 36, .to = IN(task_id)},
    {.name = "invoice_recipient", .type = FIELD_ENUM, .allowed = recipients,
     .to = IN(invoice_recipient)},
    {.name = "agreement_period_months", .type = FIELD_INT, .allowed = periods,
     .to = IN(period_months)},
    {.name = "variant", .type = FIELD_STRING, .min_len = 1, .max_len = 32, .to = IN(variant)},
    {.name = "administrator", .type = FIELD_OBJECT, .fields = admin_fields,
     .to = IN(administrator)},
    {0},
};

/* Parses the path (and the headers) into in; false after answering 400. */
static bool parse_path(struct request *req, bool by_link, struct collab_action_in *in,
                       enum MHD_Result *r)
{
  if (by_link) {
    in->token = http_param(req, "token");
    return true;
  }
  in->caller = &req->principal;
  in->id = http_param(req, "id");
  in->if_match = http_header(req, "If-Match");
  if (!util_is_uuid(in->id)) {
    *r = reply_problem(req, ERR_BAD_PATH_PARAM, "The collaboration id must be a UUID");
    return false;
  }
  return true;
}

/* Parses the body and the path into in; false after answering 400. */
static bool parse(struct request *req, const struct field_spec *fields, bool by_link,
                  struct collab_action_in *in, enum MHD_Result *r)
{
  return validate_body_into(req, fields, in, r) && parse_path(req, by_link, in, r);
}

/* Calls the use case with in and replies. */
static enum MHD_Result call(struct request *req, collab_action_fn fn,
                            const struct collab_action_in *in)
{
  struct collab_outcome *out = calloc(1, sizeof *out);
  if (!out)
    return reply_problem(req, ERR_INTERNAL, "Out of memory");
  enum store_status st = fn(req->app, in, out);
  enum MHD_Result r = collab_reply_outcome(req, st, out, in->caller == NULL);
  free(out);
  return r;
}

static enum MHD_Result act(struct request *req, const struct field_spec *fields,
                           collab_action_fn fn, bool by_link)
{
  enum MHD_Result r;
  struct collab_action_in in = COLLAB_ACTION_IN_INIT;
  if (!parse(req, fields, by_link, &in, &r))
    return r;
  return call(req, fn, &in);
}

enum MHD_Result api_collab_approve(struct request *req)
{
  return act(req, no_fields, collab_approve, false);
}
enum MHD_Result api_collab_decline(struct request *req)
{
  return act(req, reason_fields, collab_decline, false);
}
enum MHD_Result api_collab_withdraw(struct request *req)
{
  return act(req, reason_fields, collab_withdraw, false);
}
enum MHD_Result api_collab_remind(struct request *req)
{
  return act(req, no_fields, collab_remind, false);
}
enum MHD_Result api_collab_accept(struct request *req)
{
  return act(req, accept_fields, collab_accept, false);
}
enum MHD_Result api_collab_activate(struct request *req)
{
  return act(req, activate_fields, collab_activate, false);
}
enum MHD_Result api_collab_renew(struct request *req)
{
  return act(req, reason_fields, collab_request_renewal, false);
}
enum MHD_Result api_collab_decide_service(struct request *req)
{
  return act(req, decision_fields, collab_decide_service, false);
}
enum MHD_Result api_collab_change_variant(struct request *req)
{
  return act(req, variant_fields, collab_variant_change_run, false);
}

/* The customer decides about the service; the office may not send keep_service. */
enum MHD_Result api_collab_end(struct request *req)
{
  enum MHD_Result r;
  struct collab_action_in in = COLLAB_ACTION_IN_INIT;
  if (!validate_body_into(req, end_fields, &in, &r))
    return r;
  bool customer = req->principal.kind == PRINCIPAL_CUSTOMER_ADMIN;
  if (customer != (in.keep_service >= 0)) {
    const char *msg = customer ? "required: whether the company keeps using the service on "
                                 "its own (and pays for it) after the collaboration ends"
                               : "only the customer decides whether the company keeps the "
                                 "service";
    return reply_validation(req, json_pack("[{s:s, s:s}]", "field", "keep_service", "message",
                                           msg));
  }
  if (!parse_path(req, false, &in, &r))
    return r;
  return call(req, collab_end, &in);
}

enum MHD_Result api_collab_patch(struct request *req)
{
  enum MHD_Result r;
  struct collab_action_in in = COLLAB_ACTION_IN_INIT;
  if (!validate_body_into(req, patch_fields, &in, &r))
    return r;
  if (json_object_size(req->json) == 0)
    return reply_validation(req, json_pack("[{s:s, s:s}]", "field", "body", "message",
                                           "name at least one of task_id, invoice_recipient, "
                                           "agreement_period_months, variant, administrator"));
  if (!parse_path(req, false, &in, &r))
    return r;
  if (api_require_if_match(req, &r))
    return r;
  return call(req, collab_patch, &in);
}

enum MHD_Result api_invitation_approve(struct request *req)
{
  return act(req, no_fields, collab_approve, true);
}
enum MHD_Result api_invitation_decline(struct request *req)
{
  return act(req, reason_fields, collab_decline, true);
}
enum MHD_Result api_invitation_accept(struct request *req)
{
  return act(req, accept_fields, collab_accept, true);
}
enum MHD_Result api_invitation_renew(struct request *req)
{
  return act(req, reason_fields, collab_request_renewal, true);
}
