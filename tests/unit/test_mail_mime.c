/* Unit tests of the MIME builder (mail_mime.h): encoded words, quoted-printable, dates,
 * addresses, and a whole message decoded back by an independent decoder written here. */
#include "mail_mime.h"
#include "testlib.h"

#include <stdlib.h>

TEST_MAIN_DEFS

static int b64val(char c)
{
  const char *tab = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const char *p = strchr(tab, c);
  return c && p ? (int)(p - tab) : -1;
}

/* Decodes a folded header of encoded words (or plain text) back to UTF-8. */
static void decode_header(const char *in, char *out, size_t len)
{
  size_t o = 0;
  const char *p = in;
  if (strncmp(p, "=?", 2) != 0) {
    snprintf(out, len, "%s", in);
    return;
  }
  while (*p && o + 4 < len) {
    if (strncmp(p, "=?UTF-8?B?", 10) != 0) {
      p++; /* folding whitespace between words */
      continue;
    }
    p += 10;
    unsigned v = 0;
    int bits = 0;
    while (*p && *p != '?') {
      int d = b64val(*p++);
      if (d < 0)
        continue;
      v = (v << 6) | (unsigned)d;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[o++] = (char)((v >> bits) & 0xFF);
      }
    }
    p += *p ? 2 : 0;
  }
  out[o] = '\0';
}

static int hexval(char c)
{
  return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes quoted-printable with CRLF line ends back to \n text; checks line lengths. */
static void decode_qp(const char *in, char *out, size_t len, int *longest)
{
  size_t o = 0;
  int col = 0;
  *longest = 0;
  for (const char *p = in; *p && o + 1 < len;) {
    if (p[0] == '\r' && p[1] == '\n') {
      out[o++] = '\n';
      p += 2;
      col = 0;
      continue;
    }
    col++;
    if (col > *longest)
      *longest = col;
    if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
      p += 3;
      col = 0;
    } else if (p[0] == '=' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
      out[o++] = (char)(hexval(p[1]) * 16 + hexval(p[2]));
      p += 3;
      col += 2;
      if (col > *longest)
        *longest = col;
    } else {
      out[o++] = *p++;
    }
  }
  out[o] = '\0';
}

static void test_header_text(void)
{
  char *s = mail_mime_header_text("Hello there");
  CHECK_STR(s, "Hello there");
  free(s);
  s = mail_mime_header_text("Åsa");
  CHECK_STR(s, "=?UTF-8?B?w4VzYQ==?=");
  free(s);
  s = mail_mime_header_text("a =?x?= b"); /* looks like an encoded word: encoded */
  CHECK(s && strncmp(s, "=?UTF-8?B?", 10) == 0);
  free(s);
  s = mail_mime_header_text("line\r\nBcc: evil@example.com"); /* no header injection */
  CHECK(s && strncmp(s, "=?UTF-8?B?", 10) == 0); /* encoded; folded lines start with a space */
  for (const char *p = s; p && (p = strstr(p, "\r\n")); p += 2)
    CHECK(p[2] == ' ');
  char dec[512];
  decode_header(s, dec, sizeof dec);
  CHECK_STR(dec, "line\r\nBcc: evil@example.com");
  free(s);
  CHECK(mail_mime_header_text("bad \xC3") == NULL); /* invalid UTF-8 */
  CHECK(mail_mime_header_text("bad \xED\xA0\x80") == NULL); /* a surrogate */
  /* long text with multi-byte characters: words <= 75 chars, no character split */
  const char *long_subject = "Redovisningsbyrån Åkesson & Öberg bjuder in Ärlig Ödmjuk "
                             "Bokföring AB till samarbete i Visma eEkonomi Smart — välkommen!";
  s = mail_mime_header_text(long_subject);
  CHECK(s != NULL);
  for (const char *line = s; line && *line;) {
    const char *end = strstr(line, "\r\n");
    size_t n = end ? (size_t)(end - line) : strlen(line);
    CHECK_MSG(n <= 76, "folded line of %zu chars", n);
    line = end ? end + 2 : NULL;
  }
  decode_header(s, dec, sizeof dec);
  CHECK_STR(dec, long_subject);
  free(s);
}

static void test_qp(void)
{
  int longest = 0;
  char dec[8192];
  char *q = mail_mime_qp("Hej Åsa!\nRad två = 2\n");
  CHECK_STR(q, "Hej =C3=85sa!\r\nRad tv=C3=A5 =3D 2\r\n");
  free(q);
  q = mail_mime_qp("trailing space \n.dot first\nFrom here\n\ttab");
  CHECK_STR(q, "trailing space=20\r\n=2Edot first\r\n=46rom here\r\n\ttab\r\n");
  free(q);
  char text[4096] = "";
  for (int i = 0; i < 30; i++)
    strcat(text, "Länken: https://example.com/v1/invitations/abcdef_-XYZ ");
  strcat(text, "\nslut\n");
  q = mail_mime_qp(text);
  CHECK(q != NULL);
  decode_qp(q, dec, sizeof dec, &longest);
  CHECK_STR(dec, text);
  CHECK_MSG(longest <= 76, "a line of %d characters", longest);
  free(q);
  q = mail_mime_qp("");
  CHECK_STR(q, "");
  free(q);
}

