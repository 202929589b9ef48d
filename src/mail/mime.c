/* mime.c - builds the MIME message of an e-mail (see mail_mime.h). */
#include "mail_mime.h"
#include "domain/dates.h"
#include "mbuf.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORD_BYTES 39 /* raw bytes per encoded word: 52 base64 chars, 64 with the wrapper */
#define PLAIN_MAX 68  /* longest header text sent unencoded (fits "Subject: " on one line) */
#define QP_LINE 76

static void base64(struct mbuf *b, const unsigned char *in, size_t n)
{
  static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16;
    if (i + 1 < n)
      v |= (uint32_t)in[i + 1] << 8;
    if (i + 2 < n)
      v |= in[i + 2];
    char q[4] = {tab[(v >> 18) & 63], tab[(v >> 12) & 63], i + 1 < n ? tab[(v >> 6) & 63] : '=',
                 i + 2 < n ? tab[v & 63] : '='};
    mbuf_addn(b, q, 4);
  }
}

/* Printable ASCII with nothing that could be read as an encoded word. */
static bool plain_ascii(const char *s)
{
  for (const char *p = s; *p; p++)
    if (*p < 0x20 || *p > 0x7E)
      return false;
  return strstr(s, "=?") == NULL;
}

static void encoded_words(struct mbuf *b, const char *text)
{
  const unsigned char *p = (const unsigned char *)text;
  bool first = true;
  while (*p) {
    size_t n = 0;
    while (p[n]) {
      size_t k = util_utf8_seq_len(p + n);
      if (n + k > WORD_BYTES)
        break;
      n += k;
    }
    if (!first)
      mbuf_add(b, "\r\n ");
    mbuf_add(b, "=?UTF-8?B?");
    base64(b, p, n);
    mbuf_add(b, "?=");
    first = false;
    p += n;
  }
}

/* text as a header's words (itself, or encoded words) appended to b; false when it is not
 * valid UTF-8 (nothing appended). */
static bool header_text(struct mbuf *b, const char *text)
{
  if (util_utf8_invalid_at(text) >= 0)
    return false;
  if (plain_ascii(text) && strlen(text) <= PLAIN_MAX)
    mbuf_add(b, text);
  else
    encoded_words(b, text);
  return true;
}

char *mail_mime_header_text(const char *text)
{
  struct mbuf b = {0};
  if (!header_text(&b, text))
    return NULL;
  return mbuf_take(&b);
}

/* One line (without its line end) in quoted-printable, written straight into b's room (perf
 * of the mailer: a call to mbuf_addn per byte and an snprintf per encoded byte, 9 us of its
 * user CPU per e-mail). A byte becomes itself or "=XX"; a token that would pass column 75
 * (room for the soft break's "=") starts a new line after "=\r\n". */
static void qp_line(struct mbuf *b, const unsigned char *s, size_t n)
{
  static const char hex[] = "0123456789ABCDEF";
  /* each byte at most 3 out; a soft break (3) at most every 73 out; the line end */
  if (!mbuf_reserve(b, 3 * n + 3 * (3 * n / 73 + 1) + 2))
    return;
  char *o = b->p + b->len;
  size_t col = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = s[i];
    bool last = i + 1 == n;
    bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
    if (col == 0 && (c == '.' || (c == 'F' && n - i >= 5 && memcmp(s + i, "From ", 5) == 0)))
      literal = false; /* a leading dot or "From " survives no transport unharmed */
    size_t k = literal ? 1 : 3;
    if (col + k > QP_LINE - 1) { /* room for the soft break's "=" */
      memcpy(o, "=\r\n", 3);
      o += 3;
      col = 0;
    }
    if (literal) {
      *o++ = (char)c;
    } else {
      o[0] = '=';
      o[1] = hex[c >> 4];
      o[2] = hex[c & 15];
      o += 3;
    }
    col += k;
  }
  memcpy(o, "\r\n", 3); /* with the NUL */
  b->len = (size_t)(o + 2 - b->p);
}

/* text in quoted-printable, appended to b. */
static void qp_text(struct mbuf *b, const char *text)
{
  const unsigned char *p = (const unsigned char *)text;
  while (*p) {
    size_t n = strcspn((const char *)p, "\n");
    size_t len = n > 0 && p[n - 1] == '\r' ? n - 1 : n;
    qp_line(b, p, len);
    p += n + (p[n] == '\n');
  }
}

char *mail_mime_qp(const char *text)
{
  struct mbuf b = {0};
  qp_text(&b, text);
  return mbuf_take(&b);
}

void mail_mime_date(time_t t, char *buf, size_t len)
{
  date_rfc5322((int64_t)t * 1000, buf, len);
}

