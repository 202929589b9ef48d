/* collaborations.c - how a collaboration starts: POST /v1/customers/{id}/collaborations (an
 * office activates, in the way the company's relation decides) and POST /v1/office-invitations
 * (a customer administrator invites an office). Each is one transaction that writes the
 * collaboration, its first event and its invitation e-mail. */
#include "app.h"
#include "collab_api.h"
#include "domain/contact.h"
#include "domain/corporate_id.h"
#include "handlers.h"
#include "mailer.h"
#include "resource.h"
#include "store_identity.h"
#include "store_register.h"
#include "store_variants.h"
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const languages[] = {"sv", "en", NULL};
static const char *const recipients[] = {"office", "customer", NULL};
static const char *const periods[] = {"3", "12", NULL};

static const struct field_spec admin_fields[] = {
    {.name = "name", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 200,
     .check = contact_name_check},
    {.name = "email", .type = FIELD_STRING, .required = true, .min_len = 3, .max_len = 254,
     .check = contact_email_check},
    {.name = "phone", .type = FIELD_STRING, .required = true, .min_len = 6, .max_len = 40,
     .check = contact_phone_check},
    {0},
};

static const struct field_spec activate_fields[] = {
    {.name = "task_id", .type = FIELD_STRING, .min_len = 36, .max_len = 36},
    {.name = "variant", .type = FIELD_STRING, .min_len = 1, .max_len = 32},
    {.name = "invoice_recipient", .type = FIELD_ENUM, .allowed = recipients},
    {.name = "agreement_period_months", .type = FIELD_INT, .allowed = periods},
    {.name = "administrator", .type = FIELD_OBJECT, .fields = admin_fields},
    {.name = "language", .type = FIELD_ENUM, .allowed = languages},
    {0},
};

/* A start in progress; the transaction may run more than once, so it resets its outputs. */
struct start {
  struct request *req;
  const char *customer_id;    /* office activation */
  const char *office_cid;     /* customer invitation: the office's corporate ID, normalised */
  struct variant requested;
  bool has_requested;
  const struct idem *ik;      /* the Idempotency-Key reserved for this request */
  /* outputs */
  json_t *body;               /* the 201's body, also stored for a replay */
  char location[80];
  char etag[32];
  enum err_code err;
  char detail[600];
  json_t *extra;
  long retry_after;           /* seconds for a Retry-After header with err; 0: none */
  struct collab co;
  char hash[COLLAB_TOKEN_HASH_LEN];
};

static void start_refuse(struct start *s, enum err_code err, json_t *extra, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void start_refuse(struct start *s, enum err_code err, json_t *extra, const char *fmt, ...)
{
  s->err = err;
  json_decref(s->extra);
  s->extra = extra;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->detail, sizeof s->detail, fmt, ap);
  va_end(ap);
}

static void start_reset(struct start *s)
{
  s->err = ERR_NONE;
  s->retry_after = 0;
  s->detail[0] = '\0';
  json_decref(s->extra);
  s->extra = NULL;
  json_decref(s->body);
  s->body = NULL;
  memset(&s->co, 0, sizeof s->co);
}

/* The 201 the request answers, kept for a replay with the same Idempotency-Key. */
static enum store_status finish_created(struct store_conn *c, struct start *s)
{
  struct collab_mail_state mail;
  enum store_status st = store_collab_invitation_mail(c, s->co.id, &mail);
  if (st != STORE_OK && st != STORE_NOT_FOUND)
    return st;
  s->body = collab_json(&s->co, st == STORE_OK ? &mail : NULL, util_now_ms());
  snprintf(s->location, sizeof s->location, "/v1/collaborations/%s", s->co.id);
  api_etag(s->co.version, s->etag, sizeof s->etag);
  return api_idem_finish(c, s->req, s->ik, 201, s->body, s->location, s->etag);
}

/* Refuses (429) when the caller already started --collaboration-create-limit collaborations or
 * office invitations in the last hour: each one sends an e-mail. */
