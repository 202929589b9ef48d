/* service/register.h - an office's register: its customers and their tasks. Each use case
 * takes a typed input that api/ parsed from the request (strings borrowed for the call) and
 * answers STORE_OK with the result or a refusal (service/refusal.h), or the store's failure.
 * Every lookup is scoped to the caller's office. */
#ifndef ADVISORD_SERVICE_REGISTER_H
#define ADVISORD_SERVICE_REGISTER_H

#include "app.h"
#include "principal.h"
#include "service/refusal.h"
#include "store_register.h"

/* Called inside a creating transaction with what it created (a struct customer, task, ...):
 * api/ keeps its 201 for a replay of the Idempotency-Key. Must be restartable. */
struct created_hook {
  enum store_status (*fn)(struct store_conn *c, const void *created, void *arg);
  void *arg;
};

struct customer_in {
  const struct principal *caller; /* an office user */
  const char *id;                 /* update, delete: the customer */
  const char *if_match;           /* update, delete: the If-Match sent, or NULL */
  const char *corporate_id;       /* create */
  const char *company_name;       /* create: the company's own name, when new to the vendor */
  const char *name, *email;       /* NULL: unchanged */
  const char *notes;              /* with notes_given: NULL clears them */
  int notes_given;
  struct created_hook created;    /* create */
};
struct customer_out {
  struct refusal refusal;
  struct customer cu;             /* created or updated */
};
enum store_status customer_create(const struct app *app, const struct customer_in *in,
                                  struct customer_out *out);
/* customer_create inside the caller's write transaction c (a batch's row); a refusal in out
 * returns STORE_ABORT. */
enum store_status customer_create_within(struct store_conn *c, const struct customer_in *in,
                                         struct customer_out *out);
enum store_status customer_update(const struct app *app, const struct customer_in *in,
                                  struct customer_out *out);
/* Refused while the customer has an open collaboration or history that refers to it. */
enum store_status customer_delete(const struct app *app, const struct customer_in *in,
                                  struct customer_out *out);

struct task_in {
  const struct principal *caller; /* an office user */
  const char *customer_id;        /* create: the task's customer */
  const char *id;                 /* update: the task */
  const char *if_match;           /* update */
  const char *name, *status;      /* NULL: unchanged (create: status "open") */
  const char *assignee_id;        /* with assignee_given: NULL clears it */
  int assignee_given;
  struct created_hook created;    /* create */
};
struct task_out {
  struct refusal refusal;
  struct task t;
};
enum store_status task_create(const struct app *app, const struct task_in *in,
                              struct task_out *out);
/* task_create inside the caller's write transaction c (a batch's row). */
enum store_status task_create_within(struct store_conn *c, const struct task_in *in,
                                     struct task_out *out);
enum store_status task_update(const struct app *app, const struct task_in *in,
                              struct task_out *out);

/* ---- reading the register, scoped to the caller's office ---- */
/* NOT_FOUND: the office has no such customer. */
enum store_status customer_read(const struct app *app, const struct principal *caller,
                                const char *id, struct customer *out);
/* The page f asks for (its office_id becomes the caller's office). */
enum store_status customer_page(const struct app *app, const struct principal *caller,
                                struct customer_filter *f,
                                bool (*fn)(const struct customer *cu, void *arg), void *arg);
/* NOT_FOUND: the office has no such task. */
enum store_status task_read(const struct app *app, const struct principal *caller,
                            const char *id, struct task *out);
/* The page of f->customer_id's tasks f asks for (its office_id becomes the caller's office).
 * NOT_FOUND: the office has no such customer. */
enum store_status task_page(const struct app *app, const struct principal *caller,
                            struct task_filter *f, bool (*fn)(const struct task *t, void *arg),
                            void *arg);

/* The vendor's company records (support and administrators). */
struct company_sub_in {
  const char *variant, *invoice_recipient, *starts_on, *renews_on; /* variant NULL: none sent */
  int period_months;
};
struct company_in {
  const char *corporate_id;       /* create: as given; update: the company's, normalised */
  const char *if_match;           /* update */
  const char *name, *relation;    /* NULL: unchanged */
  struct company_sub_in subscription;
  int subscription_given;         /* the member was sent: without a variant, as null (drop) */
  struct created_hook created;    /* create */
};
struct company_out {
  struct refusal refusal;
  struct company co;
};
/* A subscriber has a subscription, no one else has one; refusals name the field. */
enum store_status company_create(const struct app *app, const struct company_in *in,
                                 struct company_out *out);
/* While a collaboration with an office is open, the relation and subscription change only
 * through a collaboration (refused here; the name may change). */
enum store_status company_update(const struct app *app, const struct company_in *in,
                                 struct company_out *out);
/* The company with corporate_id (normalised) as caller may see it: a customer administrator
 * only its own (NOT_FOUND for any other). */
enum store_status company_read(const struct app *app, const struct principal *caller,
                               const char *corporate_id, struct company *out);

#endif
