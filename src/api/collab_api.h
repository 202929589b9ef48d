/* collab_api.h - what the collaboration handlers share (collab_*.c in api/): rendering a
 * collaboration, an invitation and an event (collab_json.c), and the replies made of a use
 * case's outcome (service/collab.h). */
#ifndef ADVISORD_API_COLLAB_API_H
#define ADVISORD_API_COLLAB_API_H

#include <jansson.h>

#include "api.h"
#include "domain/collab.h"
#include "service/collab.h"
#include "service/collab_render.h"

/* The invitation as its link shows it (new reference): what is proposed, by whom, until when,
 * and which answers the link can give now. */
json_t *collab_invitation_json(const struct collab *co, int64_t now_ms);
/* The Location of the collaboration id ("/v1/collaborations/<id>") into out (>= 80 bytes). */
void collab_location(const char *id, char *out);
/* Replies status with out's collaboration, its ETag and, for a 201, its Location. */
enum MHD_Result collab_reply(struct request *req, unsigned status,
                             const struct collab_outcome *out);
/* Replies to a use case that ended with st and out: the store's failure, the refusal, or 200
 * with the collaboration (link_view: the invitation as the link shows it). Clears out. */
enum MHD_Result collab_reply_outcome(struct request *req, enum store_status st,
                                     struct collab_outcome *out, bool link_view);

/* The administrator contact of a way-3 activation (name, email, phone), for a field_spec array
 * (an activation's and a correction's) filling a struct collab_admin_in; needs validate.h and
 * domain/contact.h. */
#define COLLAB_ADMIN_FIELDS                                                                  \
  {                                                                                          \
    {.name = "name", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 200,   \
     .check = contact_name_check, .to = FIELD_TO(struct collab_admin_in, name)},            \
        {.name = "email", .type = FIELD_STRING, .required = true, .min_len = 3,             \
         .max_len = 254, .check = contact_email_check,                                      \
         .to = FIELD_TO(struct collab_admin_in, email)},                                    \
        {.name = "phone", .type = FIELD_STRING, .required = true, .min_len = 6,             \
         .max_len = 40, .check = contact_phone_check,                                       \
         .to = FIELD_TO(struct collab_admin_in, phone)},                                    \
    {                                                                                        \
      0                                                                                      \
    }                                                                                        \
  }

#endif