static enum store_status check_creation_cap(struct store_conn *c, struct start *s)
{
  long limit = s->req->app->cfg->collab_create_limit, n = 0;
  if (limit <= 0)
    return STORE_OK;
  const int64_t hour_ms = 3600 * 1000, now = util_now_ms();
  char since[32], oldest[32] = "";
  collab_iso_ms(now - hour_ms, since, sizeof since);
  enum store_status st = store_collab_created_since(c, s->req->principal.id, since, &n, oldest);
  if (st != STORE_OK || n < limit)
    return st;
  int64_t oldest_ms = now;
  collab_parse_iso_ms(oldest, &oldest_ms);
  s->retry_after = (long)((oldest_ms + hour_ms - now + 999) / 1000);
  if (s->retry_after < 1)
    s->retry_after = 1;
  start_refuse(s, ERR_RATE_LIMITED, NULL,
               "You started %ld collaborations or office invitations in the last hour, and at "
               "most %ld per hour are allowed (each sends an e-mail); the next one is possible "
               "in %ld seconds",
               n, limit, s->retry_after);
  return STORE_OK;
}

/* Refuses when the office and the company already have an open collaboration (after
 * recording the expiry of one that lapsed). */
static enum store_status check_none_open(struct store_conn *c, struct start *s,
                                         const char *office_id, const char *company_id)
{
  struct collab *open = malloc(sizeof *open);
  if (!open)
    return STORE_ERROR;
  enum store_status st = store_collab_get_open(c, office_id, company_id, open);
  if (st == STORE_OK)
    st = collab_settle_expiry(c, open, util_now_ms());
  if (st == STORE_OK && collab_state_is_open(open->state))
    start_refuse(s, ERR_OPEN_COLLABORATION,
                 json_pack("{s:s, s:s}", "collaboration_id", open->id, "state",
                           collab_state_str(open->state)),
                 "The office already has an open collaboration with %s (%s): %s is %s",
                 open->company_name, open->corporate_id, open->id,
                 collab_state_str(open->state));
  free(open);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}

/* The fields every start shares; the caller fills the terms. */
static void fill_common(struct start *s, struct collab *co, const char *office_id,
                        const char *company_id)
{
  const struct config *cfg = s->req->app->cfg;
  util_uuid(co->id);
  snprintf(co->office_id, sizeof co->office_id, "%s", office_id);
  snprintf(co->company_id, sizeof co->company_id, "%s", company_id);
  co->state = COLLAB_INVITED;
  const char *lang = json_str_member(s->req->json, "language");
  snprintf(co->language, sizeof co->language, "%s", lang ? lang : "sv");
  snprintf(co->inviter_kind, sizeof co->inviter_kind, "%s",
           collab_actor_str(collab_actor_of(&s->req->principal)));
  snprintf(co->inviter_id, sizeof co->inviter_id, "%s", s->req->principal.id);
  co->keep_service = -1;
  co->expires_at_ms = util_now_ms() + (int64_t)cfg->invitation_ttl * 1000;
}

/* Inserts co with its first event and the invitation e-mail. */
static enum store_status insert_invitation(struct store_conn *c, struct start *s,
                                           json_t *details)
{
  struct collab *co = &s->co;
  if (!collab_new_link(s->req, co, s->hash)) {
    json_decref(details);
    return STORE_ERROR;
  }
  enum store_status st = store_collab_insert(c, co, s->hash);
  if (st == STORE_CONFLICT) {
    json_decref(details);
    start_refuse(s, ERR_OPEN_COLLABORATION, NULL,
                 "The office and the company already have an open collaboration");
    return STORE_ABORT;
  }
  if (st == STORE_OK)
    st = store_collab_get(c, co->id, co); /* the joined names for the e-mail */
  if (st != STORE_OK) {
    json_decref(details);
    return st;
  }
  const char *kind = collab_actor_str(collab_actor_of(&s->req->principal));
  st = collab_record(c, co, kind, s->req->principal.id, collab_event_str(COLLAB_EV_INVITE),
                     COLLAB_NONE, co->state, NULL, details, NULL);
  if (st == STORE_OK)
    st = collab_mail_invitation(c, co);
  return st == STORE_OK ? finish_created(c, s) : st;
}

/* ---- an office activates (ways 1-3) ---- */

static bool note_task(const struct task *t, void *arg)
{
  (void)t;
  *(bool *)arg = true;
  return false;
}

