/* collab_start.h - what the two ways a collaboration starts share (collab_start.c): an office
 * activating (collaborations.c) and a customer inviting an office (office_invitations.c): the
 * start in progress, its refusals, the creation cap, the one-open rule, the common fields, the
 * insert with its event and e-mails, and the run with its Idempotency-Key and reply. */
#ifndef ADVISORD_API_COLLAB_START_H
#define ADVISORD_API_COLLAB_START_H

#include "collab_api.h"
#include "domain/variant.h"

extern const char *const collab_languages[]; /* "sv", "en" */
extern const char *const collab_periods[];   /* "3", "12" */

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
};

/* Sets s's refusal (err, printf-made detail; extra: problem members, reference stolen). */
void collab_start_refuse(struct start *s, enum err_code err, json_t *extra, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Back to the input: the transaction may run more than once. */
void collab_start_reset(struct start *s);
/* Refuses (429) when the caller started --collaboration-create-limit collaborations or office
 * invitations in the last hour. */
enum store_status collab_check_creation_cap(struct store_conn *c, struct start *s);
/* Refuses when office and company already have an open collaboration. */
enum store_status collab_check_none_open(struct store_conn *c, struct start *s,
                                         const char *office_id, const char *company_id);
/* The fields every start shares; the caller fills the terms. */
void collab_fill_common(struct start *s, struct collab *co, const char *office_id,
                        const char *company_id);
/* Inserts s->co with its first event (details: stolen) and the invitation e-mails, and keeps
 * the 201 for a replay. */
enum store_status collab_insert_invitation(struct store_conn *c, struct start *s,
                                           json_t *details);
/* Reserves the Idempotency-Key, runs tx in one transaction and answers; frees s. */
enum MHD_Result collab_run_start(struct start *s, store_tx_fn tx);
/* Checks the variant named in the body into s->requested; false after answering 400. */
bool collab_load_requested(struct request *req, struct start *s, enum MHD_Result *r);

#endif
