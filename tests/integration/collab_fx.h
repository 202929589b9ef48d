/* collab_fx.h - helpers for the collaboration integration tests (header-only: each test binary
 * includes it once): customers and tasks over HTTP, the outbox and the collaboration rows read
 * straight from the SQLite file, an invitation link rebuilt from an outbox row's token_nonce
 * with the server's secret, and checks of a collaboration's history. */
#ifndef ADVISORD_TEST_COLLAB_FX_H
#define ADVISORD_TEST_COLLAB_FX_H

#include "domain/dates.h"
#include "fixtures.h"
#include "secret.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

/* POSTs path with a printf-made JSON body; the caller frees r. */
static inline bool cx_post(struct server *s, const char *path, const char *token,
                           struct resp *r, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static inline bool cx_post(struct server *s, const char *path, const char *token,
                           struct resp *r, const char *fmt, ...)
{
  char body[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(body, sizeof body, fmt, ap);
  va_end(ap);
  return api(s, "POST", path, token, body, r);
}

/* A customer of the office's register for corporate_id; its id into id. */
static inline void cx_customer(struct server *s, const char *token, const char *corporate_id,
                               const char *name, const char *email, char *id)
{
  struct resp r;
  CHECK(cx_post(s, "/v1/customers", token, &r,
                "{\"corporate_id\":\"%s\",\"name\":\"%s\",\"email\":\"%s\"}", corporate_id,
                name, email));
  CHECK_INT(r.status, 201);
  snprintf(id, FX_ID_LEN, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
}

/* An open task of the customer; its id into id. */
static inline void cx_task(struct server *s, const char *token, const char *customer_id,
                           const char *name, char *id)
{
  char path[128];
  snprintf(path, sizeof path, "/v1/customers/%s/tasks", customer_id);
  struct resp r;
  CHECK(cx_post(s, path, token, &r, "{\"name\":\"%s\"}", name));
  CHECK_INT(r.status, 201);
  snprintf(id, FX_ID_LEN, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
}

/* The office (token) activates a collaboration for the customer through the task with the
 * variant, payer and period given; checks the 201 and puts the new id into id (NULL: not
 * wanted). */
static inline void cx_activate(struct server *s, const char *token, const char *customer_id,
                               const char *task_id, const char *variant, const char *recipient,
                               int months, char *id)
{
  char path[160];
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer_id);
  struct resp r;
  CHECK(cx_post(s, path, token, &r,
                "{\"task_id\":\"%s\",\"variant\":\"%s\",\"invoice_recipient\":\"%s\","
                "\"agreement_period_months\":%d}",
                task_id, variant, recipient, months));
  CHECK_INT(r.status, 201);
  if (id)
    snprintf(id, FX_ID_LEN, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
}

/* The office (token) activates way 3 for the customer through the task (Start, paid by the
 * company, 3 months), naming the administrator (name, email); the answer into r (caller frees). */
static inline void cx_activate_way3(struct server *s, const char *token, const char *customer_id,
                                    const char *task_id, const char *admin_name,
                                    const char *admin_email, struct resp *r)
{
  char path[160];
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer_id);
  CHECK(cx_post(s, path, token, r,
                "{\"task_id\":\"%s\",\"variant\":\"start\",\"invoice_recipient\":\"customer\","
                "\"agreement_period_months\":3,\"administrator\":{\"name\":\"%s\","
                "\"email\":\"%s\",\"phone\":\"+46 70 555 12 34\"}}",
                task_id, admin_name, admin_email));
}

/* Today (Stockholm, as the server's dates) plus months as YYYY-MM-DD into out (>= DATE_LEN), by the server's date rule (the
 * day clamped to the month's end). */
static inline void cx_today_plus_months(int months, char *out)
{
  char today[DATE_LEN];
  date_local_of_ms(util_now_ms(), today, sizeof today);
  CHECK(date_add_months(today, months, out, DATE_LEN));
}

/* POST /v1/collaborations/{id}/{action} with a body (may be NULL). */
static inline bool cx_action(struct server *s, const char *id, const char *action,
                             const char *token, const char *body, struct resp *r)
{
  char path[160];
  snprintf(path, sizeof path, "/v1/collaborations/%s/%s", id, action);
  return api(s, "POST", path, token, body, r);
}

/* The state of the collaboration as GET shows it to token's holder ("" on failure). */
static inline void cx_state(struct server *s, const char *id, const char *token, char *out,
                            size_t len)
{
  char path[128];
  snprintf(path, sizeof path, "/v1/collaborations/%s", id);
  struct resp r;
  out[0] = '\0';
  if (api(s, "GET", path, token, NULL, &r) && r.status == 200 && resp_str(&r, "state"))
    snprintf(out, len, "%s", resp_str(&r, "state"));
  resp_free(&r);
}

/* ---- the database, read directly ---- */

/* One outbox row. */
struct cx_mail {
  char template_name[40];
  char recipient[256];
  char language[4];
  char status[16];
  char message_id[80];
  json_t *data; /* owned; free with cx_mails_free */
};

struct cx_mails_acc {
  struct cx_mail *out;
  int n, max;
};

static inline void cx_mail_row(const char *const *col, void *arg)
{
  struct cx_mails_acc *acc = arg;
  if (acc->n == acc->max)
    return;
  struct cx_mail *m = &acc->out[acc->n++];
  snprintf(m->template_name, sizeof m->template_name, "%s", col[0]);
  snprintf(m->recipient, sizeof m->recipient, "%s", col[1]);
  snprintf(m->language, sizeof m->language, "%s", col[2]);
  snprintf(m->status, sizeof m->status, "%s", col[3]);
  m->data = json_loads(col[4], 0, NULL);
  snprintf(m->message_id, sizeof m->message_id, "%s", col[5]);
}

/* The outbox rows of a collaboration, oldest first, into out[0..return). */
static inline int cx_mails(struct server *s, const char *collab_id, struct cx_mail *out, int max)
{
  struct cx_mails_acc acc = {out, 0, max};
  const char *params[] = {collab_id, NULL};
  int rows = testdb_rows(s->db, "SELECT template, recipient, language, status, data, "
                                "'<' || id || '@advisord>' "
                                "FROM outbox WHERE collaboration_id = ? ORDER BY created_at, rowid",
                         params, 6, cx_mail_row, &acc);
  return rows < 0 ? -1 : acc.n;
}

static inline void cx_mails_free(struct cx_mail *m, int n)
{
  for (int i = 0; i < n; i++)
    json_decref(m[i].data);
}

/* Checks that the collaboration's e-mails are exactly the "template>recipient" pairs given,
 * oldest first (NULL-terminated); on a difference prints what there is. */
static inline void cx_check_mails(struct server *s, const char *collab_id,
                                  const char *const *want)
{
  struct cx_mail m[32];
  int n = cx_mails(s, collab_id, m, 32), k = 0;
  bool same = true;
  for (; want[k]; k++) {
    char got[sizeof m[0].template_name + sizeof m[0].recipient + 2] = "(none)";
    if (k < n)
      snprintf(got, sizeof got, "%.39s>%.255s", m[k].template_name, m[k].recipient);
    if (strcmp(got, want[k]) != 0) {
      CHECK_MSG(false, "mail %d of %s: '%s', want '%s'", k, collab_id, got, want[k]);
      same = false;
    }
  }
  CHECK_MSG(n == k, "%s has %d e-mails, want %d", collab_id, n, k);
  if (!same || n != k)
    for (int i = 0; i < n; i++)
      fprintf(stderr, "  has: %s>%s\n", m[i].template_name, m[i].recipient);
  cx_mails_free(m, n);
}

/* Checks that the mail's data states every fact named (NULL-terminated; a string or a number)
 * and never the office's own register name for its customer. */
static inline void cx_check_facts(const struct cx_mail *m, const char *const *keys)
{
  for (size_t i = 0; keys[i]; i++) {
    json_t *v = json_object_get(m->data, keys[i]);
    CHECK_MSG(json_is_string(v) || json_is_integer(v), "%s to %s: data.%s missing",
              m->template_name, m->recipient, keys[i]);
  }
  CHECK_MSG(!json_object_get(m->data, "customer_name"), "%s: names the office's register entry",
            m->template_name);
}

/* Checks that the mail's data has exactly the members named (NULL-terminated), all strings. */
static inline void cx_check_data_keys(const struct cx_mail *m, const char *const *keys)
{
  size_t n = 0;
  for (; keys[n]; n++)
    CHECK_MSG(json_is_string(json_object_get(m->data, keys[n])), "%s: data.%s missing",
              m->template_name, keys[n]);
  CHECK_MSG(json_object_size(m->data) == n, "%s: data has %zu members, want %zu",
            m->template_name, json_object_size(m->data), n);
}

/* A number from a single-value SQL query with one text parameter (-1 on failure). */
static inline long cx_count(struct server *s, const char *sql, const char *param)
{
  return (long)testdb_int(s->db, sql, param);
}

/* Runs one SQL statement with one text parameter on the server's database, as an operator
 * would (e.g. support changing a company's administrators); false on failure. */
static inline bool cx_exec(struct server *s, const char *sql, const char *param)
{
  return testdb_exec(s->db, sql, param);
}

/* The invitation link's token for the nonce in a mail's data, from the server's secret, into
 * token (>= SECRET_LINK_TOKEN_LEN). */
static inline void cx_token(struct server *s, const struct cx_mail *m, char *token)
{
  char path[300], why[200];
  snprintf(path, sizeof path, "%s/secret.key", s->dir);
  struct secret sec;
  token[0] = '\0';
  const char *nonce = json_string_value(json_object_get(m->data, "token_nonce"));
  CHECK(nonce != NULL);
  if (!nonce || !secret_load(path, &sec, why, sizeof why))
    return;
  secret_link_token(&sec, nonce, token);
}

/* A link of collaboration id as links were made before migration 0070's release (a 43-character
 * nonce, its token secret_token(.., "invitation", nonce), stored under the token's SHA-256),
 * held by whoever holds the collaboration's newest link: its token into token
 * (>= SECRET_TOKEN_LEN). */
static inline void cx_old_link(struct server *s, const char *id, char *token)
{
  char path[300], why[200], key[65], sql[600];
  snprintf(path, sizeof path, "%s/secret.key", s->dir);
  struct secret sec;
  token[0] = '\0';
  if (!secret_load(path, &sec, why, sizeof why))
    return;
  secret_token(&sec, "invitation", "0ld-n0nce-made-by-util_random_token-43-char", token);
  util_sha256_hex(token, key);
  snprintf(sql, sizeof sql,
           "INSERT INTO invitation_links (token_hash, collaboration_id, holder_kind, holder_id, "
           "created_at) SELECT '%s', collaboration_id, holder_kind, holder_id, created_at FROM "
           "invitation_links WHERE collaboration_id = ? ORDER BY created_at DESC LIMIT 1", key);
  CHECK(cx_exec(s, sql, id));
}

/* ---- history ---- */

/* The actor of the collaboration's event number idx (0: the first): its kind and id ("" for
 * null) into kind and actor_id (>= FX_ID_LEN). */
static inline void cx_event_actor(struct server *s, const char *id, const char *token,
                                  size_t idx, char *kind, char *actor_id)
{
  char path[160];
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", id);
  struct resp r;
  kind[0] = actor_id[0] = '\0';
  CHECK(api(s, "GET", path, token, NULL, &r));
  json_t *actor = json_object_get(json_array_get(json_object_get(r.json, "items"), idx), "actor");
  const char *k = json_string_value(json_object_get(actor, "kind"));
  const char *a = json_string_value(json_object_get(actor, "id"));
  snprintf(kind, FX_ID_LEN, "%s", k ? k : "");
  snprintf(actor_id, FX_ID_LEN, "%s", a ? a : "");
  resp_free(&r);
}

/* Checks that the collaboration's events are exactly the "event:from>to" steps given
 * (NULL-terminated; from is empty for the first), e.g. "invite:>invited". */
static inline void cx_check_events(struct server *s, const char *id, const char *token,
                                   const char *const *steps)
{
  char path[160];
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", id);
  struct resp r;
  CHECK(api(s, "GET", path, token, NULL, &r));
  CHECK_INT(r.status, 200);
  json_t *items = r.json ? json_object_get(r.json, "items") : NULL;
  size_t n = 0;
  for (; steps[n]; n++) {
    json_t *e = json_array_get(items, n);
    const char *from = json_string_value(json_object_get(e, "from"));
    char got[96];
    snprintf(got, sizeof got, "%s:%s>%s", json_string_value(json_object_get(e, "event")),
             from ? from : "", json_string_value(json_object_get(e, "to")));
    CHECK_MSG(e && strcmp(got, steps[n]) == 0, "event %zu of %s: '%s', want '%s'", n, id,
              e ? got : "(none)", steps[n]);
  }
  CHECK_MSG(json_array_size(items) == n, "%s has %zu events, want %zu", id,
            json_array_size(items), n);
  resp_free(&r);
}

#endif
