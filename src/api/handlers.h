/* handlers.h - every handler named in the route table (api/routes.c), one group per file. */
#ifndef ADVISORD_API_HANDLERS_H
#define ADVISORD_API_HANDLERS_H

#include "api.h"
#include "domain/variant.h"

/* health.c */
enum MHD_Result api_healthz(struct request *req);
enum MHD_Result api_readyz(struct request *req);
/* web.c: the web app's pages and assets, the contract and /docs */
enum MHD_Result api_web_page(struct request *req);
enum MHD_Result api_web_asset(struct request *req);
enum MHD_Result api_openapi_yaml(struct request *req);
enum MHD_Result api_openapi_json(struct request *req);
enum MHD_Result api_docs(struct request *req);

/* metrics.c */
enum MHD_Result api_metrics(struct request *req);

/* variants.c */
enum MHD_Result api_variants_list(struct request *req);
enum MHD_Result api_variants_get(struct request *req);
enum MHD_Result api_variant_change_preview(struct request *req);
/* A variant as served by the API (new reference). */
json_t *api_variant_json(const struct variant *v);

/* me.c */
enum MHD_Result api_me_get(struct request *req);
/* The principal as GET /v1/me shows it, with its office or company from v (new reference). */
struct principal_view;
json_t *api_principal_json(const struct principal *p, const struct principal_view *v);

/* sessions.c: sign-in by e-mail link and browser sessions */
enum MHD_Result api_sign_in(struct request *req);
enum MHD_Result api_sessions_create(struct request *req);
enum MHD_Result api_sessions_list(struct request *req);
enum MHD_Result api_sessions_delete(struct request *req);

/* users.c: office self-service (full rights) */
enum MHD_Result api_users_list(struct request *req);
enum MHD_Result api_users_create(struct request *req);
enum MHD_Result api_users_get(struct request *req);
enum MHD_Result api_users_patch(struct request *req);
enum MHD_Result api_users_delete(struct request *req);

/* webhooks.c: webhook endpoints and deliveries (office full rights, customer administrators) */
enum MHD_Result api_webhooks_list(struct request *req);
enum MHD_Result api_webhooks_create(struct request *req);
enum MHD_Result api_webhooks_get(struct request *req);
enum MHD_Result api_webhooks_patch(struct request *req);
enum MHD_Result api_webhooks_delete(struct request *req);
enum MHD_Result api_webhooks_rotate(struct request *req);
enum MHD_Result api_webhooks_ping(struct request *req);
enum MHD_Result api_webhooks_deliveries(struct request *req);
enum MHD_Result api_webhooks_redeliver(struct request *req);
/* api_tokens.c: API tokens (office full rights, customer administrators) */
enum MHD_Result api_tokens_list(struct request *req);
enum MHD_Result api_tokens_create(struct request *req);
enum MHD_Result api_tokens_get(struct request *req);
enum MHD_Result api_tokens_delete(struct request *req);

/* audit.c: the audit log */
enum MHD_Result api_audit_list(struct request *req);

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

/* collaborations.c: how a collaboration starts */
/* bulk activation (batches.c, batch_read.c) */
enum MHD_Result api_batches_create(struct request *req);
enum MHD_Result api_batches_get(struct request *req);
enum MHD_Result api_batches_list(struct request *req);
enum MHD_Result api_collab_create(struct request *req);
enum MHD_Result api_office_invitation_create(struct request *req);
/* collab_read.c */
enum MHD_Result api_collabs_list(struct request *req);
enum MHD_Result api_customer_collabs_list(struct request *req);
enum MHD_Result api_collab_get(struct request *req);
enum MHD_Result api_collab_events(struct request *req);
enum MHD_Result api_invitation_get(struct request *req);
/* collab_patch.c */
enum MHD_Result api_collab_patch(struct request *req);
/* collab_actions.c */
enum MHD_Result api_collab_approve(struct request *req);
enum MHD_Result api_collab_decline(struct request *req);
enum MHD_Result api_collab_withdraw(struct request *req);
enum MHD_Result api_collab_remind(struct request *req);
enum MHD_Result api_collab_accept(struct request *req);
enum MHD_Result api_collab_activate(struct request *req);
enum MHD_Result api_collab_end(struct request *req);
enum MHD_Result api_collab_decide_service(struct request *req);
enum MHD_Result api_collab_renew(struct request *req);
enum MHD_Result api_collab_change_variant(struct request *req);
enum MHD_Result api_invitation_approve(struct request *req);
enum MHD_Result api_invitation_decline(struct request *req);
enum MHD_Result api_invitation_accept(struct request *req);
enum MHD_Result api_invitation_renew(struct request *req);
/* outbox.c (support) */
enum MHD_Result api_outbox_list(struct request *req);
enum MHD_Result api_outbox_get(struct request *req);
enum MHD_Result api_outbox_retry(struct request *req);
struct outbox_row;
/* An outbox row as support sees it (new reference). */
json_t *api_outbox_json(const struct outbox_row *r);

#endif
