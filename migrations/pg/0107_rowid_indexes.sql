-- PostgreSQL's rowid columns (BIGSERIAL, standing in for SQLite's implicit rowid, which the
-- shared SQL uses) had no index where SQLite's rowid is the table's key, so two statements read
-- a whole table on PostgreSQL only:
-- 1. A collaboration's latest invitation e-mail is joined as "LEFT JOIN outbox m ON m.rowid =
--    (SELECT m.rowid FROM outbox m WHERE ... LIMIT 1)" (collab_sql.h: every read of a
--    collaboration and every row of a list page). With no index on outbox.rowid PostgreSQL
--    hash-joined the whole outbox: 134 ms for one collaboration at 300,000 e-mails, and growing
--    with every e-mail sent. outbox_by_rowid makes it one index search (0.04 ms for the row).
--    It costs every outbox insert one entry at the right end of the index (not measurable in a
--    200,000-row insert: 5.5 s with and without it).
-- 2. A page of an office's or a company's audit log, newest first (ORDER BY rowid DESC,
--    store_audit_list), found the scope's events on audit_events_by_office (office_id) and
--    sorted all of them before the first row; with rowid after the scope the index hands them
--    over in that order (Index Scan Backward). The audit log is not written by an activation.
-- SQLite's rowid is each table's key and its indexes end in it: its 0107 does nothing.
-- test_store_plans checks the collaboration's read on PostgreSQL and the audit log's on SQLite.
-- The builds are not CONCURRENTLY (a migration is one transaction): while outbox_by_rowid is
-- built, the outbox's writes (every activation's e-mail) wait on every instance, about a second
-- for every few hundred thousand e-mails kept; upgrade at a quiet hour.
CREATE UNIQUE INDEX outbox_by_rowid ON outbox (rowid);
DROP INDEX audit_events_by_office;
DROP INDEX audit_events_by_company;
CREATE INDEX audit_events_by_office ON audit_events (office_id, rowid);
CREATE INDEX audit_events_by_company ON audit_events (company_id, rowid);
