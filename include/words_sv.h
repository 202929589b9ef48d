/* words_sv.h - the server's refusal texts in Swedish, for readers who prefer it (the web app's
 * pages in Swedish, an integration sending Accept-Language: sv). Every text the server writes
 * for a bad field (a field's `message` in a problem's `errors`) and the detail of an invalid
 * request is in the catalog (src/http/words_sv.c); other details stay in English, and the web
 * app has its own words for their codes. */
#ifndef ADVISORD_WORDS_SV_H
#define ADVISORD_WORDS_SV_H

#include <stdbool.h>
#include <stddef.h>

/* True when an Accept-Language value (NULL: none) prefers Swedish to English: the Swedish
 * range ("sv", "sv-SE"...) has a higher quality than any English one, or the same and comes
 * first. No header, neither language, or q=0: false (the texts stay English). */
bool words_prefer_sv(const char *accept_language);

/* The Swedish for an English text the server writes, into out (len bytes, NUL-terminated):
 * the first catalog entry whose pattern matches the whole text, its parts ({} in a pattern:
 * a value such as a number, a field name or a date) carried over in order; a part that is
 * itself a text of the catalog is translated too. False, out untouched, when no entry
 * matches or the result does not fit. out may be en itself (translated in place). */
bool words_sv(const char *en, char *out, size_t len);

#endif
