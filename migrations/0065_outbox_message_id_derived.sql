-- The outbox's Message-ID is derived from the row's id ("<id@advisord>", as every row has had
-- since the outbox began), so it is no longer stored: the column's UNIQUE index was one more
-- b-tree written by every activation (issue 12). SQLite cannot drop a UNIQUE column, so the
-- table is rebuilt with the same rows (and rowids: the tests and support order by them) and
-- indexes; no other table refers to it.
CREATE TABLE outbox_0065 (
  id               TEXT PRIMARY KEY,
  recipient        TEXT NOT NULL,
  template         TEXT NOT NULL,                 -- e.g. 'invitation_customer'
  language         TEXT NOT NULL CHECK (language IN ('sv', 'en')),
  data             TEXT NOT NULL DEFAULT '{}',    -- JSON for the template; never a clear token
  collaboration_id TEXT,
  status           TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'sent', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,              -- unix milliseconds
  last_error       TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  sent_at          TEXT,
  leased_until     INTEGER                        -- the mailer's lease (see 0020)
);
INSERT INTO outbox_0065 (rowid, id, recipient, template, language, data, collaboration_id,
                         status, attempts, next_attempt_at, last_error, created_at, updated_at,
                         sent_at, leased_until)
  SELECT rowid, id, recipient, template, language, data, collaboration_id, status, attempts,
         next_attempt_at, last_error, created_at, updated_at, sent_at, leased_until
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_0065 RENAME TO outbox;
CREATE INDEX outbox_by_collaboration ON outbox (collaboration_id, created_at);
CREATE INDEX outbox_by_status_created ON outbox (status, created_at, id);
CREATE INDEX outbox_by_created ON outbox (created_at, id);
CREATE INDEX outbox_pending ON outbox (status, next_attempt_at, created_at)
  WHERE status = 'pending';
