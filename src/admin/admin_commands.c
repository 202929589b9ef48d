/* admin_commands.c - the admin commands: create offices, office users, companies, customer
 * administrators, support users and administrators, issue and revoke tokens. */
#include "admin_internal.h"
#include "domain/contact.h"
#include "domain/dates.h"
#include "store_identity.h"
#include "store_variants.h"
#include "util.h"
#include "validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Sets why and returns STORE_ABORT (the transaction rolls back). */
static enum store_status abort_with(struct admin_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum store_status abort_with(struct admin_ctx *ctx, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx->why, sizeof ctx->why, fmt, ap);
  va_end(ap);
  return STORE_ABORT;
}

static void out(struct admin_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out(struct admin_ctx *ctx, const char *fmt, ...)
{
  size_t used = strlen(ctx->output);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx->output + used, sizeof ctx->output - used, fmt, ap);
  va_end(ap);
}

static const char *expiry(const struct admin_ctx *ctx)
{
  return ctx->expires_at[0] ? ctx->expires_at : NULL;
}

/* ---- the transactions (restartable: they start from ctx->args every time) ---- */

static enum store_status issue(struct store_conn *c, struct admin_ctx *ctx,
                               enum principal_kind kind, const char *principal_id)
{
  char token[STORE_TOKEN_LEN], token_id[STORE_ID_LEN];
  enum store_status st = store_token_issue(c, kind, principal_id, expiry(ctx), token, token_id);
  if (st != STORE_OK)
    return st;
  out(ctx, "token_id: %s\n", token_id);
  if (ctx->expires_at[0])
    out(ctx, "expires_at: %s\n", ctx->expires_at);
  out(ctx, "token: %s\n", token);
  memset(token, 0, sizeof token);
  return STORE_OK;
}

static enum store_status run_office(struct store_conn *c, void *arg)
{
  struct admin_ctx *ctx = arg;
  ctx->output[0] = '\0';
  struct office o;
  struct office_user u;
  const char *email = admin_arg(&ctx->args, "email");
  enum store_status st =
      store_office_create(c, ctx->corporate_id, admin_arg(&ctx->args, "name"), email, &o);
  if (st == STORE_CONFLICT)
    return abort_with(ctx, "an office with corporate ID %s exists already", ctx->corporate_id);
  if (st == STORE_OK)
    st = store_office_user_create(c, o.id, email, OFFICE_ROLE_FULL, &u);
  if (st != STORE_OK)
    return st;
  out(ctx, "id: %s\ncorporate_id: %s\nuser_id: %s\nrole: full\n", o.id, o.corporate_id, u.id);
  return issue(c, ctx, PRINCIPAL_OFFICE_USER, u.id);
}

static enum store_status run_user(struct store_conn *c, void *arg)
{
  struct admin_ctx *ctx = arg;
  ctx->output[0] = '\0';
  const char *office = admin_arg(&ctx->args, "office"), *email = admin_arg(&ctx->args, "email");
  bool full = strcmp(admin_arg(&ctx->args, "role"), "full") == 0;
  struct office_user u;
  enum store_status st =
      store_office_user_create(c, office, email, full ? OFFICE_ROLE_FULL : OFFICE_ROLE_LIMITED, &u);
  if (st == STORE_NOT_FOUND)
    return abort_with(ctx, "no office with id %s", office);
  if (st == STORE_CONFLICT)
    return abort_with(ctx, "the office already has a user %s", email);
  if (st != STORE_OK)
    return st;
  out(ctx, "id: %s\noffice_id: %s\nrole: %s\n", u.id, u.office_id, full ? "full" : "limited");
  return issue(c, ctx, PRINCIPAL_OFFICE_USER, u.id);
}

