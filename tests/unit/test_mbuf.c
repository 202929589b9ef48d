/* Unit tests of mbuf.h's recycling (mbuf_recycle): a reply's text given back is where this
 * thread's next text starts (no call to malloc for it), sixteen at most are kept, texts of other
 * sizes go back to malloc, a text grown from a recycled block is whole, and a thread's kept
 * texts are freed when it ends (the ASan build's leak check sees any left). */
#include "mbuf.h"
#include "testlib.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

TEST_MAIN_DEFS

/* A text of n bytes 'x'... taken from an mbuf (malloc'd). */
static char *text_of(size_t n)
{
  struct mbuf b = {0};
  for (size_t i = 0; i < n; i++)
    mbuf_addn(&b, i % 2 ? "y" : "x", 1);
  return mbuf_take(&b);
}

static void *recycling_thread(void *arg)
{
  (void)arg;
  for (int i = 0; i < 3; i++)
    mbuf_recycle(text_of(100));
  return NULL; /* its kept texts are freed at its end */
}

int main(void)
{
  /* a recycled text is where the next one starts */
  char *a = text_of(1300);
  CHECK(a != NULL && strlen(a) == 1300);
  mbuf_recycle(a);
  char *decoy = malloc(2048); /* had a been freed, malloc would hand it out here */
  char *b = text_of(10);
  CHECK_MSG(b == a && decoy != a, "the next text did not start in the recycled one");
  free(decoy);
  CHECK(b != NULL && strcmp(b, "xyxyxyxyxy") == 0);

  /* grown past the recycled block's size: realloc keeps what was written */
  mbuf_recycle(b);
  char *big = text_of(5000);
  CHECK(big != NULL && strlen(big) == 5000);
  CHECK(big[0] == 'x' && big[1] == 'y' && big[4998] == 'x' && big[4999] == 'y');
  free(big);

  /* sixteen are kept (the first given back: a worker's burst of replies), the rest freed; the
   * next sixteen texts start in them */
  char *t[24], *kept[16];
  for (int i = 0; i < 24; i++)
    t[i] = text_of(50);
  memcpy(kept, t, sizeof kept);
  for (int i = 0; i < 24; i++)
    mbuf_recycle(t[i]);
  char *decoys[24];
  for (int i = 0; i < 24; i++)
    decoys[i] = malloc(2048);
  for (int i = 0; i < 16; i++) {
    t[i] = text_of(20);
    bool found = false;
    for (int j = 0; j < 16; j++)
      found = found || t[i] == kept[j];
    CHECK_MSG(found, "text %d did not start in a kept one", i);
  }
  for (int i = 0; i < 16; i++)
    free(t[i]);
  for (int i = 0; i < 24; i++)
    free(decoys[i]);

  /* blocks of other sizes go back to malloc (a small one kept would be written past its end by
   * the next text, a huge one held for ever); NULL is nothing */
  mbuf_recycle(NULL);
  char *small = malloc(16), *huge = malloc(1 << 20);
  mbuf_recycle(small);
  char *next = text_of(1500);
  CHECK_MSG(next != small, "a 16-byte block was kept for a text");
  free(next);
  mbuf_recycle(huge);
  next = text_of(100);
  CHECK_MSG(next != huge, "a 1 MiB block was kept for a text");
  free(next);

  /* a thread's kept texts are freed when it ends */
  pthread_t th;
  CHECK(pthread_create(&th, NULL, recycling_thread, NULL) == 0);
  CHECK(pthread_join(th, NULL) == 0);

  /* this thread's kept texts stay reachable until it exits */
  mbuf_recycle(text_of(30));
  return TEST_REPORT();
}
