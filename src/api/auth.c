/* auth.c - bearer-token authentication: reads "Authorization: Bearer <token>", looks up the
 * token's SHA-256 and fills req->principal. http/ calls it for every non-public route. */
#include "api.h"
#include "app.h"
#include "log.h"
#include "store_identity.h"

#include <string.h>
#include <strings.h>

#define TOKEN_MAX 200

/* The token in an Authorization header value, or NULL when it is not a sane bearer token.
 * Returns a pointer into value. */
static const char *bearer_token(const char *value)
{
  if (!value || strncasecmp(value, "Bearer ", 7) != 0)
    return NULL;
  const char *t = value + 7;
  while (*t == ' ')
    t++;
  size_t n = strlen(t);
  if (n == 0 || n > TOKEN_MAX)
    return NULL;
  for (size_t i = 0; i < n; i++) /* RFC 6750 token68 characters */
    if (!((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z') ||
          (t[i] >= '0' && t[i] <= '9') || strchr("-._~+/=", t[i])))
      return NULL;
  return t;
}

enum err_code api_authenticate(struct request *req)
{
  memset(&req->principal, 0, sizeof req->principal);
  const char *token = bearer_token(http_header(req, "Authorization"));
  if (!token)
    return ERR_UNAUTHENTICATED;
  struct store_conn *c = store_conn(req->app->store);
  enum store_status st = c ? store_token_authenticate(c, token, &req->principal) : STORE_ERROR;
  switch (st) {
  case STORE_OK:
    return ERR_NONE;
  case STORE_NOT_FOUND:
    return ERR_UNAUTHENTICATED;
  case STORE_BUSY:
    return ERR_UNAVAILABLE;
  default:
    log_msg(LOG_ERROR, "auth_failed", "the token store could not be read (request %s)",
            req->request_id);
    return ERR_INTERNAL;
  }
}
