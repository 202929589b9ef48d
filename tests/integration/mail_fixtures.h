/* mail_fixtures.h - integration-test helpers for the outbox (header-only: each test binary
 * includes it once): open the running server's database, enqueue e-mails as the
 * collaborations code does, and wait for a row's delivery state. */
#ifndef ADVISORD_TEST_MAIL_FIXTURES_H
#define ADVISORD_TEST_MAIL_FIXTURES_H

#include "harness.h"
#include "store_outbox.h"
#include "testlib.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The server's database, opened beside it (migrated already). store_close() when done. */
static inline struct store *mf_open_db(const struct server *s)
{
  char why[256];
  struct store *st = store_open(s->db, false, why, sizeof why);
  CHECK_MSG(st != NULL, "%s", why);
  return st;
}

struct mf_enqueue {
  struct outbox_message m;
  char *id_out;
};

static inline enum store_status mf_enqueue_tx(struct store_conn *c, void *arg)
{
  struct mf_enqueue *e = arg;
  return store_outbox_enqueue(c, &e->m, e->id_out);
}

/* Enqueues one e-mail in its own transaction; its id into id_out (37 bytes). */
static inline void mf_enqueue(struct store *st, const char *to, const char *tpl,
                              const char *lang, const char *data, char *id_out)
{
  struct mf_enqueue e = {{to, tpl, lang, data, NULL}, id_out};
  CHECK_INT(store_write(st, mf_enqueue_tx, &e), STORE_OK);
}

/* An office_accepted e-mail (no link, only its three required fields) to `to`; its id into
 * id_out. */
static inline void mf_enqueue_simple(struct store *st, const char *to, char *id_out)
{
  mf_enqueue(st, to, "office_accepted", "sv",
             "{\"office_name\":\"Byrå Öst AB\",\"company_name\":\"Ärlig Bygg AB\","
             "\"collaboration_id\":\"c-test\"}",
             id_out);
}

enum mf_until { MF_SETTLED, MF_TRIED, MF_IN_FLIGHT };

/* Polls the row (up to timeout_ms) until it is no longer pending (MF_SETTLED), has been tried
 * at least once (MF_TRIED) or is held by the mailer (MF_IN_FLIGHT); returns whether that
 * happened, with the row's last state in r. */
static inline bool mf_wait_row(struct store *st, const char *id, enum mf_until until,
                               struct outbox_row *r, int timeout_ms)
{
  for (int waited = 0; waited <= timeout_ms; waited += 50) {
    if (store_outbox_get(store_conn(st), id, r) == STORE_OK) {
      if (until == MF_SETTLED && strcmp(r->status, "pending") != 0)
        return true;
      if (until == MF_TRIED && r->attempts > 0)
        return true;
      if (until == MF_IN_FLIGHT && r->in_flight)
        return true;
    }
    usleep(50000);
  }
  return false;
}

#endif
