/* access_log.h - the access-log line of a request (internal to http/). */
#ifndef ADVISORD_HTTP_ACCESS_LOG_H
#define ADVISORD_HTTP_ACCESS_LOG_H

#include "http.h"

/* Logs method, status, duration, route, path (secrets redacted), principal and body size.
 * secret_after: NULL-terminated path segment names whose next segment is always redacted. */
void access_log_write(const struct request *req, const char *const *secret_after);

#endif
