/* guess_limit.h - slows down guessing (internal to http/): failed credentials counted per key
 * (a client address, or an address and a principal), and after `threshold` failures each
 * further one makes the key wait, twice as long each time (1 s, 2 s, 4 s ... at most
 * GUESS_MAX_WAIT_S). A key with no failure for forget_s seconds starts afresh. A bounded
 * table: when it is full the entry failed least recently gives way. Thread-safe. */
#ifndef ADVISORD_HTTP_GUESS_LIMIT_H
#define ADVISORD_HTTP_GUESS_LIMIT_H

#include <stddef.h>
#include <stdint.h>

#define GUESS_MAX_WAIT_S 600
#define GUESS_KEY_MAX 64

struct guess_limit;

/* threshold 0: never slows. NULL when out of memory. Free with guess_limit_free. */
struct guess_limit *guess_limit_new(unsigned threshold, unsigned forget_s);
void guess_limit_free(struct guess_limit *g);
/* Seconds key must still wait (rounded up), 0 when it may try now. */
unsigned guess_limit_wait(struct guess_limit *g, const void *key, size_t len, int64_t now_ms);
/* Records a failed attempt by key; returns the seconds it must now wait (0: none yet). */
unsigned guess_limit_fail(struct guess_limit *g, const void *key, size_t len, int64_t now_ms);

#endif
