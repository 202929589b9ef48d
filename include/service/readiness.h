/* service/readiness.h - whether this server can take requests (GET /readyz): its database
 * answers, and at which schema version. */
#ifndef ADVISORD_SERVICE_READINESS_H
#define ADVISORD_SERVICE_READINESS_H

#include <stdbool.h>

#include "app.h"

/* True when the database answers a statement on this thread's connection; then its schema
 * version (the highest migration applied) into *schema_version. Takes no lock a write holds,
 * so it answers at once while writes wait. */
bool readiness_check(const struct app *app, int *schema_version);

#endif
