/* store_outbox.h - writing e-mails to the outbox inside the transaction of the state change
 * that causes them (the mailer delivers them afterwards). */
#ifndef ADVISORD_STORE_OUTBOX_H
#define ADVISORD_STORE_OUTBOX_H

#include "store.h"

struct outbox_message {
  const char *recipient;        /* e-mail address */
  const char *template_name;    /* e.g. "invitation_customer" (see mail/ for the list) */
  const char *language;         /* "sv" or "en" */
  const char *data_json;        /* JSON object for the template; never a clear token */
  const char *collaboration_id; /* may be NULL */
};

/* Adds a pending message due now; its id (36 chars + NUL) into id_out when non-NULL.
 * The Message-ID, "<id@advisord>", stays the same across retries. */
enum store_status store_outbox_enqueue(struct store_conn *c, const struct outbox_message *m,
                                       char *id_out);

#endif