bool mail_mime_address_ok(const char *addr)
{
  if (!addr)
    return false;
  size_t n = strlen(addr);
  const char *at = strchr(addr, '@');
  if (n == 0 || n > 254 || !at || at == addr || at[1] == '\0' || strchr(at + 1, '@'))
    return false;
  for (const char *p = addr; *p; p++)
    if (*p <= 0x20 || *p >= 0x7F || strchr("\"(),:;<>[\\]", *p))
      return false;
  return true;
}

bool mail_mime_from_address(const char *from, char *out, size_t len)
{
  const char *lt = strrchr(from, '<');
  const char *start = lt ? lt + 1 : from;
  const char *end = lt ? strchr(start, '>') : start + strlen(start);
  if (!end || (lt && end[1] != '\0') || (size_t)(end - start) >= len)
    return false;
  memcpy(out, start, (size_t)(end - start));
  out[end - start] = '\0';
  return mail_mime_address_ok(out);
}

/* "Name <addr>" with the name as a quoted string or encoded words, or the bare address. */
static bool from_header(struct mbuf *b, const char *from)
{
  char addr[256];
  if (!mail_mime_from_address(from, addr, sizeof addr))
    return false;
  const char *lt = strrchr(from, '<');
  size_t name_len = lt ? (size_t)(lt - from) : 0;
  while (name_len > 0 && from[name_len - 1] == ' ')
    name_len--;
  if (name_len == 0) {
    mbuf_add(b, addr);
    return true;
  }
  char *name = strndup(from, name_len);
  if (!name || util_utf8_invalid_at(name) >= 0) {
    free(name);
    return false;
  }
  if (plain_ascii(name) && !strpbrk(name, "\"\\")) {
    mbuf_addc(b, '"');
    mbuf_add(b, name);
    mbuf_addc(b, '"');
  } else {
    encoded_words(b, name);
  }
  mbuf_add(b, " <");
  mbuf_add(b, addr);
  mbuf_addc(b, '>');
  free(name);
  return true;
}

static bool message_id_ok(const char *id)
{
  size_t n = id ? strlen(id) : 0;
  if (n < 5 || n > 250 || id[0] != '<' || id[n - 1] != '>' || !strchr(id, '@'))
    return false;
  for (size_t i = 1; i + 1 < n; i++)
    if (id[i] <= 0x20 || id[i] >= 0x7F || id[i] == '<' || id[i] == '>')
      return false;
  return true;
}

/* The message in one buffer, each piece appended in turn (no separate subject and body texts
 * copied in, no format strings: perf of the mailer). */
char *mail_mime_build(const struct mail_message *m, char *why, size_t why_len)
{
  struct mbuf b = {0};
  char *out = NULL;
  if (!mail_mime_address_ok(m->to)) {
    snprintf(why, why_len, "the recipient '%.80s' is not a usable e-mail address",
             m->to ? m->to : "");
    goto cleanup;
  }
  if (!message_id_ok(m->message_id)) {
    snprintf(why, why_len, "the Message-ID '%.80s' is malformed", m->message_id ? m->message_id : "");
    goto cleanup;
  }
  if (!m->subject || !m->body || util_utf8_invalid_at(m->body) >= 0) {
    snprintf(why, why_len, "the body is missing or not valid UTF-8");
    goto cleanup;
  }
  if (util_utf8_invalid_at(m->subject) >= 0) {
    snprintf(why, why_len, "the subject is not valid UTF-8");
    goto cleanup;
  }
  const char *lang = m->language && strcmp(m->language, "en") == 0 ? "en" : "sv";
  char date[40];
  mail_mime_date(m->date, date, sizeof date);
  mbuf_reserve(&b, 3 * strlen(m->body) + 1024); /* the usual message in one allocation */
  mbuf_add(&b, "Date: ");
  mbuf_add(&b, date);
  mbuf_add(&b, "\r\nFrom: ");
  if (!from_header(&b, m->from ? m->from : "")) {
    snprintf(why, why_len, "the sender '%.80s' (mail_from) is not a usable address",
             m->from ? m->from : "");
    goto cleanup;
  }
  mbuf_add(&b, "\r\nTo: ");
  mbuf_add(&b, m->to);
  mbuf_add(&b, "\r\nSubject: ");
  header_text(&b, m->subject); /* checked above */
  mbuf_add(&b, "\r\nMessage-ID: ");
  mbuf_add(&b, m->message_id);
  mbuf_add(&b, "\r\nMIME-Version: 1.0\r\n"
               "Content-Type: text/plain; charset=utf-8\r\n"
               "Content-Transfer-Encoding: quoted-printable\r\n"
               "Content-Language: ");
  mbuf_add(&b, lang);
  mbuf_add(&b, "\r\nAuto-Submitted: auto-generated\r\n\r\n");
  qp_text(&b, m->body);
  if (!(out = mbuf_take(&b)))
    snprintf(why, why_len, "out of memory");
cleanup:
  mbuf_free(&b);
  return out;
}
