/* service/sessions.h - signing in and browser sessions as use cases, each in one write
 * transaction: asking for sign-in links, turning a link into a session, ending a session,
 * noting that a credential was used; and support's retry of a failed e-mail. */
#ifndef ADVISORD_SERVICE_SESSIONS_H
#define ADVISORD_SERVICE_SESSIONS_H

#include "app.h"
#include "principal.h"
#include "service/sign_in.h"
#include "store_outbox.h"

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
/* Notes that p's token or session was used now (best effort). */
enum store_status credential_touch(const struct app *app, const struct principal *p);
/* Support sends a failed e-mail again (to recipient, or NULL: the same address) and wakes the
 * mailer; *row: the message after. NOT_FOUND: no such message; CONFLICT: it has not failed
 * (row->status says what it is). */
enum store_status outbox_retry(const struct app *app, const char *id, const char *recipient,
                               struct outbox_row *row);

#endif
