/* outbox_enqueue.c - SQL that adds a message to the outbox (called inside a transaction). */
#include "db.h"
#include "store_outbox.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

enum store_status store_outbox_enqueue(struct store_conn *c, const struct outbox_message *m,
                                       char *id_out)
{
  char now[40];
  util_now_iso8601(now, sizeof now);
  return store_outbox_enqueue_at(c, m, now, id_out);
}

enum store_status store_outbox_enqueue_at(struct store_conn *c, const struct outbox_message *m,
                                          const char *now, char *id_out)
{
  char id[37];
  util_uuid(id); /* the Message-ID is "<id@advisord>" (outbox_read_row in outbox.c) */
  struct db_stmt *s = db_stmt(
      c, "INSERT INTO outbox (id, recipient, template, language, data, "
         "collaboration_id, status, attempts, next_attempt_at, created_at, updated_at) "
         "VALUES (:id, :to, :tpl, :lang, :data, :collab, 'pending', 0, :due, :now, :now)");
  if (!s)
    return STORE_ERROR;
  db_bind_text_kept(s, ":id", id);
  db_bind_text_kept(s, ":to", m->recipient);
  db_bind_text_kept(s, ":tpl", m->template_name);
  db_bind_text_kept(s, ":lang", m->language);
  db_bind_text_kept(s, ":data", m->data_json ? m->data_json : "{}");
  db_bind_text_kept(s, ":collab", m->collaboration_id);
  db_bind_int(s, ":due", util_now_ms());
  db_bind_text_kept(s, ":now", now);
  enum store_status st = db_exec_stmt(c, s);
  if (st == STORE_OK && id_out)
    memcpy(id_out, id, sizeof id);
  return st;
}
