/* domain/collab_party.h - who a caller is to a collaboration's rules: its actor, whether it may
 * see a collaboration at all, and the limit on a way-4 invitation's wrong answers. Pure. */
#ifndef ADVISORD_DOMAIN_COLLAB_PARTY_H
#define ADVISORD_DOMAIN_COLLAB_PARTY_H

#include <stdbool.h>

#include "domain/collab.h"
#include "principal.h"

/* How many wrong corporate IDs or e-mail addresses an office may give when accepting a
 * customer's invitation; the link dies with the last. */
#define COLLAB_MAX_ACCEPT_ATTEMPTS 5

/* The rules' view of an authenticated caller. */
enum collab_actor collab_actor_of(const struct principal *p);
/* Whether the caller may see the collaboration of office_id with company_id: the office's
 * users, the company's administrators, support and admin. */
bool collab_visible_to(const char *office_id, const char *company_id, const struct principal *p);
/* True when an invitation answered wrongly `attempts` times takes no further answer. */
bool collab_accept_exhausted(int attempts);
/* The answers left after `attempts` wrong ones (never below 0). */
int collab_accept_attempts_left(int attempts);

#endif
