/* notify.c - turns the notification matrix into outbox rows: who the audience is for this
 * collaboration (the office and its responsible user, every administrator of the company, the
 * other offices active with it), the facts every e-mail states, and a link per invitee. */
#include "service/notify.h"

#include "domain/dates.h"
#include "notify_facts.h"
#include "store_identity.h"
#include "store_outbox.h"
#include "store_variants.h"
#include "util.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_OFFICE_RECIPIENTS 2

/* The facts every e-mail about co states, into f (facts_free after); false when they do not
 * fit. */
static bool facts(struct store_conn *c, const struct collab *co, const struct notify_req *rq,
                  const char *actor_name, struct facts *f)
{
  f->n = f->n_owned = 0;
  fact_str(f, "collaboration_id", co->id);
  fact_str(f, "office_name", co->office_name);
  fact_str(f, "company_name", co->company_name);
  fact_str(f, "corporate_id", co->corporate_id);
  fact_str(f, "variant", co->variant);
  fact_str(f, "invoice_recipient", co->invoice_recipient);
  fact_set(f, (struct fact){.key = "agreement_period_months",
                            .i = co->agreement_period_months,
                            .is_int = true});
  struct variant v;
  bool known = rq->variant && strcmp(rq->variant->code, co->variant) == 0;
  if (known || store_variant_get_brief(c, co->variant, &v) == STORE_OK) {
    util_text_copy(f->variant_name, sizeof f->variant_name, known ? rq->variant->name : v.name);
    fact_str(f, "variant_name", f->variant_name);
  }
  if (co->starts_on[0])
    fact_str(f, "starts_on", co->starts_on);
  if (co->renews_on[0])
    fact_str(f, "renews_on", co->renews_on);
  /* way 1: the company's agreement goes on; nothing new is charged before it renews */
  if (co->agreement_continues) {
    struct company cp;
    util_text_copy(f->until, sizeof f->until, co->renews_on);
    if (!f->until[0] && store_company_get(c, co->company_id, &cp) == STORE_OK &&
        cp.has_subscription)
      util_text_copy(f->until, sizeof f->until, cp.sub.renews_on);
    if (f->until[0])
      fact_str(f, "no_charge_until", f->until);
  }
  if (co->state == COLLAB_INVITED || rq->ev == NOTIFY_EXPIRED) {
    date_iso_ms(co->expires_at_ms, f->expires_at, sizeof f->expires_at);
    fact_str(f, "expires_at", f->expires_at);
  }
  if (rq->reason && rq->reason[0])
    fact_str(f, "reason", rq->reason);
  if (actor_name && actor_name[0])
    fact_str(f, "actor_name", actor_name);
  return !rq->extra || facts_merge(f, rq->extra);
}

/* Adds the e-mail; one with a link (link) becomes rq->link_mail when it is the latest. */
static enum store_status enqueue(struct store_conn *c, const struct collab *co,
                                 const struct notify_req *rq, bool link, const char *recipient,
                                 const char *tmpl, struct facts *data)
{
  char *text = facts_text(data);
  if (!text)
    return STORE_ERROR;
  char id[COLLAB_ID_LEN], now[32];
  util_now_iso8601(now, sizeof now);
  struct outbox_message m = {.recipient = recipient,
                             .template_name = tmpl,
                             .language = co->language,
                             .data_json = text,
                             .collaboration_id = co->id};
  enum store_status st = store_outbox_enqueue_at(c, &m, now, id);
  free(text);
  struct collab_mail_state *ms = rq->link_mail;
  if (st == STORE_OK && link && ms && strcmp(now, ms->created_at) >= 0) {
    memset(ms, 0, sizeof *ms);
    util_text_copy(ms->outbox_id, sizeof ms->outbox_id, id);
    util_text_copy(ms->template_name, sizeof ms->template_name, tmpl);
    util_text_copy(ms->status, sizeof ms->status, "pending");
    util_text_copy(ms->created_at, sizeof ms->created_at, now);
  }
  return st;
}

/* A new link's nonce and the key its row is stored under (secret.h: both start with the time,
 * so the row goes to the right edge of the links' b-tree); hash >= SECRET_LINK_KEY_LEN. */
static bool make_link(const struct secret *secret, char *nonce, char *hash)
{
  char token[SECRET_LINK_TOKEN_LEN];
  if (!secret || !secret_link_nonce(nonce, util_now_ms()))
    return false;
  secret_link_token(secret, nonce, token);
  secret_link_key(token, hash);
  OPENSSL_cleanse(token, sizeof token); /* only its hash is kept; the mailer makes it again */
  return true;
}

bool notify_links_make(struct notify_links *l, const struct secret *secret, size_t n)
{
  l->n = l->used = 0;
  for (; l->n < n && l->n < NOTIFY_LINKS_READY; l->n++)
    if (!make_link(secret, l->nonce[l->n], l->hash[l->n]))
      return false;
  return true;
}