static void test_addresses_and_date(void)
{
  CHECK(mail_mime_address_ok("anna@example.com"));
  CHECK(mail_mime_address_ok("a.b+tag@sub.example.se"));
  CHECK(!mail_mime_address_ok(""));
  CHECK(!mail_mime_address_ok("no-at"));
  CHECK(!mail_mime_address_ok("@example.com"));
  CHECK(!mail_mime_address_ok("a@"));
  CHECK(!mail_mime_address_ok("a@b@c"));
  CHECK(!mail_mime_address_ok("a b@example.com"));
  CHECK(!mail_mime_address_ok("a@example.com\r\nBcc: x@y"));
  CHECK(!mail_mime_address_ok("<a@example.com>"));
  CHECK(!mail_mime_address_ok("å@example.com"));
  char a[256];
  CHECK(mail_mime_from_address("advisord <no-reply@advisord.local>", a, sizeof a));
  CHECK_STR(a, "no-reply@advisord.local");
  CHECK(mail_mime_from_address("no-reply@x.se", a, sizeof a));
  CHECK_STR(a, "no-reply@x.se");
  CHECK(!mail_mime_from_address("Name <broken", a, sizeof a));
  CHECK(!mail_mime_from_address("Name", a, sizeof a));
  char d[40];
  mail_mime_date(1795773600, d, sizeof d); /* 2026-11-27T10:00:00Z */
  CHECK_STR(d, "Fri, 27 Nov 2026 10:00:00 +0000");
  mail_mime_date(0, d, sizeof d);
  CHECK_STR(d, "Thu, 01 Jan 1970 00:00:00 +0000");
}

/* The value of header name (first line only) in msg into buf. */
static bool header(const char *msg, const char *name, char *buf, size_t len)
{
  size_t nl = strlen(name);
  for (const char *line = msg; line && *line && strncmp(line, "\r\n", 2) != 0;) {
    const char *end = strstr(line, "\r\n");
    if (!end)
      return false;
    if (strncmp(line, name, nl) == 0 && line[nl] == ':') {
      /* unfold continuation lines */
      size_t o = 0;
      const char *v = line + nl + 2;
      while (v < end || (end[2] == ' ' && (v = end + 2, end = strstr(v, "\r\n")))) {
        if (v < end && o + 1 < len)
          buf[o++] = *v;
        v++;
      }
      buf[o] = '\0';
      return true;
    }
    line = end + 2;
  }
  return false;
}

static void test_build(void)
{
  struct mail_message m = {
      .from = "Rådgivning <no-reply@advisord.local>",
      .to = "kund@example.se",
      .subject = "Byrån Öst bjuder in Ärlig AB",
      .body = "Hej!\n\nÖppna länken:\nhttps://x.se/v1/invitations/t0k3n\n",
      .message_id = "<0a1b2c3d-0000-4000-8000-000000000001@advisord>",
      .language = "sv",
      .date = 1795773600,
  };
  char why[200] = "";
  char *msg = mail_mime_build(&m, why, sizeof why);
  CHECK_MSG(msg != NULL, "%s", why);
  if (!msg)
    return;
  char v[512], dec[512];
  CHECK(header(msg, "Date", v, sizeof v));
  CHECK_STR(v, "Fri, 27 Nov 2026 10:00:00 +0000");
  CHECK(header(msg, "To", v, sizeof v));
  CHECK_STR(v, "kund@example.se");
  CHECK(header(msg, "Message-ID", v, sizeof v));
  CHECK_STR(v, m.message_id);
  CHECK(header(msg, "MIME-Version", v, sizeof v));
  CHECK_STR(v, "1.0");
  CHECK(header(msg, "Content-Type", v, sizeof v));
  CHECK_STR(v, "text/plain; charset=utf-8");
  CHECK(header(msg, "Content-Transfer-Encoding", v, sizeof v));
  CHECK_STR(v, "quoted-printable");
  CHECK(header(msg, "Content-Language", v, sizeof v));
  CHECK_STR(v, "sv");
  CHECK(header(msg, "Subject", v, sizeof v));
  decode_header(v, dec, sizeof dec);
  CHECK_STR(dec, m.subject);
  CHECK(header(msg, "From", v, sizeof v));
  CHECK(strstr(v, " <no-reply@advisord.local>") != NULL);
  CHECK(strncmp(v, "=?UTF-8?B?", 10) == 0);
  for (const char *p = msg; *p; p++) { /* 7-bit clean, CRLF only */
    CHECK_MSG((unsigned char)*p < 0x80, "8-bit byte at %zu", (size_t)(p - msg));
    if (*p == '\n')
      CHECK(p > msg && p[-1] == '\r');
  }
  const char *body = strstr(msg, "\r\n\r\n");
  CHECK(body != NULL);
  int longest = 0;
  decode_qp(body ? body + 4 : "", dec, sizeof dec, &longest);
  CHECK_STR(dec, m.body);
  free(msg);

  /* English, a plain ASCII From */
  m.language = "en";
  m.from = "advisord <no-reply@advisord.local>";
  msg = mail_mime_build(&m, why, sizeof why);
  CHECK(msg && header(msg, "Content-Language", v, sizeof v) && strcmp(v, "en") == 0);
  CHECK(msg && header(msg, "From", v, sizeof v) &&
        strcmp(v, "\"advisord\" <no-reply@advisord.local>") == 0);
  free(msg);

  /* refusals name what is wrong */
  m.to = "kund@example.se\r\nBcc: all@example.se";
  CHECK(mail_mime_build(&m, why, sizeof why) == NULL && strstr(why, "recipient"));
  m.to = "kund@example.se";
  m.message_id = "no-brackets@advisord";
  CHECK(mail_mime_build(&m, why, sizeof why) == NULL && strstr(why, "Message-ID"));
  m.message_id = "<x@advisord>";
  m.from = "nobody";
  CHECK(mail_mime_build(&m, why, sizeof why) == NULL && strstr(why, "sender"));
  m.from = "a@b.se";
  m.body = "bad \xFF";
  CHECK(mail_mime_build(&m, why, sizeof why) == NULL && strstr(why, "UTF-8"));
}

int main(void)
{
  test_header_text();
  test_qp();
  test_addresses_and_date();
  test_build();
  return TEST_REPORT();
}
