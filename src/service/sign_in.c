/* sign_in.c - the sign-in use cases (see service/sign_in.h). */
#include "service/sign_in.h"

#include "store_outbox.h"
#include "util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONCE_BYTES 24
#define COOKIE_RANDOM_BYTES 32

/* A new link for (kind, id) lasting ttl_ms, and its e-mail: template with data (members
 * added here: sign_in_nonce; data is consumed) to recipient in language. */
static enum store_status send_link(struct store_conn *c, const struct secret *secret,
                                   int64_t now_ms, int64_t ttl_ms, enum principal_kind kind,
                                   const char *id, const char *recipient, const char *language,
                                   const char *template_name, json_t *data)
{
  char nonce[48], token[SECRET_TOKEN_LEN], hash[65];
  if (!data || !util_random_token(nonce, sizeof nonce, NONCE_BYTES)) {
    json_decref(data);
    return STORE_ERROR;
  }
  secret_token(secret, "sign-in", nonce, token);
  util_sha256_hex(token, hash);
  memset(token, 0, sizeof token);
  enum store_status st = store_sign_in_link_add(c, kind, id, hash, now_ms + ttl_ms);
  json_object_set_new(data, "sign_in_nonce", json_string(nonce));
  char *text = st == STORE_OK ? json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(data);
  if (st != STORE_OK || !text)
    return st != STORE_OK ? st : STORE_ERROR;
  struct outbox_message m = {.recipient = recipient,
                             .template_name = template_name,
                             .language = language,
                             .data_json = text};
  st = store_outbox_enqueue(c, &m, NULL);
  free(text);
  return st;
}

/* One link and its e-mail for account a. */
static enum store_status send_one(struct store_conn *c, const struct sign_in_ask *ask,
                                  const struct sign_in_account *a)
{
  json_t *data = json_pack("{s:s, s:i}", "account_kind", store_principal_kind_str(a->kind),
                           "valid_minutes", SIGN_IN_LINK_TTL_MS / 60000);
  if (data && a->account_name[0])
    json_object_set_new(data, "account_name", json_string(a->account_name));
  return send_link(c, ask->secret, ask->now_ms, SIGN_IN_LINK_TTL_MS, a->kind, a->id, a->email,
                   ask->language, "sign_in_link", data);
}

enum store_status sign_in_invite(struct store_conn *c, const struct sign_in_invitation *inv)
{
  json_t *data = json_pack("{s:s, s:i, s:b}", "office_name", inv->office_name, "valid_days",
                           (int)(SIGN_IN_INVITE_TTL_MS / 86400000), "full", inv->full);
  if (data && inv->actor_name && inv->actor_name[0])
    json_object_set_new(data, "actor_name", json_string(inv->actor_name));
  return send_link(c, inv->secret, inv->now_ms, SIGN_IN_INVITE_TTL_MS, PRINCIPAL_OFFICE_USER,
                   inv->user_id, inv->email, inv->language, "user_invited", data);
}

enum store_status sign_in_send_links(struct store_conn *c, const struct sign_in_ask *a,
                                     size_t *sent)
{
  struct sign_in_account acc[STORE_MAX_SIGN_IN_ACCOUNTS];
  size_t n = 0;
  *sent = 0;
  enum store_status st = store_sign_in_accounts(c, a->email, acc, STORE_MAX_SIGN_IN_ACCOUNTS, &n);
  for (size_t i = 0; st == STORE_OK && i < n; i++)
    if ((st = send_one(c, a, &acc[i])) == STORE_OK)
      (*sent)++;
  return st;
}

enum store_status sign_in_start_session(struct store_conn *c, struct session_start *s)
{
  char hash[65], principal_id[STORE_ID_LEN];
  enum sign_in_link_state state;
  enum principal_kind kind;
  memset(&s->session, 0, sizeof s->session);
  memset(s->cookie, 0, sizeof s->cookie);
  util_sha256_hex(s->token, hash);
  enum store_status st = store_sign_in_link_use(c, hash, s->now_ms, &state, &kind, principal_id);
  if (st == STORE_NOT_FOUND) {
    s->outcome = SIGN_IN_UNKNOWN;
    return STORE_OK;
  }
  if (st != STORE_OK)
    return st;
  if (state != SIGN_IN_LINK_OK) {
    s->outcome = state == SIGN_IN_LINK_USED ? SIGN_IN_USED : SIGN_IN_EXPIRED;
    return STORE_OK;
  }
  enum principal_kind now_kind;
  st = store_principal_kind_of(c, principal_id, &now_kind);
  if (st == STORE_NOT_FOUND || (st == STORE_OK && now_kind != kind)) {
    s->outcome = SIGN_IN_GONE;
    return STORE_OK;
  }
  if (st != STORE_OK)
    return st;
  char random[48], cookie_hash[65];
  if (!util_random_token(random, sizeof random, COOKIE_RANDOM_BYTES))
    return STORE_ERROR;
  snprintf(s->cookie, sizeof s->cookie, "advs_%s", random);
  util_sha256_hex(s->cookie, cookie_hash);
  struct session *se = &s->session;
  util_uuid(se->id);
  se->kind = kind;
  memcpy(se->principal_id, principal_id, sizeof se->principal_id);
  util_now_iso8601(se->created_at, sizeof se->created_at);
  se->last_seen_ms = s->now_ms;
  se->expires_ms = s->now_ms + s->max_ms;
  snprintf(se->user_agent, sizeof se->user_agent, "%s", s->user_agent ? s->user_agent : "");
  util_utf8_sanitize(se->user_agent);
  st = store_session_create(c, se, cookie_hash);
  if (st == STORE_OK)
    s->outcome = SIGN_IN_STARTED;
  return st;
}
