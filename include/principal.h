/* principal.h - who is calling: filled in by authentication, read by the api and domain layers. */
#ifndef ADVISORD_PRINCIPAL_H
#define ADVISORD_PRINCIPAL_H

/* Kinds are bits so that a route can allow several of them at once. */
enum principal_kind {
  PRINCIPAL_NONE = 0,
  PRINCIPAL_OFFICE_USER = 1u << 0,
  PRINCIPAL_CUSTOMER_ADMIN = 1u << 1,
  PRINCIPAL_SUPPORT = 1u << 2,
  PRINCIPAL_ADMIN = 1u << 3,
};
#define PRINCIPAL_ANY \
  (PRINCIPAL_OFFICE_USER | PRINCIPAL_CUSTOMER_ADMIN | PRINCIPAL_SUPPORT | PRINCIPAL_ADMIN)

enum office_role { OFFICE_ROLE_NONE = 0, OFFICE_ROLE_LIMITED, OFFICE_ROLE_FULL };

struct principal {
  enum principal_kind kind;
  char id[37];          /* the principal's own id (user, customer admin, support, admin) */
  char token_id[37];    /* the token it authenticated with ("" for a session) */
  char session_id[37];  /* the session it authenticated with ("" for a token) */
  char office_id[37];   /* office users: their office */
  char company_id[37];  /* customer administrators: their company */
  enum office_role role;
  long long credential_used_ms; /* when its token or session was last noted as used (unix ms;
                                   0: never); written at most once a minute */
  char email[255];
};

#endif
