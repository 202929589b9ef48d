/* domain/authz.h - who may do what: one table of capabilities per kind of principal and office
 * role. Handlers ask authz_may() and answer 403 when it says no; tenancy (whose rows a caller
 * sees) is enforced separately by scoping every store lookup to the caller's office or company.
 * Pure: no I/O. */
#ifndef ADVISORD_DOMAIN_AUTHZ_H
#define ADVISORD_DOMAIN_AUTHZ_H

#include <stdbool.h>
#include <stddef.h>

#include "principal.h"

/* X(enum, name shown in GET /v1/me) */
#define AUTHZ_CAPABILITIES(X)                                                                 \
  X(CAP_CUSTOMERS_READ, "customers.read")                                                     \
  X(CAP_CUSTOMERS_WRITE, "customers.write")        /* create and update register entries */   \
  X(CAP_CUSTOMERS_DELETE, "customers.delete")      /* full rights */                          \
  X(CAP_TASKS_READ, "tasks.read")                                                             \
  X(CAP_TASKS_WRITE, "tasks.write")                                                           \
  X(CAP_COLLABORATIONS_READ, "collaborations.read")                                           \
  X(CAP_COLLABORATIONS_ACTIVATE, "collaborations.activate")                                   \
  X(CAP_COLLABORATIONS_CHANGE_TASK, "collaborations.change_task")                             \
  X(CAP_COLLABORATIONS_CHANGE_TERMS, "collaborations.change_terms") /* full rights */        \
  X(CAP_COLLABORATIONS_END, "collaborations.end")  /* office: full rights; customer admin */   \
  X(CAP_COLLABORATIONS_APPROVE, "collaborations.approve") /* the customer's side */           \
  X(CAP_OFFICE_INVITE, "office_invitations.create")       /* a customer invites an office */  \
  X(CAP_COMPANIES_READ, "companies.read")                                                     \
  X(CAP_COMPANIES_WRITE, "companies.write")                                                   \
  X(CAP_VARIANT_DOWNGRADE, "variants.downgrade")   /* support only */                         \
  X(CAP_OUTBOX_MANAGE, "outbox.manage")                                                       \
  X(CAP_USERS_MANAGE, "users.manage")              /* office: full rights */                  \
  X(CAP_TOKENS_MANAGE, "tokens.manage")            /* office full rights; customer admin */   \
  X(CAP_AUDIT_READ, "audit.read")                  /* office full rights; customer admin */  \
  X(CAP_WEBHOOKS_MANAGE, "webhooks.manage")        /* office full rights; customer admin */

enum capability {
#define AUTHZ_ENUM(e, name) e,
  AUTHZ_CAPABILITIES(AUTHZ_ENUM)
#undef AUTHZ_ENUM
  CAP__COUNT
};

/* True when a principal of this kind and role may use the capability. */
bool authz_may(const struct principal *p, enum capability cap);
/* Whether p may see the company company_id at all: a customer administrator only its own,
 * everyone else who reaches the company records any. */
bool authz_sees_company(const struct principal *p, const char *company_id);
/* The capability's public name, e.g. "customers.delete". Static storage. */
const char *authz_name(enum capability cap);

#endif