static enum store_status check_task(struct store_conn *c, struct start *s,
                                    const struct customer *cu, const char *task_id)
{
  if (!task_id) {
    bool any = false;
    struct task_filter f = {.office_id = cu->office_id, .customer_id = cu->id, .status = "open",
                            .limit = 1};
    enum store_status st = store_tasks_list(c, &f, note_task, &any);
    if (st != STORE_OK)
      return st;
    if (any)
      start_refuse(s, ERR_TASK_REQUIRED, NULL,
                   "A collaboration is activated through a task: choose one of the open tasks "
                   "of %s in task_id",
                   cu->name);
    else
      start_refuse(s, ERR_TASK_REQUIRED, NULL,
                   "%s has no open task; create one (POST /v1/customers/%s/tasks) and activate "
                   "the collaboration through it",
                   cu->name, cu->id);
    return STORE_OK;
  }
  struct task t;
  enum store_status st = store_task_get(c, cu->office_id, task_id, &t);
  if (st == STORE_NOT_FOUND || (st == STORE_OK && strcmp(t.customer_id, cu->id) != 0))
    start_refuse(s, ERR_TASK_REQUIRED, NULL, "%s has no task %s", cu->name, task_id);
  else if (st == STORE_OK && strcmp(t.status, "open") != 0)
    start_refuse(s, ERR_TASK_REQUIRED, NULL,
                 "Task %s is %s; a collaboration needs an open task of the customer", task_id,
                 t.status);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}

static json_t *field_errors(const struct collab_field_error *e, size_t n)
{
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(a, json_pack("{s:s, s:s}", "field", e[i].field, "message",
                                       e[i].message));
  return a;
}

/* Decides the terms with the domain's plan; false after refusing s. */
static bool plan_terms(struct start *s, const struct company *cp, const struct variant *current,
                       struct collab_activation *plan)
{
  json_t *body = s->req->json;
  struct collab_activation_request rq = {
      .relation = RELATION_NONE,
      .current = current,
      .sub_invoice_recipient = cp->has_subscription ? cp->sub.invoice_recipient : NULL,
      .sub_period_months = cp->has_subscription ? cp->sub.agreement_period_months : 0,
      .requested = s->has_requested ? &s->requested : NULL,
      .invoice_recipient = json_str_member(body, "invoice_recipient"),
      .period_months = (int)json_int_member(body, "agreement_period_months", 0),
      .has_administrator = json_object_get(body, "administrator") != NULL,
      .full_rights = s->req->principal.role == OFFICE_ROLE_FULL,
  };
  company_relation_parse(cp->relation, &rq.relation);
  struct collab_field_error errors[COLLAB_MAX_FIELD_ERRORS];
  size_t n = 0;
  switch (collab_activation_plan(&rq, plan, errors, &n)) {
  case COLLAB_ACTIVATION_OK:
    return true;
  case COLLAB_ACTIVATION_INVALID:
    start_refuse(s, ERR_VALIDATION, json_pack("{s:o}", "errors", field_errors(errors, n)),
                 "Invalid fields for a company whose relation to the vendor is %s: %s%s",
                 cp->relation, n ? errors[0].field : "", n > 1 ? " and more" : "");
    return false;
  case COLLAB_ACTIVATION_DOWNGRADE:
    start_refuse(s, ERR_DOWNGRADE_REQUIRES_SUPPORT,
                 json_pack("{s:s, s:s, s:s, s:s}", "from", current->code, "to",
                           s->requested.code, "kind", "downgrade", "contact", "support"),
                 "%s subscribes to %s; proposing %s is a downgrade: the customer may lose "
                 "accounting data and the company will be reset. An office cannot do this; "
                 "contact support",
                 cp->name, current->code, s->requested.code);
    return false;
  case COLLAB_ACTIVATION_NEEDS_FULL_RIGHTS:
    start_refuse(s, ERR_FORBIDDEN, NULL,
                 "Choosing the variant, invoice recipient or agreement period needs an office "
                 "user with full rights; a limited user can activate a subscriber in its "
                 "current variant only");
    return false;
  }
  return false;
}

/* Way 3: the administrator named in the request becomes co->administrator_id. An
 * administrator of the company with that e-mail (from an earlier invitation that was withdrawn,
 * declined or expired) is reused as it is; otherwise one is created, the main contact when the
 * company has none. *created tells which. */
