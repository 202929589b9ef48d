/* api.h - the resource handlers' side of the server: the route table and authentication,
 * handed by main.c to http/. */
#ifndef ADVISORD_API_H
#define ADVISORD_API_H

#include "http.h"
#include "store.h"

extern const struct route api_routes[];
extern const size_t api_routes_count;
/* Path segments followed by a secret (invitation links): the access log never shows it. */
extern const char *const api_secret_after_segments[];

/* The http_authenticator: checks "Authorization: Bearer <token>" against the stored hashes and
 * fills req->principal. ERR_NONE, ERR_UNAUTHENTICATED (missing, malformed, unknown, revoked
 * or expired token), or ERR_UNAVAILABLE / ERR_INTERNAL when the store cannot answer. */
enum err_code api_authenticate(struct request *req);

/* Answers a store failure that the handler has no more specific answer for:
 * NOT_FOUND -> 404, CONFLICT -> 409, BUSY -> 503 with Retry-After, else 500. */
enum MHD_Result api_store_failure(struct request *req, enum store_status st, const char *what);

#endif
