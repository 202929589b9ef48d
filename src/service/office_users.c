/* office_users.c - office self-service: adding, changing and removing the office's users
 * (service/office_users.h). */
#include "mailer.h"
#include "service/audit.h"
#include "service/office_users.h"
#include "service/sign_in.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

struct user_tx {
  const struct app *app;
  const struct user_in *in;
  struct user_out *out;
};

const char *office_role_str(enum office_role r)
{
  return r == OFFICE_ROLE_FULL ? "full" : "limited";
}

static enum office_role role_parse(const char *s)
{
  return !s ? OFFICE_ROLE_NONE : strcmp(s, "full") == 0 ? OFFICE_ROLE_FULL : OFFICE_ROLE_LIMITED;
}

/* The invitation e-mail with the new user's first sign-in link. */
static enum store_status tell_new_user(struct store_conn *c, const struct user_tx *x)
{
  const struct office_user *u = &x->out->u;
  struct office o;
  enum store_status st = store_office_get(c, u->office_id, &o);
  if (st != STORE_OK)
    return st;
  struct sign_in_invitation inv = {.user_id = u->id,
                                   .email = u->email,
                                   .office_name = o.name,
                                   .actor_name = x->in->caller->email,
                                   .full = u->role == OFFICE_ROLE_FULL,
                                   .language = x->in->language ? x->in->language : "sv",
                                   .secret = &x->app->secret,
                                   .now_ms = util_now_ms()};
  return sign_in_invite(c, &inv);
}

static enum store_status add_tx(struct store_conn *c, void *arg)
{
  struct user_tx *x = arg;
  const struct user_in *in = x->in;
  const struct principal *p = in->caller;
  struct office_user *u = &x->out->u;
  refusal_clear(&x->out->refusal);
  enum office_role role = role_parse(in->role);
  enum store_status st = store_office_user_create(c, p->office_id, in->email, role, u);
  if (st == STORE_CONFLICT)
    return refuse(&x->out->refusal, ERR_DUPLICATE, "%s is already a user of your office",
                  in->email);
  if (st == STORE_OK && in->name) {
    st = store_office_user_update(c, p->office_id, u->id, in->name, OFFICE_ROLE_NONE);
    snprintf(u->name, sizeof u->name, "%s", in->name);
  }
  if (st == STORE_OK)
    st = audit_record(c, p, "user_added", "office_user", u->id, in->email, office_role_str(role));
  if (st == STORE_OK)
    st = tell_new_user(c, x);
  if (st != STORE_OK || !in->created.fn)
    return st;
  return in->created.fn(c, u, in->created.arg);
}

/* STORE_OK when the office keeps a user with full rights without the user; else refuses. */
static enum store_status keep_a_full_user(struct store_conn *c, struct user_tx *x, const char *what)
{
  const struct office_user *u = &x->out->u;
  if (u->role != OFFICE_ROLE_FULL)
    return STORE_OK;
  long n = 0;
  enum store_status st = store_office_full_users(c, u->office_id, &n);
  if (st != STORE_OK)
    return st;
  if (n <= 1)
    return refuse(&x->out->refusal, ERR_CONFLICT,
                  "%s is the office's last user with full rights and cannot be %s; give "
                  "another user full rights first",
                  u->email, what);
  return STORE_OK;
}

/* At the start of each attempt: the user the input names, of the caller's office. */
static enum store_status load_user(struct store_conn *c, struct user_tx *x)
{
  refusal_clear(&x->out->refusal);
  enum store_status st = store_office_user_get(c, x->in->caller->office_id, x->in->id, &x->out->u);
  return st == STORE_NOT_FOUND
             ? refuse(&x->out->refusal, ERR_NOT_FOUND, "No such user in your office")
             : st;
}

static enum store_status change_tx(struct store_conn *c, void *arg)
{
  struct user_tx *x = arg;
  const struct principal *p = x->in->caller;
  struct office_user *u = &x->out->u;
  enum store_status st = load_user(c, x);
  if (st != STORE_OK)
    return st;
  enum office_role role = role_parse(x->in->role), was = u->role;
  if (role == OFFICE_ROLE_LIMITED && (st = keep_a_full_user(c, x, "made limited")) != STORE_OK)
    return st;
  if ((st = store_office_user_update(c, p->office_id, u->id, x->in->name, role)) != STORE_OK)
    return st;
  if (role != OFFICE_ROLE_NONE && role != was &&
      (st = audit_record(c, p, "user_role_changed", "office_user", u->id, u->email,
                         office_role_str(role))) != STORE_OK)
    return st;
  return store_office_user_get(c, p->office_id, u->id, u);
}

static enum store_status remove_tx(struct store_conn *c, void *arg)
{
  struct user_tx *x = arg;
  const struct principal *p = x->in->caller;
  const struct office_user *u = &x->out->u;
  enum store_status st = load_user(c, x);
  if (st != STORE_OK || (st = keep_a_full_user(c, x, "removed")) != STORE_OK)
    return st;
  if ((st = store_office_user_remove(c, p->office_id, u->id)) != STORE_OK)
    return st;
  return audit_record(c, p, "user_removed", "office_user", u->id, u->email,
                      office_role_str(u->role));
}

static enum store_status run(const struct app *app, store_tx_fn tx, const struct user_in *in,
                             struct user_out *out)
{
  struct user_tx x = {.app = app, .in = in, .out = out};
  return refusal_write(app->store, tx, &x, &out->refusal);
}

enum store_status office_user_add(const struct app *app, const struct user_in *in,
                                  struct user_out *out)
{
  enum store_status st = run(app, add_tx, in, out);
  mailer_wake(app->mailer);
  return st;
}

enum store_status office_user_change(const struct app *app, const struct user_in *in,
                                     struct user_out *out)
{
  return run(app, change_tx, in, out);
}

enum store_status office_user_remove(const struct app *app, const struct user_in *in,
                                     struct user_out *out)
{
  return run(app, remove_tx, in, out);
}

enum store_status office_user_read(const struct app *app, const struct principal *caller,
                                   const char *id, struct office_user *out)
{
  struct store_conn *c = store_conn(app->store);
  return c ? store_office_user_get(c, caller->office_id, id, out) : STORE_ERROR;
}

enum store_status office_users_page(const struct app *app, const struct principal *caller,
                                    const char *after_created, const char *after_id, int limit,
                                    bool (*fn)(const struct office_user *u, void *arg), void *arg)
{
  struct store_conn *c = store_conn(app->store);
  return c ? store_office_users_list(c, caller->office_id, after_created, after_id, limit, fn, arg)
           : STORE_ERROR;
}
