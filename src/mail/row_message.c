/* row_message.c - see row_message.h. */
#include "row_message.h"
#include "app.h"
#include "json_read.h"
#include "mail_mime.h"
#include "mail_template.h"
#include "store_variants.h"

#include <string.h>
#include <time.h>

char *mail_row_message(const struct app *app, const struct outbox_row *row, char *why, size_t len)
{
  /* json_read: jansson's tree and verdict, without json_loads' byte-at-a-time lexing (4.3 ->
   * 0.7 us an e-mail for an invitation's data) */
  const char *text = row->data ? row->data : "";
  json_t *data = json_read(text, strlen(text), 0, NULL);
  struct variant v;
  /* The display name comes with the data; rows written before it did get it looked up. */
  const char *code = json_string_value(json_object_get(data, "variant"));
  const char *named = json_string_value(json_object_get(data, "variant_name"));
  struct store_conn *c = named && *named ? NULL : store_conn(app->store);
  bool have_variant = code && c && store_variant_get(c, code, &v) == STORE_OK;
  struct mail_render_ctx ctx = {app->public_url, &app->secret,
                                have_variant ? v.name : NULL};
  struct mail_rendered r = {0};
  char *msg = NULL;
  if (!data) {
    snprintf(why, len, "the data is not JSON");
  } else if (mail_template_render(row->template_name, row->language, data, &ctx, &r, why, len)) {
    struct mail_message mm = {app->cfg->mail_from, row->recipient, r.subject, r.body,
                              row->message_id, row->language, time(NULL)};
    msg = mail_mime_build(&mm, why, len);
  }
  mail_rendered_free(&r);
  json_decref(data);
  return msg;
}
