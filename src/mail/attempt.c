/* attempt.c - one try of claimed outbox rows (see attempt.h). */
#include "attempt.h"
#include "app.h"
#include "log.h"
#include "metrics.h"
#include "row_message.h"
#include "util.h"

#include <curl/curl.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t random_u32(void)
{
  uint32_t r = 0;
  if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
    r = (uint32_t)util_mono_ms() * 2654435761u;
  return r;
}

/* t's outcome from t->cls and t->d (filled) for row. */
static void decide(const struct mail_try_env *e, const struct outbox_row *row, struct attempt *t)
{
  t->f = (struct finish_arg){
      .id = row->id, .rowid = row->rowid, .lease = row->lease, .error = t->d.detail};
  /* stopping, or never put on the wire (the call's time was up: mail_delivery.unsent): no
   * try was made; the row is given back untouched (its attempts too), due at once (for the
   * next start, or the next claim) */
  if (t->d.aborted || t->d.unsent) {
    t->attempts = row->attempts;
    t->f.release = true;
    t->f.next_at = util_now_ms();
    return;
  }
  t->attempts = row->attempts + 1;
  /* the jitter's random number only for a try that may be retried (RAND_bytes, libcrypto's
   * samples in the mailer's profile, was drawn for every e-mail) */
  uint32_t r = t->cls == MAIL_DELIVERED || t->cls == MAIL_UNSENDABLE ? 0 : random_u32();
  t->f.decision = mail_retry_decide(e->policy, t->cls, t->attempts, r, &t->delay);
  t->f.next_at = util_now_ms() + t->delay;
}

/* row's message (the caller frees it), or NULL with t filled as unsendable. */
static char *build(const struct mail_try_env *e, const struct outbox_row *row, struct attempt *t)
{
  char why[256] = "";
  memset(t, 0, sizeof *t);
  char *msg = mail_row_message(e->app, row, why, sizeof why);
  if (!msg) {
    t->cls = MAIL_UNSENDABLE;
    snprintf(t->d.detail, sizeof t->d.detail, "cannot build the message: %s", why);
  }
  return msg;
}

void attempt_deliver(const struct mail_try_env *e, struct mail_smtp_conn *conn,
                     const struct outbox_row *row, struct attempt *t)
{
  char *msg = build(e, row, t);
  if (msg && e->smtp->url) {
    mail_smtp_send(conn, e->smtp, e->from, row->recipient, msg, e->stop, &t->d);
    t->cls = mail_retry_classify(t->d.curl_code, t->d.smtp_code);
  } else if (msg) {
    bool ok = mail_spool_write(e->app->cfg->mail_spool, row->id, msg, t->d.detail,
                               sizeof t->d.detail);
    t->cls = ok ? MAIL_DELIVERED : MAIL_TEMPORARY;
  }
  free(msg);
  decide(e, row, t);
}

void attempt_deliver_many(const struct mail_try_env *e, struct mail_smtp_conn *conn,
                          const struct outbox_row *rows, size_t n, struct attempt *t)
{
  struct mail_smtp_item items[n];
  char *msgs[n];
  size_t k = 0, of[n]; /* items[j] is rows[of[j]]'s */
  for (size_t i = 0; i < n; i++) {
    msgs[i] = build(e, &rows[i], &t[i]);
    if (msgs[i]) {
      items[k] = (struct mail_smtp_item){.to = rows[i].recipient, .msg = msgs[i]};
      of[k++] = i;
    }
  }
  if (k > 0)
    mail_smtp_send_many(conn, e->smtp, e->from, items, k, e->stop);
  for (size_t j = 0; j < k; j++) {
    struct attempt *a = &t[of[j]];
    a->d = items[j].out;
    a->cls = mail_retry_classify(a->d.curl_code, a->d.smtp_code);
  }
  for (size_t i = 0; i < n; i++) {
    free(msgs[i]);
    decide(e, &rows[i], &t[i]);
  }
}

void attempt_report(const struct outbox_row *row, const struct attempt *t)
{
  if (t->f.release) { /* no try: not counted */
    log_json(LOG_INFO, t->d.unsent ? "mail_not_sent" : "mail_abandoned",
             json_pack("{s:s}", "outbox_id", row->id));
    return;
  }
  metrics_mail(t->f.decision == MAIL_MARK_SENT     ? "sent"
               : t->f.decision == MAIL_MARK_FAILED ? "failed"
                                                   : "retry");
  if (t->f.decision == MAIL_MARK_SENT && !log_enabled(LOG_INFO))
    return; /* the fields are not built for a line that would not be written */
  if (t->f.decision == MAIL_MARK_SENT)
    log_json(LOG_INFO, "mail_sent",
             json_pack("{s:s, s:s, s:s, s:i}", "outbox_id", row->id, "template",
                       row->template_name, "message_id", row->message_id, "attempts",
                       t->attempts));
  else
    log_json(t->f.decision == MAIL_MARK_FAILED ? LOG_WARN : LOG_INFO,
             t->f.decision == MAIL_MARK_FAILED ? "mail_failed" : "mail_retry",
             json_pack("{s:s, s:s, s:s, s:i, s:I, s:s}", "outbox_id", row->id, "class",
                       mail_class_str(t->cls), "reason", t->d.detail, "attempts", t->attempts,
                       "retry_in_ms", (json_int_t)t->delay, "template", row->template_name));
}
