/* mbuf.h - a growable text buffer (e-mails, JSON text: json_text.h). Appends never fail
 * loudly: an allocation failure sets oom, and mbuf_take() then returns NULL. */
#ifndef ADVISORD_MAIL_MBUF_H
#define ADVISORD_MAIL_MBUF_H

#include <stdbool.h>
#include <stddef.h>

struct mbuf {
  char *p;     /* NUL-terminated when len > 0 */
  size_t len, cap;
  bool oom;
};

void mbuf_addn(struct mbuf *b, const char *s, size_t n);
void mbuf_add(struct mbuf *b, const char *s);
/* One byte; inline while it fits (JSON text writes many). */
static inline void mbuf_addc(struct mbuf *b, char c)
{
  if (b->len + 2 <= b->cap && !b->oom) {
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
  } else {
    mbuf_addn(b, &c, 1);
  }
}
/* Room for n more bytes and the NUL after them, at b->p + b->len; false when out of memory
 * (oom set). For writers that fill several pieces at once and then add to b->len themselves
 * (keeping the text NUL-terminated). */
bool mbuf_reserve(struct mbuf *b, size_t n);
void mbuf_addf(struct mbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text built so far (malloc'd, caller frees), or NULL after an allocation failure.
 * The buffer is left empty either way. */
char *mbuf_take(struct mbuf *b);
/* Takes back a text that mbuf_take returned (any malloc'd block, or NULL) once it is no longer
 * needed, as free() would: this thread's next mbuf starts in it instead of asking malloc for a
 * block of its first size (2 KiB: a large request in glibc, before which it merges its fast
 * bins, so that the many small allocations after it take malloc's slow path). Sixteen are kept
 * per thread, freed when the thread ends. */
void mbuf_recycle(void *text);
/* Frees the contents without returning them. */
void mbuf_free(struct mbuf *b);

#endif
