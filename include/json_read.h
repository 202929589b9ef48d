/* json_read.h - request bodies read as jansson reads them, faster. jansson's json_loadb lexes a
 * byte at a time through a stream callback and was, with its allocations, the largest part of
 * the HTTP worker's own work for a POST (about 40,000 instructions for a 250-byte body). The
 * plain subset that request bodies use (objects, arrays, strings with the short escapes,
 * integers, true, false, null) is read here directly into the same jansson tree; any other text
 * (a \u escape, a real number, a duplicate key, an error of any kind) is read by json_loadb
 * itself, so the tree, or the error and its words, stay exactly jansson's.
 * tests/unit/test_json_read.c compares the two. */
#ifndef ADVISORD_JSON_READ_H
#define ADVISORD_JSON_READ_H

#include <jansson.h>
#include <stddef.h>

/* The JSON text of len bytes at text, as json_loadb(text, len, flags, err) reads it (flags
 * other than JSON_REJECT_DUPLICATES: jansson reads it). New reference: the caller
 * json_decref's it; NULL with err filled by jansson when the text is not JSON (err is not
 * written when the plain subset read it). */
json_t *json_read(const char *text, size_t len, size_t flags, json_error_t *err);

/* The plain subset alone (for tests): the tree, or NULL when the text is not in it (json_read
 * then asks jansson). */
json_t *json_read_plain(const char *text, size_t len);

#endif
