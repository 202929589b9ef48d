/* domain/corporate_id.h - Swedish corporate ID numbers: organisationsnummer, and personnummer
 * (or samordningsnummer) for sole traders. Checked with the Luhn digit and normalised to the
 * one stored form "NNNNNN-NNNN". Pure: no I/O. */
#ifndef ADVISORD_DOMAIN_CORPORATE_ID_H
#define ADVISORD_DOMAIN_CORPORATE_ID_H

#include <stdbool.h>

#define CORPORATE_ID_LEN 12 /* "NNNNNN-NNNN" + NUL */

enum corporate_id_kind { CORPORATE_ID_INVALID = 0, CORPORATE_ID_ORGANISATION, CORPORATE_ID_PERSON };

/* Checks s (10 or 12 digits, optionally with a hyphen or plus before the last four; spaces
 * around are not accepted) and writes the normalised form into out (>= CORPORATE_ID_LEN).
 * 12-digit forms carry a century ("16" for organisations, 18/19/20 for persons) that is
 * checked and then dropped. Returns the kind; on CORPORATE_ID_INVALID *why (when non-NULL)
 * says what is wrong (static) and out is empty. */
enum corporate_id_kind corporate_id_normalize(const char *s, char *out, const char **why);

/* A field_check for validate.h: NULL when s is a valid corporate ID, else why not (static). */
const char *corporate_id_check(const char *s);

#endif
