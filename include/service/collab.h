/* service/collab.h - the collaboration use cases: starting one (an office activates, a customer
 * invites an office), every action on one (by its id, or through an invitation link), reading
 * them, and the expiry sweep. Each takes a typed input that api/ parsed from the request and
 * never sees the request; each answers STORE_OK with either the result or a refusal
 * (service/refusal.h), or the store's failure. Strings in the inputs are borrowed for the
 * call. */
#ifndef ADVISORD_SERVICE_COLLAB_H
#define ADVISORD_SERVICE_COLLAB_H

#include <jansson.h>
#include <stdbool.h>

#include "app.h"
#include "principal.h"
#include "service/refusal.h"
#include "store_collab.h"

/* A way-3 administrator as the office names it; name NULL: none given. */
struct collab_admin_in {
  const char *name, *email, *phone;
};

/* One action on one collaboration. Absent members: NULL, or -1 for the flags, 0 for the
 * period. */
struct collab_action_in {
  const struct principal *caller; /* NULL: through the invitation link token */
  const char *id;                 /* the collaboration (a UUID), when caller is given */
  const char *token;              /* the invitation link's token, when caller is NULL */
  const char *if_match;           /* the If-Match the caller sent, or NULL */
  const char *reason;             /* decline, withdraw, end, renewal, variant, decision */
  const char *corporate_id, *email, *terms_version; /* accept (way 4) */
  const char *task_id;            /* activate (way 4); a change of task */
  int keep_service;               /* end (customer), service decision */
  const char *variant;            /* a variant change */
  int confirm_company_reset;      /* a downgrade by support */
  const char *invoice_recipient;  /* a change of terms */
  int period_months;              /* a change of terms */
  const char *starts_on;          /* a scheduled start moved ("YYYY-MM-DD"), or with
                                     starts_on_given and NULL: cleared */
  int starts_on_given;
  struct collab_admin_in administrator; /* way 3: a corrected administrator */
};
/* An input with nothing in it but the caller (or token) and id. */
#define COLLAB_ACTION_IN_INIT {.keep_service = -1, .confirm_company_reset = -1}

/* What an action or a read leaves: a refusal, or the collaboration as it is now with the state
 * of its invitation e-mail (has_mail false: none, or read through a link). */
struct collab_outcome {
  struct refusal refusal;
  struct collab co;
  struct collab_mail_state mail;
  bool has_mail;
};
/* Frees what out owns (its refusal's members). */
void collab_outcome_clear(struct collab_outcome *out);

typedef enum store_status (*collab_action_fn)(const struct app *app,
                                              const struct collab_action_in *in,
                                              struct collab_outcome *out);
/* The customer approves (ways 1-3) and the service is provisioned: active. */
enum store_status collab_approve(const struct app *app, const struct collab_action_in *in,
                                 struct collab_outcome *out);
/* The office accepts a customer's invitation (way 4) with its corporate ID, e-mail and the
 * terms version; a wrong answer counts (COLLAB_MAX_ACCEPT_ATTEMPTS). */
enum store_status collab_accept(const struct app *app, const struct collab_action_in *in,
                                struct collab_outcome *out);
/* The office connects a task (way 4): active. */
enum store_status collab_activate(const struct app *app, const struct collab_action_in *in,
                                  struct collab_outcome *out);
enum store_status collab_decline(const struct app *app, const struct collab_action_in *in,
                                 struct collab_outcome *out);
enum store_status collab_withdraw(const struct app *app, const struct collab_action_in *in,
                                  struct collab_outcome *out);
/* The invitation again, with new links and a fresh expiry; limited in rate. */
enum store_status collab_remind(const struct app *app, const struct collab_action_in *in,
                                struct collab_outcome *out);
/* The invitee asks the inviter for a new invitation after expiry (once). */
enum store_status collab_request_renewal(const struct app *app,
                                         const struct collab_action_in *in,
                                         struct collab_outcome *out);
/* Either party ends it; the customer decides about the service (keep_service). */
enum store_status collab_end(const struct app *app, const struct collab_action_in *in,
                             struct collab_outcome *out);
/* After the office ended an active one: the customer keeps or drops the service. */
enum store_status collab_decide_service(const struct app *app,
                                        const struct collab_action_in *in,
                                        struct collab_outcome *out);