/* A new link of co held by (kind, id): its nonce into data.token_nonce and co->token_nonce. */
static enum store_status new_link(struct store_conn *c, struct collab *co,
                                  const struct notify_req *rq, const char *kind, const char *id,
                                  struct facts *data)
{
  char nonce[COLLAB_NONCE_LEN], hash[SECRET_LINK_KEY_LEN];
  struct notify_links *l = rq->ready;
  if (l && l->used < l->n) {
    memcpy(nonce, l->nonce[l->used], sizeof nonce);
    memcpy(hash, l->hash[l->used], sizeof hash);
    l->used++;
  } else if (!make_link(rq->secret, nonce, hash)) {
    return STORE_ERROR;
  }
  enum store_status st = store_collab_link_add(c, co->id, hash, kind, id);
  if (st != STORE_OK)
    return st;
  memcpy(co->token_nonce, nonce, sizeof co->token_nonce);
  memcpy(data->nonce, nonce, sizeof data->nonce);
  return fact_str(data, "token_nonce", data->nonce) ? STORE_OK : STORE_ERROR;
}

/* The office's address and the office user responsible for co (who invited it, or who
 * accepted the customer's invitation), without repeating an address. */
static enum store_status office_recipients(struct store_conn *c, const struct collab *co,
                                           char (*to)[STORE_EMAIL_LEN], size_t *n)
{
  struct office of;
  enum store_status st = store_office_get(c, co->office_id, &of);
  if (st != STORE_OK)
    return st == STORE_NOT_FOUND ? STORE_ERROR : st;
  *n = 0;
  util_text_copy(to[(*n)++], STORE_EMAIL_LEN, of.email);
  const char *user = strcmp(co->inviter_kind, "office_user") == 0       ? co->inviter_id
                     : strcmp(co->approved_by_kind, "office_user") == 0 ? co->approved_by_id
                                                                         : NULL;
  struct office_user u;
  if (user && (st = store_office_user_get(c, co->office_id, user, &u)) == STORE_OK &&
      strcasecmp(u.email, of.email) != 0)
    util_text_copy(to[(*n)++], STORE_EMAIL_LEN, u.email);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}

static enum store_status tell_office(struct store_conn *c, struct collab *co,
                                     const struct notify_req *rq, const struct notify_step *step,
                                     const struct facts *data)
{
  char to[MAX_OFFICE_RECIPIENTS][STORE_EMAIL_LEN];
  size_t n = 0;
  enum store_status st = office_recipients(c, co, to, &n);
  if (step->carries_link) /* the office's one link goes to its address */
    n = 1;
  struct facts *d = malloc(sizeof *d);
  if (!d)
    return STORE_ERROR;
  for (size_t i = 0; st == STORE_OK && i < n; i++) {
    memcpy(d, data, sizeof *d); /* borrows data's strings */
    if (step->carries_link)
      st = new_link(c, co, rq, "office", co->office_id, d);
    if (st == STORE_OK)
      st = enqueue(c, co, rq, step->carries_link, to[i], step->template_name, d);
  }
  free(d);
  return st;
}

static enum store_status tell_admin(struct store_conn *c, struct collab *co,
                                    const struct notify_req *rq, const struct notify_step *step,
                                    const struct facts *data, const struct customer_admin *ad)
{
  struct facts *d = malloc(sizeof *d);
  if (!d)
    return STORE_ERROR;
  memcpy(d, data, sizeof *d); /* borrows data's strings */
  enum store_status st = fact_str(d, "recipient_name", ad->name) ? STORE_OK : STORE_ERROR;
  bool named = co->way == COLLAB_WAY_NEW_CUSTOMER && strcmp(ad->id, co->administrator_id) == 0;
  const char *tmpl = named && step->named_admin_template ? step->named_admin_template
                                                         : step->template_name;
  if (st == STORE_OK && step->carries_link)
    st = new_link(c, co, rq, "customer_admin", ad->id, d);
  if (st == STORE_OK)
    st = enqueue(c, co, rq, step->carries_link, ad->email, tmpl, d);
  free(d);
  return st;
}

/* Every confirmed administrator of the company (rq->admins, or read here), and the one co
 * names if nobody confirmed it yet (way 3: the office named it and the invitation is its). */
static enum store_status tell_admins(struct store_conn *c, struct collab *co,
                                     const struct notify_req *rq, const struct notify_step *step,
                                     const struct facts *data)
{
  /* not calloc: each row is written whole where it is filled (calloc zeroed 41 KiB in every
   * notification to administrators) */
  struct customer_admin *read = NULL;
  const struct customer_admin *ads = rq->admins;
  size_t n = rq->n_admins;
  enum store_status st = STORE_OK;
  if (!ads) {
    if (!(read = malloc(STORE_MAX_ADMINS * sizeof *read)))
      return STORE_ERROR;
    st = store_customer_admins_of_company(c, co->company_id, read, STORE_MAX_ADMINS, &n);
    ads = read;
  }
  bool named_listed = !co->administrator_id[0];
  for (size_t i = 0; st == STORE_OK && i < n; i++)
    named_listed = named_listed || strcmp(ads[i].id, co->administrator_id) == 0;
  for (size_t i = 0; st == STORE_OK && i < n; i++)
    st = tell_admin(c, co, rq, step, data, &ads[i]);
  free(read);
  if (st != STORE_OK || named_listed)
    return st;
  if (rq->named && strcmp(rq->named->id, co->administrator_id) == 0)
    return tell_admin(c, co, rq, step, data, rq->named); /* way 3: the one just named */
  struct customer_admin *named = malloc(sizeof *named);
  if (!named)
    return STORE_ERROR;
  st = store_customer_admin_get(c, co->administrator_id, named);
  if (st == STORE_OK)
    st = tell_admin(c, co, rq, step, data, named);
  else if (st == STORE_NOT_FOUND) /* gone: nobody to tell */
    st = STORE_OK;
  free(named);
  return st;
}

