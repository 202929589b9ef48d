/* store_audit.h - the audit log: appended inside the transaction of the change it records,
 * read newest first by the office or company it belongs to. Records are plain structs with
 * fixed buffers: nothing to free. */
#ifndef ADVISORD_STORE_AUDIT_H
#define ADVISORD_STORE_AUDIT_H

#include <stdbool.h>

#include "store_identity.h"

struct audit_event {
  long long seq;                    /* the order events were recorded in */
  char id[STORE_ID_LEN];
  char at[STORE_TIME_LEN];
  char office_id[STORE_ID_LEN];     /* empty: not an office's */
  char company_id[STORE_ID_LEN];    /* empty: not a company's */
  char actor_kind[24];
  char actor_id[STORE_ID_LEN];
  char actor_email[STORE_EMAIL_LEN];
  char action[24];                  /* sign_in, sign_out, session_ended, user_added, ... */
  char subject_kind[24];            /* empty when none */
  char subject_id[STORE_ID_LEN];
  char subject_label[STORE_NAME_LEN];
  char detail[64];
};

/* Appends e (id and at are filled here). */
enum store_status store_audit_add(struct store_conn *c, struct audit_event *e);
/* The events of the office (office_id) or the company (company_id; the other NULL), newest
 * first, those recorded before seq before_seq when it is positive, at most limit; fn returns
 * false to stop. */
enum store_status store_audit_list(struct store_conn *c, const char *office_id,
                                   const char *company_id, long long before_seq, int limit,
                                   bool (*fn)(const struct audit_event *e, void *arg),
                                   void *arg);

#endif
