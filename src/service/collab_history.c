/* collab_history.c - a collaboration's shared history: one row per transition or change,
 * naming who acted (kind, id, and their display name and role at the time). */
#include "log.h"
#include "service/collab_service.h"
#include "service/notify.h"
#include "service/webhooks.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum store_status collab_record(struct store_conn *c, const struct collab *co,
                                const char *actor_kind, const char *actor_id, const char *event,
                                enum collab_state from, enum collab_state to, const char *reason,
                                json_t *details, const char *at)
{
  char *text = details ? json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(details);
  enum store_status st =
      collab_record_text(c, co, actor_kind, actor_id, event, from, to, reason, text, at, NULL);
  free(text);
  return st;
}

enum store_status collab_record_text(struct store_conn *c, const struct collab *co,
                                     const char *actor_kind, const char *actor_id,
                                     const char *event, enum collab_state from,
                                     enum collab_state to, const char *reason,
                                     const char *text, const char *at,
                                     struct notify_actor *shown)
{
  /* not calloc: every member is written below or by the store (about 6 KB zeroed per event) */
  struct collab_event_rec *e = malloc(sizeof *e);
  if (!e)
    return STORE_ERROR;
  e->seq = 0;
  util_text_copy(e->collaboration_id, sizeof e->collaboration_id, co->id);
  util_text_copy(e->actor_kind, sizeof e->actor_kind, actor_kind);
  util_text_copy(e->actor_id, sizeof e->actor_id, actor_id ? actor_id : "");
  util_text_copy(e->event, sizeof e->event, event);
  util_text_copy(e->from_state, sizeof e->from_state,
                 from == COLLAB_NONE ? "" : collab_state_str(from));
  util_text_copy(e->to_state, sizeof e->to_state, collab_state_str(to));
  util_text_copy(e->reason, sizeof e->reason, reason ? reason : "");
  util_text_copy(e->at, sizeof e->at, at); /* none: the store's clock (store_collab_event_add) */
  enum store_status st = notify_actor_display(c, co, actor_kind, actor_id, e->actor_name,
                                              e->actor_role);
  if (st != STORE_OK)
    goto cleanup;
  if (shown) {
    util_text_copy(shown->name, sizeof shown->name, e->actor_name);
    util_text_copy(shown->role, sizeof shown->role, e->actor_role);
  }
  st = STORE_ERROR;
  if (text && strlen(text) >= sizeof e->details) {
    log_msg(LOG_ERROR, "collab_event_details", "details of %s too long", event);
    goto cleanup;
  }
  util_text_copy(e->details, sizeof e->details, text ? text : "{}");
  st = store_collab_event_add(c, e);
  if (st == STORE_OK) /* the webhooks' deliveries of the event, in its transaction */
    st = webhook_fan_out(c, co, e);
cleanup:
  free(e);
  return st;
}
