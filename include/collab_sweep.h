/* collab_sweep.h - the thread that records lapsed invitations as expired and drops sign-in
 * links and sessions long past their end. main.c starts it
 * with the server and stops it before closing the store. */
#ifndef ADVISORD_COLLAB_SWEEP_H
#define ADVISORD_COLLAB_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct app;
struct collab_sweeper;

/* Starts the sweeper (every app->cfg->expiry_sweep_interval seconds). NULL when the thread
 * cannot be started (logged). Free with collab_sweeper_stop(). */
struct collab_sweeper *collab_sweeper_start(struct app *app);
/* Stops and frees the sweeper; NULL is fine. */
void collab_sweeper_stop(struct collab_sweeper *sw);
/* Deletes sign-in links and browser sessions that ended more than a day ago; returns how
 * many rows went. */
size_t sign_in_purge_once(struct app *app);
/* Starts (approved -> active, both parties told) at most 100 approved collaborations whose
 * scheduled start is on or before the day of now_ms in the offices' time zone, inside the
 * caller's write transaction on c; *started: how many. The sweep calls it with the current
 * time; `advisord admin start-due --at TIME` with a time of its choice. */
enum store_status collab_start_due(struct store_conn *c, int64_t now_ms, size_t *started);
/* Records every invitation that has lapsed by now, and starts every collaboration whose
 * scheduled day has come; returns how many invitations expired. */
size_t collab_sweep_once(struct app *app);

#endif
