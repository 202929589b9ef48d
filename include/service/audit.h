/* service/audit.h - recording an audit event for what a principal did, in the caller's
 * transaction: the event goes to the actor's office's log, or its company's. */
#ifndef ADVISORD_SERVICE_AUDIT_H
#define ADVISORD_SERVICE_AUDIT_H

#include "principal.h"
#include "store.h"

/* Appends (actor, action, subject) to the log of the actor's office or company. subject_*
 * and detail may be NULL. */
enum store_status audit_record(struct store_conn *c, const struct principal *actor,
                               const char *action, const char *subject_kind,
                               const char *subject_id, const char *subject_label,
                               const char *detail);

/* The audit log of the caller's office or company, newest first, before seq before (0: from
 * the newest), at most limit. */
struct app;
struct audit_event;
enum store_status audit_page(const struct app *app, const struct principal *caller,
                             long long before, int limit,
                             bool (*fn)(const struct audit_event *e, void *arg), void *arg);

#endif
