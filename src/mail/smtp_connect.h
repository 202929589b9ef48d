/* smtp_connect.h - a worker's SMTP connection opened (libcurl: connect, greeting, EHLO,
 * STARTTLS or smtps with certificate checks, AUTH; CURLOPT_CONNECT_ONLY), looked at before it
 * is reused, and dropped. Used by smtp.c only. */
#ifndef ADVISORD_MAIL_SMTP_CONNECT_H
#define ADVISORD_MAIL_SMTP_CONNECT_H

#include "mail_transport.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* Opens conn's connection (greeting, EHLO, STARTTLS, AUTH) by deadline (util_mono_ms), counts
 * it (conn->connections) and notes the server's extensions (conn->ext, conn->size_max); false
 * with out filled (the server's refusal line, or libcurl's error) when it could not be
 * opened. Watches *stop (may be NULL) and calls conn->on_slow as smtp_check_slow says. */
bool smtp_open(struct mail_smtp_conn *conn, const struct mail_smtp_settings *s,
               int64_t deadline, const atomic_bool *stop, struct mail_delivery *out);

/* Ends conn's connection at once (no QUIT, no waiting for the server) and frees its handle;
 * nothing when it has none. */
void smtp_drop(struct mail_smtp_conn *conn);

/* Whether conn's kept connection is still usable: the server has not closed it, nor written
 * to it unasked (a 421 on its idle timeout). */
bool smtp_still_open(struct mail_smtp_conn *conn);

#endif
