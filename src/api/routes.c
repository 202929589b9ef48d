/* routes.c - the route table: method, path pattern, handler, who may call it, body rule.
 * http/ matches requests against it; main.c hands it over. */
#include "handlers.h"

#define PUBLIC 0u
#define ANYONE PRINCIPAL_ANY
#define OFFICE PRINCIPAL_OFFICE_USER
#define VENDOR (PRINCIPAL_SUPPORT | PRINCIPAL_ADMIN)

const struct route api_routes[] = {
    {"GET", "/healthz", api_healthz, PUBLIC, 0},
    {"GET", "/readyz", api_readyz, PUBLIC, 0},
    {"GET", "/v1/variants", api_variants_list, PUBLIC, 0},
    {"GET", "/v1/variants/{code}", api_variants_get, PUBLIC, 0},
    {"POST", "/v1/variant-changes/preview", api_variant_change_preview, PUBLIC, ROUTE_JSON_BODY},
    {"GET", "/v1/me", api_me_get, ANYONE, 0},
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
};

const size_t api_routes_count = sizeof api_routes / sizeof api_routes[0];
