/* collab_sql.h - what the store's collaboration files share: the columns every read of
 * a collaboration selects (with the names joined in, and an active one's terms read from its
 * company's subscription) and the function that reads such a row. */
#ifndef ADVISORD_STORE_COLLAB_SQL_H
#define ADVISORD_STORE_COLLAB_SQL_H

#include "db.h"

#include "store_collab.h"

/* An active collaboration works in the company's subscription: its variant, payer, period and
 * dates are read from the company (whichever office changed them last); an invitation shows
 * what it proposes, an ended one what it had when it ended (written back by its last update). */
#define SUB_TERM(col, sub)                                                                   \
  "CASE WHEN co.state = 'active' AND cp.relation = 'subscriber' THEN cp." sub                \
  " ELSE co." col " END"
#define EFFECTIVE_VARIANT SUB_TERM("variant", "sub_variant")

/* The columns up to the language, and from the reminders on: the same in a full read and in
 * a view (below). */
#define COLLAB_SELECT_HEAD                                                                   \
  "SELECT co.id, co.office_id, co.company_id, co.customer_id, co.task_id, "                 \
  EFFECTIVE_VARIANT ", " SUB_TERM("invoice_recipient", "sub_invoice_recipient") ", "        \
  SUB_TERM("agreement_period_months", "sub_agreement_period_months") ", "                   \
  "co.agreement_continues, " SUB_TERM("starts_on", "sub_starts_on") ", "                    \
  SUB_TERM("renews_on", "sub_renews_on") ", co.initiated_by, co.way, co.state, co.language, "
#define COLLAB_SELECT_TAIL                                                                   \
  "co.reminder_count, co.last_reminder_ms, co.version, co.created_at, co.updated_at, "       \
  "co.service_decision_pending, co.renewal_requested_at, cp.corporate_id, cp.name, o.name, " \
  "cu.name, ca.name, ca.email, ca.phone, ca.confirmed "
/* Every member of struct collab; read with store_collab_read_row. */
#define COLLAB_SELECT                                                                        \
  COLLAB_SELECT_HEAD "co.inviter_kind, co.inviter_id, co.administrator_id, "                 \
  "co.approved_by_kind, co.approved_by_id, co.keep_service, co.expires_at_ms, "              \
  "co.token_nonce, co.accept_attempts, " COLLAB_SELECT_TAIL
/* A view: what the API shows of a collaboration (collab_json_write), without the six members
 * only its changes use (inviter_kind, inviter_id, approved_by_kind, approved_by_id,
 * token_nonce, accept_attempts), which the reader leaves empty (0). Five text columns fewer
 * for SQLite to copy into registers and free at every GET one and every row of a list
 * (callgrind of GET one). For the reads with the e-mail (COLLAB_WITH_MAIL,
 * COLLAB_ONE_WITH_MAIL), read with store_collab_read_with_mail: a struct collab read so is
 * for showing, never for a decision or a write. */
#define COLLAB_VIEW_SELECT                                                                   \
  COLLAB_SELECT_HEAD "co.administrator_id, co.keep_service, co.expires_at_ms, "              \
  COLLAB_SELECT_TAIL
#define COLLAB_FROM                                                                          \
  "FROM collaborations co JOIN companies cp ON cp.id = co.company_id "                       \
  "JOIN offices o ON o.id = co.office_id "                                                   \
  "LEFT JOIN customers cu ON cu.office_id = co.office_id AND cu.company_id = co.company_id " \
  "LEFT JOIN customer_admins ca ON ca.id = co.administrator_id "

#define COLLAB_COLUMNS COLLAB_SELECT COLLAB_FROM

/* An open collaboration (invited, approved or active; column prefix p, e.g. "co."), as
 * comparisons: SQLite fills a temporary b-tree for an IN list of more than two values at every
 * run of the statement. The same condition as collaborations_one_open's WHERE (migration 0070),
 * so that SQLite sees a read with it may use that index. */
#define COLLAB_OPEN_STATE(p)                                                                 \
  "(" p "state = 'invited' OR " p "state = 'approved' OR " p "state = 'active')"

/* A collaboration's latest invitation e-mail, from outbox m: its columns, and the condition
 * and order that find it for the collaboration whose id is the SQL expression collab. The
 * templates are compared one by one: SQLite builds a temporary b-tree for an IN list of more
 * than two values at every run of the statement (about 3% of a GET's time). */
#define COLLAB_MAIL_COLUMNS                                                                  \
  "m.id, m.template, m.status, m.attempts, m.last_error, m.created_at, m.sent_at"
#define COLLAB_MAIL_TEMPLATE                                                                 \
  "(m.template = 'invitation_customer' OR m.template = 'activation_new_admin' OR "          \
  "m.template = 'invitation_office')"
#define COLLAB_MAIL_ORDER "ORDER BY m.created_at DESC, m.rowid DESC"
#define COLLAB_MAIL_OF(collab)                                                               \
  "m.collaboration_id = " collab " AND " COLLAB_MAIL_TEMPLATE " " COLLAB_MAIL_ORDER

/* COLLAB_VIEW_SELECT with the latest invitation e-mail's columns after the collaboration's
 * (NULL when it has none), and the FROM that joins it: one statement for a collaboration and its
 * e-mail, so one read of the database. */
#define COLLAB_WITH_MAIL                                                                     \
  COLLAB_VIEW_SELECT ", " COLLAB_MAIL_COLUMNS " " COLLAB_FROM                                     \
  "LEFT JOIN outbox m ON m.rowid = (SELECT m.rowid FROM outbox m WHERE "                     \
  COLLAB_MAIL_OF("co.id") " LIMIT 1) "

/* COLLAB_WITH_MAIL for one collaboration on SQLite, to be followed by a WHERE that selects one
 * row of collaborations, then COLLAB_MAIL_ORDER and LIMIT 1: the e-mails are joined directly,
 * read newest first from outbox_by_collaboration (collaboration_id, created_at, rowid), and the
 * first row is the answer (the other joins match one row at most: unique keys). The same row
 * as COLLAB_WITH_MAIL's, without its subquery: two cursors fewer to open and close and one
 * search of the e-mail's row fewer at every read (callgrind of GET one). Not for a list (each
 * collaboration would be one row per e-mail), nor PostgreSQL, whose planner may take such an
 * ORDER BY ... LIMIT 1 from another index. */
#define COLLAB_ONE_WITH_MAIL                                                                 \
  COLLAB_VIEW_SELECT ", " COLLAB_MAIL_COLUMNS " " COLLAB_FROM                                     \
  "LEFT JOIN outbox m ON m.collaboration_id = co.id AND " COLLAB_MAIL_TEMPLATE " "

/* Reads a row selected with COLLAB_COLUMNS into co; returns the number of columns read (the
 * index of the first column after them). */
int store_collab_read_row(struct db_stmt *s, struct collab *co);
/* Reads COLLAB_MAIL_COLUMNS from column first on into out. */
void store_collab_read_mail(struct db_stmt *s, int first, struct collab_mail_state *out);
/* A COLLAB_WITH_MAIL (or COLLAB_ONE_WITH_MAIL) row into co and mail: co as a view (see
 * COLLAB_VIEW_SELECT: the six members only changes use are left empty); false when the
 * collaboration has no e-mail. */
bool store_collab_read_with_mail(struct db_stmt *s, struct collab *co,
                                 struct collab_mail_state *mail);

#endif
