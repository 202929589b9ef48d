/* service/notify.h - telling every party of a collaboration's event: the domain's matrix
 * (domain/notify.h) turned into outbox rows, written in the caller's transaction, with an
 * invitation link of its own for each recipient of an invitation. */
#ifndef ADVISORD_SERVICE_NOTIFY_H
#define ADVISORD_SERVICE_NOTIFY_H

#include <jansson.h>

#include "domain/notify.h"
#include "secret.h"
#include "store_collab.h"
#include "store_identity.h"

struct variant;

/* Links made before the transaction: a link's nonce and the hash of its token depend on the
 * server's secret alone, so the HTTP worker makes them (notify_links_make) and the writer's
 * thread only stores them. notify_collab takes them in order, and makes in place the links of
 * recipients beyond them. */
#define NOTIFY_LINKS_READY 2
struct notify_links {
  char nonce[NOTIFY_LINKS_READY][COLLAB_NONCE_LEN];
  char hash[NOTIFY_LINKS_READY][SECRET_LINK_KEY_LEN]; /* the link's key (secret_link_key) */
  size_t n;    /* made */
  size_t used; /* taken (0 again when the transaction reruns) */
};

/* n (<= NOTIFY_LINKS_READY) links into l; false when the random source fails. */
bool notify_links_make(struct notify_links *l, const struct secret *secret, size_t n);

/* An actor as the history shows it (notify_actor_display). */
struct notify_actor {
  char name[STORE_NAME_LEN];
  char role[24];
};

struct notify_req {
  enum notify_event ev;
  enum notify_side side;        /* who acted, where the matrix depends on it */
  const char *actor_kind;       /* as the history records it; NULL: the system */
  const char *actor_id;         /* NULL: none */
  const char *reason;           /* the actor's words; NULL or "": none */
  json_t *extra;                /* more data members for every row (borrowed; may be NULL) */
  const struct secret *secret;  /* derives the links' tokens; needed when a step has links */
  struct notify_links *ready;   /* links made already, taken first (borrowed; may be NULL) */
  const struct variant *variant; /* a variant this transaction read already, without its
                                    features (borrowed); NULL: read here */
  const struct customer_admin *named; /* co's administrator (co->administrator_id) as this
                                         transaction wrote or read it (borrowed); NULL or
                                         another: read here */
  const struct notify_actor *shown; /* the actor's display read already in this transaction
                                       (borrowed); NULL: read here */
  const struct customer_admin *admins; /* the company's confirmed administrators as
                                          store_customer_admins_of_company lists them, read
                                          already in this transaction (borrowed, n_admins of
                                          them); NULL: read here */
  size_t n_admins;
  /* may be NULL; else the latest (by created_at, then order) e-mail with a link it enqueued,
   * pending, as store_collab_invitation_mail reads it back (a new collaboration's invitation
   * e-mails are its only ones); outbox_id stays empty when none. The caller clears it. */
  struct collab_mail_state *link_mail;
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
