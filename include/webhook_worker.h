/* webhook_worker.h - the webhook worker threads (--webhook-workers): they send the deliveries
 * of store_webhooks.h in the background, each with its own store connection, apart from the
 * mailer's threads, so that no request and no e-mail ever waits for a receiver. main.c starts
 * and stops them. */
#ifndef ADVISORD_WEBHOOK_WORKER_H
#define ADVISORD_WEBHOOK_WORKER_H

struct app;
struct webhook_worker;

/* Starts the threads. NULL when they cannot be started (logged). Free with
 * webhook_worker_stop(). */
struct webhook_worker *webhook_worker_start(struct app *app);
/* Tells the threads that deliveries were committed (they also poll; NULL is fine). Wakes one
 * only when webhook_worker_queued was called in the last seconds. */
void webhook_worker_wake(struct webhook_worker *w);
/* Notes that a delivery was queued (or made pending again) in a transaction of this process
 * that will call webhook_worker_wake after its commit. */
void webhook_worker_queued(void);
/* Stops the threads: a try in flight is abandoned and its delivery given back as pending, to
 * be sent after the next start with the same event id. Frees w; NULL is fine. */
void webhook_worker_stop(struct webhook_worker *w);

#endif
