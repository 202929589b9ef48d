/* exits_fx.h - helpers for the tests of the ways out of a collaboration and of the invitation's
 * life (test_collab_decline.c, test_collab_reminders.c, test_collab_end.c, test_collab_expiry.c,
 * test_collab_create_cap.c; header-only: each test binary includes it once): the inviting office
 * and a limited user of it, a way-2 invitation of a fresh account company whose link is read
 * from the outbox, and checks that an action is an illegal transition and that a link answers. */
#ifndef ADVISORD_TEST_EXITS_FX_H
#define ADVISORD_TEST_EXITS_FX_H

#include "collab_fx.h"

#include <time.h>

#define REMINDER_INTERVAL 2 /* seconds, the --reminder-interval of the server ex_start starts */
#define TEXT_(x) #x
#define TEXT(x) TEXT_(x)

/* The inviting office and its token (ex_start makes it; a test starting its own server makes
 * its own into these) and a limited user of it. */
static char office[FX_ID_LEN], tok_office[FX_TOKEN_LEN];
static char limited[FX_ID_LEN], tok_limited[FX_TOKEN_LEN];

struct invite {
  char id[FX_ID_LEN];
  char customer[FX_ID_LEN];
  char task[FX_ID_LEN];
  char cadmin[FX_ID_LEN];         /* the company's administrator, who gets the invitation */
  char tok_cadmin[FX_TOKEN_LEN];
  char link[SECRET_LINK_TOKEN_LEN];   /* from the latest invitation e-mail */
};

static inline void sleep_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Starts the server the tests share, with --reminder-interval REMINDER_INTERVAL, and makes the
 * office "Byrå Ett AB" with its first user and a limited user. */
static inline void ex_start(struct server *s)
{
  const char *args[] = {"--reminder-interval", TEXT(REMINDER_INTERVAL), NULL};
  server_start(s, args, NULL);
  fx_office(s, "Byrå Ett AB", "5560360793", "info@byra-ett.se", office, tok_office);
  fx_user(s, office, "limited@byra-ett.se", "limited", limited, tok_limited);
}

/* The link of the latest invitation e-mail of the collaboration. */
static inline void latest_link(struct server *s, struct invite *in)
{
  struct cx_mail m[16];
  int n = cx_mails(s, in->id, m, 16);
  in->link[0] = '\0';
  for (int i = n - 1; i >= 0; i--)
    if (strncmp(m[i].template_name, "invitation_", 11) == 0) {
      cx_token(s, &m[i], in->link);
      break;
    }
  cx_mails_free(m, n);
}

/* A way-2 invitation of a fresh account company and its administrator (the main contact, who
 * gets the invitation), paid by recipient. */
static inline void invite_account_paid(struct server *s, const char *cid, const char *name,
                                const char *admin_email, const char *recipient,
                                struct invite *in)
{
  char company[FX_ID_LEN];
  memset(in, 0, sizeof *in);
  fx_company(s, cid, name, "account", company);
  fx_customer_admin(s, cid, "Admin", admin_email, in->cadmin, in->tok_cadmin);
  cx_customer(s, tok_office, cid, name, "kontakt@example.se", in->customer);
  cx_task(s, tok_office, in->customer, "Uppdrag", in->task);
  cx_activate(s, tok_office, in->customer, in->task, "fakturering", recipient, 3, in->id);
  latest_link(s, in);
}

/* The same, paid by the customer. */
static inline void invite_account(struct server *s, const char *cid, const char *name,
                           const char *admin_email, struct invite *in)
{
  invite_account_paid(s, cid, name, admin_email, "customer", in);
}

static inline void expect_illegal(struct server *s, const char *id, const char *action,
                           const char *token, const char *body, const char *state)
{
  struct resp r;
  CHECK(cx_action(s, id, action, token, body, &r));
  CHECK_MSG(r.status == 409, "%s: %ld", action, r.status);
  CHECK_STR(resp_str(&r, "code"), "illegal_transition");
  CHECK_STR(resp_str(&r, "state"), state);
  resp_free(&r);
}

static inline void link_status(struct server *s, const char *link, long want)
{
  char path[128];
  snprintf(path, sizeof path, "/v1/invitations/%s", link);
  struct resp r;
  CHECK(api(s, "GET", path, NULL, NULL, &r));
  CHECK_MSG(r.status == want, "link: %ld, want %ld", r.status, want);
  resp_free(&r);
}

#endif
