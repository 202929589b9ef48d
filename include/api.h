/* api.h - the resource handlers' side of the server: the route table and authentication,
 * handed by main.c to http/. */
#ifndef ADVISORD_API_H
#define ADVISORD_API_H

#include "http.h"
#include "store.h"

extern const struct route api_routes[];
extern const size_t api_routes_count;
/* The route table of the --metrics-bind listener: GET /metrics, open to whoever reaches it. */
extern const struct route api_metrics_routes[];
extern const size_t api_metrics_routes_count;
/* Path segments followed by a secret (invitation links): the access log never shows it. */
extern const char *const api_secret_after_segments[];

/* The http_authenticator: checks "Authorization: Bearer <token>" against the stored hashes and
 * fills req->principal. ERR_NONE, ERR_UNAUTHENTICATED (missing, malformed, unknown, revoked
 * or expired token), or ERR_UNAVAILABLE / ERR_INTERNAL when the store cannot answer. */
enum err_code api_authenticate(struct request *req);
/* The http_snapshot: answer(req) with the credential's lookup and the handler's reads in one
 * snapshot of the store (read_snapshot); the credential's use is noted after it. */
enum MHD_Result api_snapshot(struct request *req, route_handler answer);

/* The session cookie's name, and its Set-Cookie value for value (HttpOnly, SameSite=Lax,
 * Path=/, Secure when the public URL is https) lasting max_age_s (0: deletes it) into out. */
#define API_SESSION_COOKIE "advisord_session"
struct app;
void api_session_cookie(const struct app *app, const char *value, long max_age_s, char *out,
                        size_t len);
/* The CSRF token of the session whose cookie value is cookie, into out (>= SECRET_TOKEN_LEN):
 * derived from the server secret, never stored. */
void api_csrf_token(const struct app *app, const char *cookie, char *out);

/* Answers a store failure that the handler has no more specific answer for:
 * NOT_FOUND -> 404, CONFLICT -> 409, BUSY -> 503 with Retry-After, else 500. */
enum MHD_Result api_store_failure(struct request *req, enum store_status st, const char *what);

#endif
