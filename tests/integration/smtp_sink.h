/* smtp_sink.h - integration tests: the real SMTP server of tests/mail/smtp_sink.py (aiosmtpd
 * under /usr/bin/python3) run on loopback as a child process, stopped and restarted on the
 * same port, and what it received read back as JSON. */
#ifndef ADVISORD_TEST_SMTP_SINK_H
#define ADVISORD_TEST_SMTP_SINK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct smtp_sink {
  pid_t pid;          /* 0 while stopped */
  int tls;            /* SINK_STARTTLS or SINK_IMPLICIT_TLS: set before sink_start_tls */
  char auth[128];     /* "user:password" the server requires, or "" */
  int ack_delay_s;    /* > 0: each message is saved, then 250 waits this long (sink_start_ack) */
  int drop;           /* SINK_CLOSE_AFTER_MESSAGE, SINK_DROP_AT_SECOND_MAIL, SINK_CUT_AFTER_DATA */
  int no_ext;         /* SINK_NO_PIPELINING | SINK_NO_CHUNKING: not advertised (sink_start_with),
                       * or SINK_EXT_FIRST_ONLY: both on the first connection only */
  int cut_connection; /* > 0: that connection (from 1) closed unanswered at its first MAIL */
  long size;          /* > 0: the SIZE advertised and enforced (else aiosmtpd's 33554432) */
  char cert[300];     /* with TLS: the server's self-signed certificate (the CA file) */
  int port;
  char dir[256];      /* where messages, received.jsonl and events.jsonl go */
  char reject_file[300]; /* addresses listed here get 550 at RCPT TO */
  char url[64];       /* smtp://127.0.0.1:PORT */
};

/* Starts a sink on a free port in a new temporary folder; the first fail_first messages get
 * 451 after DATA; every answer to DATA waits delay_s seconds. Aborts the test on failure. */
void sink_start(struct smtp_sink *k, int fail_first, int delay_s);
enum { SINK_PLAIN = 0, SINK_STARTTLS = 1, SINK_IMPLICIT_TLS = 2 };
/* As sink_start, with TLS (SINK_STARTTLS: offered and required; SINK_IMPLICIT_TLS: smtps://,
 * url then starts "smtps://") and, when auth is not NULL, a required login "user:password". */
void sink_start_tls(struct smtp_sink *k, int tls, const char *auth);
/* Starts a sink that saves each message (received.jsonl) and only then waits delay_s seconds
 * before answering 250 to DATA: a client killed meanwhile has delivered without knowing it.
 * sink_restart keeps this. */
void sink_start_ack(struct smtp_sink *k, int delay_s);
enum { SINK_KEEP = 0, SINK_CLOSE_AFTER_MESSAGE = 1, SINK_DROP_AT_SECOND_MAIL = 2,
       SINK_CUT_AFTER_DATA = 3, SINK_CUT_AT_SECOND_MAIL = 4, SINK_EXTRA_REPLY = 5,
       SINK_CLOSE_AT_BIG_BDAT = 6, SINK_REFUSE_AT_BIG_BDAT = 7, SINK_CLOSE_AT_RSET = 8,
       SINK_STALL_AT_BIG_BDAT = 9 };
/* Starts a sink that closes connections: right after answering each message
 * (SINK_CLOSE_AFTER_MESSAGE), unanswered at a MAIL FROM that follows a message taken on the
 * connection and came in a later read of the socket than the MAIL before it
 * (SINK_DROP_AT_SECOND_MAIL: the server timed the idle connection out as the next message
 * began; messages the client sent together are not dropped), unanswered at the second MAIL
 * FROM of a connection whatever came with it (SINK_CUT_AT_SECOND_MAIL: a connection cut in
 * the middle of several messages sent together), or after saving each message, before
 * answering it (SINK_CUT_AFTER_DATA); or answers a connection's first message with one more
 * answer than asked (SINK_EXTRA_REPLY: a server out of step); or, on its first connection,
 * answers a BDAT of more than 1,000,000 bytes with 421 without reading its data and closes
 * (SINK_CLOSE_AT_BIG_BDAT: a large message's write cut short, the 421 the answer to a command
 * not all written), or with 552 (SINK_REFUSE_AT_BIG_BDAT: a chunk refused on its BDAT line
 * alone, against RFC 3030 2); or answers its first connection's first RSET with 421 and
 * closes (SINK_CLOSE_AT_RSET: closing between a batch's messages); or, on its first
 * connection, waits 3 s before reading a BDAT's data of more than 1,000,000 bytes
 * (SINK_STALL_AT_BIG_BDAT: the client's write of it blocks). sink_restart keeps this. */
