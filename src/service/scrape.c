/* scrape.c - the database counts of GET /metrics (service/scrape.h). */
#include "service/scrape.h"
#include "store_metrics.h"

#include <stdio.h>
#include <string.h>

static void outbox_row(void *arg, const char *status, const char *template_name, int64_t n)
{
  struct scrape_counts *sc = arg;
  if (sc->n_outbox >= sizeof sc->outbox / sizeof sc->outbox[0])
    return;
  snprintf(sc->outbox[sc->n_outbox].status, sizeof sc->outbox[0].status, "%s", status);
  snprintf(sc->outbox[sc->n_outbox].template_name, sizeof sc->outbox[0].template_name, "%s",
           template_name);
  sc->outbox[sc->n_outbox++].n = n;
}

static void state_row(void *arg, const char *state, int64_t n)
{
  struct scrape_counts *sc = arg;
  for (int i = COLLAB_INVITED; i < COLLAB_STATE__COUNT; i++)
    if (strcmp(collab_state_str((enum collab_state)i), state) == 0)
      sc->states[i] = n;
}

static enum store_status read_counts(struct store_conn *c, void *arg)
{
  struct scrape_counts *sc = arg;
  memset(sc, 0, sizeof *sc);
  enum store_status st = store_outbox_depth(c, outbox_row, sc);
  return st == STORE_OK ? store_collab_states(c, state_row, sc) : st;
}

enum store_status scrape_counts_read(const struct app *app, struct scrape_counts *out)
{
  return store_read(app->store, read_counts, out);
}
