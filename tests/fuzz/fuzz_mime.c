/* fuzz_mime.c - libFuzzer target: the MIME builder (mail/mime.c): RFC 2047 encoded words,
 * quoted-printable, the From setting and the whole message. The input's NUL-separated parts
 * are from, to, subject, body, Message-ID and language. Every message built is 7-bit ASCII
 * with CRLF line ends, holds only the headers the builder writes (no header injection) and
 * quoted-printable lines of at most 76 characters. */
#include "mail_mime.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const headers[] = {
    "Date: ",          "From: ",         "To: ",
    "Subject: ",       "Message-ID: ",   "MIME-Version: ",
    "Content-Type: ",  "Content-Transfer-Encoding: ", "Content-Language: ",
    "Auto-Submitted: ", " ",             NULL,
};

/* 7-bit, CRLF only, lines no longer than max (0: any). Returns the start of the body (after
 * the first empty line) or NULL when the text breaks a rule. */
static const char *check_lines(const char *text, size_t max, bool header_block)
{
  const char *line = text;
  for (const char *p = text;; p++) {
    unsigned char ch = (unsigned char)*p;
    if (ch == '\0')
      return header_block ? NULL : p;
    if (ch == '\n')
      return NULL; /* a bare LF */
    if (ch == '\r') {
      if (p[1] != '\n')
        return NULL;
      if (max && (size_t)(p - line) > max)
        return NULL;
      if (header_block && p == line)
        return p + 2;
      if (header_block) {
        bool known = false;
        for (size_t i = 0; headers[i] && !known; i++)
          known = strncmp(line, headers[i], strlen(headers[i])) == 0;
        if (!known)
          return NULL;
      }
      line = p + 2;
      p++;
      continue;
    }
    if (ch != '\t' && (ch < 0x20 || ch > 0x7e))
      return NULL;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *buf = malloc(size + 1);
  if (!buf)
    return 0;
  memcpy(buf, data, size);
  buf[size] = '\0';
  const char *part[6] = {"", "", "", "", "", ""};
  size_t n = 0;
  for (char *p = buf; n < 6 && p <= buf + size; p += strlen(p) + 1)
    part[n++] = p;

  char *qp = mail_mime_qp(part[3]);
  if (qp && !check_lines(qp, 76, false))
    abort();
  free(qp);
  char *word = mail_mime_header_text(part[2]);
  if (word && !check_lines(word, 76, false))
    abort();
  free(word);
  char addr[256];
  if (mail_mime_from_address(part[0], addr, sizeof addr) && !mail_mime_address_ok(addr))
    abort();

  struct mail_message m = {.from = part[0], .to = part[1], .subject = part[2],
                           .body = part[3], .message_id = part[4], .language = part[5],
                           .date = (time_t)size * 86401};
  char why[200];
  char *msg = mail_mime_build(&m, why, sizeof why);
  if (msg) {
    const char *body = check_lines(msg, 998, true);
    if (!body || !check_lines(body, 76, false))
      abort();
  }
  free(msg);
  free(buf);
  return 0;
}
