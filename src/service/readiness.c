/* readiness.c - the readiness use case (service/readiness.h): the store pinged, and its
 * schema version read. */
#include "service/readiness.h"

bool readiness_check(const struct app *app, int *schema_version)
{
  if (!store_ping(app->store))
    return false;
  *schema_version = store_schema_version(app->store);
  return true;
}
