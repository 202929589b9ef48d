-- PostgreSQL form of migrations/0041_self_service.sql (same version; INTEGER is BIGINT here).
-- Self-service (issue 13): API tokens made through the API carry a name, the first characters
-- of the token (shown in lists; the rest is never kept) and when they were last used. A token
-- acts as the person who made it (an office user with full rights, or a company's
-- administrator): removing that person revokes it.
ALTER TABLE tokens ADD COLUMN name TEXT;           -- NULL: made by `advisord admin`
ALTER TABLE tokens ADD COLUMN prefix TEXT;         -- "adv_" and 8 characters
ALTER TABLE tokens ADD COLUMN last_used_ms BIGINT;

-- The audit log: who signed in or out, who added, removed or changed whom, which token was
-- made or revoked. office_id / company_id say whose log an event belongs to (both NULL: the
-- vendor's, e.g. support signing in). Nothing here is ever updated or deleted.
CREATE TABLE audit_events (
  id            TEXT PRIMARY KEY,
  at            TEXT NOT NULL,   -- ISO 8601 UTC with milliseconds
  office_id     TEXT,
  company_id    TEXT,
  actor_kind    TEXT NOT NULL,
  actor_id      TEXT NOT NULL,
  actor_email   TEXT NOT NULL,
  action        TEXT NOT NULL CHECK (action IN ('sign_in', 'sign_out', 'session_ended',
                  'user_added', 'user_removed', 'user_role_changed', 'token_created',
                  'token_revoked')),
  subject_kind  TEXT,            -- 'office_user', 'token', 'session'
  subject_id    TEXT,
  subject_label TEXT,            -- the user's e-mail, the token's name
  detail        TEXT,            -- e.g. the new role
  -- SQLite's implicit rowid, which the shared SQL orders by (insertion order)
  rowid         BIGSERIAL
);
CREATE INDEX audit_events_by_office ON audit_events (office_id); -- newest first: by rowid
CREATE INDEX audit_events_by_company ON audit_events (company_id);
