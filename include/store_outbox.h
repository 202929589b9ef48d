/* store_outbox.h - the mail outbox: writing e-mails inside the transaction of the state change
 * that causes them, the mailer's claim/finish cycle, and support's view (list, get, retry).
 * Nothing is ever deleted. */
#ifndef ADVISORD_STORE_OUTBOX_H
#define ADVISORD_STORE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct outbox_message {
  const char *recipient;        /* e-mail address */
  const char *template_name;    /* e.g. "invitation_customer" (see mail_template.h) */
  const char *language;         /* "sv" or "en" */
  const char *data_json;        /* JSON object for the template; never a clear token */
  const char *collaboration_id; /* may be NULL */
};

/* Adds a pending message due now; its id (36 chars + NUL) into id_out when non-NULL.
 * The Message-ID, "<id@advisord>", stays the same across retries. After the transaction
 * commits, mailer_wake() (mailer.h) gets it out at once; otherwise within the poll interval. */
enum store_status store_outbox_enqueue(struct store_conn *c, const struct outbox_message *m,
                                       char *id_out);
/* store_outbox_enqueue with the row's created_at taken by the caller (util_now_iso8601), so
 * that it knows the row as a read would find it. */
enum store_status store_outbox_enqueue_at(struct store_conn *c, const struct outbox_message *m,
                                          const char *created_at, char *id_out);

#define OUTBOX_ERROR_MAX 400

/* One outbox row as the mailer and support see it. */
struct outbox_row {
  char id[37];
  char message_id[64];
  char recipient[256];
  char template_name[64];
  char language[8];
  char collaboration_id[37]; /* empty when none */
  char status[12];           /* pending | sent | failed */
  int attempts;              /* delivery tries made so far */
  int64_t next_attempt_at;   /* unix ms: when a pending row is due */
  bool in_flight;            /* a mailer holds it right now */
  char last_error[OUTBOX_ERROR_MAX]; /* why the last try failed; empty when none */
  char created_at[40], updated_at[40];
  char sent_at[40];          /* empty until sent */
  char *data;                /* the template data (JSON text): filled by store_outbox_claim
                                only; free with outbox_row_clear() */
  int64_t rowid;             /* the row's rowid: filled by store_outbox_claim on SQLite only
                                (0 otherwise), for store_outbox_mark_sent_claimed */
  int64_t lease;             /* the lease (leased_until, unix ms) the claim set: filled by
                                store_outbox_claim only; the outcome writes' proof that the
                                row is still this claim's (see "Leases" below) */
};

void outbox_row_clear(struct outbox_row *r);

/* ---- the mailer (each call inside store_write) ---- */
/* last_error of a try that its mailer never finished (it stopped or crashed mid-try). */
#define OUTBOX_LOST_TRY "the mailer stopped during this try; it may have been delivered"

/* Takes the oldest due pending row nobody holds: leases it until now + lease_ms (and moves
 * its next_attempt_at there) and fills out, data included. A row whose earlier lease ran out
 * (its mailer died mid-try) gets that try counted in attempts, with OUTBOX_LOST_TRY as its
 * last_error. STORE_NOT_FOUND when none is due. *more (when not NULL) tells whether another
 * row was due too (on PostgreSQL, which cannot tell cheaply: whenever a row was taken). */
enum store_status store_outbox_claim(struct store_conn *c, int64_t now_ms, int64_t lease_ms,
                                     struct outbox_row *out, bool *more);
/* The most rows one store_outbox_claim_many takes. */
#define OUTBOX_CLAIM_MAX 16
/* Claims up to max (at most OUTBOX_CLAIM_MAX) due rows into out[0..*n), oldest first, each as
 * store_outbox_claim would one after another: out[i] is leased until now_ms + lease_ms + i *
 * step_ms (it is tried after the i before it, each of which may take up to step_ms), or its
 * old lease + 1 ms if that is later (a re-claim always raises the lease: "Leases" below). Several
 * claims at once (threads, or servers on one PostgreSQL database) never take one row.
 * STORE_NOT_FOUND (*n = 0) when none is due; *more as for store_outbox_claim, about the rows
 * after these (PostgreSQL: true when max rows were taken). Free each row with
 * outbox_row_clear(). */
enum store_status store_outbox_claim_many(struct store_conn *c, int64_t now_ms, int64_t lease_ms,
                                          int64_t step_ms, struct outbox_row *out, size_t max,
                                          size_t *n, bool *more);
/* Leases. The outcome of a claim's try (sent, retry, failed, given back) is written with the
 * lease that claim set (outbox_row.lease, as `held`): a re-claim of a row whose lease ran out
 * (its mailer slow or stalled) always sets a greater one (a row is due again only at its
 * lease's end, a claim leases until after its own now, and at least until the old lease + 1
 * ms), so a held lease matches only while no other claim has taken the row since. A retry, a
 * failure or a give-back of a row no longer held changes nothing (STORE_NOT_FOUND): the new
 * holder tries it, and its claim counted the lost try (OUTBOX_LOST_TRY). A 'sent' of a row no
 * longer held is still written while the row is pending (the e-mail was delivered: the new
 * holder's tries of it, and any retry after them, would only send it again), its attempts
 * left as they are (the re-claim counted that try); a row sent or failed meanwhile is left as
 * it is. OUTBOX_ANY_LEASE as held: whoever holds the row (tests and tools, never the mailer).
 * One lease value may be several rows' (a claim's rows share a now): it tells claims of one
 * row apart, not rows. */
