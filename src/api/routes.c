/* routes.c - the route table: method, path pattern, handler, who may call it, body rule.
 * http/ matches requests against it; main.c hands it over. */
#include "handlers.h"

#define PUBLIC 0u
#define ANYONE PRINCIPAL_ANY
#define OFFICE PRINCIPAL_OFFICE_USER
#define VENDOR (PRINCIPAL_SUPPORT | PRINCIPAL_ADMIN)
#define PEOPLE (PRINCIPAL_OFFICE_USER | PRINCIPAL_CUSTOMER_ADMIN | PRINCIPAL_SUPPORT)

const struct route api_routes[] = {
    {"GET", "/healthz", api_healthz, PUBLIC, 0},
    {"GET", "/readyz", api_readyz, PUBLIC, 0},
    /* Prometheus (metrics.c): support and administrators here; anyone on --metrics-bind */
    {"GET", "/metrics", api_metrics, VENDOR, 0},
    /* the web app (web.c): its pages all answer the one shell, which reads the path */
    {"GET", "/", api_web_page, PUBLIC, 0},
    {"GET", "/sign-in", api_web_page, PUBLIC, 0},
    {"GET", "/invitation", api_web_page, PUBLIC, 0},
    {"GET", "/customers", api_web_page, PUBLIC, 0},
    {"GET", "/customers/{id}", api_web_page, PUBLIC, 0},
    {"GET", "/collaborations", api_web_page, PUBLIC, 0},
    {"GET", "/collaborations/{id}", api_web_page, PUBLIC, 0},
    {"GET", "/batches", api_web_page, PUBLIC, 0},
    {"GET", "/batches/{id}", api_web_page, PUBLIC, 0},
    {"GET", "/assets/{name}", api_web_asset, PUBLIC, 0},
    {"GET", "/openapi.yaml", api_openapi_yaml, PUBLIC, 0},
    {"GET", "/openapi.json", api_openapi_json, PUBLIC, 0},
    {"GET", "/docs", api_docs, PUBLIC, 0},
    {"GET", "/v1/variants", api_variants_list, PUBLIC, 0},
    {"GET", "/v1/variants/{code}", api_variants_get, PUBLIC, 0},
    {"POST", "/v1/variant-changes/preview", api_variant_change_preview, PUBLIC, ROUTE_JSON_BODY},
    {"GET", "/v1/me", api_me_get, ANYONE, 0},
    /* sign-in and sessions (sessions.c): the link's token in the body is the credential */
    {"POST", "/v1/sign-in", api_sign_in, PUBLIC, ROUTE_JSON_BODY},
    {"POST", "/v1/sessions", api_sessions_create, PUBLIC, ROUTE_JSON_BODY | ROUTE_GUESSABLE},
    {"GET", "/v1/sessions", api_sessions_list, PEOPLE, 0},
    {"DELETE", "/v1/sessions/{id}", api_sessions_delete, PEOPLE, 0},
    /* office self-service (users.c): full rights, checked by the handlers */
    {"GET", "/v1/users", api_users_list, OFFICE, 0},
    {"POST", "/v1/users", api_users_create, OFFICE, ROUTE_JSON_BODY},
    {"GET", "/v1/users/{id}", api_users_get, OFFICE, 0},
    {"PATCH", "/v1/users/{id}", api_users_patch, OFFICE, ROUTE_JSON_BODY},
    {"DELETE", "/v1/users/{id}", api_users_delete, OFFICE, 0},
    /* API tokens (api_tokens.c) and the audit log (audit.c) */
    {"GET", "/v1/tokens", api_tokens_list, OFFICE | PRINCIPAL_CUSTOMER_ADMIN, 0},
    {"POST", "/v1/tokens", api_tokens_create, OFFICE | PRINCIPAL_CUSTOMER_ADMIN,
     ROUTE_JSON_BODY},
    {"GET", "/v1/tokens/{id}", api_tokens_get, OFFICE | PRINCIPAL_CUSTOMER_ADMIN, 0},
    {"DELETE", "/v1/tokens/{id}", api_tokens_delete, OFFICE | PRINCIPAL_CUSTOMER_ADMIN, 0},
    {"GET", "/v1/audit-events", api_audit_list, OFFICE | PRINCIPAL_CUSTOMER_ADMIN, 0},
    /* webhooks (webhooks.c): full rights or a company's administrator, checked there */
    {"GET", "/v1/webhooks", api_webhooks_list, OFFICE | PRINCIPAL_CUSTOMER_ADMIN, 0},
    {"POST", "/v1/webhooks", api_webhooks_create, OFFICE | PRINCIPAL_CUSTOMER_ADMIN,
     ROUTE_JSON_BODY},
    {"GET", "/v1/webhooks/{id}", api_webhooks_get, OFFICE | PRINCIPAL_CUSTOMER_ADMIN, 0},
    {"PATCH", "/v1/webhooks/{id}", api_webhooks_patch, OFFICE | PRINCIPAL_CUSTOMER_ADMIN,
     ROUTE_JSON_BODY},
    {"DELETE", "/v1/webhooks/{id}", api_webhooks_delete, OFFICE | PRINCIPAL_CUSTOMER_ADMIN, 0},
    {"POST", "/v1/webhooks/{id}/rotate-secret", api_webhooks_rotate,
     OFFICE | PRINCIPAL_CUSTOMER_ADMIN, 0},
    {"POST", "/v1/webhooks/{id}/ping", api_webhooks_ping, OFFICE | PRINCIPAL_CUSTOMER_ADMIN, 0},
    {"GET", "/v1/webhooks/{id}/deliveries", api_webhooks_deliveries,
     OFFICE | PRINCIPAL_CUSTOMER_ADMIN, 0},
    {"POST", "/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", api_webhooks_redeliver,
     OFFICE | PRINCIPAL_CUSTOMER_ADMIN, 0},
    {"POST", "/v1/customers", api_customers_create, OFFICE, ROUTE_JSON_BODY},
    {"GET", "/v1/customers", api_customers_list, OFFICE, 0},
    {"GET", "/v1/customers/{id}", api_customers_get, OFFICE, 0},
    {"PATCH", "/v1/customers/{id}", api_customers_patch, OFFICE, ROUTE_JSON_BODY},
    {"DELETE", "/v1/customers/{id}", api_customers_delete, OFFICE, 0},
    {"POST", "/v1/customers/{id}/tasks", api_tasks_create, OFFICE, ROUTE_JSON_BODY},
    {"GET", "/v1/customers/{id}/tasks", api_tasks_list, OFFICE, 0},
    {"GET", "/v1/tasks/{id}", api_tasks_get, OFFICE, 0},
    {"PATCH", "/v1/tasks/{id}", api_tasks_patch, OFFICE, ROUTE_JSON_BODY},
    {"POST", "/v1/companies", api_companies_create, VENDOR, ROUTE_JSON_BODY},
    {"GET", "/v1/companies/{corporate_id}", api_companies_get, VENDOR | PRINCIPAL_CUSTOMER_ADMIN, 0},
    {"PATCH", "/v1/companies/{corporate_id}", api_companies_patch, VENDOR, ROUTE_JSON_BODY},
    /* collaborations (collaborations.c, collab_read.c, collab_patch.c, collab_actions.c) */
    {"POST", "/v1/customers/{id}/collaborations", api_collab_create, PRINCIPAL_OFFICE_USER,
     ROUTE_JSON_BODY},
    {"GET", "/v1/customers/{id}/collaborations", api_customer_collabs_list,
     PRINCIPAL_OFFICE_USER, 0},
    {"GET", "/v1/collaborations", api_collabs_list, ANYONE, 0},
    {"GET", "/v1/collaborations/{id}", api_collab_get, ANYONE, 0},
    {"PATCH", "/v1/collaborations/{id}", api_collab_patch, PRINCIPAL_OFFICE_USER,
     ROUTE_JSON_BODY},
    {"GET", "/v1/collaborations/{id}/events", api_collab_events, ANYONE, 0},
    {"POST", "/v1/collaborations/{id}/approve", api_collab_approve, ANYONE, ROUTE_OPTIONAL_BODY},
    {"POST", "/v1/collaborations/{id}/decline", api_collab_decline, ANYONE, ROUTE_OPTIONAL_BODY},
    {"POST", "/v1/collaborations/{id}/withdraw", api_collab_withdraw, ANYONE,
     ROUTE_OPTIONAL_BODY},
    {"POST", "/v1/collaborations/{id}/reminders", api_collab_remind, ANYONE,
     ROUTE_OPTIONAL_BODY},
    {"POST", "/v1/collaborations/{id}/accept", api_collab_accept, ANYONE,
     ROUTE_JSON_BODY | ROUTE_GUESSABLE},
    {"POST", "/v1/collaborations/{id}/activate", api_collab_activate, ANYONE, ROUTE_JSON_BODY},
    {"POST", "/v1/collaborations/{id}/end", api_collab_end, ANYONE, ROUTE_OPTIONAL_BODY},
    {"POST", "/v1/collaborations/{id}/service-decision", api_collab_decide_service, ANYONE,
     ROUTE_JSON_BODY},
    {"POST", "/v1/collaborations/{id}/renewal-requests", api_collab_renew, ANYONE,
     ROUTE_OPTIONAL_BODY},
    {"POST", "/v1/collaborations/{id}/variant-changes", api_collab_change_variant, ANYONE,
     ROUTE_JSON_BODY},
    /* bulk activation: a CSV file or a JSON array of rows (batches.c, batch_read.c) */
    {"POST", "/v1/collaboration-batches", api_batches_create, OFFICE, ROUTE_TABLE_BODY},
    {"GET", "/v1/collaboration-batches", api_batches_list, OFFICE, 0},
    {"GET", "/v1/collaboration-batches/{id}", api_batches_get, OFFICE, 0},
    {"POST", "/v1/office-invitations", api_office_invitation_create, PRINCIPAL_CUSTOMER_ADMIN,
     ROUTE_JSON_BODY},
    /* invitation links: no login, the token in the path is the credential */
    {"GET", "/v1/invitations/{token}", api_invitation_get, PUBLIC, ROUTE_GUESSABLE},
    {"POST", "/v1/invitations/{token}/approve", api_invitation_approve, PUBLIC,
     ROUTE_OPTIONAL_BODY | ROUTE_GUESSABLE},
    {"POST", "/v1/invitations/{token}/decline", api_invitation_decline, PUBLIC,
     ROUTE_OPTIONAL_BODY | ROUTE_GUESSABLE},
    {"POST", "/v1/invitations/{token}/accept", api_invitation_accept, PUBLIC,
     ROUTE_JSON_BODY | ROUTE_GUESSABLE},
    {"POST", "/v1/invitations/{token}/renewal-requests", api_invitation_renew, PUBLIC,
     ROUTE_OPTIONAL_BODY | ROUTE_GUESSABLE},
    /* the mail outbox (outbox.c): capability outbox.manage, support and administrators */
    {"GET", "/v1/outbox", api_outbox_list, VENDOR, 0},
    {"GET", "/v1/outbox/{id}", api_outbox_get, VENDOR, 0},
    {"POST", "/v1/outbox/{id}/retry", api_outbox_retry, VENDOR, ROUTE_OPTIONAL_BODY},
};

const size_t api_routes_count = sizeof api_routes / sizeof api_routes[0];

/* The --metrics-bind listener serves this alone, to whoever reaches its address. */
const struct route api_metrics_routes[] = {
    {"GET", "/metrics", api_metrics, PUBLIC, 0},
};
const size_t api_metrics_routes_count = 1;

const char *const api_secret_after_segments[] = {"invitations", NULL};
