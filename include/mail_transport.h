/* mail_transport.h - the two ways a built message leaves advisord: SMTP with libcurl (smtp://,
 * smtps://, STARTTLS, optional login) or, with no SMTP URL, an .eml file in the spool folder.
 * Used by the mailer thread only. */
#ifndef ADVISORD_MAIL_TRANSPORT_H
#define ADVISORD_MAIL_TRANSPORT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mail_delivery {
  int curl_code;     /* CURLE_OK when the server took the message; a refused one:
                      * CURLE_WEIRD_SERVER_REPLY (also an overlong reply, smtp_code then not a
                      * refusal's); an unusable address: CURLE_BAD_FUNCTION_ARGUMENT; else
                      * what failed (libcurl's code while connecting,
                      * CURLE_OPERATION_TIMEDOUT, CURLE_GOT_NOTHING: closed, ...) */
  long smtp_code;    /* the reply code that decided (a refusal's: the first in the
                      * transaction), else the last one received; 0 when the server never
                      * answered; 552 also for a message larger than the SIZE the server
                      * advertised (refused before sending, as the server would), 553 for
                      * an unusable address (not sent) */
  bool aborted;      /* abandoned because the mailer is stopping */
  bool unsent;       /* never put on the wire: the call's time (mail_smtp_conn.settle_by) was
                      * up before any of it was written (curl_code CURLE_OPERATION_TIMEDOUT,
                      * smtp_code 0): no try was made, the server cannot hold it */
  char detail[300];  /* what happened, for the log and last_error; never holds credentials */
};

struct mail_smtp_settings {
  const char *url;      /* smtp://host:port or smtps://host:port; may carry user:password@ */
  const char *user;     /* "" or NULL: none (or the URL's) */
  const char *password;
  const char *starttls; /* "off", "try" or "required" */
  const char *ca_file;  /* "" or NULL: the system's CA store */
  long timeout_s;       /* one connection's deadline: its connect, the transaction and the
                         * RSET after a refusal together at most this long (several messages
                         * in one write: mail_smtp_send_many) */
};

/* One worker's SMTP connection, kept open from one message to the next (one greeting, EHLO,
 * STARTTLS and login for many messages): zero-initialise it, pass it to every
 * mail_smtp_send of that worker (one thread), and end it with mail_smtp_close. */
struct mail_smtp_conn {
  void *curl;        /* libcurl's easy handle holding the connection (CURLOPT_CONNECT_ONLY) */
  unsigned long connections; /* connections opened so far (for tests and the log) */
  unsigned ext;      /* smtp.c's: the extensions the server advertised (smtp_dialogue.h) */
  unsigned long size_max; /* smtp.c's: the server's SIZE limit, 0 for none */
  int64_t idle_since;     /* smtp.c's: util_mono_ms at the end of the last delivery */
  /* Set by the caller before a mail_smtp_send, or NULL: called once, on the worker's thread
   * (from libcurl's progress function while connecting, or from the wait for the server's
   * answers: at least every 200 ms while a delivery waits), when the delivery is still under
   * way at slow_at (util_mono_ms); it must not call libcurl. The mailer writes the outcomes
   * it holds then (outcomes.h). A call calls it at most once, whichever of its messages is
   * under way then; mail_smtp_send and mail_smtp_send_many clear it when they return. */
  void (*on_slow)(void *arg);
  void *slow_arg;
  int64_t slow_at;
  /* Set by the caller before a call, or 0 for none: util_mono_ms by which the whole call must
   * be settled (the mailer: the first row's lease end, less the time to write its outcome).
   * Every deadline of the call (connects, answers, RSETs) ends there at the latest; a message
   * not settled by then is a temporary failure as after a timeout (the server may hold it),
   * and one not yet sent is not sent (mail_delivery.unsent). Cleared when the call returns. */
  int64_t settle_by;
};

