/* handlers.h - every handler named in the route table (api/routes.c), one group per file. */
#ifndef ADVISORD_API_HANDLERS_H
#define ADVISORD_API_HANDLERS_H

#include "api.h"
#include "domain/variant.h"

/* health.c */
enum MHD_Result api_healthz(struct request *req);
enum MHD_Result api_readyz(struct request *req);

/* variants.c */
enum MHD_Result api_variants_list(struct request *req);
enum MHD_Result api_variants_get(struct request *req);
enum MHD_Result api_variant_change_preview(struct request *req);
/* A variant as served by the API (new reference). */
json_t *api_variant_json(const struct variant *v);

/* me.c */
enum MHD_Result api_me_get(struct request *req);

/* customers.c */
enum MHD_Result api_customers_create(struct request *req);
enum MHD_Result api_customers_list(struct request *req);
enum MHD_Result api_customers_get(struct request *req);
enum MHD_Result api_customers_patch(struct request *req);
enum MHD_Result api_customers_delete(struct request *req);

/* tasks.c */
enum MHD_Result api_tasks_create(struct request *req);
enum MHD_Result api_tasks_list(struct request *req);
enum MHD_Result api_tasks_get(struct request *req);
enum MHD_Result api_tasks_patch(struct request *req);

/* companies.c */
enum MHD_Result api_companies_create(struct request *req);
enum MHD_Result api_companies_get(struct request *req);
enum MHD_Result api_companies_patch(struct request *req);

#endif
