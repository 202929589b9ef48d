/* sign_in_sql.h - statements of sessions.c that test_store_sign_in explains on both engines
 * (internal to src/store/): the accounts of an address, the sweeper's purge. */
#ifndef ADVISORD_STORE_SIGN_IN_SQL_H
#define ADVISORD_STORE_SIGN_IN_SQL_H

/* Every account of :email whose address differs from it at most in the case of its ASCII
 * letters: office users, confirmed customer administrators, support users (kind, id, e-mail,
 * the account's name). collate is "" on SQLite, whose lower() folds only A-Z, and
 * " COLLATE \"C\"" on PostgreSQL, where lower() under the database's own collation folds more
 * ("Ä" to "ä": the engines would disagree about who signs in) and under "C" only A-Z. Each
 * comparison is the expression migration 0105 indexes on its table (customer administrators:
 * the confirmed ones), so that each is one index search, not a read of the whole table. */
#define SIGN_IN_ACCOUNTS_SQL(collate)                                                         \
  "SELECT 'office_user', u.id, u.email, o.name FROM office_users u "                          \
  "JOIN offices o ON o.id = u.office_id "                                                     \
  "WHERE lower(u.email" collate ") = lower(:email" collate ") "                               \
  "UNION ALL SELECT 'customer_admin', a.id, a.email, co.name FROM customer_admins a "         \
  "JOIN companies co ON co.id = a.company_id "                                                \
  "WHERE lower(a.email" collate ") = lower(:email" collate ") AND a.confirmed = 1 "           \
  "UNION ALL SELECT 'support', su.id, su.email, '' FROM support_users su "                    \
  "WHERE lower(su.email" collate ") = lower(:email" collate ")"
#define SIGN_IN_ACCOUNTS_SQLITE SIGN_IN_ACCOUNTS_SQL("")
#define SIGN_IN_ACCOUNTS_PG SIGN_IN_ACCOUNTS_SQL(" COLLATE \"C\"")

/* The purge (store_sign_in_purge): links and sessions that ended before :before (unix ms;
 * :before_iso the same time as text), on migration 0106's indexes. A session ends (expires,
 * lapses unused, is ended) no earlier than it was last seen, to within one request: a touch
 * follows the check that the session is live, and a request that passed that check while the
 * session ended (a sign-out, its user removed) may touch it just after. So "last_seen_ms <
 * :before" confines the search to the sessions not seen since, not all of them, and leaves out
 * none that ended before :before but such a one, which the next purge finds. */
#define SIGN_IN_PURGE_LINKS_SQL "DELETE FROM sign_in_links WHERE expires_ms < :before"
#define SIGN_IN_PURGE_SESSIONS_SQL                                                            \
  "DELETE FROM sessions WHERE last_seen_ms < :before AND (expires_ms < :before "              \
  "OR last_seen_ms + :idle < :before OR ended_at < :before_iso)"

#endif
