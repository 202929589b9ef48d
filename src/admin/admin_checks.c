/* admin_checks.c - the admin commands' input checks, made before the database is opened:
 * names, e-mail addresses, corporate IDs, token lifetimes, a company's subscription. */
#include "admin_internal.h"
#include "domain/contact.h"
#include "domain/dates.h"
#include "util.h"
#include "validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool fail(struct admin_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(struct admin_ctx *ctx, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx->why, sizeof ctx->why, fmt, ap);
  va_end(ap);
  return false;
}

/* ---- input checks ---- */

static bool check_name(struct admin_ctx *ctx, const char *flag)
{
  const char *v = admin_arg(&ctx->args, flag);
  long n = utf8_length(v);
  if (n < 1 || n > 200)
    return fail(ctx, "--%s must have 1 to 200 characters of UTF-8", flag);
  for (const unsigned char *p = (const unsigned char *)v; *p; p++)
    if (*p < ' ' || *p == 0x7f)
      return fail(ctx, "--%s must not contain control characters", flag);
  return true;
}

static bool check_email(struct admin_ctx *ctx)
{
  const char *why = contact_email_check(admin_arg(&ctx->args, "email"));
  return why ? fail(ctx, "--email %s", why) : true;
}

static bool check_corporate_id(struct admin_ctx *ctx)
{
  const char *why = NULL;
  const char *v = admin_arg(&ctx->args, "corporate-id");
  if (corporate_id_normalize(v, ctx->corporate_id, &why) == CORPORATE_ID_INVALID)
    return fail(ctx, "--corporate-id '%.40s' %s", v, why);
  return true;
}

/* --token-days N: the first token expires after N days (default: never). */
static bool check_token_days(struct admin_ctx *ctx)
{
  const char *v = admin_arg(&ctx->args, "token-days");
  ctx->expires_at[0] = '\0';
  if (!v)
    return true;
  char *end;
  long days = strtol(v, &end, 10);
  if (!*v || *end || days < 1 || days > 3650)
    return fail(ctx, "--token-days must be a whole number from 1 to 3650");
  util_time_iso8601(time(NULL) + days * 86400L, ctx->expires_at, sizeof ctx->expires_at);
  return true;
}

bool admin_check_office(struct admin_ctx *ctx)
{
  return check_name(ctx, "name") && check_corporate_id(ctx) && check_email(ctx) &&
         check_token_days(ctx);
}

bool admin_check_user(struct admin_ctx *ctx)
{
  const char *role = admin_arg(&ctx->args, "role");
  if (strcmp(role, "full") != 0 && strcmp(role, "limited") != 0)
    return fail(ctx, "--role must be full or limited, not '%.20s'", role);
  if (!util_is_uuid(admin_arg(&ctx->args, "office")))
    return fail(ctx, "--office must be an office id (a UUID, as printed by create-office)");
  return check_email(ctx) && check_token_days(ctx);
}

bool admin_check_company(struct admin_ctx *ctx)
{
  if (!check_name(ctx, "name") || !check_corporate_id(ctx))
    return false;
  const char *rel = admin_arg(&ctx->args, "relation");
  if (strcmp(rel, "none") && strcmp(rel, "account") && strcmp(rel, "subscriber"))
    return fail(ctx, "--relation must be none, account or subscriber, not '%.20s'", rel);
  const char *sub_flags[] = {"variant", "invoice-recipient", "period", "renews-on"};
  bool subscriber = strcmp(rel, "subscriber") == 0;
  for (size_t i = 0; i < 4; i++) {
    bool given = admin_arg(&ctx->args, sub_flags[i]) != NULL;
    if (subscriber && !given)
      return fail(ctx, "a subscriber needs --%s (and --variant, --invoice-recipient, --period, "
                       "--renews-on)", sub_flags[i]);
    if (!subscriber && given)
      return fail(ctx, "--%s is only for --relation subscriber", sub_flags[i]);
  }
  if (!subscriber && admin_arg(&ctx->args, "starts-on"))
    return fail(ctx, "--starts-on is only for --relation subscriber");
  if (!subscriber)
    return true;
  const char *rcpt = admin_arg(&ctx->args, "invoice-recipient");
  if (strcmp(rcpt, "office") && strcmp(rcpt, "customer"))
    return fail(ctx, "--invoice-recipient must be office or customer");
  const char *period = admin_arg(&ctx->args, "period");
  if (strcmp(period, "3") && strcmp(period, "12"))
    return fail(ctx, "--period must be 3 or 12 (months)");
  int64_t renews, starts;
  if (!date_to_days(admin_arg(&ctx->args, "renews-on"), &renews))
    return fail(ctx, "--renews-on must be a date YYYY-MM-DD");
  const char *s = admin_arg(&ctx->args, "starts-on");
  if (s && !date_to_days(s, &starts))
    return fail(ctx, "--starts-on must be a date YYYY-MM-DD");
  if (s && starts >= renews)
    return fail(ctx, "--starts-on must be before --renews-on");
  char start[DATE_LEN];
  if (!s && !date_add_months(admin_arg(&ctx->args, "renews-on"), -atoi(period), start,
                             sizeof start))
    return fail(ctx, "--renews-on is too early: its agreement period would start before %d",
                DATE_MIN_YEAR);
  return true;
}

bool admin_check_customer_admin(struct admin_ctx *ctx)
{
  if (!check_name(ctx, "name") || !check_corporate_id(ctx) || !check_email(ctx))
    return false;
  const char *phone = admin_arg(&ctx->args, "phone");
  const char *why = phone ? contact_phone_check(phone) : NULL;
  if (why)
    return fail(ctx, "--phone %s", why);
  return check_token_days(ctx);
}

bool admin_check_person(struct admin_ctx *ctx)
{
  return check_email(ctx) && check_token_days(ctx);
}

bool admin_check_principal(struct admin_ctx *ctx)
{
  if (!util_is_uuid(admin_arg(&ctx->args, "principal")))
    return fail(ctx, "--principal must be the id (a UUID) of a user, customer administrator, "
                     "support user or administrator");
  return check_token_days(ctx);
}

bool admin_check_revoke(struct admin_ctx *ctx)
{
  const char *t = admin_arg(&ctx->args, "token"), *id = admin_arg(&ctx->args, "id");
  if (!t == !id)
    return fail(ctx, "give exactly one of --token TOKEN or --id TOKEN_ID");
  if (id && !util_is_uuid(id))
    return fail(ctx, "--id must be a token id (a UUID)");
  return true;
}

