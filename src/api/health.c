/* health.c - GET /healthz (the process is alive) and GET /readyz (the database answers, through
 * the readiness use case). */
#include "handlers.h"
#include "service/readiness.h"

enum MHD_Result api_healthz(struct request *req)
{
  return reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
}

enum MHD_Result api_readyz(struct request *req)
{
  int schema_version = 0;
  if (!readiness_check(req->app, &schema_version))
    return reply_problem(req, ERR_UNAVAILABLE, "The database does not answer");
  return reply_json(req, 200,
                    json_pack("{s:s, s:i}", "status", "ready", "schema_version", schema_version));
}
