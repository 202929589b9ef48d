-- Webhook endpoints' changes in the audit log: who added, changed, deleted an endpoint or
-- rotated its secret. SQLite cannot change a CHECK constraint, so the table is rebuilt; every
-- row keeps its rowid (the order the log is read in, and the cursors clients hold).
CREATE TABLE audit_events_new (
  id            TEXT PRIMARY KEY,
  at            TEXT NOT NULL,   -- ISO 8601 UTC with milliseconds
  office_id     TEXT,
  company_id    TEXT,
  actor_kind    TEXT NOT NULL,
  actor_id      TEXT NOT NULL,
  actor_email   TEXT NOT NULL,
  action        TEXT NOT NULL CHECK (action IN ('sign_in', 'sign_out', 'session_ended',
                  'user_added', 'user_removed', 'user_role_changed', 'token_created',
                  'token_revoked', 'webhook_created', 'webhook_changed', 'webhook_deleted',
                  'webhook_secret_rotated')),
  subject_kind  TEXT,            -- 'office_user', 'token', 'session', 'webhook'
  subject_id    TEXT,
  subject_label TEXT,            -- the user's e-mail, the token's name, the endpoint's URL
  detail        TEXT             -- e.g. the new role, what changed
);
INSERT INTO audit_events_new (rowid, id, at, office_id, company_id, actor_kind, actor_id,
                              actor_email, action, subject_kind, subject_id, subject_label,
                              detail)
  SELECT rowid, id, at, office_id, company_id, actor_kind, actor_id, actor_email, action,
         subject_kind, subject_id, subject_label, detail FROM audit_events ORDER BY rowid;
DROP TABLE audit_events;
ALTER TABLE audit_events_new RENAME TO audit_events;
CREATE INDEX audit_events_by_office ON audit_events (office_id); -- newest first: by rowid
CREATE INDEX audit_events_by_company ON audit_events (company_id);
