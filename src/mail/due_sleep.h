/* due_sleep.h - how long a background worker (the mailer's, the webhook deliveries') sleeps
 * before its queue's next row is due, asked with a read, never a write. */
#ifndef ADVISORD_MAIL_DUE_SLEEP_H
#define ADVISORD_MAIL_DUE_SLEEP_H

#include "store.h"
#include "util.h"

#include <stdint.h>

/* next_due reads when the queue's next row is due (STORE_NOT_FOUND: none). Returns 0 when one
 * is due now, else the wait until it is but at most poll_ms (a row queued meanwhile by another
 * instance shows up within it), or pause_ms after a store error. */
static inline int64_t due_sleep_ms(struct store *store,
                                   enum store_status (*next_due)(struct store_conn *, int64_t *),
                                   int64_t poll_ms, int64_t pause_ms)
{
  int64_t due = 0, now = util_now_ms();
  struct store_conn *c = store_conn(store);
  enum store_status st = c ? next_due(c, &due) : STORE_ERROR;
  if (st == STORE_NOT_FOUND)
    return poll_ms;
  if (st != STORE_OK)
    return pause_ms;
  return due <= now ? 0 : due - now < poll_ms ? due - now : poll_ms;
}

#endif
