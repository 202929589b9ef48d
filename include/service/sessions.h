/* service/sessions.h - signing in and browser sessions as use cases, each in one write
 * transaction: asking for sign-in links, turning a link into a session, ending a session,
 * noting that a credential was used; and support's retry of a failed e-mail. */
#ifndef ADVISORD_SERVICE_SESSIONS_H
#define ADVISORD_SERVICE_SESSIONS_H

#include "app.h"
#include "principal.h"
#include "service/sign_in.h"
#include "store_identity.h"
#include "store_outbox.h"
#include "store_register.h"
#include "store_session.h"

/* Sends a sign-in link to every account of a->email (sign_in_send_links) and wakes the
 * mailer. */
enum store_status sign_in_request(const struct app *app, const struct sign_in_ask *a);
/* Turns s->token into a session (sign_in_start_session); when started, *p is the signed-in
 * principal and the sign-in is audited. */
enum store_status session_begin(const struct app *app, struct session_start *s,
                                struct principal *p);
/* Ends the caller's session id (audited as a sign-out when it is the current one). NOT_FOUND:
 * the caller has no live session with that id. */
enum store_status session_end(const struct app *app, const struct principal *p, const char *id);
/* Who holds the session cookie whose SHA-256 is hash (NOT_FOUND: ended or expired). */
enum store_status credential_session(const struct app *app, const char *hash, int64_t now_ms,
                                     struct principal *out);
/* Who holds the bearer token (NOT_FOUND: unknown, revoked or expired). */
enum store_status credential_token(const struct app *app, const char *token,
                                   struct principal *out);
/* Runs fn(arg) once with a request's reads (its credential's lookup, then its use case's) in
 * one snapshot of the store (store_snapshot: fn must not write). */
void read_snapshot(const struct app *app, void (*fn)(void *arg), void *arg);
/* Notes that p's token or session was used now (best effort). */
enum store_status credential_touch(const struct app *app, const struct principal *p);
/* Support sends a failed e-mail again (to recipient, or NULL: the same address) and wakes the
 * mailer; *row: the message after. NOT_FOUND: no such message; CONFLICT: it has not failed
 * (row->status says what it is). */
enum store_status outbox_retry(const struct app *app, const char *id, const char *recipient,
                               struct outbox_row *row);
/* Support's view of the outbox: a page of status (NULL: any) after after_id into
 * rows[0..*n) (NOT_FOUND: no such after_id), and one message. */
enum store_status outbox_page(const struct app *app, const char *status, const char *after_id,
                              struct outbox_row *rows, size_t max, size_t *n, bool *more);
enum store_status outbox_read(const struct app *app, const char *id, struct outbox_row *row);

/* The caller's sessions that are still live (fn returns false to stop). */
enum store_status sessions_page(const struct app *app, const struct principal *caller,
                                bool (*fn)(const struct session *s, void *arg), void *arg);

/* What GET /v1/me shows beyond the principal: its office (office users) or its company
 * (customer administrators). */
struct principal_view {
  struct office office;
  struct company company;
};
enum store_status principal_view_read(const struct app *app, const struct principal *p,
                                      struct principal_view *out);

#endif
