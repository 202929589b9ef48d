/* store_webhooks.h - webhook endpoints (an office's or a company's) and their deliveries: one
 * row per event and endpoint, written in the event's transaction, claimed by the webhook
 * worker with a lease, sent in order per endpoint and collaboration. Ids and times come from
 * the caller (service/webhooks.c); the signing secrets are derived, never stored. */
#ifndef ADVISORD_STORE_WEBHOOKS_H
#define ADVISORD_STORE_WEBHOOKS_H

#include <stdbool.h>
#include <stdint.h>

#include "store_identity.h"

#define WEBHOOK_URL_LEN 2049     /* 2048 bytes + NUL */
#define WEBHOOK_EVENTS_LEN 1024  /* ",type,type,..." or "*" */
#define WEBHOOK_DESC_LEN 2001   /* 500 characters of UTF-8 + NUL (the API's limit) */
#define WEBHOOK_NONCE_LEN 48
#define WEBHOOK_ERROR_LEN 400
#define WEBHOOK_TYPE_LEN 64

struct webhook {
  char id[STORE_ID_LEN];
  char office_id[STORE_ID_LEN];  /* one of office_id and company_id is set */
  char company_id[STORE_ID_LEN];
  char created_by_kind[24];
  char created_by_id[STORE_ID_LEN];
  char owner_email[STORE_EMAIL_LEN];
  char url[WEBHOOK_URL_LEN];
  char events[WEBHOOK_EVENTS_LEN];
  char description[WEBHOOK_DESC_LEN];
  bool enabled;
  char disabled_reason[200];
  char secret_nonce[WEBHOOK_NONCE_LEN];
  char old_secret_nonce[WEBHOOK_NONCE_LEN]; /* empty: no rotation under way */
  int64_t old_valid_until_ms;
  int64_t failing_since_ms;                 /* 0: not failing */
  char created_at[STORE_TIME_LEN];
  char updated_at[STORE_TIME_LEN];
  char language[3]; /* of the e-mail that tells the owner it was disabled: sv or en */
};

struct webhook_delivery {
  char id[STORE_ID_LEN];
  int64_t seq;
  char webhook_id[STORE_ID_LEN];
  char event_id[STORE_ID_LEN];
  char event_type[WEBHOOK_TYPE_LEN];
  char collaboration_id[STORE_ID_LEN]; /* empty for a ping */
  char status[12];                     /* pending | delivered | failed */
  int attempts;
  int64_t next_attempt_ms;
  int response_code;                   /* 0: no answer yet */
  char last_error[WEBHOOK_ERROR_LEN];
  int64_t created_ms;
  char created_at[STORE_TIME_LEN];
  char delivered_at[STORE_TIME_LEN];   /* empty until delivered */
  char *payload;                       /* filled by store_webhook_claim only; free() it */
};

/* ---- endpoints; office_id/company_id scope a call (both NULL: any endpoint) ---- */
enum store_status store_webhook_add(struct store_conn *c, const struct webhook *w);
enum store_status store_webhook_get(struct store_conn *c, const char *office_id,
                                    const char *company_id, const char *id, struct webhook *out);
/* Writes every changeable member of w (url, events, description, enabled, reason, nonces,
 * failing_since_ms, updated_at). NOT_FOUND: gone. */
enum store_status store_webhook_update(struct store_conn *c, const struct webhook *w);
enum store_status store_webhook_delete(struct store_conn *c, const char *office_id,
                                       const char *company_id, const char *id);
/* The scope's endpoints in (created_at, id) order after the cursor, at most limit. */
enum store_status store_webhooks_list(struct store_conn *c, const char *office_id,
                                      const char *company_id, const char *after_created,
                                      const char *after_id, int limit,
                                      bool (*fn)(const struct webhook *w, void *arg), void *arg);
/* The enabled endpoints of the office and those of the company (either may be NULL). */
enum store_status store_webhooks_enabled_for(struct store_conn *c, const char *office_id,
                                             const char *company_id,
                                             bool (*fn)(const struct webhook *w, void *arg),
                                             void *arg);

/* ---- deliveries ---- */
/* Adds a pending delivery due at d->next_attempt_ms (seq assigned here). */
enum store_status store_webhook_delivery_add(struct store_conn *c,
                                             const struct webhook_delivery *d,
                                             const char *payload);
/* Takes the due pending delivery of an enabled endpoint that no earlier pending delivery of
 * the same endpoint and collaboration precedes and nobody holds: leases it until
 * now + lease_ms and fills out (payload included) and its endpoint. A lease that ran out (its
 * worker died mid-try) counts as a try. NOT_FOUND: none due. */
enum store_status store_webhook_claim(struct store_conn *c, int64_t now_ms, int64_t lease_ms,
                                      struct webhook_delivery *out, struct webhook *hook);
/* Ends a held try: status "delivered", "pending" (due at next_ms) or "failed"; counts it. */
enum store_status store_webhook_delivery_finish(struct store_conn *c, const char *id,
                                                const char *status, int64_t next_ms,
                                                int response_code, const char *error,
                                                const char *now_iso);
/* Gives a held delivery back untouched, due at due_ms (a try abandoned at shutdown). */
enum store_status store_webhook_delivery_release(struct store_conn *c, const char *id,
                                                 int64_t due_ms);
/* When the next pending delivery of an enabled endpoint is due; NOT_FOUND: none. */
enum store_status store_webhook_next_due(struct store_conn *c, int64_t *due_ms);
/* An endpoint's deliveries newest first, after seq (0: from the newest), at most limit. */
enum store_status store_webhook_deliveries_list(struct store_conn *c, const char *webhook_id,
                                                int64_t before_seq, int limit,
                                                bool (*fn)(const struct webhook_delivery *d,
                                                           void *arg),
                                                void *arg);
enum store_status store_webhook_delivery_get(struct store_conn *c, const char *webhook_id,
                                             const char *id, struct webhook_delivery *out);
/* Puts a delivery back to pending, due at now_ms, its event id unchanged. */
enum store_status store_webhook_delivery_redeliver(struct store_conn *c, const char *webhook_id,
                                                   const char *id, int64_t now_ms);

#endif
