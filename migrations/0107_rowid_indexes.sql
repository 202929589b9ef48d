-- PostgreSQL's 0107 indexes its rowid columns (BIGSERIAL, standing in for SQLite's rowid) where
-- the shared SQL needs them: outbox (rowid), for the join of a collaboration's latest
-- invitation e-mail, and audit_events by (office_id, rowid) and (company_id, rowid), for an
-- audit log page newest first. SQLite's rowid is each table's key and its indexes end in it
-- (audit_events_by_office is (office_id, rowid)): nothing to do here.
SELECT 1;