static enum store_status take_administrator(struct store_conn *c, const char *company_id,
                                            json_t *ad, struct collab *co, bool *created)
{
  struct customer_admin admin;
  const char *email = json_str_member(ad, "email");
  enum store_status st = store_customer_admin_get_by_email(c, company_id, email, &admin);
  *created = st == STORE_NOT_FOUND;
  if (*created) {
    struct customer_admin main_contact;
    enum store_status mc = store_customer_admin_main_contact(c, company_id, &main_contact);
    if (mc != STORE_OK && mc != STORE_NOT_FOUND)
      return mc;
    st = store_customer_admin_create(c, company_id, json_str_member(ad, "name"), email,
                                     json_str_member(ad, "phone"), mc == STORE_NOT_FOUND,
                                     &admin);
  }
  if (st == STORE_OK)
    snprintf(co->administrator_id, sizeof co->administrator_id, "%s", admin.id);
  return st;
}

static enum store_status activate_tx(struct store_conn *c, void *arg)
{
  struct start *s = arg;
  start_reset(s);
  const struct principal *p = &s->req->principal;
  struct customer *cu = malloc(sizeof *cu);
  if (!cu)
    return STORE_ERROR;
  enum store_status st = store_customer_get(c, p->office_id, s->customer_id, cu);
  if (st == STORE_NOT_FOUND) {
    start_refuse(s, ERR_NOT_FOUND, NULL, "No customer %s in your register", s->customer_id);
    st = STORE_OK;
    goto cleanup;
  }
  if (st != STORE_OK || (st = check_creation_cap(c, s)) != STORE_OK || s->err != ERR_NONE)
    goto cleanup;
  const struct company *cp = &cu->company;
  if ((st = check_task(c, s, cu, json_str_member(s->req->json, "task_id"))) != STORE_OK ||
      s->err != ERR_NONE)
    goto cleanup;
  if ((st = check_none_open(c, s, p->office_id, cp->id)) != STORE_OK || s->err != ERR_NONE)
    goto cleanup;
  struct variant current;
  if (cp->has_subscription && (st = store_variant_get(c, cp->sub.variant, &current)) != STORE_OK)
    goto cleanup;
  struct collab_activation plan;
  if (!plan_terms(s, cp, cp->has_subscription ? &current : NULL, &plan))
    goto cleanup;
  struct collab *co = &s->co;
  fill_common(s, co, p->office_id, cp->id);
  if (!plan.creates_administrator) {
    /* ways 1-2: the invitation and its link go to the company's main contact on the portal,
     * the one who can approve; never to an address the office keeps in its register */
    struct customer_admin main_contact;
    st = collab_invitee_admin(c, co, &main_contact);
    if (st == STORE_NOT_FOUND) {
      start_refuse(s, ERR_CUSTOMER_ADMIN_REQUIRED, NULL,
                   "%s (%s) has no administrator on the customer portal who can approve the "
                   "collaboration; support can add one (the first becomes the main contact, who "
                   "gets the invitation)",
                   cp->name, cp->corporate_id);
      st = STORE_OK;
    }
    if (st != STORE_OK || s->err != ERR_NONE)
      goto cleanup;
  }
  snprintf(co->customer_id, sizeof co->customer_id, "%s", cu->id);
  snprintf(co->task_id, sizeof co->task_id, "%s", json_str_member(s->req->json, "task_id"));
  snprintf(co->variant, sizeof co->variant, "%s", plan.variant);
  snprintf(co->invoice_recipient, sizeof co->invoice_recipient, "%s", plan.invoice_recipient);
  co->agreement_period_months = plan.period_months;
  co->agreement_continues = plan.agreement_continues;
  co->initiated_by = COLLAB_BY_OFFICE;
  co->way = plan.way;
  bool created_admin = false;
  if (plan.creates_administrator &&
      (st = take_administrator(c, cp->id, json_object_get(s->req->json, "administrator"), co,
                               &created_admin)) != STORE_OK)
    goto cleanup;
  json_t *details = json_pack("{s:s, s:s, s:s, s:i, s:b, s:b, s:s}", "way", collab_way_str(co->way),
                              "variant", co->variant, "invoice_recipient", co->invoice_recipient,
                              "agreement_period_months", co->agreement_period_months,
                              "upgrade", plan.upgrade, "agreement_continues",
                              plan.agreement_continues, "task_id", co->task_id);
  if (plan.creates_administrator) {
    json_object_set_new(details, "administrator_id", json_string(co->administrator_id));
    json_object_set_new(details, "administrator_created", json_boolean(created_admin));
  }
  st = insert_invitation(c, s, details);
cleanup:
  free(cu);
  if (st == STORE_OK && s->err != ERR_NONE)
    return STORE_ABORT; /* nothing of a refused start is kept */
  return st;
}

