/* store_register.h - an office's customer register and its tasks. Every lookup is scoped to
 * the calling office (office_id): another office's row is STORE_NOT_FOUND, exactly like a
 * missing one. Writes join the caller's transaction (call them inside store_write()).
 * Records are plain structs with fixed buffers: nothing to free. */
#ifndef ADVISORD_STORE_REGISTER_H
#define ADVISORD_STORE_REGISTER_H

#include <stdbool.h>
#include <stdint.h>

#include "store_identity.h"

#define STORE_NOTES_LEN 8001 /* 2000 characters of UTF-8 + NUL */

struct customer {
  char id[STORE_ID_LEN];
  char office_id[STORE_ID_LEN];
  char company_id[STORE_ID_LEN];
  char name[STORE_NAME_LEN];   /* the office's own name for the company */
  char email[STORE_EMAIL_LEN]; /* contact e-mail */
  bool has_notes;
  char notes[STORE_NOTES_LEN];
  int64_t version;
  char created_at[STORE_TIME_LEN];
  char updated_at[STORE_TIME_LEN];
  bool has_open_collaboration; /* an invited, approved or active one; filled by every read
                               * but store_customer_get_no_open */
  struct company company;      /* filled by every read */
};

struct task {
  char id[STORE_ID_LEN];
  char office_id[STORE_ID_LEN];
  char customer_id[STORE_ID_LEN];
  char name[STORE_NAME_LEN];
  char assignee_id[STORE_ID_LEN]; /* an office user; empty when none */
  char status[8];                 /* "open" | "closed" */
  int64_t version;
  char created_at[STORE_TIME_LEN];
  char updated_at[STORE_TIME_LEN];
};

/* ---- customers ---- */
/* Inserts cu (office_id, company_id, name, email, notes set); fills id, version, times and
 * cu->company. CONFLICT: the office already has that company as a customer. */
enum store_status store_customer_create(struct store_conn *c, struct customer *cu);
/* The office's customer by id. */
enum store_status store_customer_get(struct store_conn *c, const char *office_id,
                                     const char *id, struct customer *out);
/* As store_customer_get, but has_open_collaboration is not read (false): for a caller that
 * does not use it (an activation looks for the open collaboration itself). */
enum store_status store_customer_get_no_open(struct store_conn *c, const char *office_id,
                                             const char *id, struct customer *out);
/* The office's customer entry for a company. */
enum store_status store_customer_get_by_company(struct store_conn *c, const char *office_id,
                                                const char *company_id, struct customer *out);
/* Writes cu's name, email and notes when the stored version is still expected_version; bumps
 * the version (cu->version, updated_at refreshed). CONFLICT: the version moved on. */
enum store_status store_customer_update(struct store_conn *c, struct customer *cu,
                                        int64_t expected_version);
/* Deletes the office's customer and its tasks. NOT_FOUND; CONFLICT when other records
 * (collaborations) still refer to it. Check has_open_collaboration (read in the same
 * transaction) first. */
enum store_status store_customer_delete(struct store_conn *c, const char *office_id,
                                        const char *id);

struct customer_filter {
  const char *office_id;        /* required */
  const char *q;                /* substring of the name or corporate ID; NULL: any */
  int has_open_collaboration;   /* -1 any, 0 without, 1 with */
  const char *task_status;      /* "open"/"closed": has a task in that status; NULL: any */
  const char *after_name;       /* keyset cursor: rows after (after_name, after_id) */
  const char *after_id;
  int limit;
};
/* Calls fn for each matching customer in (name, id) order, at most f->limit of them; fn
 * returns false to stop early. */
enum store_status store_customers_list(struct store_conn *c, const struct customer_filter *f,
                                       bool (*fn)(const struct customer *cu, void *arg),
                                       void *arg);

/* ---- tasks ---- */
/* Inserts t (office_id, customer_id, name, assignee_id or "", status set); fills id,
 * version and times. The caller checks that the customer and assignee are the office's. */
enum store_status store_task_create(struct store_conn *c, struct task *t);
/* The office's task by id. */
enum store_status store_task_get(struct store_conn *c, const char *office_id, const char *id,
                                 struct task *out);
/* Writes t's name, assignee and status when the stored version is still expected_version. */
enum store_status store_task_update(struct store_conn *c, struct task *t,
                                    int64_t expected_version);

struct task_filter {
  const char *office_id;   /* required */
  const char *customer_id; /* required */
  const char *status;      /* NULL: any */
  const char *after_created, *after_id; /* keyset cursor */
  int limit;
};
/* Calls fn for each matching task in (created_at, id) order, at most f->limit. */
enum store_status store_tasks_list(struct store_conn *c, const struct task_filter *f,
                                   bool (*fn)(const struct task *t, void *arg), void *arg);

#endif
