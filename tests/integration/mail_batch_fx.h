/* mail_batch_fx.h - the transport-level batch tests' messages and look-ups (header-only;
 * test_mail_batch.c, test_mail_batch_cut.c, test_mail_settle.c): messages made for
 * mail_smtp_send_many (also one too large for the sockets' buffers), the settings for a sink,
 * and how many times (and on which connection and read) the sink received a Message-ID. */
#ifndef ADVISORD_TEST_MAIL_BATCH_FX_H
#define ADVISORD_TEST_MAIL_BATCH_FX_H

#include "mail_transport.h"
#include "smtp_sink.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FROM "advisord@example.se"

/* n items to to[i] (NULL: kund@example.se), Message-ID <tag><i>@test. */
static inline void make(struct mail_smtp_item *it, size_t n, const char *tag,
                        const char *const *to)
{
  for (size_t i = 0; i < n; i++) {
    char id[32], body[64];
    snprintf(id, sizeof id, "%s%zu", tag, i);
    snprintf(body, sizeof body, ".dot line %zu\r\n..two\r\nend %zu", i, i); /* last CRLF missing */
    it[i] = (struct mail_smtp_item){.to = to && to[i] ? to[i] : "kund@example.se",
                                    .msg = sink_message(id, body)};
  }
}

#define BIG_BYTES 16000000u /* more than the client's and the server's socket buffers take */

/* A message with Message-ID <id@test> and a body of BIG_BYTES in 100-byte lines; malloc'd. */
static inline char *big_message(const char *id)
{
  char *body = malloc(BIG_BYTES + 1);
  if (!body)
    abort();
  for (size_t i = 0; i < BIG_BYTES; i += 100) {
    memset(body + i, 'x', 98);
    memcpy(body + i + 98, "\r\n", 2);
  }
  body[BIG_BYTES] = '\0';
  char *m = sink_message(id, body);
  free(body);
  return m;
}

/* Three items as make's, the second (<tag>1) of BIG_BYTES. */
static inline void make_big_second(struct mail_smtp_item it[3], const char *tag)
{
  char id[32];
  snprintf(id, sizeof id, "%s1", tag);
  make(it, 3, tag, NULL);
  free((char *)it[1].msg);
  it[1].msg = big_message(id);
}

static inline void unmake(struct mail_smtp_item *it, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free((char *)it[i].msg);
}

static inline struct mail_smtp_settings settings(const struct smtp_sink *k)
{
  return (struct mail_smtp_settings){k->url, NULL, NULL, "off", NULL, 10};
}

/* The received message with Message-ID <id@test>: how many times, and (the last) one's
 * connection and mail_read. */
static inline int received(const struct smtp_sink *k, const char *id, json_int_t *conn,
                           json_int_t *read)
{
  json_t *all = sink_received(k), *last = NULL;
  char mid[64];
  snprintf(mid, sizeof mid, "<%s@test>", id);
  int times = sink_times(all, mid, &last);
  if (conn && last)
    *conn = json_integer_value(json_object_get(last, "connection"));
  if (read && last)
    *read = json_integer_value(json_object_get(last, "mail_read"));
  json_decref(all);
  return times;
}

#endif
