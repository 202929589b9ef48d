/* admin_internal.h - what admin.c and admin_commands.c share: the parsed flags, the context
 * of one command's run and the command table. */
#ifndef ADVISORD_ADMIN_INTERNAL_H
#define ADVISORD_ADMIN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/corporate_id.h"
#include "store.h"

#define ADMIN_MAX_FLAGS 16

struct admin_args {
  size_t n;
  char names[ADMIN_MAX_FLAGS][64];
  const char *values[ADMIN_MAX_FLAGS]; /* point into argv */
};

/* One command's run: checked inputs, then the transaction, which writes what to print into
 * output (printed only after COMMIT) or a reason into why. */
struct admin_ctx {
  const struct admin_command *cmd;
  struct admin_args args;
  char corporate_id[CORPORATE_ID_LEN]; /* normalised --corporate-id */
  char expires_at[32];                 /* from --token-days; empty: never */
  char why[512];
  char output[1024];
};

struct admin_command {
  const char *name;
  const char *summary;
  const char *synopsis;
  const char *const *flags;    /* allowed, NULL-terminated */
  const char *const *required; /* NULL-terminated */
  bool (*check)(struct admin_ctx *ctx);             /* input checks without the database */
  enum store_status (*run)(struct store_conn *c, void *ctx); /* inside store_write */
};

extern const struct admin_command admin_commands[];
extern const size_t admin_commands_count;

/* The input checks of the commands (admin_checks.c): false after writing why into ctx->why. */
bool admin_check_office(struct admin_ctx *ctx);
bool admin_check_user(struct admin_ctx *ctx);
bool admin_check_company(struct admin_ctx *ctx);
bool admin_check_customer_admin(struct admin_ctx *ctx);
bool admin_check_person(struct admin_ctx *ctx);
bool admin_check_principal(struct admin_ctx *ctx);
bool admin_check_revoke(struct admin_ctx *ctx);

/* The value of --name, NULL when not given. Points into argv. */
const char *admin_arg(const struct admin_args *a, const char *name);

#endif
