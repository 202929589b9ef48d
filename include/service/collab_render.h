/* service/collab_render.h - a collaboration and a history event as the API shows them (to a
 * viewer): shared by api/ and the webhook payloads (service/webhooks.h). */
#ifndef ADVISORD_SERVICE_COLLAB_RENDER_H
#define ADVISORD_SERVICE_COLLAB_RENDER_H

#include <jansson.h>
#include <stdint.h>

#include "principal.h"
#include "store_collab.h"

/* The collaboration as served to viewer, written as JSON text (the one place its members are
 * named: the two forms below are made of it); mail may be NULL (no invitation e-mail). Only an
 * office user sees the office's register name and the way-3 contact. */
struct json_text;
void collab_json_write(struct json_text *w, const struct collab *co,
                       const struct collab_mail_state *mail, int64_t now_ms,
                       const struct principal *viewer);
/* The same as compact JSON text (malloc'd, the caller frees it; *len its length), or NULL
 * when out of memory or a text in co is not UTF-8: what a reply sends. */
char *collab_json_text(const struct collab *co, const struct collab_mail_state *mail,
                       int64_t now_ms, const struct principal *viewer, size_t *len);
/* The same as a jansson tree (new reference; NULL as above), for a list page's items and
 * webhook payloads. */
json_t *collab_json(const struct collab *co, const struct collab_mail_state *mail, int64_t now_ms,
                    const struct principal *viewer);
/* The event as served (new reference). */
json_t *collab_event_json(const struct collab_event_rec *e);
/* A text as JSON: a string, or null when NULL or empty (new reference). */
json_t *collab_str_or_null(const char *s);

#endif