/* The company's variant changes through the collaboration (the variant rule). */
enum store_status collab_variant_change_run(const struct app *app,
                                            const struct collab_action_in *in,
                                            struct collab_outcome *out);
/* Changes of task, administrator (way 3), terms and variant, each its own event, together. */
enum store_status collab_patch(const struct app *app, const struct collab_action_in *in,
                               struct collab_outcome *out);

/* ---- starting one ---- */

/* Called inside the starting transaction with the new collaboration (and its invitation
 * e-mail's state, or NULL): api/ keeps its 201 for a replay of the Idempotency-Key. Must be
 * restartable. */
typedef enum store_status (*collab_created_fn)(struct store_conn *c, const struct collab *co,
                                               const struct collab_mail_state *mail, void *arg);
struct collab_start_in {
  const struct principal *caller;
  const char *customer_id;         /* an office activates: the customer in its register */
  const char *office_corporate_id; /* a customer invites: the office's corporate ID */
  const char *task_id, *variant, *invoice_recipient, *language;
  const char *starts_on;           /* a scheduled start, "YYYY-MM-DD" (valid); NULL: none */
  int period_months;               /* 0: absent */
  struct collab_admin_in administrator; /* way 3 */
  bool in_batch;                   /* a row of a batch: the batch counted against the creation
                                      cap when it was uploaded, not the row */
  collab_created_fn created;       /* may be NULL */
  void *created_arg;
};
/* Called once a start's write transaction is over: STORE_OK with out filled (the new
 * collaboration, or a refusal), or the store's failure. */
typedef void (*collab_started_fn)(enum store_status st, void *arg);
/* An office activates a collaboration with its customer (ways 1-3), without waiting for the
 * commit: the write joins the store's queue (store_write_async) and done(status, arg) is called
 * after the commit that holds it, on the store's writer thread (or on this thread, with an
 * engine that has no queue, before this returns). in (and what it points to), out and arg must
 * live until then; in->created runs inside the transaction on that thread. */
void collab_office_activates(const struct app *app, const struct collab_start_in *in,
                             struct collab_outcome *out, collab_started_fn done, void *arg);
/* A customer administrator invites an office (way 4); the same way. */
void collab_invite_office(const struct app *app, const struct collab_start_in *in,
                          struct collab_outcome *out, collab_started_fn done, void *arg);

/* ---- reading ---- */

/* The collaboration id as caller may see it (404 refusal otherwise), for showing: out->co is
 * a view (store_collab_get_with_mail: the members only changes use are left empty). */
enum store_status collab_read(const struct app *app, const struct principal *caller,
                              const char *id, struct collab_outcome *out);
/* The collaboration of an invitation link's token (404 refusal when none). */
enum store_status collab_read_by_link(const struct app *app, const char *token,
                                      struct collab_outcome *out);

/* A list of the collaborations the caller may see (an office user: its office's; a customer
 * administrator: its company's; support and admin: all), newest first. */
struct collab_list_in {
  const struct principal *caller;
  const char *customer_id;        /* the office's customer in its register: its company's
                                     collaborations with the office (404 refusal when none);
                                     NULL: every one the caller may see */
  const char *state, *variant, *task_id, *initiated_by, *of_customer; /* filters; NULL: any */
  const char *after_created_at, *after_id; /* the cursor; NULL: the first page */
  int limit;
};
/* One row of a list: a collaboration and its invitation e-mail's state (NULL: none). */
typedef void (*collab_row_fn)(const struct collab *co, const struct collab_mail_state *mail,
                              void *arg);
/* Calls fn for each collaboration of the page; *more: a next page exists. A variant that does
 * not exist is refused (400 naming "variant"). */
enum store_status collab_list(const struct app *app, const struct collab_list_in *in,
                              collab_row_fn fn, void *arg, bool *more, struct refusal *rf);
/* The history of the collaboration id as caller may see it (404 refusal otherwise): the
 * events after seq after, at most limit, oldest first; *more: further ones exist. */
enum store_status collab_history(const struct app *app, const struct principal *caller,
                                 const char *id, int64_t after, int limit,
                                 store_collab_event_fn fn, void *arg, bool *more,
                                 struct refusal *rf);

#endif
