/* fuzz_template.c - libFuzzer target: the e-mail template renderer (mail/template.c), fed as
 * the mailer feeds it: "name\nlanguage\n{json data}". A rendered mail has a one-line subject
 * and always goes into a MIME message (mail/mime.c), as the mailer then builds it. */
#include "mail_mime.h"
#include "mail_template.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct secret key = {{1, 2, 3, 4, 5, 6, 7, 8}};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *nl1 = memchr(data, '\n', size);
  if (!nl1)
    return 0;
  const char *rest = nl1 + 1;
  const char *nl2 = memchr(rest, '\n', size - (size_t)(rest - (const char *)data));
  if (!nl2)
    return 0;
  char *name = strndup((const char *)data, (size_t)(nl1 - (const char *)data));
  char *lang = strndup(rest, (size_t)(nl2 - rest));
  size_t json_len = size - (size_t)(nl2 + 1 - (const char *)data);
  json_t *obj = json_loadb(nl2 + 1, json_len, 0, NULL);
  struct mail_render_ctx ctx = {"https://advisor.example.se/", &key,
                                size % 2 ? "Visma eEkonomi Smart" : NULL};
  struct mail_rendered out = {0};
  char why[256];
  if (name && lang && obj && mail_template_render(name, lang, obj, &ctx, &out, why, sizeof why)) {
    if (!out.subject || !out.body || strpbrk(out.subject, "\r\n"))
      abort();
    struct mail_message m = {.from = "advisord <noreply@advisor.example.se>",
                             .to = "anna@kund.se", .subject = out.subject, .body = out.body,
                             .message_id = "<fuzz-1@advisord>", .language = lang, .date = 0};
    char *msg = mail_mime_build(&m, why, sizeof why);
    if (!msg)
      abort(); /* everything the renderer makes can be sent */
    free(msg);
    mail_rendered_free(&out);
  }
  json_decref(obj);
  free(name);
  free(lang);
  return 0;
}
