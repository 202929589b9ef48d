/* Store tests of collaborations on a temporary database: insert and read back, one open
 * collaboration per office and company, versioned updates (a stale version loses), the link
 * token's hash, the history, lists with filters and a cursor, lapsed invitations, the
 * customer_open_collaborations view, the latest invitation e-mail's delivery state, what one
 * principal started in a window, another active collaboration of a company. */
#include "db.h"
#include "service/collab_render.h"
#include "store_collab.h"
#include "store_identity.h"
#include "store_outbox.h"
#include "store_register.h"
#include "testdb.h"
#include "testlib.h"
#include "util.h"

#include <stdlib.h>
#include <unistd.h>

TEST_MAIN_DEFS

static struct store_conn *c;

struct fixture {
  struct office of;
  struct company cp, cp2;
  struct customer cu, cu2;
  struct task t;
};

static struct fixture fx;

static void make_fixture(void)
{
  CHECK_INT(store_office_create(c, "556036-0793", "Byrå AB", "byra@example.se", &fx.of),
            STORE_OK);
  memset(&fx.cp, 0, sizeof fx.cp);
  snprintf(fx.cp.corporate_id, sizeof fx.cp.corporate_id, "556677-8899");
  snprintf(fx.cp.name, sizeof fx.cp.name, "Kund AB");
  snprintf(fx.cp.relation, sizeof fx.cp.relation, "account");
  CHECK_INT(store_company_create(c, &fx.cp), STORE_OK);
  fx.cp2 = fx.cp;
  snprintf(fx.cp2.corporate_id, sizeof fx.cp2.corporate_id, "559900-1122");
  snprintf(fx.cp2.name, sizeof fx.cp2.name, "Annan AB");
  CHECK_INT(store_company_create(c, &fx.cp2), STORE_OK);
  memset(&fx.cu, 0, sizeof fx.cu);
  snprintf(fx.cu.office_id, sizeof fx.cu.office_id, "%s", fx.of.id);
  snprintf(fx.cu.company_id, sizeof fx.cu.company_id, "%s", fx.cp.id);
  snprintf(fx.cu.name, sizeof fx.cu.name, "Kunden");
  snprintf(fx.cu.email, sizeof fx.cu.email, "kund@example.se");
  CHECK_INT(store_customer_create(c, &fx.cu), STORE_OK);
  fx.cu2 = fx.cu;
  snprintf(fx.cu2.company_id, sizeof fx.cu2.company_id, "%s", fx.cp2.id);
  snprintf(fx.cu2.name, sizeof fx.cu2.name, "Andra kunden");
  CHECK_INT(store_customer_create(c, &fx.cu2), STORE_OK);
  memset(&fx.t, 0, sizeof fx.t);
  snprintf(fx.t.office_id, sizeof fx.t.office_id, "%s", fx.of.id);
  snprintf(fx.t.customer_id, sizeof fx.t.customer_id, "%s", fx.cu.id);
  snprintf(fx.t.name, sizeof fx.t.name, "Löpande bokföring 2027");
  snprintf(fx.t.status, sizeof fx.t.status, "open");
  CHECK_INT(store_task_create(c, &fx.t), STORE_OK);
}

static void new_collab(struct collab *co, const char *company_id, const char *customer_id,
                       int64_t expires_at_ms)
{
  memset(co, 0, sizeof *co);
  util_uuid(co->id);
  snprintf(co->office_id, sizeof co->office_id, "%s", fx.of.id);
  snprintf(co->company_id, sizeof co->company_id, "%s", company_id);
  snprintf(co->customer_id, sizeof co->customer_id, "%s", customer_id);
  snprintf(co->task_id, sizeof co->task_id, "%s", fx.t.id);
  snprintf(co->variant, sizeof co->variant, "smart");
  snprintf(co->invoice_recipient, sizeof co->invoice_recipient, "office");
  co->agreement_period_months = 12;
  co->initiated_by = COLLAB_BY_OFFICE;
  co->way = COLLAB_WAY_ACCOUNT;
  co->state = COLLAB_INVITED;
  snprintf(co->language, sizeof co->language, "sv");
  snprintf(co->inviter_kind, sizeof co->inviter_kind, "office_user");
  util_uuid(co->inviter_id);
  co->keep_service = -1;
  co->expires_at_ms = expires_at_ms;
  util_random_token(co->token_nonce, sizeof co->token_nonce, 32);
}