/* Delivers msg (a complete message with CRLF line ends) from envelope sender `from` to `to`
 * (bare addresses) over conn's connection, opening one when there is none or the server
 * closed it (when the server closed or reset a reused connection before it answered anything about
 * this message, the message is sent once more over a new one; not after a timeout: the
 * server may hold the message and its answers). The transaction is pipelined when
 * the server advertises PIPELINING (with CHUNKING: BDAT, one write and one round trip), in
 * lockstep otherwise (smtp_dialogue.h). After a refused message the server is told RSET; a
 * broken dialogue drops the connection. Watches *stop during the delivery and abandons it
 * (no QUIT, no wait) when it turns true, the RSET's wait too. Each connection used gets one
 * deadline, timeout_s after it began (the connect, the transaction and the RSET together),
 * so one call takes at most two timeouts (the kept connection, then one new one). A reply
 * of more than 100 lines or 64 KiB breaks the dialogue. Fills out. */
void mail_smtp_send(struct mail_smtp_conn *conn, const struct mail_smtp_settings *s,
                    const char *from, const char *to, const char *msg, const atomic_bool *stop,
                    struct mail_delivery *out);
/* One message of mail_smtp_send_many: to (a bare address), msg (complete, CRLF line ends), and
 * its outcome, filled by the call. */
struct mail_smtp_item {
  const char *to, *msg;
  struct mail_delivery out;
};

/* Delivers items[0..n) from `from` over conn's connection as n mail_smtp_send calls would,
 * each with its own outcome, but, when the server advertises PIPELINING and CHUNKING, all in
 * one write and one round trip (smtp_dialogue.h's smtp_batch): each connection's deadline
 * (timeout_s) covers its connect and the first message's answers, and each later message has
 * timeout_s from the answers before it (message i at most i more). A refusal fails only its
 * message; answers out of step with the write (one too many, an RSET refused other than by
 * 421) make every message of it a temporary failure (sent again later, perhaps twice). A
 * connection closed before it answered anything about a message: that message and
 * those after it go once more at once on a new connection, when it was a kept one (as
 * mail_smtp_send) or had fully answered some messages first (each new connection must settle
 * at least one more: at most n + 1 connections, message i settled within i + 2 deadlines);
 * otherwise (a new connection that answered nothing, a cut after some of a message's answers,
 * a timeout, a stop) the unanswered ones fail (temporary: retried later with the same
 * Message-ID; at least once, as a cut is). A write cut short by a close or reset still reads
 * the answers that had arrived: a message the server took before it closed is not sent
 * again (also when the server refused a later one on its BDAT line, unread, and closed). On
 * a connection without both extensions (the kept one, or one opened in the call)
 * the messages go one by one under the same rules: each the timeout from the one before,
 * a connection opened in the call a new one (closed before it answered its first message:
 * not again at once), the rest not sent once it is dropped (and sent at once on a new one
 * when it was dropped after settling one). */
void mail_smtp_send_many(struct mail_smtp_conn *conn, const struct mail_smtp_settings *s,
                         const char *from, struct mail_smtp_item *items, size_t n,
                         const atomic_bool *stop);
/* True when conn holds a connection whose server takes several messages per round trip
 * (PIPELINING and CHUNKING advertised). */
bool mail_smtp_batches(const struct mail_smtp_conn *conn);
/* Ends conn's connection (QUIT, waiting up to 2 s for the answer) and frees what it holds. */
void mail_smtp_close(struct mail_smtp_conn *conn);

/* Writes msg as <dir>/<id>.eml atomically (a temporary file, fsync, rename), creating dir
 * when missing. id must be a UUID. On failure returns false with the reason in why. */
bool mail_spool_write(const char *dir, const char *id, const char *msg, char *why, size_t len);

/* url with any user:password@ removed, for logs ("smtp://u:p@host:25" -> "smtp://host:25"). */
void mail_url_redact(const char *url, char *out, size_t len);

#endif
