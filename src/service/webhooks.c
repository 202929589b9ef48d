/* webhooks.c - managing webhook endpoints (service/webhooks.h): create, change, rotate the
 * secret, delete, read. The secret is derived from the server's secret and a random nonce, as
 * invitation tokens are: the database never holds it. */
#include "service/webhooks.h"

#include "domain/webhook.h"
#include "service/audit.h"
#include "util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

struct hook_tx {
  const struct app *app;
  const struct webhook_in *in;
  struct webhook_out *out;
};

static const char *scope_office(const struct principal *p)
{
  return p->kind == PRINCIPAL_OFFICE_USER ? p->office_id : NULL;
}

static const char *scope_company(const struct principal *p)
{
  return p->kind == PRINCIPAL_CUSTOMER_ADMIN ? p->company_id : NULL;
}

static bool new_secret(const struct app *app, struct webhook *w, char *secret)
{
  if (!util_random_token(w->secret_nonce, sizeof w->secret_nonce, 24))
    return false;
  secret_webhook(&app->secret, w->secret_nonce, secret);
  return true;
}

/* The address a URL's host is written as (4 or 16 bytes into addr), 0 when it is a name. */
static size_t ip_literal(const char *url, unsigned char *addr)
{
  const char *host = strstr(url, "://");
  char buf[64];
  if (!host)
    return 0;
  host += 3;
  size_t n = strcspn(host, "/?#");
  if (n >= sizeof buf)
    return 0;
  memcpy(buf, host, n);
  buf[n] = '\0';
  if (buf[0] == '[') { /* [v6]:port */
    char *end = strchr(buf, ']');
    if (!end)
      return 0;
    *end = '\0';
    return inet_pton(AF_INET6, buf + 1, addr) == 1 ? 16 : 0;
  }
  buf[strcspn(buf, ":")] = '\0';
  return inet_pton(AF_INET, buf, addr) == 1 ? 4 : 0;
}

/* in->url checked: a form the server may call, and no internal address written as one. */
static enum store_status check_url(const struct webhook_in *in, struct refusal *rf)
{
  char why[160];
  if (!webhook_url_check(in->url, in->allow_private, why, sizeof why))
    return refuse_field(rf, "url", why);
  if (in->allow_private)
    return STORE_OK;
  unsigned char addr[16];
  size_t len = ip_literal(in->url, addr);
  if (len && webhook_address_internal(addr, len))
    return refuse_field(rf, "url", "names a private, loopback or link-local address; the "
                                   "server calls only public hosts");
  return STORE_OK;
}

/* in->events as stored: "*", or ",type,type,". */
static enum store_status events_list(json_t *events, char *out, size_t len, struct refusal *rf)
{
  size_t i, used = 0;
  json_t *v;
  out[0] = '\0';
  if (json_array_size(events) == 1 && strcmp(json_string_value(json_array_get(events, 0)), "*") == 0) {
    snprintf(out, len, "*");
    return STORE_OK;
  }
  json_array_foreach(events, i, v) {
    const char *type = json_string_value(v);
    char field[32];
    snprintf(field, sizeof field, "events[%zu]", i);
    if (strcmp(type, "*") == 0)
      return refuse_field(rf, field, "\"*\" stands alone: it means every event");
    if (!webhook_event_type_known(type))
      return refuse_field(rf, field, "is not an event type (see the webhooks section of "
                                     "openapi.yaml), e.g. collaboration.approved");
    int n = snprintf(out + used, len - used, "%s%s,", used ? "" : ",", type);
    if (n < 0 || (size_t)n >= len - used)
      return refuse_field(rf, "events", "lists too many event types");
    used += (size_t)n;
  }
  return STORE_OK;
}

static bool count_one(const struct webhook *w, void *arg)
{
  (void)w;
  (*(size_t *)arg)++;
  return true;
}

