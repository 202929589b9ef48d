/* collab_json.c - collaborations as the API serves them: a collaboration (what each viewer
 * may see of it), an invitation as its link shows it, an event, and the replies made of a use
 * case's outcome. */
#include "collab_api.h"
#include "log.h"
#include "domain/dates.h"
#include "resource.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *collab_invitation_json(const struct collab *co, int64_t now_ms)
{
  char expires[32];
  date_iso_ms(co->expires_at_ms, expires, sizeof expires);
  enum collab_state st = collab_effective_state(co->state, co->expires_at_ms, now_ms);
  json_t *answers = json_array();
  static const struct {
    enum collab_event ev;
    const char *path;
  } paths[] = {{COLLAB_EV_APPROVE, "approve"},
               {COLLAB_EV_ACCEPT, "accept"},
               {COLLAB_EV_DECLINE, "decline"},
               {COLLAB_EV_REQUEST_RENEWAL, "renewal-requests"}};
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
    if (collab_transition(st, paths[i].ev, COLLAB_ACTOR_LINK, co->initiated_by).refusal ==
        COLLAB_ALLOWED)
      json_array_append_new(answers, json_string(paths[i].path));
  /* the office's corporate ID is left out: in way 4 the office must confirm it */
  json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:{s:s}, s:{s:s, s:s}, s:s, s:s, s:o}",
                   "collaboration_id", co->id, "state", collab_state_str(st), "initiated_by",
                   collab_initiator_str(co->initiated_by), "way", collab_way_str(co->way),
                   "variant", co->variant, "invoice_recipient", co->invoice_recipient,
                   "agreement_period_months", co->agreement_period_months, "office", "name",
                   co->office_name, "company", "name", co->company_name, "corporate_id",
                   co->corporate_id, "language", co->language, "expires_at", expires,
                   "answers", answers);
  if (o && co->way == COLLAB_WAY_CUSTOMER_INVITE) /* the terms the office accepts */
    json_object_set_new(o, "terms_version", json_string(COLLAB_TERMS_VERSION));
  return o;
}

void collab_location(const char *id, char *out)
{
  /* what snprintf(out, 80, "/v1/collaborations/%s", id) writes, without its cost (each 201) */
  static const char prefix[] = "/v1/collaborations/";
  size_t n = strnlen(id, 80 - sizeof prefix);
  memcpy(out, prefix, sizeof prefix - 1);
  memcpy(out + sizeof prefix - 1, id, n);
  out[sizeof prefix - 1 + n] = '\0';
}

enum MHD_Result collab_reply(struct request *req, unsigned status,
                             const struct collab_outcome *out)
{
  char etag[32];
  etag_of(out->co.version, etag, sizeof etag);
  if (status == 201) {
    char loc[80];
    collab_location(out->co.id, loc);
    http_add_header(req, "Location", loc);
  }
  size_t len;
  char *text = collab_json_text(&out->co, out->has_mail ? &out->mail : NULL, util_now_ms(),
                                &req->principal, &len);
  if (!text) /* the write is committed: say which, though its answer is a 500 */
    log_msg(LOG_ERROR, "reply_not_made", "collaboration %s was written (version %lld) but its "
            "answer could not be made: out of memory", out->co.id, (long long)out->co.version);
  return reply_json_text(req, status, text, len, etag);
}

enum MHD_Result collab_reply_outcome(struct request *req, enum store_status st,
                                     struct collab_outcome *out, bool link_view)
{
  if (st != STORE_OK) {
    collab_outcome_clear(out);
    return api_store_failure(req, st, "collaboration");
  }
  if (refused(&out->refusal))
    return api_reply_refusal(req, &out->refusal);
  if (link_view)
    return reply_json(req, 200, collab_invitation_json(&out->co, util_now_ms()));
  return collab_reply(req, 200, out);
}
