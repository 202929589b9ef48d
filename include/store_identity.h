/* store_identity.h - identity and tenancy records: offices and their users, companies and
 * their customer administrators, support users, administrators and bearer tokens.
 * Every call takes the calling thread's connection; call writes inside store_write() (they
 * join the caller's transaction, so several can make one atomic change). Records are plain
 * structs with fixed buffers filled by the call: nothing to free.
 * The customer register and tasks are in store_register.h. */
#ifndef ADVISORD_STORE_IDENTITY_H
#define ADVISORD_STORE_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/corporate_id.h"
#include "principal.h"
#include "store.h"

#define STORE_ID_LEN 37        /* UUID text + NUL */
#define STORE_NAME_LEN 801     /* 200 characters of UTF-8 + NUL */
#define STORE_EMAIL_LEN 255    /* 254 bytes + NUL */
#define STORE_PHONE_LEN 64
#define STORE_TIME_LEN 32      /* ISO 8601 */
#define STORE_DATE_LEN 11      /* YYYY-MM-DD */
#define STORE_TOKEN_LEN 64     /* "adv_" + 43 base64url characters (256 random bits) + NUL */

struct office {
  char id[STORE_ID_LEN];
  char corporate_id[CORPORATE_ID_LEN];
  char name[STORE_NAME_LEN];
  char email[STORE_EMAIL_LEN];
  char created_at[STORE_TIME_LEN];
};

struct office_user {
  char id[STORE_ID_LEN];
  char office_id[STORE_ID_LEN];
  char email[STORE_EMAIL_LEN];
  char name[STORE_NAME_LEN];           /* empty when not given */
  enum office_role role;
  char created_at[STORE_TIME_LEN];
};

/* A subscriber's subscription: what it pays for, who pays, and for how long. */
struct subscription {
  char variant[16];               /* a variant code */
  char invoice_recipient[16];     /* "office" | "customer" */
  int agreement_period_months;    /* 3 | 12 */
  char starts_on[STORE_DATE_LEN]; /* YYYY-MM-DD */
  char renews_on[STORE_DATE_LEN];
};

struct company {
  char id[STORE_ID_LEN];
  char corporate_id[CORPORATE_ID_LEN]; /* normalised, "NNNNNN-NNNN" */
  char name[STORE_NAME_LEN];
  char relation[16];                   /* "none" | "account" | "subscriber" */
  bool has_subscription;               /* exactly when relation is "subscriber" */
  struct subscription sub;
  int64_t version;
  char created_at[STORE_TIME_LEN];
  char updated_at[STORE_TIME_LEN];
};

struct customer_admin {
  char id[STORE_ID_LEN];
  char company_id[STORE_ID_LEN];
  char name[STORE_NAME_LEN];
  char email[STORE_EMAIL_LEN];
  char phone[STORE_PHONE_LEN];         /* empty when unknown */
  bool is_main_contact;
  bool confirmed;                      /* false: named by an office (way 3), not yet approved */
  char created_at[STORE_TIME_LEN];
};

/* "office_user", "customer_admin", "support", "admin"; NULL for PRINCIPAL_NONE. */
const char *store_principal_kind_str(enum principal_kind kind);
/* The kind named by s (as store_principal_kind_str writes it); PRINCIPAL_NONE when none. */
enum principal_kind store_principal_kind_parse(const char *s);

/* ---- offices and office users ---- */
/* Inserts an office (corporate_id already normalised); fills out. CONFLICT: the corporate ID
 * is taken. */
enum store_status store_office_create(struct store_conn *c, const char *corporate_id,
                                      const char *name, const char *email, struct office *out);
enum store_status store_office_get(struct store_conn *c, const char *id, struct office *out);
enum store_status store_office_get_by_corporate_id(struct store_conn *c,
                                                   const char *corporate_id,
                                                   struct office *out);
/* Inserts a user of the office. NOT_FOUND: no such office; CONFLICT: the e-mail is taken in
 * that office. */