void sink_start_drop(struct smtp_sink *k, int drop);
/* The sink advertises PIPELINING and CHUNKING (and takes BDAT) unless told not to: not at all
 * (SINK_NO_PIPELINING, SINK_NO_CHUNKING), or on its first connection only (SINK_EXT_FIRST_ONLY:
 * a server that no longer offers them when the client connects again). */
enum { SINK_NO_PIPELINING = 1, SINK_NO_CHUNKING = 2, SINK_EXT_FIRST_ONLY = 4 };
struct sink_options {
  int fail_first, delay_s; /* as sink_start's */
  int tls;                 /* SINK_PLAIN, SINK_STARTTLS or SINK_IMPLICIT_TLS */
  const char *auth;        /* "user:password" or NULL */
  int drop;                /* as sink_start_drop's */
  int no_ext;              /* SINK_NO_PIPELINING | SINK_NO_CHUNKING, or SINK_EXT_FIRST_ONLY */
  long size;               /* > 0: SIZE advertised and enforced */
  int cut_connection;      /* > 0: the sink's n-th connection (counted from 1) is closed,
                            * unanswered, at its first MAIL FROM (an event "dropped") */
};
/* Starts a sink with all of these; sink_restart keeps them (but fail_first and delay_s). */
void sink_start_with(struct smtp_sink *k, const struct sink_options *o);
/* Starts it again on the same port and folder (after sink_stop). */
void sink_restart(struct smtp_sink *k, int fail_first, int delay_s);
/* Stops it (SIGTERM, wait). */
void sink_stop(struct smtp_sink *k);
/* Stops it if running and removes its folder. */
void sink_cleanup(struct smtp_sink *k);
/* Writes the addresses (NULL-terminated) that are refused with 550 from now on. */
void sink_reject(struct smtp_sink *k, const char *const *addresses);

/* Every message received so far, in order: a JSON array (new reference) of objects with
 * connection (the client's port), on_connection (1 for its first message), how ("DATA" or
 * "BDAT"), segments (the socket reads from the one carrying MAIL FROM to the message's end;
 * 1: one write), mail_read (the number on its connection of the socket read that carried its
 * MAIL FROM: messages sent in one write share it), file (its raw copy, <dir>/<file>), mail_from,
 * rcpt_tos, message_id, to, from, subject (decoded), date, mime_version, content_type,
 * charset, transfer_encoding, language, body (decoded), defects. */
json_t *sink_received(const struct smtp_sink *k);
/* Every refusal so far ({"event":"deferred","code":451,"message_id"},
 * {"event":"rejected","code":550,"rcpt"} or {"event":"dropped","connection"}): a JSON array
 * (new reference). */
json_t *sink_events(const struct smtp_sink *k);
/* How many QUIT commands the sink has received. */
size_t sink_quits(const struct smtp_sink *k);
/* Waits up to timeout_ms until at least n messages were received; returns how many were. */
size_t sink_wait(const struct smtp_sink *k, size_t n, int timeout_ms);
/* The same for messages with n different Message-IDs (a message sent again after a crash
 * counts once); returns how many different ones were received. */
size_t sink_wait_different(const struct smtp_sink *k, size_t n, int timeout_ms);
/* A plain-text message (From advisord@example.se, To kund@example.se) with Message-ID
 * <id@test> and body (CRLF line ends), for tests that send through the transport; malloc'd. */
char *sink_message(const char *id, const char *body);
/* The first received message with this Message-ID (borrowed from arr), or NULL. */
/* How many records of arr (sink_received's) have message_id; *last (may be NULL) the last one
 * (borrowed from arr), untouched when none. */
int sink_times(json_t *arr, const char *message_id, json_t **last);
json_t *sink_find(json_t *arr, const char *message_id);

#endif
