/* service/collab_service.h - collaboration steps that are not HTTP: the history (who did what,
 * with their display name and role) and the company's subscription, which every collaboration
 * with the company shares. Called inside the caller's write transaction. */
#ifndef ADVISORD_SERVICE_COLLAB_SERVICE_H
#define ADVISORD_SERVICE_COLLAB_SERVICE_H

#include <jansson.h>

#include "store_collab.h"

/* Appends an event to co's history, with the actor's display name and role. actor_id may be
 * NULL; reason may be NULL; details (may be NULL, reference stolen) becomes the JSON text; at
 * NULL: now. */
enum store_status collab_record(struct store_conn *c, const struct collab *co,
                                const char *actor_kind, const char *actor_id, const char *event,
                                enum collab_state from, enum collab_state to, const char *reason,
                                json_t *details, const char *at);
struct notify_actor;
/* collab_record with the details written already: details_text (NULL: "{}") as
 * json_dumps(JSON_COMPACT | JSON_SORT_KEYS) would write them; the actor's display name and
 * role into *shown (may be NULL), for the e-mails that name it (notify_req.shown). */
enum store_status collab_record_text(struct store_conn *c, const struct collab *co,
                                     const char *actor_kind, const char *actor_id,
                                     const char *event, enum collab_state from,
                                     enum collab_state to, const char *reason,
                                     const char *details_text, const char *at,
                                     struct notify_actor *shown);

/* co becomes active: a company without a subscription gets co's terms; a company that already
 * subscribes keeps its agreement (payer, period, dates: co takes them, agreement_continues), and
 * its variant goes up when co proposes a higher one (the other parties are told), otherwise co
 * takes the company's. What happened ("created", "upgraded", "kept") into *outcome (static). */
enum store_status subscription_on_activation(struct store_conn *c, struct collab *co,
                                             const char **outcome);

/* Writes an active co's terms (variant, payer, period, dates) to its company's subscription. */
enum store_status subscription_write(struct store_conn *c, const struct collab *co);

/* An active co's payer or agreement period changed (by actor_kind): written to the company and
 * recorded in the history of every other open collaboration of the company (their version
 * moves on). The company's administrators are told by the caller. */
enum store_status subscription_terms_changed(struct store_conn *c, const struct collab *co,
                                             const char *actor_kind);

/* The company's variant changed from from_code to co->variant through co (an upgrade by the
 * office, or a downgrade by support that reset the company): written to the company, recorded
 * in the history of every other open collaboration of the company (their version moves on, so
 * a stale If-Match is refused), and told: the administrators and the other offices, or on a
 * reset every office. lost_features: comma-separated (a reset), or NULL. */
struct secret;
enum store_status subscription_variant_changed(struct store_conn *c, struct collab *co,
                                               const char *from_code, bool reset,
                                               const char *lost_features,
                                               const char *actor_kind, const char *actor_id);

#endif
