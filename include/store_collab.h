/* store_collab.h - collaborations and their history in the store. Every call takes the calling
 * thread's connection; writes are meant to run inside store_write() so that a transition, its
 * event and its outbox rows commit together. Records are plain structs with fixed buffers:
 * nothing to free. The rules themselves are in domain/collab.h. */
#ifndef ADVISORD_STORE_COLLAB_H
#define ADVISORD_STORE_COLLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/collab.h"
#include "store.h"

#define COLLAB_ID_LEN 37
#define COLLAB_TEXT_LEN 801   /* names: 200 characters of UTF-8 */
#define COLLAB_EMAIL_LEN 255
#define COLLAB_NONCE_LEN 64
#define COLLAB_REASON_LEN 2001 /* 500 characters of UTF-8 */
#define COLLAB_DETAILS_LEN 2048

struct collab {
  char id[COLLAB_ID_LEN];
  char office_id[COLLAB_ID_LEN];
  char company_id[COLLAB_ID_LEN];
  char customer_id[COLLAB_ID_LEN]; /* empty: none yet (way 4 before a task is connected) */
  char task_id[COLLAB_ID_LEN];     /* empty: none */
  char variant[16];
  char invoice_recipient[16];
  int agreement_period_months;
  bool agreement_continues;        /* way 1: the subscription's agreement goes on */
  char starts_on[11], renews_on[11];
  enum collab_initiator initiated_by;
  enum collab_way way;
  enum collab_state state;         /* as stored; see collab_effective_state() */
  char language[3];
  char inviter_kind[24];
  char inviter_id[COLLAB_ID_LEN];
  char administrator_id[COLLAB_ID_LEN];
  char approved_by_kind[24];
  char approved_by_id[COLLAB_ID_LEN];
  int keep_service;                /* -1: not decided by the customer, else 0/1 */
  bool service_decision_pending;   /* the office ended it; the customer has yet to decide */
  char renewal_requested_at[32];   /* when the invitee asked for a new invitation; "" never */
  int64_t expires_at_ms;
  char token_nonce[COLLAB_NONCE_LEN];
  int accept_attempts;
  int reminder_count;
  int64_t last_reminder_ms;        /* 0: never */
  int64_t version;
  char created_at[32], updated_at[32];
  /* read-only, joined in by the getters */
  char corporate_id[16];
  char company_name[COLLAB_TEXT_LEN];
  char office_name[COLLAB_TEXT_LEN];
  char customer_name[COLLAB_TEXT_LEN]; /* the office's own register name: the office's alone */
  /* the administrator in administrator_id (way 3: the one the office named) */
  char admin_name[COLLAB_TEXT_LEN];
  char admin_email[COLLAB_EMAIL_LEN];
  char admin_phone[64];
  bool admin_confirmed;
};

struct collab_event_rec {
  int64_t seq;
  char collaboration_id[COLLAB_ID_LEN];
  char at[32];
  char actor_kind[24];
  char actor_id[COLLAB_ID_LEN];   /* empty for the system */
  char actor_name[COLLAB_TEXT_LEN]; /* display name when it happened; empty: none */
  char actor_role[24];            /* full, limited, administrator, support, office; empty: none */
  char event[24];
  char from_state[16];            /* empty for the first event */
  char to_state[16];
  char reason[COLLAB_REASON_LEN]; /* empty: none */
  char details[COLLAB_DETAILS_LEN]; /* a JSON object */
};

/* Inserts co (id, terms, state, token nonce, expiry and inviter filled in by the caller); sets
 * version 1 and the times. Its links are added with store_collab_link_add. CONFLICT: an open
 * collaboration of that office and company exists (or a reference is dangling). */
enum store_status store_collab_insert(struct store_conn *c, struct collab *co);
/* One collaboration by id, with the joined names. */
enum store_status store_collab_get(struct store_conn *c, const char *id, struct collab *out);
/* The collaboration that a live link whose token hashes to token_hash belongs to. */
enum store_status store_collab_get_by_token_hash(struct store_conn *c, const char *token_hash,
                                                 struct collab *out);
/* The id (COLLAB_ID_LEN bytes) of the open (stored as invited, approved or active)
 * collaboration of office and company. */
enum store_status store_collab_open_id(struct store_conn *c, const char *office_id,
                                       const char *company_id, char *id);
/* Whether an invitation of another office than office_id to the company, stored as invited
 * and not past its expiry (a sweep records that later; its link no longer answers) and made in
 * way 3 (new_customer), names an administrator other than admin_id (the one the
 * caller's way-3 activation names) into *other. The caller's transaction then holds the
 * answer: SQLite has one writer, and on PostgreSQL a racing insert of such an invitation is a
 * serialization failure of one of the two (SERIALIZABLE), which runs again and sees the other. */
enum store_status store_collab_other_new_admin(struct store_conn *c, const char *company_id,
                                               const char *office_id, const char *admin_id,
                                               bool *other);
/* How many collaborations inviter_id started at or after since (an ISO time as created_at is
 * written), leaving out those a batch made (a row of collab_batch_rows names them), into *count, and the earliest of their created_at into oldest (>= 32 bytes; ""
 * when none). */
enum store_status store_collab_created_since(struct store_conn *c, const char *inviter_id,
                                             const char *since, long *count, char *oldest);
