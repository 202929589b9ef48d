/* service/notify.h - telling every party of a collaboration's event: the domain's matrix
 * (domain/notify.h) turned into outbox rows, written in the caller's transaction, with an
 * invitation link of its own for each recipient of an invitation. */
#ifndef ADVISORD_SERVICE_NOTIFY_H
#define ADVISORD_SERVICE_NOTIFY_H

#include <jansson.h>

#include "domain/notify.h"
#include "secret.h"
#include "store_collab.h"

struct notify_req {
  enum notify_event ev;
  enum notify_side side;        /* who acted, where the matrix depends on it */
  const char *actor_kind;       /* as the history records it; NULL: the system */
  const char *actor_id;         /* NULL: none */
  const char *reason;           /* the actor's words; NULL or "": none */
  json_t *extra;                /* more data members for every row (borrowed; may be NULL) */
  const struct secret *secret;  /* derives the links' tokens; needed when a step has links */
};

/* Enqueues every e-mail the matrix asks for about co. A step with links first makes one link
 * per recipient (the caller drops the old ones); co->token_nonce is the last one made. */
enum store_status notify_collab(struct store_conn *c, struct collab *co,
                                const struct notify_req *rq);

/* The actor of an event as the history shows it: display name and role (see
 * store_principal_display); a link's actor is the one it was sent to. Empty when unknown or
 * for the system. name >= STORE_NAME_LEN, role >= 24. */
enum store_status notify_actor_display(struct store_conn *c, const struct collab *co,
                                       const char *kind, const char *id, char *name, char *role);

#endif