/* The offices active with co's company (all, or all but co's own), each about its own
 * collaboration, in its language. */
static enum store_status tell_offices(struct store_conn *c, struct collab *co,
                                      const struct notify_req *rq,
                                      const struct notify_step *step, bool others_only)
{
  char (*ids)[COLLAB_ID_LEN] = malloc(COLLAB_MAX_OPEN_PER_COMPANY * sizeof *ids);
  struct collab *other = malloc(sizeof *other);
  struct facts *d = malloc(sizeof *d);
  size_t n = 0;
  enum store_status st = ids && other && d
                             ? store_collab_open_of_company(c, co->company_id, ids, &n)
                             : STORE_ERROR;
  for (size_t i = 0; st == STORE_OK && i < n; i++) {
    if (others_only && strcmp(ids[i], co->id) == 0)
      continue;
    if (strcmp(ids[i], co->id) == 0)
      memcpy(other, co, sizeof *other);
    else if ((st = store_collab_get(c, ids[i], other)) != STORE_OK)
      break;
    if (other->state != COLLAB_ACTIVE)
      continue;
    st = facts(c, other, rq, NULL, d) ? tell_office(c, other, rq, step, d) : STORE_ERROR;
    facts_free(d);
  }
  free(ids);
  free(other);
  free(d);
  return st;
}

/* The actor as an e-mail names it, in co's language. */
static void actor_for_mail(struct store_conn *c, const struct collab *co,
                           const struct notify_req *rq, char *out, size_t len)
{
  struct notify_actor read;
  const struct notify_actor *a = rq->shown ? rq->shown : &read;
  const char *name = a->name, *role = a->role;
  out[0] = '\0';
  if (!rq->actor_kind || strcmp(rq->actor_kind, "system") == 0 ||
      (!rq->shown &&
       notify_actor_display(c, co, rq->actor_kind, rq->actor_id, read.name, read.role) !=
           STORE_OK))
    return;
  bool en = strcmp(co->language, "en") == 0;
  if (!name[0]) { /* gone since (an invited administrator nobody confirmed): said in words */
    bool office = strcmp(rq->actor_kind, "office_user") == 0 ||
                  (strcmp(rq->actor_kind, "invitation_link") == 0 &&
                   co->way == COLLAB_WAY_CUSTOMER_INVITE);
    util_text_copy(out, len,
                   office ? (en ? "a user at the office" : "en användare på byrån")
                          : (en ? "the invited administrator" : "den inbjudna administratören"));
    return;
  }
  /* an office user's office is named by the texts themselves */
  if (strcmp(role, "administrator") == 0)
    snprintf(out, len, "%s (%s)", name, en ? "administrator" : "administratör");
  else
    util_text_copy(out, len, name);
}

enum store_status notify_collab(struct store_conn *c, struct collab *co,
                                const struct notify_req *rq)
{
  struct notify_step steps[NOTIFY_MAX_STEPS];
  size_t n = notify_plan(rq->ev, co->initiated_by, rq->side, steps);
  if (n == 0)
    return STORE_OK;
  char actor[STORE_NAME_LEN + 32];
  actor_for_mail(c, co, rq, actor, sizeof actor);
  struct facts *data = malloc(sizeof *data);
  if (!data)
    return STORE_ERROR;
  enum store_status st = facts(c, co, rq, actor, data) ? STORE_OK : STORE_ERROR;
  for (size_t i = 0; st == STORE_OK && i < n; i++) {
    switch (steps[i].audience) {
    case NOTIFY_TO_OFFICE:
      st = tell_office(c, co, rq, &steps[i], data);
      break;
    case NOTIFY_TO_ADMINS:
      st = tell_admins(c, co, rq, &steps[i], data);
      break;
    case NOTIFY_TO_OTHER_OFFICES:
    case NOTIFY_TO_ALL_OFFICES:
      st = tell_offices(c, co, rq, &steps[i], steps[i].audience == NOTIFY_TO_OTHER_OFFICES);
      break;
    }
  }
  facts_free(data);
  free(data);
  return st;
}

enum store_status notify_actor_display(struct store_conn *c, const struct collab *co,
                                       const char *kind, const char *id, char *name, char *role)
{
  name[0] = role[0] = '\0';
  if (!kind || !id || !id[0])
    return STORE_OK;
  if (strcmp(kind, "invitation_link") == 0) /* the one the link was sent to */
    kind = co->way == COLLAB_WAY_CUSTOMER_INVITE ? "office" : "customer_admin";
  enum store_status st = store_principal_display(c, kind, id, name, role);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}
