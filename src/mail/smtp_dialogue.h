/* smtp_dialogue.h - one message's mail transaction (MAIL FROM, RCPT TO, DATA or BDAT) on an
 * SMTP connection libcurl opened (greeting, EHLO, STARTTLS, AUTH: CURLOPT_CONNECT_ONLY), over
 * curl_easy_send and curl_easy_recv so that TLS keeps working. Used by smtp.c only. */
#ifndef ADVISORD_MAIL_SMTP_DIALOGUE_H
#define ADVISORD_MAIL_SMTP_DIALOGUE_H

#include "mail_transport.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The EHLO keywords the dialogue uses when the server advertises them (mail_smtp_conn.ext). */
enum {
  SMTP_EXT_PIPELINING = 1, /* RFC 2920: MAIL, RCPT and DATA/BDAT in one write */
  SMTP_EXT_CHUNKING = 2,   /* RFC 3030: BDAT, the message's bytes as they are */
  SMTP_EXT_SIZE = 4,       /* RFC 1870: MAIL FROM ... SIZE=n; a limit in size_max */
};

/* One connection's wire while a message goes over it. */
struct smtp_wire {
  void *curl;                   /* the easy handle holding the connection */
  struct mail_smtp_conn *conn;  /* its on_slow, called once when the wait reaches slow_at */
  const atomic_bool *stop;      /* true: the wait ends with CURLE_ABORTED_BY_CALLBACK */
  int64_t deadline;             /* util_mono_ms: looked at before every wait and receive;
                                 * past it: CURLE_OPERATION_TIMEDOUT */
  long timeout_s;               /* the setting the deadline comes from (for the detail) */
  bool overlong;                /* a reply was longer than the dialogue takes (not SMTP) */
  size_t start, end;            /* unread bytes of buf */
  char buf[1024];
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
 * the server never took it). w->deadline is the first message's; each next one's is the
 * setting's time after the answers before it, message i's at most the first + i timeouts.
 * Answers out of step (an RSET refused otherwise, or answers left over) make every message a
 * temporary failure (CURLE_WEIRD_SERVER_REPLY, smtp_code 0). Returns the connection's state
 * after the last one. */
enum smtp_after smtp_batch(struct smtp_wire *w, const char *from, const struct smtp_msg *m,
                           size_t n);

/* Sends one command line ("RSET\r\n", "QUIT\r\n") and reads its answer; true for a 2xx. */
bool smtp_command(struct smtp_wire *w, const char *line);

/* The socket of curl's connection (CURLINFO_ACTIVESOCKET), -1 for none. */
int smtp_socket(void *curl);

/* The bytes msg (len bytes) takes on the wire as the message's data: len, plus 2 when its
 * last line end is missing (the transaction adds it). For SIZE and BDAT. */
size_t smtp_wire_len(const char *msg, size_t len);

/* Calls c's on_slow (once: it is cleared) when one is set and now has reached slow_at. */
void smtp_check_slow(struct mail_smtp_conn *c, int64_t now);

/* A line the server sent (src, n bytes) as text for logs and JSON into dst (cap bytes): its
 * line end dropped, cut to cap - 1, bytes outside printable ASCII as spaces. dst may be src. */
void smtp_printable_line(char *dst, size_t cap, const char *src, size_t n);

#endif
