/* mailer.h - the mailer's threads (--mail-workers): deliver outbox rows (store_outbox.h) in the
 * background, each with its own store connection, so that no request ever waits for a mail
 * server. main.c starts
 * and stops it; anything that enqueues may wake it. */
#ifndef ADVISORD_MAILER_H
#define ADVISORD_MAILER_H

struct app;
struct mailer;

/* Starts the threads (SMTP when app->cfg->smtp_url is set, else the spool folder). NULL when
 * the thread cannot be started (logged). Free with mailer_stop(). */
struct mailer *mailer_start(struct app *app);
/* Tells the mailer that rows were committed to the outbox (it also polls; NULL is fine). */
void mailer_wake(struct mailer *m);
/* Stops the threads: a delivery in flight is abandoned and its row given back as pending, to be
 * sent after the next start (with the same Message-ID). Frees m; NULL is fine. */
void mailer_stop(struct mailer *m);

#endif
