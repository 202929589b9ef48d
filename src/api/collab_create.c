/* collab_create.c - how a collaboration starts: POST /v1/customers/{id}/collaborations (an
 * office activates, ways 1-3) and POST /v1/office-invitations (a customer administrator invites
 * an office, way 4). Each parses the body into a collab_start_in, reserves the Idempotency-Key,
 * queues the use case (service/collab.h) and answers 201 after its commit; with a key, the 201
 * is written and kept for a replay inside the use case's transaction, without one it is written
 * after the commit on the HTTP worker's thread (the writer's thread serialises all writes). */
#include "collab_api.h"
#include "domain/contact.h"
#include "domain/corporate_id.h"
#include "domain/dates.h"
#include "handlers.h"
#include "resource.h"
#include "spares.h"
#include "util.h"
#include "validate.h"

#include <stddef.h>
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

/* The 201 made inside the use case's transaction when the request has an Idempotency-Key, for
 * the reply and a replay. */
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
  if (!k->ik->active) /* nothing to replay: answer writes the 201, on the HTTP worker's thread */
    return STORE_OK;
  free(k->body);
  k->body = collab_json_text(co, mail, util_now_ms(), k->viewer, &k->len);
  collab_location(co->id, k->location);
  etag_of(co->version, k->etag, sizeof k->etag);
  if (!k->body)
    return STORE_ERROR;
  return api_idem_finish_text(c, k->viewer->id, k->ik, 201, k->body, k->location, k->etag);
}

typedef void (*start_fn)(const struct app *app, const struct collab_start_in *in,
                         struct collab_outcome *out, collab_started_fn done, void *arg);

/* A start waiting for its commit while its connection is suspended: the request's (given back
 * by pending_free when the request ends). */
struct pending {
  struct request *req;
  struct collab_start_in in;
  struct idem ik;
  struct created k;
  struct collab_outcome out;
  enum store_status st;
  bool answered; /* answer ran: the key was finished or abandoned there */
};

/* The pendings of start: taken and given back on the HTTP worker's threads. */
static struct spares pending_spares = SPARES_INIT(sizeof(struct pending));

/* At the request's end. A client that left while its write waited is not answered (with
 * libmicrohttpd 0.9.75 a resumed connection whose client closed is closed unanswered): the
 * Idempotency-Key of a write that did not commit is let go here, so a retry is not 409. */
static void pending_free(void *ctx)
{
  struct pending *p = ctx;
  if (!p->answered && (p->st != STORE_OK || refused(&p->out.refusal)))
    api_idem_abandon(p->req, &p->ik);
  free(p->k.body);
  collab_outcome_clear(&p->out);
  spares_give(&pending_spares, p);
}

/* The start's write is over (on the store's writer thread): the request can be answered. */
static void started(enum store_status st, void *arg)
{
  struct pending *p = arg;
  p->st = st;
  http_resume(p->req);
}

/* Answers the start once its write is over (the request resumed). */
static enum MHD_Result answer(struct request *req, void *ctx)
{
  struct pending *p = ctx;
  p->answered = true;
  if (p->st != STORE_OK || refused(&p->out.refusal))
    api_idem_abandon(req, &p->ik);
  if (p->st != STORE_OK)
    return api_store_failure(req, p->st, "collaboration");
  if (refused(&p->out.refusal))
    return api_reply_refusal(req, &p->out.refusal);
  if (!p->k.body) /* no Idempotency-Key: the 201 written from the outcome, as keep_created would
                   * have (rendering it was 3% of the writer's instructions per activation) */
    return collab_reply(req, 201, &p->out);
  http_add_header(req, "Location", p->k.location);
  enum MHD_Result r = reply_json_text(req, 201, p->k.body, p->k.len, p->k.etag);
  p->k.body = NULL;
  return r;
}

/* Reserves the Idempotency-Key and queues the start; the request is answered (answer) after
 * the commit that holds its write, its connection suspended meanwhile so that this thread
 * serves other connections instead of waiting (group commit then gathers more writes). */
static enum MHD_Result start(struct request *req, const struct collab_start_in *in, start_fn fn)
{
  enum MHD_Result r;
  /* p->out.co not zeroed: start_over writes it before the outcome is a success, and only a
   * success's reply (collab_reply) reads it */
  struct pending *p = spares_take_except(
      &pending_spares, offsetof(struct pending, out) + offsetof(struct collab_outcome, co),
      sizeof p->out.co);
  if (!p)
    return reply_problem(req, ERR_INTERNAL, "The request could not be completed: out of memory");
  if (api_idem_begin(req, &p->ik, &r)) {
    spares_give(&pending_spares, p);
    return r;
  }
  p->req = req;
  p->in = *in;
  p->in.caller = &req->principal;
  p->in.created = keep_created;
  p->in.created_arg = &p->k;
  p->k.viewer = &req->principal;
  p->k.ik = &p->ik;
  http_suspend(req, answer, p, pending_free);
  fn(req->app, &p->in, &p->out, started, p);
  return MHD_YES;
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
