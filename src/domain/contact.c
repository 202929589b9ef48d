/* contact.c - e-mail address and phone number shape checks. */
#include "domain/contact.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

const char *contact_email_check(const char *s)
{
  const char *at = strchr(s, '@');
  size_t len = strlen(s);
  if (len > 254)
    return "must have at most 254 characters";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == ',' || *p == ';' ||
        *p == '"' || *p == '\\')
      return "must be an e-mail address without spaces or special characters";
  if (!at || at == s || strchr(at + 1, '@'))
    return "must be an e-mail address like name@example.com";
  const char *domain = at + 1;
  const char *dot = strrchr(domain, '.');
  if (!dot || dot == domain || dot[1] == '\0' || strstr(domain, "..") || domain[0] == '-')
    return "must be an e-mail address like name@example.com";
  return NULL;
}

const char *contact_phone_check(const char *s)
{
  int digits = 0;
  for (const char *p = s; *p; p++) {
    if (*p >= '0' && *p <= '9')
      digits++;
    else if (*p == '+' && p == s)
      continue;
    else if (!strchr(" -()", *p))
      return "must be a phone number: digits, an optional leading +, spaces or hyphens";
  }
  if (digits < 6 || digits > 20)
    return "must be a phone number with 6 to 20 digits";
  return NULL;
}

const char *contact_name_check(const char *s)
{
  bool blank = true;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p < 0x20 || *p == 0x7f)
      return "must not contain control characters or line breaks";
    if (*p != ' ')
      blank = false;
  }
  return blank ? "must not be blank" : NULL;
}