static void count_cb(const struct collab *co, const struct collab_mail_state *m, void *arg)
{
  (void)co;
  (void)m;
  (*(int *)arg)++;
}

struct seen {
  char ids[8][COLLAB_ID_LEN];
  int n;
  char last_created[32];
};

static void seen_cb(const struct collab *co, const struct collab_mail_state *m, void *arg)
{
  (void)m;
  struct seen *s = arg;
  if (s->n < 8)
    snprintf(s->ids[s->n++], COLLAB_ID_LEN, "%s", co->id);
  snprintf(s->last_created, sizeof s->last_created, "%s", co->created_at);
}

static void event_cb(const struct collab_event_rec *e, void *arg)
{
  struct collab_event_rec *out = arg;
  *out = *e;
}

static bool open_view_has(const char *customer_id)
{
  struct customer cu;
  CHECK_INT(store_customer_get(c, fx.of.id, customer_id, &cu), STORE_OK);
  return cu.has_open_collaboration;
}

int main(void)
{
  char dir[] = "/tmp/advisord-store-collab-XXXXXX", path[400];
  struct store *st = testdb_store_temp(dir, path, sizeof path);
  c = store_conn(st);
  make_fixture();
  int64_t now = util_now_ms();

  /* insert, read back with the joined names, find by token hash */
  struct collab a, b, got;
  new_collab(&a, fx.cp.id, fx.cu.id, now + 60000);
  char hash[65];
  util_sha256_hex("token-a", hash);
  CHECK_INT(store_collab_insert(c, &a), STORE_OK);
  CHECK_INT(a.version, 1);
  /* one link per recipient: two holders, each finds the collaboration and is named */
  char hash2[65], kind[24], holder[COLLAB_ID_LEN];
  util_sha256_hex("token-a2", hash2);
  CHECK_INT(store_collab_link_add(c, a.id, hash, "customer_admin", "admin-1"), STORE_OK);
  CHECK_INT(store_collab_link_add(c, a.id, hash2, "customer_admin", "admin-2"), STORE_OK);
  CHECK_INT(store_collab_link_holder(c, hash2, kind, holder), STORE_OK);
  CHECK_STR(kind, "customer_admin");
  CHECK_STR(holder, "admin-2");
  CHECK_INT(store_collab_get_by_token_hash(c, hash2, &got), STORE_OK);
  CHECK_STR(got.id, a.id);
  CHECK_INT(store_collab_get(c, a.id, &got), STORE_OK);
  CHECK_STR(got.company_name, "Kund AB");
  CHECK_STR(got.corporate_id, "556677-8899");
  CHECK_STR(got.office_name, "Byrå AB");
  CHECK_STR(got.customer_name, "Kunden");
  CHECK_STR(got.task_id, fx.t.id);
  CHECK_STR(got.token_nonce, a.token_nonce);
  CHECK(got.state == COLLAB_INVITED && got.way == COLLAB_WAY_ACCOUNT &&
        got.initiated_by == COLLAB_BY_OFFICE && got.keep_service == -1);
  CHECK_INT(got.expires_at_ms, now + 60000);
  CHECK_INT(store_collab_get_by_token_hash(c, hash, &got), STORE_OK);
  CHECK_STR(got.id, a.id);
  CHECK(open_view_has(fx.cu.id));
  CHECK(!open_view_has(fx.cu2.id));

  /* a second open one for the same office and company is refused */
  new_collab(&b, fx.cp.id, fx.cu.id, now + 60000);
  util_sha256_hex("token-b", hash);
  CHECK_INT(store_collab_insert(c, &b), STORE_CONFLICT);
  char open_id[COLLAB_ID_LEN];
  CHECK_INT(store_collab_open_id(c, fx.of.id, fx.cp.id, open_id), STORE_OK);
  CHECK_STR(open_id, a.id);
  CHECK_INT(store_collab_open_id(c, "00000000-0000-4000-8000-000000000000", fx.cp.id, open_id),
            STORE_NOT_FOUND); /* another office's */

  /* versioned update: the first writer wins, a stale version is a conflict */
  struct collab stale = a;
  a.state = COLLAB_APPROVED;
  CHECK_INT(store_collab_update(c, &a, true), STORE_OK);
  CHECK_INT(a.version, 2);
  stale.state = COLLAB_CANCELLED;
  CHECK_INT(store_collab_update(c, &stale, false), STORE_CONFLICT);
  CHECK_INT(store_collab_get(c, a.id, &got), STORE_OK);
  CHECK(got.state == COLLAB_APPROVED);
  CHECK_INT(got.version, 2);
  /* every link died with the update */
  util_sha256_hex("token-a", hash);
  CHECK_INT(store_collab_get_by_token_hash(c, hash, &got), STORE_NOT_FOUND);
  CHECK_INT(store_collab_get_by_token_hash(c, hash2, &got), STORE_NOT_FOUND);
  CHECK_INT(store_collab_link_holder(c, hash2, kind, holder), STORE_NOT_FOUND);
  struct collab ghost = a;
  util_uuid(ghost.id);
  CHECK_INT(store_collab_update(c, &ghost, false), STORE_NOT_FOUND);

  /* history */
  struct collab_event_rec e = {0}, last = {0};
  snprintf(e.collaboration_id, sizeof e.collaboration_id, "%s", a.id);
  snprintf(e.actor_kind, sizeof e.actor_kind, "office_user");
  snprintf(e.event, sizeof e.event, "invite");
  snprintf(e.to_state, sizeof e.to_state, "invited");
  CHECK_INT(store_collab_event_add(c, &e), STORE_OK);
  int64_t first_seq = e.seq;
  struct collab_event_rec e2 = {0};
  snprintf(e2.collaboration_id, sizeof e2.collaboration_id, "%s", a.id);
  snprintf(e2.actor_kind, sizeof e2.actor_kind, "customer_admin");
  snprintf(e2.event, sizeof e2.event, "approve");
  snprintf(e2.from_state, sizeof e2.from_state, "invited");
  snprintf(e2.to_state, sizeof e2.to_state, "approved");
  snprintf(e2.reason, sizeof e2.reason, "ok för oss");
  snprintf(e2.details, sizeof e2.details, "{\"x\":1}");
  CHECK_INT(store_collab_event_add(c, &e2), STORE_OK);
  CHECK(e2.seq > first_seq);
  bool more = true;
  CHECK_INT(store_collab_events_list(c, a.id, 0, 1, event_cb, &last, &more), STORE_OK);
  CHECK(more);
  CHECK_STR(last.event, "invite");
  CHECK_STR(last.from_state, "");
  CHECK_STR(last.details, "{}");
  CHECK_INT(store_collab_events_list(c, a.id, last.seq, 10, event_cb, &last, &more), STORE_OK);
  CHECK(!more);
  CHECK_STR(last.event, "approve");
  CHECK_STR(last.reason, "ok för oss");
  CHECK_STR(last.details, "{\"x\":1}");

  /* a lapsed invitation: due for the sweep, no longer open in the view, listed as expired */
  struct collab lapsed;
  new_collab(&lapsed, fx.cp2.id, fx.cu2.id, now - 1000);
  util_sha256_hex("token-c", hash);
  CHECK_INT(store_collab_insert(c, &lapsed), STORE_OK);
  CHECK(!open_view_has(fx.cu2.id));
  char ids[4][COLLAB_ID_LEN];
  size_t n = 0;
  CHECK_INT(store_collab_due_expiries(c, now, ids, 4, &n), STORE_OK);
  CHECK_INT(n, 1);
  CHECK_STR(ids[0], lapsed.id);
  struct collab_filter f = {.office_id = fx.of.id, .state = "expired", .now_ms = now};
  int count = 0;
  CHECK_INT(store_collab_list(c, &f, 10, count_cb, &count, &more), STORE_OK);
  CHECK_INT(count, 1);
  f.state = "invited";
  count = 0;
  CHECK_INT(store_collab_list(c, &f, 10, count_cb, &count, &more), STORE_OK);
  CHECK_INT(count, 0);
  f.state = "approved";
  count = 0;
  CHECK_INT(store_collab_list(c, &f, 10, count_cb, &count, &more), STORE_OK);
  CHECK_INT(count, 1);

  /* filters and the keyset cursor, newest first: the two rows may share a millisecond, when
   * the id breaks the tie, so the pages must hold both rows once each in either order */
  struct collab_filter all = {.office_id = fx.of.id, .now_ms = now};
  struct seen s1 = {0}, s2 = {0};
  CHECK_INT(store_collab_list(c, &all, 1, seen_cb, &s1, &more), STORE_OK);
  CHECK(more && s1.n == 1);
  all.after_created_at = s1.last_created;
  all.after_id = s1.ids[0];
  CHECK_INT(store_collab_list(c, &all, 5, seen_cb, &s2, &more), STORE_OK);
  CHECK(!more && s2.n == 1);
  bool lapsed_first = strcmp(s1.ids[0], lapsed.id) == 0;
  CHECK_STR(s1.ids[0], lapsed_first ? lapsed.id : a.id);
  CHECK_STR(s2.ids[0], lapsed_first ? a.id : lapsed.id);
  CHECK(strcmp(s1.last_created, s2.last_created) > 0 ||
        (strcmp(s1.last_created, s2.last_created) == 0 && strcmp(s1.ids[0], s2.ids[0]) > 0));
  struct collab_filter by_company = {.company_id = fx.cp2.id, .now_ms = now};
  count = 0;
  CHECK_INT(store_collab_list(c, &by_company, 10, count_cb, &count, &more), STORE_OK);
  CHECK_INT(count, 1);
  struct collab_filter other_office = {.office_id = fx.cp.id, .now_ms = now};
  count = 0;
  CHECK_INT(store_collab_list(c, &other_office, 10, count_cb, &count, &more), STORE_OK);
  CHECK_INT(count, 0);
  struct collab_filter by_variant = {.variant = "pro", .now_ms = now};
  count = 0;
  CHECK_INT(store_collab_list(c, &by_variant, 10, count_cb, &count, &more), STORE_OK);
  CHECK_INT(count, 0);
  struct collab_filter by_task = {.task_id = fx.t.id, .initiated_by = "office", .now_ms = now};
  count = 0;
  CHECK_INT(store_collab_list(c, &by_task, 10, count_cb, &count, &more), STORE_OK);
  CHECK_INT(count, 2);

  /* the invitation e-mail's delivery state: the latest invitation row only */
  struct collab_mail_state m;
  CHECK_INT(store_collab_invitation_mail(c, a.id, &m), STORE_NOT_FOUND);
  struct outbox_message msg = {.recipient = "kund@example.se",
                               .template_name = "invitation_customer",
                               .language = "sv",
                               .data_json = "{}",
                               .collaboration_id = a.id};
  char first[37], second[37];
  CHECK_INT(store_outbox_enqueue(c, &msg, first), STORE_OK);
  usleep(2000);
  CHECK_INT(store_outbox_enqueue(c, &msg, second), STORE_OK);
  msg.template_name = "approved_office";
  CHECK_INT(store_outbox_enqueue(c, &msg, NULL), STORE_OK);
  CHECK_INT(store_collab_invitation_mail(c, a.id, &m), STORE_OK);
  CHECK_STR(m.outbox_id, second);
  CHECK_STR(m.status, "pending");
  CHECK_INT(m.attempts, 0);
  CHECK_STR(m.last_error, "");
  /* the read of one collaboration with its e-mail (GET one) joins the same row: the latest
   * invitation, not the newer e-mail of another template; none for a collaboration without */
  bool has_mail = false;
  memset(&m, 0, sizeof m);
  CHECK_INT(store_collab_get_with_mail(c, a.id, &got, &m, &has_mail), STORE_OK);
  CHECK(has_mail);
  CHECK_STR(got.id, a.id);
  CHECK_STR(m.outbox_id, second);
  CHECK_STR(m.template_name, "invitation_customer");
  CHECK_INT(store_collab_get_with_mail(c, lapsed.id, &got, &m, &has_mail), STORE_OK);
  CHECK(!has_mail);
  CHECK_STR(got.id, lapsed.id);
  CHECK_STR(got.company_name, "Annan AB");
  CHECK_INT(store_collab_get_with_mail(c, "33333333-3333-4333-8333-333333333333", &got, &m,
                                       &has_mail),
            STORE_NOT_FOUND);

  /* what one principal started since a time: how many, and the earliest */
  long started = -1;
  char oldest[32];
  CHECK_INT(store_collab_created_since(c, a.inviter_id, "2000-01-01T00:00:00.000Z", &started,
                                       oldest),
            STORE_OK);
  CHECK_INT(started, 1);
  CHECK_STR(oldest, a.created_at);
  CHECK_INT(store_collab_created_since(c, a.inviter_id, "9999-01-01T00:00:00.000Z", &started,
                                       oldest),
            STORE_OK);
  CHECK_INT(started, 0);
  CHECK_STR(oldest, "");

  /* another active collaboration of a company (a is approved: none yet); the decision and
   * renewal fields are written and read back */
  char other[COLLAB_ID_LEN];
  CHECK_INT(store_collab_other_active(c, fx.cp.id, lapsed.id, other), STORE_NOT_FOUND);
  a.state = COLLAB_ACTIVE;
  a.service_decision_pending = true;
  snprintf(a.renewal_requested_at, sizeof a.renewal_requested_at, "2027-01-01T00:00:00.000Z");
  snprintf(a.approved_by_kind, sizeof a.approved_by_kind, "office_user");
  snprintf(a.approved_by_id, sizeof a.approved_by_id, "%s", a.inviter_id);
  a.accept_attempts = 2;
  CHECK_INT(store_collab_update(c, &a, false), STORE_OK);
  CHECK_INT(store_collab_other_active(c, fx.cp.id, lapsed.id, other), STORE_OK);
  CHECK_STR(other, a.id);
  CHECK_INT(store_collab_other_active(c, fx.cp.id, a.id, other), STORE_NOT_FOUND);
  CHECK_INT(store_collab_other_active(c, fx.cp2.id, lapsed.id, other), STORE_NOT_FOUND);
  CHECK_INT(store_collab_get(c, a.id, &got), STORE_OK);
  CHECK(got.service_decision_pending);
  CHECK_STR(got.renewal_requested_at, "2027-01-01T00:00:00.000Z");

  /* a view (GET one's read, a list's rows) leaves the six members only changes use empty,
   * and shows every viewer what the full read shows: the JSON reads none of them */
  struct collab view;
  CHECK_INT(store_collab_get_with_mail(c, a.id, &view, &m, &has_mail), STORE_OK);
  CHECK(got.inviter_kind[0] && got.inviter_id[0] && got.approved_by_kind[0] &&
        got.approved_by_id[0] && got.token_nonce[0] && got.accept_attempts == 2);
  CHECK(!view.inviter_kind[0] && !view.inviter_id[0] && !view.approved_by_kind[0] &&
        !view.approved_by_id[0] && !view.token_nonce[0] && view.accept_attempts == 0);
  struct principal viewers[3] = {{.kind = PRINCIPAL_OFFICE_USER},
                                 {.kind = PRINCIPAL_CUSTOMER_ADMIN},
                                 {.kind = PRINCIPAL_SUPPORT}};
  snprintf(viewers[0].office_id, sizeof viewers[0].office_id, "%s", a.office_id);
  snprintf(viewers[1].company_id, sizeof viewers[1].company_id, "%s", a.company_id);
  for (size_t v = 0; v < 3; v++) {
    size_t n1, n2;
    char *shown = collab_json_text(&view, has_mail ? &m : NULL, util_now_ms(), &viewers[v], &n1);
    char *full = collab_json_text(&got, has_mail ? &m : NULL, util_now_ms(), &viewers[v], &n2);
    CHECK(shown && full && strcmp(shown, full) == 0);
    free(shown);
    free(full);
  }

  /* an administrator only named (way 3): one per company and e-mail, the second is CONFLICT
   * and changes nothing */
  struct customer_admin ad, again, found;
  CHECK_INT(store_customer_admin_name_new(c, fx.cp2.id, "Nils Ny", "nils@annan.se", NULL, &ad,
                                          NULL, 0, NULL),
            STORE_OK);
  CHECK(!ad.confirmed && !ad.is_main_contact);
  CHECK_INT(store_customer_admin_name_new(c, fx.cp2.id, "Nils Annan", "nils@annan.se", "+46 8 1",
                                          &again, NULL, 0, NULL),
            STORE_CONFLICT);
  CHECK_INT(store_customer_admin_get_by_email(c, fx.cp2.id, "nils@annan.se", &found), STORE_OK);
  CHECK_STR(found.id, ad.id);
  CHECK_STR(found.name, "Nils Ny");
  CHECK_STR(found.phone, "");
  CHECK(!found.confirmed);
  CHECK_INT(store_customer_admin_name_new(c, fx.cp.id, "Nils Ny", "nils@annan.se", NULL, &again,
                                          NULL, 0, NULL),
            STORE_OK); /* another company's */
  CHECK(strcmp(again.id, ad.id) != 0);

  CHECK(testdb_store_temp_end(st, dir, path));
  return TEST_REPORT();
}