static enum MHD_Result start_reply(struct start *s, enum store_status st)
{
  struct request *req = s->req;
  enum MHD_Result r;
  if (s->err != ERR_NONE || st != STORE_OK)
    api_idem_abandon(req, s->ik);
  if (s->err != ERR_NONE) {
    if (s->retry_after > 0) {
      char secs[24];
      snprintf(secs, sizeof secs, "%ld", s->retry_after);
      http_add_header(req, "Retry-After", secs);
    }
    r = reply_problem_extra(req, s->err, s->extra, "%s", s->detail);
    s->extra = NULL;
  } else if (st != STORE_OK) {
    r = api_store_failure(req, st, "collaboration");
  } else {
    mailer_wake(req->app->mailer);
    http_add_header(req, "Location", s->location);
    r = reply_json_etag(req, 201, s->body, s->etag);
    s->body = NULL;
  }
  json_decref(s->extra);
  json_decref(s->body);
  free(s);
  return r;
}

/* Reserves the request's Idempotency-Key; true after answering (a replay or a refusal). */
static bool begin_idem(struct request *req, struct start *s, struct idem *ik, enum MHD_Result *r)
{
  s->ik = ik;
  if (!api_idem_begin(req, ik, r))
    return false;
  free(s);
  return true;
}

/* Reserves the Idempotency-Key, runs tx in one transaction and answers; frees s. */
static enum MHD_Result run_start(struct start *s, store_tx_fn tx)
{
  enum MHD_Result r;
  struct idem ik;
  if (begin_idem(s->req, s, &ik, &r))
    return r;
  enum store_status st = store_write(s->req->app->store, tx, s);
  if (st != STORE_OK && st != STORE_ABORT)
    s->err = ERR_NONE; /* the store failed, whatever an earlier attempt had decided */
  if (st == STORE_ABORT && s->err != ERR_NONE)
    st = STORE_OK;
  return start_reply(s, st);
}

/* Checks the variant named in the body; false after answering 400. */
static bool load_requested(struct request *req, struct start *s, enum MHD_Result *r)
{
  const char *code = json_str_member(req->json, "variant");
  if (!code)
    return true;
  s->has_requested = api_variant_lookup(req, code, "variant", &s->requested, r);
  return s->has_requested;
}

enum MHD_Result api_collab_create(struct request *req)
{
  enum MHD_Result r;
  if (!validate_body(req, activate_fields, &r))
    return r;
  const char *customer_id = http_param(req, "id");
  if (!util_is_uuid(customer_id))
    return reply_problem(req, ERR_BAD_PATH_PARAM, "The customer id must be a UUID");
  struct start *s = calloc(1, sizeof *s);
  if (!s)
    return reply_problem(req, ERR_INTERNAL, "Out of memory");
  s->req = req;
  s->customer_id = customer_id;
  if (!load_requested(req, s, &r)) {
    free(s);
    return r;
  }
  return run_start(s, activate_tx);
}

/* ---- a customer administrator invites an office (way 4) ---- */

static const struct field_spec office_invite_fields[] = {
    {.name = "office_corporate_id", .type = FIELD_STRING, .required = true, .min_len = 10,
     .max_len = 13, .check = corporate_id_check},
    {.name = "variant", .type = FIELD_STRING, .min_len = 1, .max_len = 32},
    {.name = "agreement_period_months", .type = FIELD_INT, .allowed = periods},
    {.name = "language", .type = FIELD_ENUM, .allowed = languages},
    {0},
};

/* Way 4's terms: the customer pays; a subscriber keeps its agreement (payer included) and may
 * only go up. */
