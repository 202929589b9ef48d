/* smtp_dialogue.h - one message's mail transaction (MAIL FROM, RCPT TO, DATA or BDAT) on an
 * SMTP connection libcurl opened (greeting, EHLO, STARTTLS, AUTH: CURLOPT_CONNECT_ONLY), over
 * curl_easy_send and curl_easy_recv so that TLS keeps working. Used by smtp.c only. */
#ifndef ADVISORD_MAIL_SMTP_DIALOGUE_H
#define ADVISORD_MAIL_SMTP_DIALOGUE_H

#include "mail_transport.h"
#include "smtp_wire.h"

#include <stddef.h>

/* The EHLO keywords the dialogue uses when the server advertises them (mail_smtp_conn.ext). */
enum {
  SMTP_EXT_PIPELINING = 1, /* RFC 2920: MAIL, RCPT and DATA/BDAT in one write */
  SMTP_EXT_CHUNKING = 2,   /* RFC 3030: BDAT, the message's bytes as they are */
  SMTP_EXT_SIZE = 4,       /* RFC 1870: MAIL FROM ... SIZE=n; a limit in size_max */
};

/* The connection after a transaction: ready for the next message, in a refused transaction
 * (the server must be told RSET first) or unusable (to be dropped). */
enum smtp_after { SMTP_CLEAN, SMTP_DIRTY, SMTP_BROKEN };

/* Sends msg (len bytes, CRLF line ends) from `from` to `to` (bare addresses) the fastest way
 * the server's extensions allow (w->conn->ext): PIPELINING and CHUNKING: one write of MAIL,
 * RCPT, BDAT <n> LAST and the message, then three answers; PIPELINING only: MAIL, RCPT and
 * DATA in one write, three answers, then the dot-stuffed message and its ".", one answer;
 * neither: each command waits for its answer. The first refusal in the transaction decides
 * (a 503 to DATA after a refused RCPT is its consequence). Fills out (curl_code CURLE_OK when
 * the server took the message, CURLE_WEIRD_SERVER_REPLY when it refused it, else the wire's
 * failure; smtp_code the deciding answer's code, or the last one received, 0 for none). Every
 * wait and receive ends at w->deadline and at *w->stop; a reply of more than 100 lines or
 * 64 KiB breaks the dialogue (CURLE_WEIRD_SERVER_REPLY, a detail saying so). */
enum smtp_after smtp_transaction(struct smtp_wire *w, const char *from, const char *to,
                                 const char *msg, size_t len, struct mail_delivery *out);

/* One message of a batch: from `from` to `to`, msg (len bytes, CRLF line ends); its outcome
 * goes to *out. */
struct smtp_msg {
  const char *to, *msg;
  size_t len;
  struct mail_delivery *out;
};

/* Sends m[0..n) on a connection whose server advertised PIPELINING and CHUNKING in one write
 * (each as MAIL, RCPT, BDAT <len> LAST and its bytes, each after the first preceded by RSET:
 * RFC 2920 lets transactions follow unanswered, and the RSET ends a refused one before the
 * next MAIL) and reads all their answers in one wait. Each message's out is decided by its own
 * three answers as smtp_transaction decides one (a refusal of one fails that one only); when
 * the wire fails (closed, timed out, stopped, an answer not SMTP, a 421 to RSET: closed) every
 * message not yet fully answered gets that failure (smtp_code 0 for one that had no answer:
 * the server never took it). A write cut short (the server closed or reset the connection
 * part-way, the deadline, a stop) still reads the answers that had arrived, without waiting:
 * a message they settle keeps its outcome (one the server took is not sent again), the others
 * get the failure. w->deadline is the first message's; each next one's is the
 * setting's time after the answers before it, message i's at most the first + i timeouts.
 * Answers out of step (an RSET refused otherwise, answers left over, or, after a write cut
 * short, an answer to a command not all written: a BDAT whose data the server did not get all
 * of cannot have been taken) make every message a temporary failure (CURLE_WEIRD_SERVER_REPLY,
 * smtp_code 0); but for a 421 (the server closing) and a refusal of a BDAT whose line was
 * written, before its data was all read (a server refusing the chunk unread, against RFC 3030
 * 2, then closing: the refusal decides that message, those before it keep their outcomes).
 * Every wait ends at w->conn->settle_by too (the messages not settled by then fail as after a
 * timeout; one none of whose bytes were written when it cut the write is unsent:
 * smtp_too_late). Returns the connection's state after the last one. */
enum smtp_after smtp_batch(struct smtp_wire *w, const char *from, const struct smtp_msg *m,
                           size_t n);

/* The bytes msg (len bytes) takes on the wire as the message's data: len, plus 2 when its
 * last line end is missing (the transaction adds it). For SIZE and BDAT. */
size_t smtp_wire_len(const char *msg, size_t len);

#endif