enum store_status store_office_user_create(struct store_conn *c, const char *office_id,
                                           const char *email, enum office_role role,
                                           struct office_user *out);
/* A user by id, only when it belongs to office_id (NULL: any office). */
enum store_status store_office_user_get(struct store_conn *c, const char *office_id,
                                        const char *id, struct office_user *out);

/* The office's users in (created_at, id) order after the cursor (NULLs: from the start), at
 * most limit; fn returns false to stop (u valid only during the call). */
enum store_status store_office_users_list(struct store_conn *c, const char *office_id,
                                          const char *after_created, const char *after_id,
                                          int limit,
                                          bool (*fn)(const struct office_user *u, void *arg),
                                          void *arg);
/* Sets the user's name (NULL: kept) and role (OFFICE_ROLE_NONE: kept). NOT_FOUND: no such
 * user in the office. */
enum store_status store_office_user_update(struct store_conn *c, const char *office_id,
                                           const char *id, const char *name,
                                           enum office_role role);
/* How many users of the office have the role full. */
enum store_status store_office_full_users(struct store_conn *c, const char *office_id,
                                          long *n);
/* Removes the user: its tasks lose their assignee, its tokens are revoked, its sessions end,
 * its sign-in links go, then the user. NOT_FOUND: no such user in the office. */
enum store_status store_office_user_remove(struct store_conn *c, const char *office_id,
                                           const char *id);

/* ---- companies ---- */
/* Inserts co (corporate_id normalised; relation and, for a subscriber, sub filled in); fills
 * co->id, version and times. CONFLICT: the corporate ID exists, or relation and subscription
 * disagree. */
enum store_status store_company_create(struct store_conn *c, struct company *co);
enum store_status store_company_get(struct store_conn *c, const char *id, struct company *out);
enum store_status store_company_get_by_corporate_id(struct store_conn *c,
                                                    const char *corporate_id,
                                                    struct company *out);
/* Writes co's name, relation and subscription when its stored version is still
 * expected_version, then bumps the version (co->version and updated_at are refreshed).
 * CONFLICT: the version moved on (or relation and subscription disagree); NOT_FOUND. */
enum store_status store_company_update(struct store_conn *c, struct company *co,
                                       int64_t expected_version);

/* ---- customer administrators, support users, administrators ---- */
/* Inserts an administrator of the company; fills out. Meant to run inside the caller's
 * transaction (e.g. the activation that creates it). CONFLICT: that e-mail, in any case of its
 * ASCII letters, is already an administrator of the company; NOT_FOUND: no such company. phone
 * may be NULL. */
enum store_status store_customer_admin_create(struct store_conn *c, const char *company_id,
                                              const char *name, const char *email,
                                              const char *phone, bool is_main_contact,
                                              struct customer_admin *out);
enum store_status store_customer_admin_get(struct store_conn *c, const char *id,
                                           struct customer_admin *out);
/* The company's administrator with that e-mail, its ASCII letters compared in any case (the
 * oldest, should two differ only so, as before migration 0100 they could); NOT_FOUND: none. */
enum store_status store_customer_admin_get_by_email(struct store_conn *c,
                                                    const char *company_id,
                                                    const char *email,
                                                    struct customer_admin *out);
/* The company's confirmed administrators, the main contact first, at most max, into
 * out[0..*n). */
#define STORE_MAX_ADMINS 32
enum store_status store_customer_admins_of_company(struct store_conn *c, const char *company_id,
                                                   struct customer_admin *out, size_t max,
                                                   size_t *n);
/* Inserts an administrator of the company that is only named, not confirmed (never the main
 * contact; it confirms by approving through its link), in one write where create followed by
 * set_confirmed(false) took two; the same results and out as store_customer_admin_create,
 * except that the company is not looked up again: company_id must be one the caller read in
 * its transaction (the activation's, a collaboration's). */
enum store_status store_customer_admin_name(struct store_conn *c, const char *company_id,
                                            const char *name, const char *email,
                                            const char *phone, struct customer_admin *out);