static enum store_status create_tx(struct store_conn *c, void *arg)
{
  struct hook_tx *x = arg;
  const struct principal *p = x->in->caller;
  struct webhook *w = &x->out->w;
  refusal_clear(&x->out->rf);
  memset(w, 0, sizeof *w);
  struct office of;
  enum store_status st = STORE_OK;
  if (scope_office(p) && (st = store_office_get(c, p->office_id, &of)) != STORE_OK)
    return st == STORE_NOT_FOUND ? STORE_ERROR : st;
  size_t n = 0;
  st = store_webhooks_list(c, scope_office(p), scope_company(p), NULL, NULL,
                           WEBHOOK_MAX_PER_OWNER, count_one, &n);
  if (st != STORE_OK)
    return st;
  if (n >= WEBHOOK_MAX_PER_OWNER)
    return refuse(&x->out->rf, ERR_CONFLICT, "You have %d webhook endpoints, the most there may "
                  "be; delete one first", WEBHOOK_MAX_PER_OWNER);
  util_uuid(w->id);
  snprintf(w->office_id, sizeof w->office_id, "%s", scope_office(p) ? p->office_id : "");
  snprintf(w->company_id, sizeof w->company_id, "%s", scope_company(p) ? p->company_id : "");
  snprintf(w->created_by_kind, sizeof w->created_by_kind, "%s",
           p->kind == PRINCIPAL_OFFICE_USER ? "office_user" : "customer_admin");
  snprintf(w->created_by_id, sizeof w->created_by_id, "%s", p->id);
  snprintf(w->owner_email, sizeof w->owner_email, "%s", scope_office(p) ? of.email : p->email);
  snprintf(w->url, sizeof w->url, "%s", x->in->url);
  snprintf(w->description, sizeof w->description, "%s",
           x->in->description ? x->in->description : "");
  snprintf(w->language, sizeof w->language, "%s", x->in->language ? x->in->language : "sv");
  if ((st = events_list(x->in->events, w->events, sizeof w->events, &x->out->rf)) != STORE_OK)
    return st;
  if (!new_secret(x->app, w, x->out->secret))
    return STORE_ERROR;
  w->enabled = true;
  util_now_iso8601(w->created_at, sizeof w->created_at);
  snprintf(w->updated_at, sizeof w->updated_at, "%s", w->created_at);
  if ((st = store_webhook_add(c, w)) != STORE_OK)
    return st;
  char types[sizeof w->events]; /* ",a,b," as "a,b" */
  snprintf(types, sizeof types, "%s", w->events + (w->events[0] == ','));
  size_t tl = strlen(types);
  if (tl && types[tl - 1] == ',')
    types[tl - 1] = '\0';
  return audit_record(c, p, "webhook_created", "webhook", w->id, w->url, types);
}

enum store_status webhook_create(const struct app *app, const struct webhook_in *in,
                                 struct webhook_out *out)
{
  if (check_url(in, &out->rf) != STORE_OK)
    return STORE_OK;
  struct hook_tx x = {app, in, out};
  return refusal_write(app->store, create_tx, &x, &out->rf);
}