static enum store_status run_company(struct store_conn *c, void *arg)
{
  struct admin_ctx *ctx = arg;
  ctx->output[0] = '\0';
  struct company co = {0};
  snprintf(co.corporate_id, sizeof co.corporate_id, "%s", ctx->corporate_id);
  snprintf(co.name, sizeof co.name, "%s", admin_arg(&ctx->args, "name"));
  snprintf(co.relation, sizeof co.relation, "%s", admin_arg(&ctx->args, "relation"));
  if (strcmp(co.relation, "subscriber") == 0) {
    co.has_subscription = true;
    const char *variant = admin_arg(&ctx->args, "variant");
    struct variant v;
    enum store_status vs = store_variant_get(c, variant, &v);
    if (vs == STORE_NOT_FOUND)
      return abort_with(ctx, "--variant must be start, bokforing, fakturering, smart or pro, "
                             "not '%.20s'", variant);
    if (vs != STORE_OK)
      return vs;
    snprintf(co.sub.variant, sizeof co.sub.variant, "%s", v.code);
    snprintf(co.sub.invoice_recipient, sizeof co.sub.invoice_recipient, "%s",
             admin_arg(&ctx->args, "invoice-recipient"));
    co.sub.agreement_period_months = atoi(admin_arg(&ctx->args, "period"));
    snprintf(co.sub.renews_on, sizeof co.sub.renews_on, "%s", admin_arg(&ctx->args, "renews-on"));
    const char *starts = admin_arg(&ctx->args, "starts-on");
    if (starts) {
      snprintf(co.sub.starts_on, sizeof co.sub.starts_on, "%s", starts);
    } else if (!date_add_months(co.sub.renews_on, -co.sub.agreement_period_months,
                                co.sub.starts_on, sizeof co.sub.starts_on)) {
      return STORE_ERROR; /* one agreement period before the renewal: checked beforehand */
    }
  }
  enum store_status st = store_company_create(c, &co);
  if (st == STORE_CONFLICT)
    return abort_with(ctx, "a company with corporate ID %s exists already", ctx->corporate_id);
  if (st != STORE_OK)
    return st;
  out(ctx, "id: %s\ncorporate_id: %s\nrelation: %s\n", co.id, co.corporate_id, co.relation);
  return STORE_OK;
}

static enum store_status run_customer_admin(struct store_conn *c, void *arg)
{
  struct admin_ctx *ctx = arg;
  ctx->output[0] = '\0';
  struct company co;
  enum store_status st = store_company_get_by_corporate_id(c, ctx->corporate_id, &co);
  if (st == STORE_NOT_FOUND)
    return abort_with(ctx, "no company with corporate ID %s (create it with create-company)",
                      ctx->corporate_id);
  if (st != STORE_OK)
    return st;
  struct customer_admin main_contact, a;
  st = store_customer_admin_main_contact(c, co.id, &main_contact);
  if (st != STORE_OK && st != STORE_NOT_FOUND)
    return st;
  bool first = st == STORE_NOT_FOUND;
  const char *email = admin_arg(&ctx->args, "email");
  st = store_customer_admin_create(c, co.id, admin_arg(&ctx->args, "name"), email,
                                   admin_arg(&ctx->args, "phone"), first, &a);
  if (st == STORE_CONFLICT)
    return abort_with(ctx, "%s is already an administrator of %s", email, co.corporate_id);
  if (st != STORE_OK)
    return st;
  out(ctx, "id: %s\ncompany_id: %s\nmain_contact: %s\n", a.id, co.id, first ? "yes" : "no");
  return issue(c, ctx, PRINCIPAL_CUSTOMER_ADMIN, a.id);
}

static enum store_status run_person(struct store_conn *c, struct admin_ctx *ctx, bool support)
{
  ctx->output[0] = '\0';
  char id[STORE_ID_LEN];
  const char *email = admin_arg(&ctx->args, "email");
  enum store_status st = support ? store_support_create(c, email, id)
                                 : store_admin_create(c, email, id);
  if (st == STORE_CONFLICT)
    return abort_with(ctx, "%s exists already", email);
  if (st != STORE_OK)
    return st;
  out(ctx, "id: %s\n", id);
  return issue(c, ctx, support ? PRINCIPAL_SUPPORT : PRINCIPAL_ADMIN, id);
}

