-- PostgreSQL's 0107 puts rowid after office_id and company_id in audit_events_by_office and
-- _by_company, so that a page of an office's or a company's audit log, newest first (ORDER BY
-- rowid DESC), is read in that order from the index instead of sorted whole. SQLite's indexes
-- end in the rowid already (audit_events_by_office is (office_id, rowid)): nothing to do here.
SELECT 1;
