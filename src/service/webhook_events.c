/* webhook_events.c - events becoming deliveries: the fan-out of a collaboration's history
 * event inside its transaction (each endpoint gets the collaboration as the API shows it to
 * the endpoint's owner), pings, and the owner's view of the deliveries (list, redeliver). */
#include "service/webhooks.h"

#include "domain/collab_party.h"
#include "domain/webhook.h"
#include "service/collab_render.h"
#include "util.h"
#include "webhook_worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *scope_office(const struct principal *p)
{
  return p->kind == PRINCIPAL_OFFICE_USER ? p->office_id : NULL;
}

static const char *scope_company(const struct principal *p)
{
  return p->kind == PRINCIPAL_CUSTOMER_ADMIN ? p->company_id : NULL;
}

/* The owner of w as the API knows it: a full office user of its office, or an administrator
 * of its company. */
static void owner_of(const struct webhook *w, struct principal *p)
{
  memset(p, 0, sizeof *p);
  if (w->office_id[0]) {
    p->kind = PRINCIPAL_OFFICE_USER;
    p->role = OFFICE_ROLE_FULL;
    snprintf(p->office_id, sizeof p->office_id, "%s", w->office_id);
  } else {
    p->kind = PRINCIPAL_CUSTOMER_ADMIN;
    snprintf(p->company_id, sizeof p->company_id, "%s", w->company_id);
  }
  snprintf(p->id, sizeof p->id, "%s", w->created_by_id);
}

/* Adds a delivery of body (the event: id, type, created_at, data) to w. */
static enum store_status add_delivery(struct store_conn *c, const struct webhook *w,
                                      json_t *body, const char *collab_id,
                                      struct webhook_delivery *out)
{
  struct webhook_delivery d = {0};
  util_uuid(d.id);
  snprintf(d.webhook_id, sizeof d.webhook_id, "%s", w->id);
  snprintf(d.event_id, sizeof d.event_id, "%s", json_string_value(json_object_get(body, "id")));
  snprintf(d.event_type, sizeof d.event_type, "%s",
           json_string_value(json_object_get(body, "type")));
  snprintf(d.collaboration_id, sizeof d.collaboration_id, "%s", collab_id);
  snprintf(d.status, sizeof d.status, "pending");
  d.created_ms = d.next_attempt_ms = util_now_ms();
  snprintf(d.created_at, sizeof d.created_at, "%s",
           json_string_value(json_object_get(body, "created_at")));
  char *text = json_dumps(body, JSON_COMPACT);
  enum store_status st = text ? store_webhook_delivery_add(c, &d, text) : STORE_ERROR;
  free(text);
  if (st == STORE_OK)
    webhook_worker_queued();
  if (st == STORE_OK && out)
    *out = d;
  return st;
}

struct fan_out {
  const struct collab *co;
  const struct collab_event_rec *e;
  const struct collab_mail_state *mail;
  const char *type;
  char event_id[STORE_ID_LEN];
  char now[STORE_TIME_LEN];
  struct webhook *hooks; /* NULL until the first endpoint */
  size_t n;
  bool failed;
};

#define FAN_OUT_MAX 64

/* f->hooks is allocated at the first endpoint (FAN_OUT_MAX of them are about 300 KiB: glibc
 * may take such a block from the kernel and give it back at every event); false stops the
 * list (full, or out of memory: f->failed). */
static bool collect(const struct webhook *w, void *arg)
{
  struct fan_out *f = arg;
  if (!f->hooks && !(f->hooks = malloc(FAN_OUT_MAX * sizeof *f->hooks))) {
    f->failed = true;
    return false;
  }
  if (f->n < FAN_OUT_MAX)
    f->hooks[f->n++] = *w;
  return f->n < FAN_OUT_MAX;
}

