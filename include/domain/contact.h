/* domain/contact.h - shape checks for contact details (e-mail addresses, phone numbers).
 * Pure; the functions fit validate.h's field_check. */
#ifndef ADVISORD_DOMAIN_CONTACT_H
#define ADVISORD_DOMAIN_CONTACT_H

/* NULL when s looks like a deliverable address (local@domain.tld, no spaces or control
 * characters, at most 254 bytes), else why not (static). */
const char *contact_email_check(const char *s);
/* NULL when s is a phone number: an optional leading +, then 6 to 20 digits, with spaces,
 * hyphens and parentheses allowed between them; else why not (static). */
const char *contact_phone_check(const char *s);

/* NULL when s is a one-line display name: not only spaces, no control characters; else why
 * not (static). Lengths are checked by the caller. */
const char *contact_name_check(const char *s);

#endif
