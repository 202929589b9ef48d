/* store_idempotency.h - Idempotency-Key records of creating POSTs, per principal: reserve a
 * key before the work, store the response with the work (same transaction), release it when
 * the work failed. Records are kept at least 24 hours. */
#ifndef ADVISORD_STORE_IDEMPOTENCY_H
#define ADVISORD_STORE_IDEMPOTENCY_H

#include <stdint.h>

#include "store.h"

#define IDEM_KEEP_MS (25LL * 3600 * 1000) /* purged after this: at least 24 h */
#define IDEM_STALE_MS (120LL * 1000)      /* an in-flight record this old was abandoned */

enum idem_outcome {
  IDEM_NEW,       /* reserved for this request: do the work */
  IDEM_REPLAY,    /* done before with the same request: replay *saved */
  IDEM_MISMATCH,  /* used before with another request */
  IDEM_IN_FLIGHT, /* the first request with this key is still running */
};

struct idem_saved {
  unsigned status;
  char *response; /* JSON text; malloc'd, the caller frees */
  char location[512];
  char etag[64];
};

/* Runs its own write transaction: purges old records, then reserves (principal_id, key) for
 * fingerprint or reports what happened before. On IDEM_REPLAY fills *saved. */
enum store_status store_idem_begin(struct store *st, const char *principal_id, const char *key,
                                   const char *fingerprint, enum idem_outcome *outcome,
                                   struct idem_saved *saved);
/* Inside the transaction that does the work: stores the response to replay. */
enum store_status store_idem_finish(struct store_conn *c, const char *principal_id,
                                    const char *key, unsigned status, const char *response,
                                    const char *location, const char *etag);
/* Releases a reservation whose work failed, so that the key can be used again. */
enum store_status store_idem_release(struct store *st, const char *principal_id,
                                     const char *key);

#endif
