/* metrics.c - GET /metrics in the Prometheus text format (0.0.4): the counters kept where
 * things happen (core/metrics.c), then counts read from the database now: the outbox's depth
 * by status and template, collaborations (invitations and what became of them) by state.
 * Who may read it: on the main port a support or admin token (the route table says so); on
 * --metrics-bind anyone who reaches that address (main.c serves only this route there). */
#include "app.h"
#include "domain/collab.h"
#include "handlers.h"
#include "metrics.h"
#include "service/scrape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void render_counts(FILE *out, const struct scrape_counts *sc)
{
  metrics_family(out, "advisord_outbox_messages", "gauge",
                 "E-mails not delivered: pending (queued or waiting to be tried again) and "
                 "failed (given up; support may retry), by template");
  /* Template names are [a-z_] (the known templates): no label escaping needed. */
  for (size_t i = 0; i < sc->n_outbox; i++)
    fprintf(out, "advisord_outbox_messages{status=\"%s\",template=\"%s\"} %lld\n",
            sc->outbox[i].status, sc->outbox[i].template_name, (long long)sc->outbox[i].n);
  metrics_family(out, "advisord_collaborations", "gauge",
                 "Collaborations by state: invitations open (invited), approved, active, and "
                 "how the others ended");
  for (int i = COLLAB_INVITED; i < COLLAB_STATE__COUNT; i++)
    fprintf(out, "advisord_collaborations{state=\"%s\"} %lld\n",
            collab_state_str((enum collab_state)i), (long long)sc->states[i]);
}

enum MHD_Result api_metrics(struct request *req)
{
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  if (!out)
    return reply_problem(req, ERR_INTERNAL, "Out of memory");
  metrics_render(out);
  struct scrape_counts *sc = calloc(1, sizeof *sc);
  enum store_status st = sc ? scrape_counts_read(req->app, sc) : STORE_ERROR;
  if (st == STORE_OK)
    render_counts(out, sc);
  free(sc);
  metrics_family(out, "advisord_db_up", "gauge",
                 "1 when the database answered this scrape's counts, else 0");
  fprintf(out, "advisord_db_up %d\n", st == STORE_OK);
  if (fclose(out) != 0) {
    free(text);
    return reply_problem(req, ERR_INTERNAL, "Out of memory");
  }
  return reply_text(req, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
}