static enum store_status patch_tx(struct store_conn *c, void *arg)
{
  struct hook_tx *x = arg;
  const struct principal *p = x->in->caller;
  struct webhook *w = &x->out->w;
  refusal_clear(&x->out->rf);
  enum store_status st = store_webhook_get(c, scope_office(p), scope_company(p), x->in->id, w);
  if (st != STORE_OK)
    return st;
  if (x->in->url)
    snprintf(w->url, sizeof w->url, "%s", x->in->url);
  if (x->in->description)
    snprintf(w->description, sizeof w->description, "%s", x->in->description);
  if (x->in->language)
    snprintf(w->language, sizeof w->language, "%s", x->in->language);
  if (x->in->events &&
      (st = events_list(x->in->events, w->events, sizeof w->events, &x->out->rf)) != STORE_OK)
    return st;
  if (x->in->enabled == 1 && !w->enabled) { /* a fresh start: no failure held against it */
    w->failing_since_ms = 0;
    w->disabled_reason[0] = '\0';
  }
  if (x->in->enabled >= 0)
    w->enabled = x->in->enabled == 1;
  if (x->in->enabled == 0)
    snprintf(w->disabled_reason, sizeof w->disabled_reason, "disabled by its owner");
  util_now_iso8601(w->updated_at, sizeof w->updated_at);
  if ((st = store_webhook_update(c, w)) != STORE_OK)
    return st;
  /* the detail names what the request set: "url events enabled=false" */
  char detail[128];
  snprintf(detail, sizeof detail, "%s%s%s%s%s", x->in->url ? "url " : "",
           x->in->events ? "events " : "", x->in->description ? "description " : "",
           x->in->language ? "language " : "",
           x->in->enabled < 0 ? "" : x->in->enabled ? "enabled=true" : "enabled=false");
  size_t dl = strlen(detail);
  if (dl && detail[dl - 1] == ' ')
    detail[dl - 1] = '\0';
  return audit_record(c, p, "webhook_changed", "webhook", w->id, w->url, detail);
}

enum store_status webhook_patch(const struct app *app, const struct webhook_in *in,
                                struct webhook_out *out)
{
  if (in->url && check_url(in, &out->rf) != STORE_OK)
    return STORE_OK;
  struct hook_tx x = {app, in, out};
  return refusal_write(app->store, patch_tx, &x, &out->rf);
}

static enum store_status rotate_tx(struct store_conn *c, void *arg)
{
  struct hook_tx *x = arg;
  const struct principal *p = x->in->caller;
  struct webhook *w = &x->out->w;
  enum store_status st = store_webhook_get(c, scope_office(p), scope_company(p), x->in->id, w);
  if (st != STORE_OK)
    return st;
  memcpy(w->old_secret_nonce, w->secret_nonce, sizeof w->old_secret_nonce);
  w->old_valid_until_ms = util_now_ms() + WEBHOOK_ROTATION_MS;
  if (!new_secret(x->app, w, x->out->secret))
    return STORE_ERROR;
  util_now_iso8601(w->updated_at, sizeof w->updated_at);
  if ((st = store_webhook_update(c, w)) != STORE_OK)
    return st;
  return audit_record(c, p, "webhook_secret_rotated", "webhook", w->id, w->url, NULL);
}

enum store_status webhook_rotate(const struct app *app, const struct webhook_in *in,
                                 struct webhook_out *out)
{
  struct hook_tx x = {app, in, out};
  return store_write(app->store, rotate_tx, &x);
}

static enum store_status delete_tx(struct store_conn *c, void *arg)
{
  const struct webhook_in *in = arg;
  const struct principal *p = in->caller;
  struct webhook w;
  enum store_status st = store_webhook_get(c, scope_office(p), scope_company(p), in->id, &w);
  if (st == STORE_OK)
    st = store_webhook_delete(c, scope_office(p), scope_company(p), in->id);
  if (st != STORE_OK)
    return st;
  return audit_record(c, p, "webhook_deleted", "webhook", w.id, w.url, NULL);
}

enum store_status webhook_delete(const struct app *app, const struct webhook_in *in)
{
  return store_write(app->store, delete_tx, (void *)in);
}

enum store_status webhook_read(const struct app *app, const struct principal *caller,
                               const char *id, struct webhook *out)
{
  struct store_conn *c = store_conn(app->store);
  return c ? store_webhook_get(c, scope_office(caller), scope_company(caller), id, out)
           : STORE_ERROR;
}

enum store_status webhooks_page(const struct app *app, const struct principal *caller,
                                const char *after_created, const char *after_id, int limit,
                                bool (*fn)(const struct webhook *w, void *arg), void *arg)
{
  struct store_conn *c = store_conn(app->store);
  return c ? store_webhooks_list(c, scope_office(caller), scope_company(caller), after_created,
                                 after_id, limit, fn, arg)
           : STORE_ERROR;
}
