/* outbox_sql.h - SQL the store's outbox files share. */
#ifndef ADVISORD_STORE_OUTBOX_SQL_H
#define ADVISORD_STORE_OUTBOX_SQL_H

/* An e-mail not sent (pending or failed): the WHERE of the index outbox_unsent (migration
 * 0071), stated as it is there so that SQLite sees a query with it may use that index. */
#define OUTBOX_UNSENT "(status = 'pending' OR status = 'failed')"

#endif
