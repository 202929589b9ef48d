-- A page of an office's or a company's audit log is the newest events first (ORDER BY rowid
-- DESC, store_audit_list). audit_events_by_office and _by_company were (office_id) and
-- (company_id): PostgreSQL found the scope's events on them and then sorted all of them before
-- the first row of a page. With rowid after the scope the index hands them over in that order
-- and a page reads only its rows (SQLite's indexes end in the rowid already: its 0107 does
-- nothing). The audit log is not written by an activation. test_store_list_plan checks the
-- statements' plans on SQLite.
DROP INDEX audit_events_by_office;
DROP INDEX audit_events_by_company;
CREATE INDEX audit_events_by_office ON audit_events (office_id, rowid);
CREATE INDEX audit_events_by_company ON audit_events (company_id, rowid);
