/* health.c - GET /healthz (the process is alive) and GET /readyz (the database answers). */
#include "app.h"
#include "handlers.h"

enum MHD_Result api_healthz(struct request *req)
{
  return reply_json(req, 200, json_pack("{s:s}", "status", "ok"));
}

enum MHD_Result api_readyz(struct request *req)
{
  if (!store_ping(req->app->store))
    return reply_problem(req, ERR_UNAVAILABLE, "The database does not answer");
  return reply_json(req, 200,
                    json_pack("{s:s, s:i}", "status", "ready", "schema_version",
                              store_schema_version(req->app->store)));
}