/* The id of an active collaboration of the company other than except_id into id_out
 * (>= COLLAB_ID_LEN); NOT_FOUND when there is none. */
enum store_status store_collab_other_active(struct store_conn *c, const char *company_id,
                                            const char *except_id, char *id_out);
/* Writes every mutable field of co when the stored version is still co->version, then bumps
 * it (co->version and updated_at refreshed). drop_links: every invitation link of co dies
 * too. CONFLICT: the version moved on (a racing write won) or another open collaboration
 * exists; NOT_FOUND. */
enum store_status store_collab_update(struct store_conn *c, struct collab *co, bool drop_links);

/* ---- invitation links: one per recipient (collab_links.c) ---- */
#define COLLAB_MAX_OPEN_PER_COMPANY 64
/* Adds a link of the collaboration held by holder_kind ("customer_admin" | "office") and
 * holder_id; only the token's SHA-256 is stored. */
enum store_status store_collab_link_add(struct store_conn *c, const char *collab_id,
                                        const char *token_hash, const char *holder_kind,
                                        const char *holder_id);
/* Every link of the collaboration dies. */
enum store_status store_collab_links_drop(struct store_conn *c, const char *collab_id);
/* Who holds the live link with that token hash: kind into kind (>= 24), id into id
 * (>= COLLAB_ID_LEN). NOT_FOUND: no such live link. */
enum store_status store_collab_link_holder(struct store_conn *c, const char *token_hash,
                                           char *kind, char *id);
/* Ids of the company's collaborations stored as invited, approved or active (at most
 * COLLAB_MAX_OPEN_PER_COMPANY, oldest first) into ids[0..*n). */
enum store_status store_collab_open_of_company(struct store_conn *c, const char *company_id,
                                               char (*ids)[COLLAB_ID_LEN], size_t *n);

/* Appends an event (seq and, when empty, at are filled in). */
enum store_status store_collab_event_add(struct store_conn *c, struct collab_event_rec *e);
typedef void (*store_collab_event_fn)(const struct collab_event_rec *e, void *arg);
/* The events of a collaboration with seq > after_seq, oldest first, at most limit; calls fn
 * for each. *more tells whether there are further ones. */
enum store_status store_collab_events_list(struct store_conn *c, const char *collab_id,
                                           int64_t after_seq, int limit,
                                           store_collab_event_fn fn, void *arg, bool *more);

/* Filters for a list. office_id or company_id scopes it to one party (both empty: all). Other
 * empty strings: no filter. state filters the effective state (expiry counted at now_ms). */
struct collab_filter {
  const char *office_id;
  const char *company_id;
  const char *state;
  const char *variant;
  const char *customer_id;
  const char *task_id;
  const char *initiated_by;
  int64_t now_ms;
  /* the keyset cursor: rows after (created_at, id) in newest-first order; empty: start */
  const char *after_created_at;
  const char *after_id;
};
struct collab_mail_state;
/* mail: the collaboration's latest invitation e-mail, NULL when it has none. */
typedef void (*store_collab_fn)(const struct collab *co, const struct collab_mail_state *mail,
                                void *arg);
/* Newest first, at most limit, each with its invitation e-mail; *more tells whether there are
 * further ones. Each row is a view (see store_collab_get_with_mail). */
enum store_status store_collab_list(struct store_conn *c, const struct collab_filter *f,
                                    int limit, store_collab_fn fn, void *arg, bool *more);

/* Ids of approved collaborations whose scheduled start (starts_on) is today (the offices'
 * time zone, "YYYY-MM-DD") or earlier, at most max, into ids[0..*n). For the sweep that
 * starts them. */
enum store_status store_collab_due_starts(struct store_conn *c, const char *today,
                                          char (*ids)[COLLAB_ID_LEN], size_t max, size_t *n);
/* Ids of invitations (stored as invited) that expired at or before now_ms, at most max, into
 * ids[0..*n). For the sweep that records their expiry. */
enum store_status store_collab_due_expiries(struct store_conn *c, int64_t now_ms,
                                            char (*ids)[COLLAB_ID_LEN], size_t max, size_t *n);

/* The delivery state of the latest invitation e-mail of a collaboration. */
struct collab_mail_state {
  char outbox_id[COLLAB_ID_LEN];
  char template_name[32];
  char status[16]; /* pending, sent, failed */
  int attempts;
  char last_error[512]; /* empty: none */
  char created_at[32];
  char sent_at[32];     /* empty: not sent */
};
enum store_status store_collab_invitation_mail(struct store_conn *c, const char *collab_id,
                                               struct collab_mail_state *out);
/* store_collab_get and store_collab_invitation_mail in one statement (one read of the
 * database, one snapshot): *has_mail false when it has no invitation e-mail. A view, for
 * showing: out's inviter_kind, inviter_id, approved_by_kind, approved_by_id, token_nonce and
 * accept_attempts are left empty (0), as in store_collab_list's rows (collab_sql.h,
 * COLLAB_VIEW_SELECT); a change reads with store_collab_get. Not for a write transaction on
 * PostgreSQL (it does not lock the row as store_collab_get does there). */
enum store_status store_collab_get_with_mail(struct store_conn *c, const char *id,
                                             struct collab *out, struct collab_mail_state *mail,
                                             bool *has_mail);

#endif
