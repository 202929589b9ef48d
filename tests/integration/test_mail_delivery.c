/* Integration test: e-mails enqueued in the running server's database are delivered over SMTP
 * to a real SMTP server on loopback (tests/mail/smtp_sink.py): every template of the
 * notification matrix (mail_delivery_cases.h: those with or answering a link in Swedish and
 * English, the others in one) arrives with the right recipient, subject, greeting, language,
 * MIME headers, Message-ID, a working invitation link token where it has one, and a body that
 * states its facts (office, company, variant's display name, who pays, period, the link's
 * expiry) with its conditional lines right; a message that cannot be built is failed with its
 * reason;
 * and with no SMTP URL the same message lands in the spool folder as <id>.eml. */
#include "harness.h"
#include "mail_delivery_cases.h"
#include "secret.h"
#include "smtp_sink.h"
#include "store_outbox.h"
#include "testlib.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

TEST_MAIN_DEFS

#define N_CASES (sizeof cases / sizeof cases[0])

static enum store_status enqueue_all(struct store_conn *c, void *arg)
{
  (void)arg;
  for (size_t i = 0; i < N_CASES; i++) {
    struct outbox_message m = {cases[i].to, cases[i].tpl, cases[i].lang, cases[i].data, NULL};
    enum store_status st = store_outbox_enqueue(c, &m, cases[i].id);
    if (st != STORE_OK)
      return st;
  }
  return STORE_OK;
}

struct one {
  struct outbox_message m;
  char id[37];
};

static enum store_status enqueue_one(struct store_conn *c, void *arg)
{
  struct one *o = arg;
  return store_outbox_enqueue(c, &o->m, o->id);
}

static struct store *open_db(const struct server *s)
{
  char why[256];
  struct store *st = store_open(s->db, false, why, sizeof why);
  CHECK_MSG(st != NULL, "%s", why);
  return st;
}

/* Waits until the row leaves pending; returns its final status into r. */
static void wait_settled(struct store *st, const char *id, struct outbox_row *r)
{
  for (int i = 0; i < 600; i++) {
    if (store_outbox_get(store_conn(st), id, r) == STORE_OK && strcmp(r->status, "pending") != 0)
      return;
    usleep(50000);
  }
}

static void check_message(json_t *got, const struct mail_case *c, const struct secret *key)
{
  char mid[64];
  snprintf(mid, sizeof mid, "<%s@advisord>", c->id);
  CHECK_MSG(got != NULL, "no message %s (%s/%s)", mid, c->tpl, c->lang);
  if (!got)
    return;
  json_t *rcpt = json_object_get(got, "rcpt_tos");
  CHECK_INT(json_array_size(rcpt), 1);
  CHECK_STR(json_string_value(json_array_get(rcpt, 0)), c->to);
  CHECK_STR(json_string_value(json_object_get(got, "to")), c->to);
  CHECK_STR(json_string_value(json_object_get(got, "mail_from")), "no-reply@advisord.test");
  CHECK_STR(json_string_value(json_object_get(got, "from")),
            "Rådgivning advisord <no-reply@advisord.test>");
  CHECK_STR(json_string_value(json_object_get(got, "subject")), c->subject);
  CHECK_STR(json_string_value(json_object_get(got, "language")), c->lang);
  CHECK_STR(json_string_value(json_object_get(got, "mime_version")), "1.0");
  CHECK_STR(json_string_value(json_object_get(got, "content_type")), "text/plain");
  CHECK_STR(json_string_value(json_object_get(got, "charset")), "utf-8");
  CHECK_STR(json_string_value(json_object_get(got, "transfer_encoding")), "quoted-printable");
  CHECK(strlen(json_string_value(json_object_get(got, "date"))) > 20);
  CHECK_INT(json_array_size(json_object_get(got, "defects")), 0);
  const char *body = json_string_value(json_object_get(got, "body"));
  CHECK_MSG(body && strncmp(body, c->greeting, strlen(c->greeting)) == 0, "%s/%s body: %s",
            c->tpl, c->lang, body ? body : "(none)");
  if (c->link) {
    json_t *data = json_loads(c->data, 0, NULL);
    char token[SECRET_LINK_TOKEN_LEN], link[200];
    secret_link_token(key, json_string_value(json_object_get(data, "token_nonce")), token);
    snprintf(link, sizeof link, "\nhttp://advisor.test:8080/invitation#token=%s\n", token);
    CHECK_MSG(body && strstr(body, link), "%s/%s: link %s missing", c->tpl, c->lang, link);
    json_decref(data);
  } else {
    CHECK(body && !strstr(body, "/invitation#token="));
  }
  for (size_t i = 0; i < MAX_FACTS && c->facts[i]; i++)
    CHECK_MSG(body && strstr(body, c->facts[i]), "%s/%s: no '%s' in %s", c->tpl, c->lang,
              c->facts[i], body ? body : "(none)");
  CHECK_MSG(body && (!c->never || !strstr(body, c->never)), "%s/%s: '%s' in %s", c->tpl,
            c->lang, c->never ? c->never : "", body ? body : "(none)");
  CHECK_MSG(body && !strchr(body, '{'), "%s/%s: a placeholder left in %s", c->tpl, c->lang,
            body ? body : "(none)");
}

