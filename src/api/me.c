/* me.c - GET /v1/me: who the caller is (kind, role, office or company) and what they may do. */
#include "app.h"
#include "domain/authz.h"
#include "handlers.h"
#include "service/sessions.h"
#include "store_identity.h"

#include <stdlib.h>

static json_t *capabilities_json(const struct principal *p)
{
  json_t *a = json_array();
  for (int cap = 0; cap < CAP__COUNT; cap++)
    if (authz_may(p, (enum capability)cap))
      json_array_append_new(a, json_string(authz_name((enum capability)cap)));
  return a;
}

json_t *api_principal_json(const struct principal *p, const struct principal_view *v)
{
  json_t *body = json_pack("{s:s, s:s, s:s, s:o}", "kind", store_principal_kind_str(p->kind),
                           "id", p->id, "email", p->email, "capabilities",
                           capabilities_json(p));
  if (body && p->kind == PRINCIPAL_OFFICE_USER) {
    const struct office *o = &v->office;
    json_object_set_new(body, "role",
                        json_string(p->role == OFFICE_ROLE_FULL ? "full" : "limited"));
    json_object_set_new(body, "office",
                        json_pack("{s:s, s:s, s:s, s:s}", "id", o->id, "corporate_id",
                                  o->corporate_id, "name", o->name, "email", o->email));
  } else if (body && p->kind == PRINCIPAL_CUSTOMER_ADMIN) {
    const struct company *co = &v->company;
    json_object_set_new(body, "company",
                        json_pack("{s:s, s:s, s:s}", "id", co->id, "corporate_id",
                                  co->corporate_id, "name", co->name));
  }
  return body;
}

enum MHD_Result api_me_get(struct request *req)
{
  struct principal_view *v = calloc(1, sizeof *v);
  enum store_status st = v ? principal_view_read(req->app, &req->principal, v) : STORE_ERROR;
  json_t *body = st == STORE_OK ? api_principal_json(&req->principal, v) : NULL;
  free(v);
  if (!body)
    return api_store_failure(req, st == STORE_OK ? STORE_ERROR : st, "principal");
  return reply_json(req, 200, body);
}