static bool invite_terms(struct store_conn *c, struct start *s, const struct company *cp,
                         struct collab *co, enum store_status *st)
{
  int period = (int)json_int_member(s->req->json, "agreement_period_months", 0);
  snprintf(co->invoice_recipient, sizeof co->invoice_recipient, "%s",
           cp->has_subscription ? cp->sub.invoice_recipient : "customer");
  if (!cp->has_subscription) {
    if (!s->has_requested) {
      start_refuse(s, ERR_VALIDATION,
                   json_pack("{s:[{s:s, s:s}]}", "errors", "field", "variant", "message",
                             "required: the company has no subscription, so choose the variant"),
                   "Invalid field: variant");
      return false;
    }
    snprintf(co->variant, sizeof co->variant, "%s", s->requested.code);
    co->agreement_period_months = period ? period : 12;
    return true;
  }
  if (period && period != cp->sub.agreement_period_months) {
    start_refuse(s, ERR_VALIDATION,
                 json_pack("{s:[{s:s, s:s}]}", "errors", "field", "agreement_period_months",
                           "message", "the company's existing agreement continues; leave the "
                                      "period out"),
                 "Invalid field: agreement_period_months");
    return false;
  }
  co->agreement_period_months = cp->sub.agreement_period_months;
  co->agreement_continues = true;
  snprintf(co->variant, sizeof co->variant, "%s", cp->sub.variant);
  if (!s->has_requested)
    return true;
  struct variant current;
  if ((*st = store_variant_get(c, cp->sub.variant, &current)) != STORE_OK)
    return false;
  struct variant_change ch;
  variant_compare(&current, &s->requested, &ch);
  if (ch.kind == VARIANT_DOWNGRADE) {
    start_refuse(s, ERR_DOWNGRADE_REQUIRES_SUPPORT,
                 json_pack("{s:s, s:s, s:s, s:s}", "from", current.code, "to", s->requested.code,
                           "kind", "downgrade", "contact", "support"),
                 "The company subscribes to %s; %s is a downgrade that may lose accounting data "
                 "and resets the company; contact support",
                 current.code, s->requested.code);
    return false;
  }
  snprintf(co->variant, sizeof co->variant, "%s", s->requested.code);
  return true;
}

static enum store_status office_invite_tx(struct store_conn *c, void *arg)
{
  struct start *s = arg;
  start_reset(s);
  const struct principal *p = &s->req->principal;
  struct company *cp = malloc(sizeof *cp);
  struct customer *cu = malloc(sizeof *cu);
  enum store_status st = STORE_ERROR;
  if (!cp || !cu)
    goto cleanup;
  if ((st = check_creation_cap(c, s)) != STORE_OK || s->err != ERR_NONE)
    goto cleanup;
  if ((st = store_company_get(c, p->company_id, cp)) != STORE_OK)
    goto cleanup;
  struct office of;
  st = store_office_get_by_corporate_id(c, s->office_cid, &of);
  if (st == STORE_NOT_FOUND) {
    start_refuse(s, ERR_UNPROCESSABLE, NULL,
                 "No accounting office with corporate ID %s works with the service",
                 s->office_cid);
    st = STORE_OK;
    goto cleanup;
  }
  if (st != STORE_OK)
    goto cleanup;
  if ((st = check_none_open(c, s, of.id, cp->id)) != STORE_OK || s->err != ERR_NONE)
    goto cleanup;
  struct collab *co = &s->co;
  fill_common(s, co, of.id, cp->id);
  co->initiated_by = COLLAB_BY_CUSTOMER;
  co->way = COLLAB_WAY_CUSTOMER_INVITE;
  st = STORE_OK;
  if (!invite_terms(c, s, cp, co, &st))
    goto cleanup;
  st = store_customer_get_by_company(c, of.id, cp->id, cu);
  if (st == STORE_OK)
    snprintf(co->customer_id, sizeof co->customer_id, "%s", cu->id);
  else if (st != STORE_NOT_FOUND)
    goto cleanup;
  st = insert_invitation(c, s,
                         json_pack("{s:s, s:s, s:s, s:i, s:b}", "way", collab_way_str(co->way),
                                   "variant", co->variant, "invoice_recipient",
                                   co->invoice_recipient, "agreement_period_months",
                                   co->agreement_period_months, "agreement_continues",
                                   co->agreement_continues));
cleanup:
  free(cp);
  free(cu);
  if (st == STORE_OK && s->err != ERR_NONE)
    return STORE_ABORT;
  return st;
}

enum MHD_Result api_office_invitation_create(struct request *req)
{
  enum MHD_Result r;
  if (!validate_body(req, office_invite_fields, &r))
    return r;
  struct start *s = calloc(1, sizeof *s);
  if (!s)
    return reply_problem(req, ERR_INTERNAL, "Out of memory");
  char cid[CORPORATE_ID_LEN];
  corporate_id_normalize(json_str_member(req->json, "office_corporate_id"), cid, NULL);
  s->req = req;
  s->office_cid = cid;
  if (!load_requested(req, s, &r)) {
    free(s);
    return r;
  }
  return run_start(s, office_invite_tx);
}