static void test_smtp(void)
{
  struct smtp_sink k;
  sink_start(&k, 0, 0);
  const char *args[] = {"--smtp-url", k.url, "--mail-retry-min", "1", "--mail-retry-max", "2",
                        "--public-url", "http://advisor.test:8080/", "--mail-from",
                        "Rådgivning advisord <no-reply@advisord.test>", NULL};
  struct server s;
  server_start(&s, args, NULL);
  struct store *st = open_db(&s);
  char key_path[320], why[256];
  struct secret key;
  snprintf(key_path, sizeof key_path, "%s/secret.key", s.dir);
  CHECK_MSG(secret_load(key_path, &key, why, sizeof why), "%s", why);

  CHECK_INT(store_write(st, enqueue_all, NULL), STORE_OK);
  struct one bad = {{"x@example.se", "no_such_template", "sv", "{}", NULL}, ""};
  CHECK_INT(store_write(st, enqueue_one, &bad), STORE_OK);
  size_t got = sink_wait(&k, N_CASES, 30000);
  CHECK_INT(got, N_CASES);
  json_t *recv = sink_received(&k);
  for (size_t i = 0; i < N_CASES; i++) {
    char mid[64];
    snprintf(mid, sizeof mid, "<%s@advisord>", cases[i].id);
    check_message(sink_find(recv, mid), &cases[i], &key);
    struct outbox_row r;
    wait_settled(st, cases[i].id, &r);
    CHECK_STR(r.status, "sent");
    CHECK_INT(r.attempts, 1);
    CHECK(r.sent_at[0] != '\0');
  }
  json_decref(recv);
  struct outbox_row r;
  wait_settled(st, bad.id, &r);
  CHECK_STR(r.status, "failed");
  CHECK_INT(r.attempts, 1);
  CHECK_MSG(strstr(r.last_error, "unknown template 'no_such_template'"), "%s", r.last_error);

  struct resp h;
  CHECK(api(&s, "GET", "/healthz", NULL, NULL, &h) && h.status == 200);
  resp_free(&h);
  store_close(st);
  CHECK_INT(server_stop(&s, false), 0);
  sink_cleanup(&k);
}

static void test_spool(void)
{
  struct server s;
  server_start(&s, NULL, NULL);
  struct store *st = open_db(&s);
  struct one o = {{"kund@example.se", "office_accepted", "sv",
                   "{\"office_name\":\"Byrå Öst AB\",\"company_name\":\"Ärlig Bygg AB\","
                   "\"collaboration_id\":\"c1\"}",
                   NULL},
                  ""};
  CHECK_INT(store_write(st, enqueue_one, &o), STORE_OK);
  struct outbox_row r;
  wait_settled(st, o.id, &r);
  CHECK_STR(r.status, "sent");
  char path[400], tmp[400];
  snprintf(path, sizeof path, "%s/mail/%s.eml", s.dir, o.id);
  snprintf(tmp, sizeof tmp, "%s/mail/.%s.eml.tmp", s.dir, o.id);
  FILE *f = fopen(path, "r");
  CHECK_MSG(f != NULL, "no %s", path);
  char text[8192] = "";
  size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
  text[n] = '\0';
  if (f)
    fclose(f);
  char mid[80];
  snprintf(mid, sizeof mid, "\r\nMessage-ID: <%s@advisord>\r\n", o.id);
  CHECK(strstr(text, mid) != NULL);
  CHECK(strstr(text, "\r\nTo: kund@example.se\r\n") != NULL);
  CHECK(strstr(text, "Content-Type: text/plain; charset=utf-8\r\n") != NULL);
  CHECK(access(tmp, F_OK) != 0); /* no temporary file left */
  store_close(st);
  CHECK_INT(server_stop(&s, false), 0);
}

int main(void)
{
  test_smtp();
  test_spool();
  return TEST_REPORT();
}
