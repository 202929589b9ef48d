/* routes.c - the route table: method, path pattern, handler, who may call it, body rule.
 * http/ matches requests against it; main.c hands it over. */
#include "handlers.h"

#define PUBLIC 0u
#define ANYONE PRINCIPAL_ANY

const struct route api_routes[] = {
    {"GET", "/healthz", api_healthz, PUBLIC, 0},
    {"GET", "/readyz", api_readyz, PUBLIC, 0},
    {"GET", "/v1/variants", api_variants_list, PUBLIC, 0},
    {"GET", "/v1/variants/{code}", api_variants_get, PUBLIC, 0},
    {"POST", "/v1/variant-changes/preview", api_variant_change_preview, PUBLIC, ROUTE_JSON_BODY},
    {"GET", "/v1/me", api_me_get, ANYONE, 0},
};

const size_t api_routes_count = sizeof api_routes / sizeof api_routes[0];
