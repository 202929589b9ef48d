/* outbox.c - support's view of the mail outbox: GET /v1/outbox (by status, newest first,
 * cursor pages), GET /v1/outbox/{id}, POST /v1/outbox/{id}/retry (a failed e-mail back to
 * pending, due now). */
#include "app.h"
#include "domain/contact.h"
#include "handlers.h"
#include "service/sessions.h"
#include "resource.h"
#include "store_outbox.h"
#include "util.h"
#include "validate.h"

#include <stdlib.h>
#include <string.h>

static const char *const statuses[] = {"pending", "sent", "failed", NULL};

/* The list's query. */
struct list_in {
  const char *status, *cursor;
  int limit;
};

static const struct field_spec list_query[] = {
    {.name = "status", .type = FIELD_ENUM, .allowed = statuses,
     .to = FIELD_TO(struct list_in, status)},
    {.name = "cursor", .type = FIELD_STRING, .min_len = 1, .max_len = API_CURSOR_MAX,
     .to = FIELD_TO(struct list_in, cursor)},
    {.name = "limit", .type = FIELD_INT, .min = 1, .max = API_LIST_MAX_LIMIT,
     .to = FIELD_TO(struct list_in, limit)},
    {0},
};

static json_t *str_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }

json_t *api_outbox_json(const struct outbox_row *r)
{
  char due[32] = "";
  if (strcmp(r->status, "pending") == 0)
    util_time_iso8601((time_t)(r->next_attempt_at / 1000), due, sizeof due);
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:i, s:o, s:b, s:o, s:s, s:s, s:o}",
                   "id", r->id, "message_id", r->message_id, "recipient", r->recipient,
                   "template", r->template_name, "language", r->language, "collaboration_id",
                   str_or_null(r->collaboration_id), "status", r->status, "attempts",
                   r->attempts, "next_attempt_at", str_or_null(due), "in_flight", r->in_flight,
                   "last_error", str_or_null(r->last_error), "created_at", r->created_at,
                   "updated_at", r->updated_at, "sent_at", str_or_null(r->sent_at));
}

enum MHD_Result api_outbox_list(struct request *req)
{
  enum MHD_Result r;
  struct list_in in = {.limit = API_LIST_DEFAULT_LIMIT};
  if (!validate_query_into(req, list_query, &in, &r))
    return r;
  const char *status = in.status, *after_id = NULL, *cursor = in.cursor;
  size_t max = (size_t)in.limit, n = 0;
  bool more = false;
  char (*parts)[1024] = NULL;
  if (cursor) {
    if (!(parts = malloc(sizeof *parts)))
      return api_store_failure(req, STORE_ERROR, "outbox message");
    if (!api_cursor_decode(cursor, 1, parts) || !util_is_uuid(parts[0])) {
      free(parts);
      return api_bad_cursor(req);
    }
    after_id = parts[0];
  }
  struct outbox_row *rows = calloc(max, sizeof *rows);
  enum store_status st =
      rows ? outbox_page(req->app, status, after_id, rows, max, &n, &more) : STORE_ERROR;
  if (st == STORE_NOT_FOUND) /* the cursor's row does not exist */
    r = api_bad_cursor(req);
  else if (st != STORE_OK)
    r = api_store_failure(req, st, "outbox message");
  else {
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
      json_array_append_new(items, api_outbox_json(&rows[i]));
    const char *next[] = {n > 0 ? rows[n - 1].id : NULL};
    r = api_page_reply(req, items, more && n > 0 ? next : NULL, 1);
  }
  free(rows);
  free(parts);
  return r;
}

enum MHD_Result api_outbox_get(struct request *req)
{
  struct outbox_row row;
  const char *id = http_param(req, "id");
  enum store_status st = outbox_read(req->app, id, &row);
  if (st == STORE_NOT_FOUND)
    return reply_problem(req, ERR_NOT_FOUND, "No outbox message '%.40s'", id);
  if (st != STORE_OK)
    return api_store_failure(req, st, "outbox message");
  return reply_json(req, 200, api_outbox_json(&row));
}

/* The retry's body: a corrected address, or NULL for the same one. */
struct retry_in {
  const char *recipient;
};

static const struct field_spec retry_fields[] = {
    {.name = "recipient", .type = FIELD_STRING, .min_len = 3, .max_len = 254,
     .check = contact_email_check, .to = FIELD_TO(struct retry_in, recipient)},
    {0},
};
enum MHD_Result api_outbox_retry(struct request *req)
{
  enum MHD_Result r;
  struct retry_in in = {0};
  if (!validate_body_into(req, retry_fields, &in, &r))
    return r;
  const char *id = http_param(req, "id");
  struct outbox_row row;
  enum store_status st = outbox_retry(req->app, id, in.recipient, &row);
  if (st == STORE_NOT_FOUND)
    return reply_problem(req, ERR_NOT_FOUND, "No outbox message '%.40s'", id);
  if (st == STORE_CONFLICT)
    return reply_problem_extra(req, ERR_CONFLICT,
                               json_pack("{s:s}", "current_status", row.status),
                               "Only a failed message can be retried; this one is %s",
                               row.status);
  if (st != STORE_OK)
    return api_store_failure(req, st, "outbox message");
  return reply_json(req, 200, api_outbox_json(&row));
}
