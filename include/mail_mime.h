/* mail_mime.h - turning a rendered e-mail into an RFC 5322 / MIME message: UTF-8 subject as
 * RFC 2047 encoded words, a text/plain; charset=utf-8 body in quoted-printable, CRLF line
 * ends. Pure code (no I/O): the mailer and the unit tests both call it. */
#ifndef ADVISORD_MAIL_MIME_H
#define ADVISORD_MAIL_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct mail_message {
  const char *from;       /* "Display Name <addr@host>" or "addr@host" (the mail_from setting) */
  const char *to;         /* a bare address */
  const char *subject;    /* UTF-8 */
  const char *body;       /* UTF-8 text with \n line ends */
  const char *message_id; /* "<id@advisord>", stable per outbox row */
  const char *language;   /* "sv" or "en": Content-Language */
  time_t date;
};

/* The whole message (headers, blank line, encoded body; CRLF line ends) as a malloc'd string
 * the caller frees. NULL when a field cannot go into a message (why names it) or memory ran
 * out. */
char *mail_mime_build(const struct mail_message *m, char *why, size_t why_len);

/* True when addr is a plain addr-spec we are willing to put in To: and RCPT TO: one '@', a
 * non-empty local part and domain, printable ASCII with no space, quote, comma or angle
 * bracket, at most 254 bytes. */
bool mail_mime_address_ok(const char *addr);

/* The address inside a From setting ("Name <a@b>" -> "a@b"; "a@b" -> "a@b") into out.
 * False when there is none or it is not a usable address. */
bool mail_mime_from_address(const char *from, char *out, size_t len);

/* Encodes a UTF-8 header text as RFC 2047 encoded words ("=?UTF-8?B?...?="), each at most
 * 75 characters and never splitting a character, joined by CRLF SP (folded); plain printable
 * ASCII that needs no encoding comes back as is. malloc'd (caller frees); NULL when text is
 * not valid UTF-8 or memory ran out. */
char *mail_mime_header_text(const char *text);

/* Quoted-printable (RFC 2045) of UTF-8 text: \n becomes CRLF, lines at most 76 characters
 * (soft breaks "="), '=' and bytes outside printable ASCII encoded, trailing blanks and a
 * leading '.' encoded. malloc'd (caller frees); NULL when memory ran out. */
char *mail_mime_qp(const char *text);

/* RFC 5322 date of t in UTC ("Thu, 27 Nov 2026 10:00:00 +0000") into buf (>= 32 bytes). */
void mail_mime_date(time_t t, char *buf, size_t len);

#endif
