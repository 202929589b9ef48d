/* api_tokens.c - issuing and revoking API tokens (service/api_tokens.h). */
#include "service/api_tokens.h"
#include "service/audit.h"

#include <stdio.h>

struct token_tx {
  const struct token_in *in;
  struct token_out *out;
};

const char *token_scope_office(const struct principal *p)
{
  return p->kind == PRINCIPAL_OFFICE_USER ? p->office_id : NULL;
}

const char *token_scope_company(const struct principal *p)
{
  return p->kind == PRINCIPAL_CUSTOMER_ADMIN ? p->company_id : NULL;
}

static enum store_status issue_tx(struct store_conn *c, void *arg)
{
  struct token_tx *x = arg;
  const struct principal *p = x->in->caller;
  struct api_token *t = &x->out->t;
  enum store_status st =
      store_api_token_issue(c, p->kind, p->id, x->in->name, x->in->expires_at, x->out->token, t);
  if (st == STORE_OK)
    st = audit_record(c, p, "token_created", "token", t->id, x->in->name, t->prefix);
  if (st == STORE_OK)
    snprintf(t->created_by_email, sizeof t->created_by_email, "%s", p->email);
  return st;
}

static enum store_status revoke_tx(struct store_conn *c, void *arg)
{
  struct token_tx *x = arg;
  const struct principal *p = x->in->caller;
  struct api_token *t = &x->out->t;
  enum store_status st =
      store_api_token_revoke(c, token_scope_office(p), token_scope_company(p), x->in->id, t);
  if (st == STORE_OK)
    st = audit_record(c, p, "token_revoked", "token", t->id, t->name, t->prefix);
  return st;
}

enum store_status api_token_issue(const struct app *app, const struct token_in *in,
                                  struct token_out *out)
{
  struct token_tx x = {.in = in, .out = out};
  return store_write(app->store, issue_tx, &x);
}

enum store_status api_token_revoke(const struct app *app, const struct token_in *in,
                                   struct token_out *out)
{
  struct token_tx x = {.in = in, .out = out};
  return store_write(app->store, revoke_tx, &x);
}

enum store_status api_token_read(const struct app *app, const struct principal *caller,
                                 const char *id, struct api_token *out)
{
  struct store_conn *c = store_conn(app->store);
  return c ? store_api_token_get(c, token_scope_office(caller), token_scope_company(caller), id,
                                 out)
           : STORE_ERROR;
}

enum store_status api_tokens_page(const struct app *app, const struct principal *caller,
                                  const char *after_created, const char *after_id, int limit,
                                  bool (*fn)(const struct api_token *t, void *arg), void *arg)
{
  struct store_conn *c = store_conn(app->store);
  return c ? store_api_tokens_list(c, token_scope_office(caller), token_scope_company(caller),
                                   after_created, after_id, limit, fn, arg)
           : STORE_ERROR;
}
