/* service/collab_render.h - a collaboration and a history event as the API shows them (to a
 * viewer): shared by api/ and the webhook payloads (service/webhooks.h). */
#ifndef ADVISORD_SERVICE_COLLAB_RENDER_H
#define ADVISORD_SERVICE_COLLAB_RENDER_H

#include <jansson.h>
#include <stdint.h>

#include "principal.h"
#include "store_collab.h"

/* The collaboration as served to viewer (new reference); mail may be NULL (no invitation
 * e-mail). Only an office user sees the office's register name and the way-3 contact. */
json_t *collab_json(const struct collab *co, const struct collab_mail_state *mail, int64_t now_ms,
                    const struct principal *viewer);
/* The event as served (new reference). */
json_t *collab_event_json(const struct collab_event_rec *e);
/* A text as JSON: a string, or null when NULL or empty (new reference). */
json_t *collab_str_or_null(const char *s);

#endif
