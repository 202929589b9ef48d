/* sessions.c - signing in, sessions and credentials as use cases, and support's retry of a
 * failed e-mail (service/sessions.h). */
#include "mailer.h"
#include "service/audit.h"
#include "service/sessions.h"
#include "store_session.h"
#include "store_tokens.h"
#include "util.h"

#include <string.h>

static enum store_status send_tx(struct store_conn *c, void *arg)
{
  size_t sent = 0;
  return sign_in_send_links(c, arg, &sent);
}

enum store_status sign_in_request(const struct app *app, const struct sign_in_ask *a)
{
  enum store_status st = store_write(app->store, send_tx, (void *)a);
  if (st == STORE_OK)
    mailer_wake(app->mailer);
  return st;
}

struct begin_tx {
  struct session_start *s;
  struct principal *p;
  int64_t idle_ms;
};

static enum store_status begin_tx(struct store_conn *c, void *arg)
{
  struct begin_tx *x = arg;
  enum store_status st = sign_in_start_session(c, x->s);
  if (st != STORE_OK || x->s->outcome != SIGN_IN_STARTED)
    return st;
  char hash[65];
  util_sha256_hex(x->s->cookie, hash);
  st = store_session_authenticate(c, hash, x->s->now_ms, x->idle_ms, x->p);
  if (st == STORE_OK)
    st = audit_record(c, x->p, "sign_in", "session", x->s->session.id, NULL, NULL);
  return st;
}

enum store_status session_begin(const struct app *app, struct session_start *s, struct principal *p)
{
  struct begin_tx x = {.s = s, .p = p, .idle_ms = app->cfg->session_idle * 1000};
  return store_write(app->store, begin_tx, &x);
}

struct end_tx {
  const struct principal *p;
  const char *id;
};

static enum store_status end_tx(struct store_conn *c, void *arg)
{
  struct end_tx *e = arg;
  enum store_status st = store_session_end(c, e->p->id, e->id);
  if (st == STORE_OK)
    st = audit_record(c, e->p, strcmp(e->id, e->p->session_id) == 0 ? "sign_out" : "session_ended",
                      "session", e->id, NULL, NULL);
  return st;
}

enum store_status session_end(const struct app *app, const struct principal *p, const char *id)
{
  struct end_tx e = {p, id};
  return store_write(app->store, end_tx, &e);
}

static enum store_status touch_tx(struct store_conn *c, void *arg)
{
  const struct principal *p = arg;
  return p->session_id[0] ? store_session_touch(c, p->session_id, util_now_ms())
                          : store_token_touch(c, p->token_id, util_now_ms());
}

enum store_status credential_touch(const struct app *app, const struct principal *p)
{
  return store_write(app->store, touch_tx, (void *)p);
}

struct retry_tx {
  const char *id, *recipient;
  struct outbox_row *row;
};

static enum store_status retry_tx(struct store_conn *c, void *arg)
{
  struct retry_tx *a = arg;
  return store_outbox_retry(c, a->id, a->recipient, util_now_ms(), a->row);
}

enum store_status outbox_retry(const struct app *app, const char *id, const char *recipient,
                               struct outbox_row *row)
{
  struct retry_tx a = {.id = id, .recipient = recipient, .row = row};
  enum store_status st = store_write(app->store, retry_tx, &a);
  if (st == STORE_OK)
    mailer_wake(app->mailer);
  return st;
}

enum store_status credential_session(const struct app *app, const char *hash, int64_t now_ms,
                                     struct principal *out)
{
  struct store_conn *c = store_conn(app->store);
  return c ? store_session_authenticate(c, hash, now_ms, app->cfg->session_idle * 1000, out)
           : STORE_ERROR;
}

void read_snapshot(const struct app *app, void (*fn)(void *arg), void *arg)
{
  store_snapshot(app->store, fn, arg);
}

enum store_status credential_token(const struct app *app, const char *token, struct principal *out)
{
  struct store_conn *c = store_conn(app->store);
  return c ? store_token_authenticate(c, token, out) : STORE_ERROR;
}

struct outbox_list {
  const char *status, *after_id;
  struct outbox_row *rows;
  size_t max, *n;
  bool *more;
};

static enum store_status outbox_list_tx(struct store_conn *c, void *arg)
{
  struct outbox_list *a = arg;
  return store_outbox_list(c, a->status, a->after_id, a->rows, a->max, a->n, a->more);
}

enum store_status outbox_page(const struct app *app, const char *status, const char *after_id,
                              struct outbox_row *rows, size_t max, size_t *n, bool *more)
{
  struct outbox_list a = {status, after_id, rows, max, n, more};
  return store_read(app->store, outbox_list_tx, &a);
}

enum store_status outbox_read(const struct app *app, const char *id, struct outbox_row *row)
{
  struct store_conn *c = store_conn(app->store);
  return c ? store_outbox_get(c, id, row) : STORE_ERROR;
}

enum store_status sessions_page(const struct app *app, const struct principal *caller,
                                bool (*fn)(const struct session *s, void *arg), void *arg)
{
  struct store_conn *c = store_conn(app->store);
  return c ? store_sessions_of(c, caller->id, util_now_ms(), app->cfg->session_idle * 1000, fn, arg)
           : STORE_ERROR;
}

enum store_status principal_view_read(const struct app *app, const struct principal *p,
                                      struct principal_view *out)
{
  struct store_conn *c = store_conn(app->store);
  if (!c)
    return STORE_ERROR;
  if (p->kind == PRINCIPAL_OFFICE_USER)
    return store_office_get(c, p->office_id, &out->office);
  if (p->kind == PRINCIPAL_CUSTOMER_ADMIN)
    return store_company_get(c, p->company_id, &out->company);
  return STORE_OK;
}