/* As store_customer_admin_name, but STORE_CONFLICT, inserting nothing, when the company
 * already has an administrator with that e-mail in any case (*out is then that one, as
 * store_customer_admin_get_by_email reads it; or the exact address appeared after the lookup,
 * which only a race on PostgreSQL can make and which is a serialization failure there, or,
 * never for input the API accepts, another of the table's constraints refused the row: *out
 * then says nothing). listed may be NULL; else, when STORE_OK, the company's confirmed
 * administrators as store_customer_admins_of_company lists them (at most max, into
 * listed[0..*n)), read with the lookup (on SQLite in the same search of the company's
 * administrators: an activation's notification needs them); the one inserted is not confirmed,
 * so not among them. */
enum store_status store_customer_admin_name_new(struct store_conn *c, const char *company_id,
                                                const char *name, const char *email,
                                                const char *phone, struct customer_admin *out,
                                                struct customer_admin *listed, size_t max,
                                                size_t *n);
/* Marks an administrator confirmed (it approved through its link; it becomes the main contact
 * when the company has no confirmed one) or not (just named: never the main contact). */
enum store_status store_customer_admin_set_confirmed(struct store_conn *c, const char *id,
                                                     bool confirmed);
/* Corrects the contact of an administrator nobody confirmed yet. NOT_FOUND: no such
 * unconfirmed administrator. CONFLICT: the e-mail is another administrator's. */
enum store_status store_customer_admin_update_contact(struct store_conn *c, const char *id,
                                                      const char *name, const char *email,
                                                      const char *phone);
/* Whether a collaboration other than except_collab names the administrator. */
enum store_status store_customer_admin_in_use(struct store_conn *c, const char *id,
                                              const char *except_collab, bool *in_use);
/* Removes an administrator that nobody confirmed and no collaboration names (else nothing). */
enum store_status store_customer_admin_drop_unconfirmed(struct store_conn *c, const char *id);
/* The company's main contact, a confirmed administrator (NOT_FOUND when it has none). */
enum store_status store_customer_admin_main_contact(struct store_conn *c,
                                                    const char *company_id,
                                                    struct customer_admin *out);
/* Inserts a support user / an administrator; id into id_out (>= STORE_ID_LEN).
 * CONFLICT: the e-mail exists. */
enum store_status store_support_create(struct store_conn *c, const char *email, char *id_out);
enum store_status store_admin_create(struct store_conn *c, const char *email, char *id_out);

/* ---- tokens ---- */
/* Creates a random bearer token (256 bits) for the principal and stores only its SHA-256.
 * expires_at: "YYYY-MM-DDTHH:MM:SSZ" or NULL (never). The token goes into token_out
 * (>= STORE_TOKEN_LEN): show it once, never log it. Its id into id_out (may be NULL). */
enum store_status store_token_issue(struct store_conn *c, enum principal_kind kind,
                                    const char *principal_id, const char *expires_at,
                                    char *token_out, char *id_out);
/* The principal holding the token (not revoked, not expired): STORE_OK and *out filled, or
 * STORE_NOT_FOUND. The hash is looked up, then compared in constant time. */
enum store_status store_token_authenticate(struct store_conn *c, const char *token,
                                           struct principal *out);
/* Revokes a token given either in clear or by id. NOT_FOUND: no such live token. */
enum store_status store_token_revoke(struct store_conn *c, const char *token_or_id);
/* How a principal is shown in a history: its display name (office user: name or e-mail; customer
 * administrator: name; support: "Support"; office: its name) into name (>= STORE_NAME_LEN)
 * and its role (full, limited, administrator, support, office) into role (>= 24). kind as
 * recorded ("office_user", "customer_admin", "support", "office"). NOT_FOUND: unknown. */
enum store_status store_principal_display(struct store_conn *c, const char *kind,
                                          const char *id, char *name, char *role);
/* The kind of principal that id names (looked up in every principal table). */
enum store_status store_principal_kind_of(struct store_conn *c, const char *id,
                                          enum principal_kind *kind);

#endif
