/* me.c - GET /v1/me: who the caller is (kind, role, office or company) and what they may do. */
#include "app.h"
#include "domain/authz.h"
#include "handlers.h"
#include "store_identity.h"

static json_t *capabilities_json(const struct principal *p)
{
  json_t *a = json_array();
  for (int cap = 0; cap < CAP__COUNT; cap++)
    if (authz_may(p, (enum capability)cap))
      json_array_append_new(a, json_string(authz_name((enum capability)cap)));
  return a;
}

json_t *api_principal_json(struct store_conn *c, const struct principal *p,
                           enum store_status *st)
{
  json_t *body = json_pack("{s:s, s:s, s:s, s:o}", "kind", store_principal_kind_str(p->kind),
                           "id", p->id, "email", p->email, "capabilities",
                           capabilities_json(p));
  *st = body ? STORE_OK : STORE_ERROR;
  if (body && p->kind == PRINCIPAL_OFFICE_USER) {
    struct office o;
    if ((*st = store_office_get(c, p->office_id, &o)) == STORE_OK) {
      json_object_set_new(body, "role",
                          json_string(p->role == OFFICE_ROLE_FULL ? "full" : "limited"));
      json_object_set_new(body, "office",
                          json_pack("{s:s, s:s, s:s, s:s}", "id", o.id, "corporate_id",
                                    o.corporate_id, "name", o.name, "email", o.email));
    }
  } else if (body && p->kind == PRINCIPAL_CUSTOMER_ADMIN) {
    struct company co;
    if ((*st = store_company_get(c, p->company_id, &co)) == STORE_OK)
      json_object_set_new(body, "company",
                          json_pack("{s:s, s:s, s:s}", "id", co.id, "corporate_id",
                                    co.corporate_id, "name", co.name));
  }
  if (*st != STORE_OK) {
    json_decref(body);
    return NULL;
  }
  return body;
}

enum MHD_Result api_me_get(struct request *req)
{
  struct store_conn *c = store_conn(req->app->store);
  enum store_status st = STORE_ERROR;
  json_t *body = c ? api_principal_json(c, &req->principal, &st) : NULL;
  if (!body)
    return api_store_failure(req, st, "principal");
  return reply_json(req, 200, body);
}
