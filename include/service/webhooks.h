/* service/webhooks.h - webhook endpoints and their deliveries: an office user with full rights
 * manages its office's endpoints, a customer administrator its company's. Every history event
 * of a collaboration an endpoint's owner may see becomes a delivery in the event's own
 * transaction (webhook_fan_out), rendered as the API shows that owner the collaboration; the
 * webhook worker (webhook_worker.h) sends them. */
#ifndef ADVISORD_SERVICE_WEBHOOKS_H
#define ADVISORD_SERVICE_WEBHOOKS_H

#include <jansson.h>

#include "app.h"
#include "principal.h"
#include "service/refusal.h"
#include "store_collab.h"
#include "store_webhooks.h"

#define WEBHOOK_SECRET_LEN SECRET_WEBHOOK_LEN /* "whsec_" + 43 characters + NUL */
#define WEBHOOK_ROTATION_MS (24LL * 3600 * 1000) /* the old secret's life after a rotation */
#define WEBHOOK_MAX_PER_OWNER 20

struct webhook_in {
  const struct principal *caller;
  const char *id;          /* all but create */
  const char *url;         /* create (required), patch (NULL: unchanged) */
  json_t *events;          /* create (required), patch: array of types or ["*"] (borrowed) */
  const char *description; /* NULL: unchanged / none */
  const char *language;    /* sv or en; NULL: unchanged / sv */
  int enabled;             /* patch: -1 unchanged, 0 or 1 */
  bool allow_private;      /* --webhook-allow-private: http and internal addresses allowed */
};
struct webhook_out {
  struct webhook w;
  char secret[WEBHOOK_SECRET_LEN]; /* create and rotate-secret: shown once; wipe after use */
  struct refusal rf;               /* why not; clear with refusal_clear */
};

enum store_status webhook_create(const struct app *app, const struct webhook_in *in,
                                 struct webhook_out *out);
/* PATCH: url, events, description, enabled (re-enabling clears the failure record). */
enum store_status webhook_patch(const struct app *app, const struct webhook_in *in,
                                struct webhook_out *out);
/* A new secret; the current one stays valid for WEBHOOK_ROTATION_MS. */
enum store_status webhook_rotate(const struct app *app, const struct webhook_in *in,
                                 struct webhook_out *out);
/* NOT_FOUND: no endpoint of the caller's with that id. */
enum store_status webhook_delete(const struct app *app, const struct webhook_in *in);
enum store_status webhook_read(const struct app *app, const struct principal *caller,
                               const char *id, struct webhook *out);
enum store_status webhooks_page(const struct app *app, const struct principal *caller,
                                const char *after_created, const char *after_id, int limit,
                                bool (*fn)(const struct webhook *w, void *arg), void *arg);

/* A ping delivery to the caller's endpoint id (out: the delivery). */
enum store_status webhook_ping(const struct app *app, const struct webhook_in *in,
                               struct webhook_delivery *out);
/* The deliveries of the caller's endpoint id, newest first, before seq (0: from the newest).
 * NOT_FOUND: no such endpoint of the caller's. */
enum store_status webhook_deliveries_page(const struct app *app, const struct principal *caller,
                                          const char *id, int64_t before_seq, int limit,
                                          bool (*fn)(const struct webhook_delivery *d, void *a),
                                          void *arg);
/* Sends delivery_id of the caller's endpoint id again (same event id), due now. CONFLICT:
 * it is still pending (it goes out on its turn). */
enum store_status webhook_redeliver(const struct app *app, const struct principal *caller,
                                    const char *id, const char *delivery_id,
                                    struct webhook_delivery *out);

/* Inside the history event's transaction: a delivery of e (co as it is after it) to every
 * enabled endpoint whose owner sees co and asked for the event's type. */
enum store_status webhook_fan_out(struct store_conn *c, const struct collab *co,
                                  const struct collab_event_rec *e);

#endif