static enum store_status run_support(struct store_conn *c, void *arg)
{
  return run_person(c, arg, true);
}

static enum store_status run_admin(struct store_conn *c, void *arg)
{
  return run_person(c, arg, false);
}

static enum store_status run_token(struct store_conn *c, void *arg)
{
  struct admin_ctx *ctx = arg;
  ctx->output[0] = '\0';
  const char *id = admin_arg(&ctx->args, "principal");
  enum principal_kind kind;
  enum store_status st = store_principal_kind_of(c, id, &kind);
  if (st == STORE_NOT_FOUND)
    return abort_with(ctx, "no user, customer administrator, support user or administrator "
                           "with id %s", id);
  if (st != STORE_OK)
    return st;
  out(ctx, "id: %s\nkind: %s\n", id, store_principal_kind_str(kind));
  return issue(c, ctx, kind, id);
}

static enum store_status run_revoke(struct store_conn *c, void *arg)
{
  struct admin_ctx *ctx = arg;
  ctx->output[0] = '\0';
  const char *t = admin_arg(&ctx->args, "token");
  enum store_status st = store_token_revoke(c, t ? t : admin_arg(&ctx->args, "id"));
  if (st == STORE_NOT_FOUND)
    return abort_with(ctx, "no such token, or it is revoked already");
  if (st == STORE_OK)
    out(ctx, "revoked: yes\n");
  return st;
}

/* ---- the table ---- */

#define LIST(...) (const char *const[]){__VA_ARGS__, NULL}

const struct admin_command admin_commands[] = {
    {"create-office", "an accounting office and its first user (role full), with a token",
     "--name NAME --corporate-id NNNNNN-NNNN --email EMAIL [--token-days N]",
     LIST("name", "corporate-id", "email", "token-days"), LIST("name", "corporate-id", "email"),
     admin_check_office, run_office},
    {"create-user", "a user of an office, with a token",
     "--office OFFICE_ID --email EMAIL --role full|limited [--token-days N]",
     LIST("office", "email", "role", "token-days"), LIST("office", "email", "role"),
     admin_check_user, run_user},
    {"create-company", "a company (the vendor's record), with its subscription if any",
     "--corporate-id C --name NAME --relation none|account|subscriber [--variant V "
     "--invoice-recipient office|customer --period 3|12 --renews-on YYYY-MM-DD "
     "[--starts-on YYYY-MM-DD]]",
     LIST("corporate-id", "name", "relation", "variant", "invoice-recipient", "period",
          "renews-on", "starts-on"),
     LIST("corporate-id", "name", "relation"), admin_check_company, run_company},
    {"create-customer-admin", "a customer administrator of a company, with a token",
     "--corporate-id C --name NAME --email EMAIL [--phone PHONE] [--token-days N]",
     LIST("corporate-id", "name", "email", "phone", "token-days"),
     LIST("corporate-id", "name", "email"), admin_check_customer_admin, run_customer_admin},
    {"create-support", "a support user (the vendor's staff), with a token",
     "--email EMAIL [--token-days N]", LIST("email", "token-days"), LIST("email"),
     admin_check_person, run_support},
    {"create-admin", "a bootstrap administrator, with a token", "--email EMAIL [--token-days N]",
     LIST("email", "token-days"), LIST("email"), admin_check_person, run_admin},
    {"create-token", "a new token for an existing principal",
     "--principal ID [--token-days N]", LIST("principal", "token-days"), LIST("principal"),
     admin_check_principal, run_token},
    {"revoke-token", "revoke a token, given in clear or by its id", "--token TOKEN | --id TOKEN_ID",
     LIST("token", "id"), (const char *const[]){NULL}, admin_check_revoke, run_revoke},
};

const size_t admin_commands_count = sizeof admin_commands / sizeof admin_commands[0];
