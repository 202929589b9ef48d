/* api.h - the resource handlers' side of the server: the route table and authentication,
 * handed by main.c to http/. */
#ifndef ADVISORD_API_H
#define ADVISORD_API_H

#include "http.h"
#include "store.h"

extern const struct route api_routes[];
extern const size_t api_routes_count;

/* Answers a store failure that the handler has no more specific answer for:
 * NOT_FOUND -> 404, CONFLICT -> 409, BUSY -> 503 with Retry-After, else 500. */
enum MHD_Result api_store_failure(struct request *req, enum store_status st, const char *what);

#endif
