/* webhook_sql.h - what the two webhook files of the store share: the endpoint's columns and
 * their reader. */
#ifndef ADVISORD_STORE_WEBHOOK_SQL_H
#define ADVISORD_STORE_WEBHOOK_SQL_H

#include "db.h"
#include "store_webhooks.h"

/* The columns store_webhook_read reads, of table alias "w." when prefixed. */
#define HOOK_COLS                                                                            \
  "id, coalesce(office_id, ''), coalesce(company_id, ''), created_by_kind, created_by_id, "  \
  "owner_email, url, events, description, enabled, disabled_reason, secret_nonce, "          \
  "coalesce(old_secret_nonce, ''), coalesce(old_valid_until_ms, 0), "                        \
  "coalesce(failing_since_ms, 0), created_at, updated_at, language "

/* Reads HOOK_COLS starting at column `at` into w. */
void store_webhook_read(struct db_stmt *s, int at, struct webhook *w);

#endif
