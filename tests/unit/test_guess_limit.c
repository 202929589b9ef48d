/* Unit tests of the guessing limit: free failures up to the threshold, then a wait that doubles
 * with each failure up to GUESS_MAX_WAIT_S, lifted when it is over, forgotten after a quiet
 * spell; keys independent; a full table still remembers the key that failed last. */
#include "guess_limit.h"
#include "testlib.h"

#include <stdio.h>

TEST_MAIN_DEFS

static unsigned fail(struct guess_limit *g, const char *key, int64_t now)
{
  return guess_limit_fail(g, key, strlen(key), now);
}

static unsigned wait_s(struct guess_limit *g, const char *key, int64_t now)
{
  return guess_limit_wait(g, key, strlen(key), now);
}

int main(void)
{
  struct guess_limit *g = guess_limit_new(3, 900);
  int64_t t = 1000000;
  CHECK_INT(fail(g, "a", t), 0);
  CHECK_INT(fail(g, "a", t), 0);
  CHECK_INT(wait_s(g, "a", t), 0);
  CHECK_INT(fail(g, "a", t), 1); /* the third failure: 1 s */
  CHECK_INT(wait_s(g, "a", t), 1);
  CHECK_INT(wait_s(g, "a", t + 999), 1);
  CHECK_INT(wait_s(g, "a", t + 1000), 0); /* lifted */
  CHECK_INT(fail(g, "a", t + 1000), 2);
  CHECK_INT(fail(g, "a", t + 1000), 4);
  CHECK_INT(wait_s(g, "b", t), 0); /* another key */
  unsigned last = 0;
  for (int i = 0; i < 20; i++)
    last = fail(g, "a", t + 2000);
  CHECK_INT(last, GUESS_MAX_WAIT_S);
  /* quiet for longer than forget (and the wait): afresh */
  int64_t later = t + 2000 + (int64_t)(900 + GUESS_MAX_WAIT_S) * 1000 + 1;
  CHECK_INT(wait_s(g, "a", later), 0);
  CHECK_INT(fail(g, "a", later), 0);

  /* many more keys than the table holds: the newest ones are still counted */
  char key[32];
  for (int i = 0; i < 20000; i++) {
    snprintf(key, sizeof key, "k%d", i);
    fail(g, key, t + i);
  }
  CHECK_INT(fail(g, "k19999", t + 30000), 0);
  CHECK_INT(fail(g, "k19999", t + 30000), 1);
  guess_limit_free(g);

  struct guess_limit *off = guess_limit_new(0, 900);
  for (int i = 0; i < 10; i++)
    CHECK_INT(fail(off, "a", t), 0);
  CHECK_INT(wait_s(off, "a", t), 0);
  guess_limit_free(off);
  return TEST_REPORT();
}
