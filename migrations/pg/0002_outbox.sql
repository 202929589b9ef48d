-- PostgreSQL form of migrations/0002_outbox.sql (same version; INTEGER is BIGINT here).
-- The mail outbox: rows are written in the same transaction as the state change that causes
-- them and delivered afterwards by the mailer thread. Nothing here is ever deleted.
CREATE TABLE outbox (
  id               TEXT PRIMARY KEY,
  message_id       TEXT NOT NULL UNIQUE,          -- stable across retries: <uuid@advisord>
  recipient        TEXT NOT NULL,
  template         TEXT NOT NULL,                 -- e.g. 'invitation_customer'
  language         TEXT NOT NULL CHECK (language IN ('sv', 'en')),
  data             TEXT NOT NULL DEFAULT '{}',    -- JSON for the template; never a clear token
  collaboration_id TEXT,
  status           TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'sent', 'failed')),
  attempts         BIGINT NOT NULL DEFAULT 0,
  next_attempt_at  BIGINT NOT NULL,              -- unix milliseconds
  last_error       TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  sent_at          TEXT,
  -- SQLite's implicit rowid, which the shared SQL orders by (insertion order)
  rowid            BIGSERIAL
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_collaboration ON outbox (collaboration_id, created_at);
