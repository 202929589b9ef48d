/* row_message.h - an outbox row's e-mail as it goes on the wire: its template rendered with the
 * row's data (and the variant's name when the data lacks it: a read on the calling thread's
 * store connection) and built as MIME. Used by the mailer's workers. */
#ifndef ADVISORD_MAIL_ROW_MESSAGE_H
#define ADVISORD_MAIL_ROW_MESSAGE_H

#include "store_outbox.h"

#include <stddef.h>

struct app;

/* The complete message of row (CRLF line ends; the caller frees it); NULL with why (len
 * bytes) when it cannot be built (unknown template, data missing or not JSON, bad address). */
char *mail_row_message(const struct app *app, const struct outbox_row *row, char *why,
                       size_t len);

#endif