#define OUTBOX_ANY_LEASE INT64_C(-1)

/* How a 'sent' found its row (store_outbox_mark_sent_many). */
enum outbox_sent {
  OUTBOX_SENT_NOT,  /* no longer pending (sent or failed meanwhile), or no such row: untouched */
  OUTBOX_SENT_HELD, /* pending and still this claim's: sent, the try counted */
  OUTBOX_SENT_LATE  /* pending, re-claimed since: sent, attempts untouched (see above) */
};

/* Ends a try on a row, whoever holds it (OUTBOX_ANY_LEASE): counts the attempt and drops the
 * lease. */
enum store_status store_outbox_mark_sent(struct store_conn *c, const char *id);
/* The 'sent' of a row claimed with rowid (outbox_row.rowid; 0: not known) and lease held
 * (outbox_row.lease), found on its rowid when that still is the row's (a VACUUM may renumber
 * them), else by id; written as "Leases" says. STORE_OK when written (held or late; *how, when
 * not NULL, tells which), STORE_NOT_FOUND when not. */
enum store_status store_outbox_mark_sent_claimed(struct store_conn *c, const char *id,
                                                 int64_t rowid, int64_t held,
                                                 enum outbox_sent *how);
/* The most rows one statement of store_outbox_mark_sent_many marks (more take more of them). */
#define OUTBOX_SENT_MAX 64
/* store_outbox_mark_sent_claimed of each of rows ids[0..n) (rowids[i] and helds[i] as there;
 * rowids NULL: none known; helds not NULL), in that order, each marked only as that call
 * marks it: on PostgreSQL in one statement (per OUTBOX_SENT_MAX rows; one more for the rows
 * it did not mark, if any: their late 'sent'), on SQLite one each (a statement there costs no
 * round trip). how (when not NULL) gets for each row how it was found (an id twice: its
 * second OUTBOX_SENT_NOT); a row not marked is not an error here. STORE_OK, else the first
 * error (rows before it may be marked in the transaction). */
enum store_status store_outbox_mark_sent_many(struct store_conn *c, const char *const *ids,
                                              const int64_t *rowids, const int64_t *helds,
                                              size_t n, enum outbox_sent *how);
/* The outcomes of a try of a row held with lease held ("Leases"): STORE_NOT_FOUND, and
 * nothing changed, when the row is no longer pending or no longer held with it. */
enum store_status store_outbox_schedule_retry(struct store_conn *c, const char *id,
                                              int64_t held, int64_t next_attempt_ms,
                                              const char *error);
enum store_status store_outbox_mark_failed(struct store_conn *c, const char *id, int64_t held,
                                           const char *error);
/* Gives a row held with lease held back untouched, due at due_ms (a try abandoned at a stop). */
enum store_status store_outbox_release(struct store_conn *c, const char *id, int64_t held,
                                       int64_t due_ms);
/* When the next pending row is due (unix ms); STORE_NOT_FOUND when nothing is pending. A
 * read, no write: the mailer asks it before a claim, so that finding nothing to do costs no
 * write transaction. */
enum store_status store_outbox_next_due(struct store_conn *c, int64_t *due_ms);

/* ---- support and the collaborations ---- */
/* Rows newest first, only those with status when non-NULL, starting after the row with id
 * after_id when non-NULL (STORE_NOT_FOUND when that row does not exist). Fills up to max rows
 * into out (data not filled) and sets *n; *more tells whether further rows follow. */
enum store_status store_outbox_list(struct store_conn *c, const char *status,
                                    const char *after_id, struct outbox_row *out, size_t max,
                                    size_t *n, bool *more);
/* One row by id (data not filled): STORE_OK or STORE_NOT_FOUND. */
enum store_status store_outbox_get(struct store_conn *c, const char *id, struct outbox_row *out);
/* Puts a failed row back to pending, due at now_ms (inside store_write), to recipient when it
 * is not NULL (a corrected address). STORE_NOT_FOUND when there is no such row,
 * STORE_CONFLICT when it is not failed; out gets the row either way when it exists. */
enum store_status store_outbox_retry(struct store_conn *c, const char *id,
                                     const char *recipient, int64_t now_ms,
                                     struct outbox_row *out);
/* The newest row of a collaboration whose template is one of `templates` (comma-separated,
 * e.g. "invitation_customer,activation_new_admin,invitation_office"; NULL: any), e.g. to show
 * whether its latest invitation e-mail went out. STORE_NOT_FOUND when there is none. */
enum store_status store_outbox_latest(struct store_conn *c, const char *collaboration_id,
                                      const char *templates, struct outbox_row *out);

#endif
