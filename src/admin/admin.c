/* admin.c - `advisord admin <command> --flag value ...`: the command table, flag parsing,
 * help, and the run of one command inside one transaction. The commands are in
 * admin_commands.c. */
#include "admin.h"
#include "admin_internal.h"

#include <stdio.h>
#include <string.h>

static const struct admin_command *find_command(const char *name)
{
  for (size_t i = 0; i < admin_commands_count; i++)
    if (strcmp(admin_commands[i].name, name) == 0)
      return &admin_commands[i];
  return NULL;
}

static void usage(FILE *out)
{
  fprintf(out, "Usage: advisord [--db FILE|URL] admin <command> [--flag value ...]\n\n"
               "Commands (each is one transaction; bad input writes nothing and exits 2):\n");
  for (size_t i = 0; i < admin_commands_count; i++)
    fprintf(out, "  %-22s %s\n      %s\n", admin_commands[i].name, admin_commands[i].summary,
            admin_commands[i].synopsis);
  fprintf(out, "\nA command that creates a principal prints `id: ...` and then, on the last "
               "line,\n`token: ...`: the bearer token, shown only this once.\n");
}

static bool flag_allowed(const struct admin_command *cmd, const char *name)
{
  for (size_t i = 0; cmd->flags[i]; i++)
    if (strcmp(cmd->flags[i], name) == 0)
      return true;
  return false;
}

/* Fills a->names/values from argv ("--name value" or "--name=value"). */
static bool parse_flags(const struct admin_command *cmd, int argc, char **argv,
                        struct admin_args *a)
{
  for (int i = 0; i < argc; i++) {
    const char *arg = argv[i];
    if (strncmp(arg, "--", 2) != 0) {
      fprintf(stderr, "advisord admin %s: unexpected argument '%s'\n", cmd->name, arg);
      return false;
    }
    const char *eq = strchr(arg, '=');
    char name[64];
    size_t n = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
    if (n == 0 || n >= sizeof name) {
      fprintf(stderr, "advisord admin %s: bad flag '%s'\n", cmd->name, arg);
      return false;
    }
    memcpy(name, arg + 2, n);
    name[n] = '\0';
    if (!flag_allowed(cmd, name)) {
      fprintf(stderr, "advisord admin %s: unknown flag --%s (flags: %s)\n", cmd->name, name,
              cmd->synopsis);
      return false;
    }
    if (admin_arg(a, name)) {
      fprintf(stderr, "advisord admin %s: --%s given twice\n", cmd->name, name);
      return false;
    }
    const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
    if (!value) {
      fprintf(stderr, "advisord admin %s: --%s needs a value\n", cmd->name, name);
      return false;
    }
    if (a->n >= ADMIN_MAX_FLAGS)
      return false;
    snprintf(a->names[a->n], sizeof a->names[0], "%s", name);
    a->values[a->n++] = value;
  }
  return true;
}

const char *admin_arg(const struct admin_args *a, const char *name)
{
  for (size_t i = 0; i < a->n; i++)
    if (strcmp(a->names[i], name) == 0)
      return a->values[i];
  return NULL;
}

int admin_main(const struct config *cfg, int argc, char **argv, admin_open_fn open_store)
{
  if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0 ||
      strcmp(argv[0], "help") == 0) {
    usage(argc < 1 ? stderr : stdout);
    return argc < 1 ? 2 : 0;
  }
  const struct admin_command *cmd = find_command(argv[0]);
  if (!cmd) {
    fprintf(stderr, "advisord admin: unknown command '%s'\n\n", argv[0]);
    usage(stderr);
    return 2;
  }
  if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    printf("Usage: advisord [--db FILE|URL] admin %s %s\n  %s\n", cmd->name, cmd->synopsis,
           cmd->summary);
    return 0;
  }
  struct admin_ctx ctx = {.cmd = cmd};
  if (!parse_flags(cmd, argc - 1, argv + 1, &ctx.args))
    return 2;
  for (size_t i = 0; cmd->required[i]; i++)
    if (!admin_arg(&ctx.args, cmd->required[i])) {
      fprintf(stderr, "advisord admin %s: --%s is required (usage: %s)\n", cmd->name,
              cmd->required[i], cmd->synopsis);
      return 2;
    }
  /* Check everything that needs no database first. */
  if (cmd->check && !cmd->check(&ctx)) {
    fprintf(stderr, "advisord admin %s: %s\n", cmd->name, ctx.why);
    return 2;
  }
  struct store *st = open_store(cfg);
  if (!st)
    return 1;
  enum store_status s = store_write(st, cmd->run, &ctx);
  int rc = 0;
  if (s == STORE_OK) {
    fputs(ctx.output, stdout);
  } else if (s == STORE_ABORT || s == STORE_CONFLICT || s == STORE_NOT_FOUND) {
    fprintf(stderr, "advisord admin %s: %s\n", cmd->name,
            ctx.why[0] ? ctx.why : "the database refused the change");
    rc = 2;
  } else {
    fprintf(stderr, "advisord admin %s: the database %s\n", cmd->name,
            s == STORE_BUSY ? "stayed busy; try again" : "failed (see the log above)");
    rc = 1;
  }
  /* The output held a token: wipe it. */
  memset(ctx.output, 0, sizeof ctx.output);
  store_close(st);
  return rc;
}
