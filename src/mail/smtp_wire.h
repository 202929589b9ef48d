/* smtp_wire.h - an SMTP connection's bytes after libcurl opened it (CURLOPT_CONNECT_ONLY):
 * writing all of a buffer and reading the server's replies (curl_easy_send and curl_easy_recv,
 * so that TLS keeps working), each wait bounded by a deadline, a stop flag and on_slow. Used
 * by smtp_dialogue.c and smtp.c only. */
#ifndef ADVISORD_MAIL_SMTP_WIRE_H
#define ADVISORD_MAIL_SMTP_WIRE_H

#include "mail_transport.h"

#include <curl/curl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SMTP_REPLY_MAX_BYTES 65536 /* one reply longer than this (or of more lines) is not SMTP */
#define SMTP_REPLY_MAX_LINES 100

/* One connection's wire while messages go over it. */
struct smtp_wire {
  void *curl;                   /* the easy handle holding the connection */
  struct mail_smtp_conn *conn;  /* its on_slow, called once when the wait reaches slow_at */
  const atomic_bool *stop;      /* true: the wait ends with CURLE_ABORTED_BY_CALLBACK */
  int64_t deadline;             /* util_mono_ms: looked at before every wait and receive;
                                 * past it (or conn->settle_by): CURLE_OPERATION_TIMEDOUT */
  long timeout_s;               /* the setting the deadline comes from (for the detail) */
  CURLcode write_failed;        /* CURLE_OK, or the failure of a write cut short: from then
                                 * on a read takes only what has arrived (no wait, no deadline,
                                 * no stop) and, with nothing more there, fails with it */
  size_t written;               /* the bytes the last smtp_put wrote (all, or those before
                                 * its failure) */
  bool overlong;                /* a reply was longer than the dialogue takes (not SMTP) */
  size_t start, end;            /* unread bytes of buf */
  char buf[1024];
};

/* A reply of the server's: its code (0 until one came) and its last line (printable). */
struct smtp_reply {
  int code;
  char line[200];
};

/* The time w's waits end by: its deadline, or the connection's settle_by when sooner. */
int64_t smtp_deadline(const struct smtp_wire *w);

/* Writes all of p (len bytes) by w's deadline; CURLE_OK or the failure that ended it;
 * w->written: how many were written. */
CURLcode smtp_put(struct smtp_wire *w, const char *p, size_t len);

/* Reads one reply into r (all its lines, at most SMTP_REPLY_MAX_LINES and
 * SMTP_REPLY_MAX_BYTES; the last one kept): CURLE_OK, CURLE_GOT_NOTHING (the server closed
 * the connection), CURLE_WEIRD_SERVER_REPLY (not SMTP; w->overlong when too long; r->line the
 * offending line), the deadline's, the stop's or the socket's failure; after a write cut short
 * (w->write_failed) what has arrived only. */
CURLcode smtp_get_reply(struct smtp_wire *w, struct smtp_reply *r);

/* Whether bytes the server sent unasked wait on w's connection (not TLS's own records). */
bool smtp_unasked_bytes(struct smtp_wire *w);

/* out's curl_code, aborted and detail for the wire's failure rc; last: the reply
 * that was being read (its line for an answer that is not SMTP). smtp_code is left alone. */
void smtp_wire_failure(const struct smtp_wire *w, CURLcode rc, const struct smtp_reply *last,
                       struct mail_delivery *out);

/* Fills out for a message not sent (none of its bytes written) because the call's time
 * (conn->settle_by) was up: a temporary failure as after a timeout (CURLE_OPERATION_TIMEDOUT,
 * smtp_code 0), unsent. */
void smtp_too_late(struct mail_delivery *out);

/* Sends one command line ("RSET\r\n", "QUIT\r\n") and reads its answer; true for a 2xx. */
bool smtp_command(struct smtp_wire *w, const char *line);

/* The socket of curl's connection (CURLINFO_ACTIVESOCKET), -1 for none. */
int smtp_socket(void *curl);

/* Calls c's on_slow (once: it is cleared) when one is set and now has reached slow_at. */
void smtp_check_slow(struct mail_smtp_conn *c, int64_t now);

/* A line the server sent (src, n bytes) as text for logs and JSON into dst (cap bytes): its
 * line end dropped, cut to cap - 1, bytes outside printable ASCII as spaces. dst may be src. */
void smtp_printable_line(char *dst, size_t cap, const char *src, size_t n);

#endif
