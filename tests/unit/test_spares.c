/* Unit tests of spares.h: a block taken is zeroed as calloc's is, whether new or kept; a block
 * given back is the next one taken (on any thread); spares_take_except leaves the range it
 * skips as it was; at most SPARES_KEPT are kept, the rest are
 * freed (the ASan build would report a leak or a double free); a block given back twice
 * aborts, as free() does. */
#include "spares.h"
#include "testlib.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

TEST_MAIN_DEFS

struct big {
  char bytes[6000];
};

static struct spares sp = SPARES_INIT(sizeof(struct big));

static bool zeroed(const struct big *b)
{
  for (size_t i = 0; i < sizeof b->bytes; i++)
    if (b->bytes[i])
      return false;
  return true;
}

/* Takes and gives back blocks, writing into each, as a request's thread does. */
static void *churn(void *arg)
{
  bool ok = true;
  for (int i = 0; i < 2000; i++) {
    struct big *b = spares_take(&sp);
    ok = ok && b && zeroed(b);
    if (b)
      memset(b->bytes, 'x', sizeof b->bytes);
    spares_give(&sp, b);
  }
  return ok ? arg : NULL;
}

int main(void)
{
  struct big *a = spares_take(&sp);
  CHECK(a && zeroed(a));
  memset(a->bytes, 'a', sizeof a->bytes);
  spares_give(&sp, a);
  struct big *again = spares_take(&sp);
  CHECK(again == a); /* the kept one */
  CHECK(again && zeroed(again));
  spares_give(&sp, again);
  spares_give(&sp, NULL); /* nothing, as free(NULL) */

  /* spares_take_except: the range skipped keeps what the last user left, the rest is zeroed */
  struct big *e = spares_take(&sp);
  CHECK(e != NULL);
  if (e)
    memset(e->bytes, 'e', sizeof e->bytes);
  spares_give(&sp, e);
  struct big *x = spares_take_except(&sp, 100, 1000);
  CHECK(x == e);
  bool kept = x != NULL, rest = x != NULL;
  for (size_t i = 0; x && i < sizeof x->bytes; i++) {
    if (i >= 100 && i < 1100)
      kept = kept && x->bytes[i] == 'e';
    else
      rest = rest && x->bytes[i] == 0;
  }
  CHECK(kept);
  CHECK(rest);
  if (x)
    memset(x->bytes, 'e', sizeof x->bytes);
  spares_give(&sp, x);
  x = spares_take_except(&sp, 5000, 2000); /* past the block's end: all of it zeroed */
  CHECK(x && zeroed(x));
  spares_give(&sp, x);

  /* more than are kept given back at once: SPARES_KEPT kept, the others freed */
  struct big *many[SPARES_KEPT + 8];
  for (size_t i = 0; i < sizeof many / sizeof many[0]; i++) {
    many[i] = spares_take(&sp);
    CHECK(many[i] && zeroed(many[i]));
    if (many[i])
      memset(many[i]->bytes, 'm', sizeof many[i]->bytes);
  }
  for (size_t i = 0; i < sizeof many / sizeof many[0]; i++)
    spares_give(&sp, many[i]);
  CHECK(sp.n == SPARES_KEPT);

  /* taken on one thread and given back on another (a start: worker, then writer) */
  pthread_t t[3];
  for (int i = 0; i < 3; i++)
    CHECK(pthread_create(&t[i], NULL, churn, &sp) == 0);
  CHECK(churn(&sp) != NULL);
  for (int i = 0; i < 3; i++) {
    void *ok = NULL;
    pthread_join(t[i], &ok);
    CHECK(ok != NULL);
  }

  /* given back twice: the child aborts (before: the block was kept twice, for two takers) */
  pid_t pid = fork();
  if (pid == 0) {
    static struct spares own = SPARES_INIT(64);
    void *b = spares_take(&own);
    spares_give(&own, b);
    spares_give(&own, b);
    _exit(0);
  }
  int status = 0;
  CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
  return TEST_REPORT();
}
