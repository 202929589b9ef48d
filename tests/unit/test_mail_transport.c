/* Unit tests of the transports' pure and local parts: URLs logged without credentials, and
 * the spool writer (atomic .eml files named by outbox id, refusals with a reason). */
#include "mail_transport.h"
#include "testlib.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

TEST_MAIN_DEFS

static void test_redact(void)
{
  struct {
    const char *in, *out;
  } cases[] = {
      {"smtp://mail.example.com:587", "smtp://mail.example.com:587"},
      {"smtp://user:s3cret@mail.example.com:587", "smtp://mail.example.com:587"},
      {"smtps://user%40corp:p%40ss@smtp.example.com", "smtps://smtp.example.com"},
      {"smtps://a:b@c@host:465/path", "smtps://host:465/path"},
      {"smtp://host/ehlo@name", "smtp://host/ehlo@name"}, /* '@' after the host is no login */
      {"smtp://user@host", "smtp://host"},
      {"", ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char out[256];
    mail_url_redact(cases[i].in, out, sizeof out);
    CHECK_STR(out, cases[i].out);
    CHECK(!strstr(out, "s3cret") && !strstr(out, "p%40ss"));
  }
}

static void test_spool(void)
{
  char dir[] = "/tmp/advisord-spool-XXXXXX", why[300], path[400];
  if (!mkdtemp(dir))
    return;
  char nested[200];
  snprintf(nested, sizeof nested, "%s/a/b", dir); /* created when missing */
  const char *id = "0a1b2c3d-0000-4000-8000-000000000001";
  CHECK_MSG(mail_spool_write(nested, id, "Subject: x\r\n\r\nhej\r\n", why, sizeof why), "%s", why);
  snprintf(path, sizeof path, "%s/%s.eml", nested, id);
  FILE *f = fopen(path, "r");
  char text[100] = "";
  size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
  text[n] = '\0';
  if (f)
    fclose(f);
  CHECK_STR(text, "Subject: x\r\n\r\nhej\r\n");
  snprintf(path, sizeof path, "%s/.%s.eml.tmp", nested, id);
  CHECK(access(path, F_OK) != 0);
  /* the same row written again (a retry after a crash) replaces the file */
  CHECK(mail_spool_write(nested, id, "again\r\n", why, sizeof why));
  CHECK(!mail_spool_write(nested, "../../etc/passwd", "x", why, sizeof why));
  CHECK(strstr(why, "not an outbox id") != NULL);
  char file_as_dir[300];
  snprintf(file_as_dir, sizeof file_as_dir, "%s/%s.eml", nested, id); /* a file, not a folder */
  CHECK(!mail_spool_write(file_as_dir, id, "x", why, sizeof why));
  CHECK_MSG(strstr(why, "spool: cannot") != NULL, "%s", why);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
}

int main(void)
{
  test_redact();
  test_spool();
  return TEST_REPORT();
}
