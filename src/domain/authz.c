/* authz.c - the capability table: which kind of principal (and office role) may do what. */
#include "domain/authz.h"

#include <string.h>

static const char *const names[] = {
#define AUTHZ_NAME(e, name) name,
    AUTHZ_CAPABILITIES(AUTHZ_NAME)
#undef AUTHZ_NAME
};

const char *authz_name(enum capability cap)
{
  return cap < CAP__COUNT ? names[cap] : "unknown";
}

static bool office_user_may(enum office_role role, enum capability cap)
{
  switch (cap) {
  case CAP_CUSTOMERS_READ:
  case CAP_CUSTOMERS_WRITE:
  case CAP_TASKS_READ:
  case CAP_TASKS_WRITE:
  case CAP_COLLABORATIONS_READ:
  case CAP_COLLABORATIONS_ACTIVATE:
  case CAP_COLLABORATIONS_CHANGE_TASK:
    return role == OFFICE_ROLE_FULL || role == OFFICE_ROLE_LIMITED;
  case CAP_CUSTOMERS_DELETE:
  case CAP_COLLABORATIONS_CHANGE_TERMS:
  case CAP_COLLABORATIONS_END:
  case CAP_USERS_MANAGE:
  case CAP_TOKENS_MANAGE:
  case CAP_AUDIT_READ:
  case CAP_WEBHOOKS_MANAGE:
    return role == OFFICE_ROLE_FULL;
  default:
    return false;
  }
}

static bool customer_admin_may(enum capability cap)
{
  return cap == CAP_COLLABORATIONS_READ || cap == CAP_COLLABORATIONS_APPROVE ||
         cap == CAP_COLLABORATIONS_END || cap == CAP_OFFICE_INVITE || cap == CAP_COMPANIES_READ ||
         cap == CAP_TOKENS_MANAGE || cap == CAP_AUDIT_READ || cap == CAP_WEBHOOKS_MANAGE;
}

static bool support_may(enum capability cap)
{
  return cap == CAP_COMPANIES_READ || cap == CAP_COMPANIES_WRITE ||
         cap == CAP_COLLABORATIONS_READ || cap == CAP_VARIANT_DOWNGRADE ||
         cap == CAP_OUTBOX_MANAGE;
}

static bool admin_may(enum capability cap)
{
  return cap == CAP_COMPANIES_READ || cap == CAP_COMPANIES_WRITE ||
         cap == CAP_COLLABORATIONS_READ || cap == CAP_OUTBOX_MANAGE;
}

bool authz_may(const struct principal *p, enum capability cap)
{
  switch (p->kind) {
  case PRINCIPAL_OFFICE_USER:
    return office_user_may(p->role, cap);
  case PRINCIPAL_CUSTOMER_ADMIN:
    return customer_admin_may(cap);
  case PRINCIPAL_SUPPORT:
    return support_may(cap);
  case PRINCIPAL_ADMIN:
    return admin_may(cap);
  default:
    return false;
  }
}

bool authz_sees_company(const struct principal *p, const char *company_id)
{
  return p->kind != PRINCIPAL_CUSTOMER_ADMIN || strcmp(p->company_id, company_id) == 0;
}
