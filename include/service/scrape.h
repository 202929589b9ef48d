/* service/scrape.h - what GET /metrics reads from the database at each scrape: the outbox's
 * undelivered messages by status and template, and collaborations by state, in one read
 * transaction. */
#ifndef ADVISORD_SERVICE_SCRAPE_H
#define ADVISORD_SERVICE_SCRAPE_H

#include "app.h"
#include "domain/collab.h"

#include <stddef.h>
#include <stdint.h>

struct scrape_counts {
  struct {
    char status[16], template_name[64];
    int64_t n;
  } outbox[128]; /* (2 statuses) x (templates, about 30); more rows are left out */
  size_t n_outbox;
  int64_t states[COLLAB_STATE__COUNT]; /* by enum collab_state */
};

/* Fills out (zeroed first; on every try of the transaction). */
enum store_status scrape_counts_read(const struct app *app, struct scrape_counts *out);

#endif