enum store_status webhook_fan_out(struct store_conn *c, const struct collab *co,
                                  const struct collab_event_rec *e)
{
  struct fan_out f = {.co = co, .e = e, .type = webhook_event_type(e->event)};
  if (!f.type)
    return STORE_OK;
  enum store_status st = store_webhooks_enabled_for(c, co->office_id, co->company_id, collect, &f);
  if (st == STORE_OK && f.failed)
    st = STORE_ERROR;
  if (st != STORE_OK || !f.n) { /* no endpoint wants it: nothing to write */
    free(f.hooks);
    return st;
  }
  struct collab_mail_state *mail = malloc(sizeof *mail);
  if (!mail) {
    free(f.hooks);
    return STORE_ERROR;
  }
  enum store_status ms = store_collab_invitation_mail(c, co->id, mail);
  bool has_mail = ms == STORE_OK;
  st = ms == STORE_OK || ms == STORE_NOT_FOUND ? STORE_OK : ms;
  util_uuid(f.event_id); /* one event: the same id for every endpoint and every try */
  util_now_iso8601(f.now, sizeof f.now);
  int64_t now_ms = util_now_ms();
  for (size_t i = 0; st == STORE_OK && i < f.n; i++) {
    struct principal owner;
    owner_of(&f.hooks[i], &owner);
    if (!webhook_events_match(f.hooks[i].events, f.type) ||
        !collab_visible_to(co->office_id, co->company_id, &owner))
      continue;
    json_t *body = json_pack("{s:s, s:s, s:s, s:{s:o, s:o}}", "id", f.event_id, "type", f.type,
                             "created_at", f.now, "data", "collaboration",
                             collab_json(co, has_mail ? mail : NULL, now_ms, &owner), "event",
                             collab_event_json(e));
    st = body ? add_delivery(c, &f.hooks[i], body, co->id, NULL) : STORE_ERROR;
    json_decref(body);
  }
  free(mail);
  free(f.hooks);
  return st;
}

struct ping_tx {
  const struct webhook_in *in;
  struct webhook_delivery *out;
};

static enum store_status ping_tx(struct store_conn *c, void *arg)
{
  struct ping_tx *x = arg;
  const struct principal *p = x->in->caller;
  struct webhook *w = malloc(sizeof *w);
  enum store_status st =
      w ? store_webhook_get(c, scope_office(p), scope_company(p), x->in->id, w) : STORE_ERROR;
  if (st == STORE_OK) {
    char id[STORE_ID_LEN], now[STORE_TIME_LEN];
    util_uuid(id);
    util_now_iso8601(now, sizeof now);
    json_t *body = json_pack("{s:s, s:s, s:s, s:{s:s}}", "id", id, "type", WEBHOOK_PING,
                             "created_at", now, "data", "webhook_id", w->id);
    st = body ? add_delivery(c, w, body, "", x->out) : STORE_ERROR;
    json_decref(body);
  }
  free(w);
  return st;
}

enum store_status webhook_ping(const struct app *app, const struct webhook_in *in,
                               struct webhook_delivery *out)
{
  struct ping_tx x = {in, out};
  enum store_status st = store_write(app->store, ping_tx, &x);
  if (st == STORE_OK)
    webhook_worker_wake(app->webhooks);
  return st;
}

enum store_status webhook_deliveries_page(const struct app *app, const struct principal *caller,
                                          const char *id, int64_t before_seq, int limit,
                                          bool (*fn)(const struct webhook_delivery *d, void *a),
                                          void *arg)
{
  struct store_conn *c = store_conn(app->store);
  struct webhook *w = malloc(sizeof *w);
  enum store_status st =
      c && w ? store_webhook_get(c, scope_office(caller), scope_company(caller), id, w)
             : STORE_ERROR;
  free(w);
  return st == STORE_OK ? store_webhook_deliveries_list(c, id, before_seq, limit, fn, arg) : st;
}

struct redeliver_tx {
  const struct principal *caller;
  const char *id, *delivery_id;
  struct webhook_delivery *out;
};

static enum store_status redeliver_tx(struct store_conn *c, void *arg)
{
  struct redeliver_tx *x = arg;
  struct webhook *w = malloc(sizeof *w);
  enum store_status st =
      w ? store_webhook_get(c, scope_office(x->caller), scope_company(x->caller), x->id, w)
        : STORE_ERROR;
  free(w);
  if (st == STORE_OK)
    st = store_webhook_delivery_get(c, x->id, x->delivery_id, x->out);
  if (st == STORE_OK && strcmp(x->out->status, "pending") == 0)
    return STORE_CONFLICT; /* it goes out on its turn anyway */
  if (st == STORE_OK)
    st = store_webhook_delivery_redeliver(c, x->id, x->delivery_id, util_now_ms());
  if (st == STORE_OK)
    webhook_worker_queued();
  if (st == STORE_OK)
    st = store_webhook_delivery_get(c, x->id, x->delivery_id, x->out);
  return st;
}

enum store_status webhook_redeliver(const struct app *app, const struct principal *caller,
                                    const char *id, const char *delivery_id,
                                    struct webhook_delivery *out)
{
  struct redeliver_tx x = {caller, id, delivery_id, out};
  enum store_status st = store_write(app->store, redeliver_tx, &x);
  if (st == STORE_OK)
    webhook_worker_wake(app->webhooks);
  return st;
}
