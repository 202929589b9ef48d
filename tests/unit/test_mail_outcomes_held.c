/* Unit test of the mailer's held outcomes (src/mail/outcomes.c): a held outcome is not
 * written by itself; a claim's write (outcomes_carry) writes every held one in its own
 * transaction; outcomes_flush writes them when no claim follows; outcomes_finish writes what
 * is still held. On the engine the tests run on (testdb.h). */
#include "outcomes.h"
#include "store.h"
#include "store_outbox.h"
#include "testdb.h"
#include "testlib.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

TEST_MAIN_DEFS

static char url[400];

static enum store_status enqueue_tx(struct store_conn *c, void *arg)
{
  struct outbox_message m = {"a@x.se", "invitation_customer", "sv", "{}", NULL};
  return store_outbox_enqueue(c, &m, arg);
}

static long long sent(void)
{
  return testdb_int(url, "SELECT count(*) FROM outbox WHERE status = 'sent'", NULL);
}

/* A claim's write: the held outcomes, then nothing else (as the mailer's claim, without rows). */
static enum store_status carry_tx(struct store_conn *c, void *arg)
{
  return outcomes_carry_write(arg, c);
}

/* Waits up to 5 s for n sent rows (the writes are queued, not waited for). */
static bool wait_sent(long long n)
{
  for (int i = 0; i < 500 && sent() != n; i++)
    usleep(10000);
  return sent() == n;
}

int main(void)
{
  char dir[] = "/tmp/advisord-held-XXXXXX";
  struct store *st = testdb_store_temp(dir, url, sizeof url);
  store_start_threads(st);
  char id[6][37];
  for (int i = 0; i < 6; i++)
    CHECK_INT(store_write(st, enqueue_tx, id[i]), STORE_OK);
  struct mail_outcomes o;
  outcomes_init(&o, st);
  struct finish_arg f = {.decision = MAIL_MARK_SENT, .error = ""};

  /* held: nothing written, however long it waits */
  f.id = id[0];
  outcomes_hold(&o, &f);
  f.id = id[1];
  outcomes_hold(&o, &f);
  usleep(200000);
  CHECK_INT(sent(), 0);

  /* a claim's write takes both, in its own transaction */
  struct outcomes_carry k = {&o, false, NULL};
  enum store_status s = store_write(st, carry_tx, &k);
  CHECK_INT(s, STORE_OK);
  outcomes_carry_done(&k, s);
  CHECK_INT(sent(), 2);

  /* a flush queues a write for the held ones */
  f.id = id[2];
  outcomes_hold(&o, &f);
  outcomes_flush(&o);
  CHECK_MSG(wait_sent(3), "flushed: %lld sent", sent());

  /* a recorded one is written at once, and takes a held one with it */
  f.id = id[3];
  outcomes_hold(&o, &f);
  f.id = id[4];
  outcomes_record(&o, &f);
  CHECK_MSG(wait_sent(5), "recorded: %lld sent", sent());

  /* the stop writes what is still held */
  f.id = id[5];
  outcomes_hold(&o, &f);
  outcomes_finish(&o);
  CHECK_INT(sent(), 6);

  CHECK(testdb_store_temp_end(st, dir, url));
  return TEST_REPORT();
}
