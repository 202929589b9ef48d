/* service/office_users.h - office self-service (users with full rights): adding a user (who
 * is invited by e-mail with a sign-in link of its own), changing its role or name, removing
 * it. The office always keeps a user with full rights: the last one can be neither removed
 * nor demoted. A removed user's tokens and sessions die with it. Every change is audited. */
#ifndef ADVISORD_SERVICE_OFFICE_USERS_H
#define ADVISORD_SERVICE_OFFICE_USERS_H

#include "app.h"
#include "principal.h"
#include "service/refusal.h"
#include "service/register.h"
#include "store_identity.h"

struct user_in {
  const struct principal *caller; /* an office user with full rights */
  const char *id;                 /* update, remove: the user */
  const char *email;              /* create */
  const char *role;               /* "full" or "limited"; NULL: unchanged */
  const char *name;               /* NULL: unchanged */
  const char *language;           /* create: of the invitation e-mail; NULL: "sv" */
  struct created_hook created;    /* create */
};
struct user_out {
  struct refusal refusal;
  struct office_user u;
};
enum store_status office_user_add(const struct app *app, const struct user_in *in,
                                  struct user_out *out);
enum store_status office_user_change(const struct app *app, const struct user_in *in,
                                     struct user_out *out);
enum store_status office_user_remove(const struct app *app, const struct user_in *in,
                                     struct user_out *out);
/* The office's user id (NOT_FOUND: none). */
enum store_status office_user_read(const struct app *app, const struct principal *caller,
                                   const char *id, struct office_user *out);
/* The caller's office's users after the cursor (NULLs: from the start), at most limit. */
enum store_status office_users_page(const struct app *app, const struct principal *caller,
                                    const char *after_created, const char *after_id, int limit,
                                    bool (*fn)(const struct office_user *u, void *arg),
                                    void *arg);
/* "full" or "limited" (static). */
const char *office_role_str(enum office_role r);

#endif
