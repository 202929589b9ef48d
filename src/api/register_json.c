/* register_json.c - companies, customers and tasks as the API shows them. */
#include "register_json.h"

json_t *api_subscription_json(const struct subscription *s)
{
  return json_pack("{s:s, s:s, s:i, s:s, s:s}", "variant", s->variant, "invoice_recipient",
                   s->invoice_recipient, "agreement_period_months", s->agreement_period_months,
                   "starts_on", s->starts_on, "renews_on", s->renews_on);
}

json_t *api_company_ref_json(const struct company *co)
{
  json_t *j = json_pack("{s:s, s:s, s:s}", "id", co->id, "corporate_id", co->corporate_id,
                        "relation", co->relation);
  if (co->has_subscription)
    json_object_set_new(j, "subscription", api_subscription_json(&co->sub));
  return j;
}

json_t *api_company_json(const struct company *co)
{
  json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "id", co->id, "corporate_id",
                        co->corporate_id, "name", co->name, "relation", co->relation, "version",
                        (json_int_t)co->version, "created_at", co->created_at, "updated_at",
                        co->updated_at);
  if (co->has_subscription)
    json_object_set_new(j, "subscription", api_subscription_json(&co->sub));
  return j;
}

json_t *api_customer_json(const struct customer *cu)
{
  return json_pack("{s:s, s:s, s:s, s:s?, s:o, s:b, s:I, s:s, s:s}", "id", cu->id, "name",
                   cu->name, "email", cu->email, "notes", cu->has_notes ? cu->notes : NULL,
                   "company", api_company_ref_json(&cu->company), "has_open_collaboration",
                   cu->has_open_collaboration, "version", (json_int_t)cu->version, "created_at",
                   cu->created_at, "updated_at", cu->updated_at);
}

json_t *api_task_json(const struct task *t)
{
  return json_pack("{s:s, s:s, s:s, s:s?, s:s, s:I, s:s, s:s}", "id", t->id, "customer_id",
                   t->customer_id, "name", t->name, "assignee_id",
                   t->assignee_id[0] ? t->assignee_id : NULL, "status", t->status, "version",
                   (json_int_t)t->version, "created_at", t->created_at, "updated_at",
                   t->updated_at);
}
