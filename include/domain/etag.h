/* domain/etag.h - versions as entity tags: the strong ETag of a version and the If-Match rule
 * (RFC 9110: a list of strong tags or "*"). Pure: the caller hands in the header's value. */
#ifndef ADVISORD_DOMAIN_ETAG_H
#define ADVISORD_DOMAIN_ETAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The strong ETag of a version: "\"<version>\"" into out (>= 32 bytes). */
void etag_of(int64_t version, char *out, size_t len);

/* True when the header's list h (If-Match, If-None-Match) names etag or is "*". weak: RFC 9110's
 * weak comparison (If-None-Match: a W/ prefix on either side is ignored); else the strong one (a
 * weak tag never matches). */
bool etag_list_has(const char *h, const char *etag, bool weak);

enum if_match { IF_MATCH_ABSENT, IF_MATCH_OK, IF_MATCH_FAILED };
/* Compares an If-Match header value h (NULL: absent) with version. */
enum if_match etag_if_match(const char *h, int64_t version);

#endif
