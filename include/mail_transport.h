/* mail_transport.h - the two ways a built message leaves advisord: SMTP with libcurl (smtp://,
 * smtps://, STARTTLS, optional login) or, with no SMTP URL, an .eml file in the spool folder.
 * Used by the mailer thread only. */
#ifndef ADVISORD_MAIL_TRANSPORT_H
#define ADVISORD_MAIL_TRANSPORT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

struct mail_delivery {
  int curl_code;     /* CURLE_OK when the server took the message */
  long smtp_code;    /* the last SMTP reply code; 0 when the server never answered */
  bool aborted;      /* abandoned because the mailer is stopping */
  char detail[300];  /* what happened, for the log and last_error; never holds credentials */
};

struct mail_smtp_settings {
  const char *url;      /* smtp://host:port or smtps://host:port; may carry user:password@ */
  const char *user;     /* "" or NULL: none (or the URL's) */
  const char *password;
  const char *starttls; /* "off", "try" or "required" */
  const char *ca_file;  /* "" or NULL: the system's CA store */
  long timeout_s;       /* the whole delivery */
};

/* Delivers msg (a complete message with CRLF line ends) from envelope sender `from` to `to`.
 * Watches *stop during the transfer and abandons it when it turns true. Fills out. */
void mail_smtp_send(const struct mail_smtp_settings *s, const char *from, const char *to,
                    const char *msg, const atomic_bool *stop, struct mail_delivery *out);

/* Writes msg as <dir>/<id>.eml atomically (a temporary file, fsync, rename), creating dir
 * when missing. id must be a UUID. On failure returns false with the reason in why. */
bool mail_spool_write(const char *dir, const char *id, const char *msg, char *why, size_t len);

/* url with any user:password@ removed, for logs ("smtp://u:p@host:25" -> "smtp://host:25"). */
void mail_url_redact(const char *url, char *out, size_t len);

#endif
