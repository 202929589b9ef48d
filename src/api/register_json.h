/* register_json.h - JSON renderings of companies, customers and tasks (new references). */
#ifndef ADVISORD_API_REGISTER_JSON_H
#define ADVISORD_API_REGISTER_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "store_register.h"

json_t *api_subscription_json(const struct subscription *s);
/* A company as an office sees it inside a customer: id, corporate_id, relation, subscription
 * (never the vendor's name for it, which another office may have chosen). */
json_t *api_company_ref_json(const struct company *co);
/* A company in full (support, administrators, its own customer administrators). */
json_t *api_company_json(const struct company *co);
json_t *api_customer_json(const struct customer *cu);
json_t *api_task_json(const struct task *t);

#endif
