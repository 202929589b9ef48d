/* collab_party.c - the caller as a collaboration's rules see it (domain/collab_party.h). */
#include "domain/collab_party.h"

#include <string.h>

enum collab_actor collab_actor_of(const struct principal *p)
{
  switch (p->kind) {
  case PRINCIPAL_OFFICE_USER:
    return p->role == OFFICE_ROLE_FULL ? COLLAB_ACTOR_OFFICE_FULL : COLLAB_ACTOR_OFFICE_LIMITED;
  case PRINCIPAL_CUSTOMER_ADMIN:
    return COLLAB_ACTOR_CUSTOMER_ADMIN;
  case PRINCIPAL_SUPPORT:
    return COLLAB_ACTOR_SUPPORT;
  default:
    return COLLAB_ACTOR_ADMIN;
  }
}

bool collab_visible_to(const char *office_id, const char *company_id, const struct principal *p)
{
  switch (p->kind) {
  case PRINCIPAL_OFFICE_USER:
    return strcmp(office_id, p->office_id) == 0;
  case PRINCIPAL_CUSTOMER_ADMIN:
    return strcmp(company_id, p->company_id) == 0;
  case PRINCIPAL_SUPPORT:
  case PRINCIPAL_ADMIN:
    return true;
  default:
    return false;
  }
}

bool collab_accept_exhausted(int attempts)
{
  return attempts >= COLLAB_MAX_ACCEPT_ATTEMPTS;
}

int collab_accept_attempts_left(int attempts)
{
  int left = COLLAB_MAX_ACCEPT_ATTEMPTS - attempts;
  return left < 0 ? 0 : left;
}
