/* mail_batch_fx.h - the transport-level batch tests' messages and look-ups (header-only;
 * test_mail_batch.c, test_mail_batch_cut.c): messages made for mail_smtp_send_many, the
 * settings for a sink, and how many times (and on which connection and read) the sink
 * received a Message-ID. */
#ifndef ADVISORD_TEST_MAIL_BATCH_FX_H
#define ADVISORD_TEST_MAIL_BATCH_FX_H

#include "mail_transport.h"
#include "smtp_sink.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

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
