/* errors.h - the one error catalogue: every problem the server can answer with.
 * Each entry has a stable code (part of the API, listed in openapi.yaml), an HTTP status and a
 * title. Layers below http/ return these codes; only http/ turns them into problem+json. */
#ifndef ADVISORD_ERRORS_H
#define ADVISORD_ERRORS_H

/* X(enum, code string, HTTP status, title) */
#define ERR_CATALOGUE(X) \
  X(ERR_NONE, "ok", 200, "OK") \
  X(ERR_BAD_JSON, "malformed_json", 400, "The request body is not valid JSON") \
  X(ERR_BAD_CSV, "malformed_csv", 400, "The request body is not a CSV file that can be read") \
  X(ERR_VALIDATION, "validation_failed", 400, "The request has invalid fields") \
  X(ERR_BAD_QUERY, "invalid_query", 400, "The query string has invalid parameters") \
  X(ERR_BAD_PATH_PARAM, "invalid_path_parameter", 400, "A path parameter is invalid") \
  X(ERR_BODY_REQUIRED, "body_required", 400, "This request needs a JSON body") \
  X(ERR_BAD_REQUEST, "bad_request", 400, "The HTTP request is malformed") \
  X(ERR_UNAUTHENTICATED, "unauthenticated", 401, "Authentication is required") \
  X(ERR_FORBIDDEN, "forbidden", 403, "You may not do this") \
  X(ERR_CSRF, "csrf_proof_missing", 403, "A change made with the session cookie needs proof that this site asked for it") \
  X(ERR_NOT_FOUND, "not_found", 404, "Not found") \
  X(ERR_ROUTE_NOT_FOUND, "route_not_found", 404, "No such endpoint") \
  X(ERR_METHOD_NOT_ALLOWED, "method_not_allowed", 405, "Method not allowed on this endpoint") \
  X(ERR_CONFLICT, "conflict", 409, "The request conflicts with the current state") \
  X(ERR_ILLEGAL_TRANSITION, "illegal_transition", 409, "The collaboration cannot make this transition in its current state") \
  X(ERR_OPEN_COLLABORATION, "open_collaboration_exists", 409, "There is already an open collaboration") \
  X(ERR_ADMINISTRATOR_NAMED, "administrator_already_named", 409, "Another office's invitation already names the company's administrator-to-be") \
  X(ERR_ATTEMPTS_EXHAUSTED, "accept_attempts_exhausted", 409, "Too many failed attempts to accept this invitation") \
  X(ERR_DUPLICATE, "already_exists", 409, "The resource already exists") \
  X(ERR_IDEMPOTENCY_IN_FLIGHT, "idempotency_key_in_use", 409, "A request with this Idempotency-Key is still being processed") \
  X(ERR_GONE, "gone", 410, "The resource is no longer available") \
  X(ERR_LENGTH_REQUIRED, "length_required", 411, "The request body needs a Content-Length") \
  X(ERR_PRECONDITION_FAILED, "precondition_failed", 412, "If-Match does not match the current version") \
  X(ERR_BODY_TOO_LARGE, "body_too_large", 413, "The request body is too large") \
  X(ERR_URI_TOO_LONG, "uri_too_long", 414, "The request URI is too long") \
  X(ERR_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", 415, "The request body must be application/json") \
  X(ERR_IDEMPOTENCY_MISMATCH, "idempotency_key_reused", 422, "This Idempotency-Key was used with another request") \
  X(ERR_UNPROCESSABLE, "unprocessable", 422, "The request cannot be carried out") \
  X(ERR_DOWNGRADE_REQUIRES_SUPPORT, "downgrade_requires_support", 422, "A downgrade can only be carried out by support") \
  X(ERR_RESET_CONFIRMATION_REQUIRED, "company_reset_confirmation_required", 422, "A downgrade resets the company and must be confirmed") \
  X(ERR_TASK_REQUIRED, "task_required", 422, "An open task of the office for this customer is required") \
  X(ERR_IDENTITY_MISMATCH, "identity_mismatch", 422, "The corporate ID or e-mail address does not match") \
  X(ERR_NOT_THIS_WAY, "not_for_this_way", 422, "This action does not apply to a collaboration started this way") \
  X(ERR_MAIN_CONTACT_REQUIRED, "main_contact_required", 422, "The company needs a main contact") \
  X(ERR_CUSTOMER_ADMIN_REQUIRED, "customer_admin_required", 422, "The company has no administrator on the customer portal") \
  X(ERR_PRECONDITION_REQUIRED, "precondition_required", 428, "This update needs an If-Match header") \
  X(ERR_IDEMPOTENCY_KEY_REQUIRED, "idempotency_key_required", 428, "This request needs an Idempotency-Key header") \
  X(ERR_RATE_LIMITED, "rate_limited", 429, "Too many requests") \
  X(ERR_INTERNAL, "internal_error", 500, "Internal server error") \
  X(ERR_UNAVAILABLE, "service_unavailable", 503, "The service is temporarily unavailable")

enum err_code {
#define ERR_ENUM(e, code, status, title) e,
  ERR_CATALOGUE(ERR_ENUM)
#undef ERR_ENUM
  ERR__COUNT
};

/* Stable machine-readable code, e.g. "body_too_large". Static storage. */
const char *err_code_str(enum err_code e);
/* HTTP status for the error. */
unsigned err_status(enum err_code e);
/* Human-readable title. Static storage. */
const char *err_title(enum err_code e);

#endif
