-- Fewer b-trees written per activation (issue 12). An activation's transaction wrote 28 b-trees
-- (tables, their indexes, SQLite's sequence table), each at least one WAL page; these four are
-- not needed by any query, or can be had for less:
-- * collaborations_open_by_company (company_id, state): every query that used it (a company's
--   open collaborations, another active one, the customers' "open" view) finds the same rows
--   through collaborations_by_company (company_id, created_at, id): a company has few.
DROP INDEX collaborations_open_by_company;

-- * outbox_due (status, next_attempt_at) held every e-mail ever sent, and the mailer's pick
--   (ORDER BY next_attempt_at, created_at) sorted the rows due at the same time in a temporary
--   b-tree: now only the pending rows, in the pick's order (status, always 'pending' here, stays
--   first so that SQLite's planner prefers this index to outbox_by_status_created for the
--   pick); the counts of pending and failed e-mails (/metrics) walk outbox_by_status_created.
DROP INDEX outbox_due;
CREATE INDEX outbox_pending ON outbox (status, next_attempt_at, created_at)
  WHERE status = 'pending';

-- * invitation_links kept its rows in a rowid table plus an index on its key (token_hash): one
--   b-tree keyed by token_hash instead (no other table refers to it).
CREATE TABLE invitation_links_0055 (
  token_hash       TEXT PRIMARY KEY,
  collaboration_id TEXT NOT NULL REFERENCES collaborations (id),
  holder_kind      TEXT NOT NULL CHECK (holder_kind IN ('customer_admin', 'office')),
  holder_id        TEXT NOT NULL,
  created_at       TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO invitation_links_0055 (token_hash, collaboration_id, holder_kind, holder_id, created_at)
  SELECT token_hash, collaboration_id, holder_kind, holder_id, created_at FROM invitation_links;
DROP TABLE invitation_links;
ALTER TABLE invitation_links_0055 RENAME TO invitation_links;
CREATE INDEX invitation_links_by_collaboration ON invitation_links (collaboration_id);

-- * collaboration_events' AUTOINCREMENT updated sqlite_sequence on every insert. Its only
--   promise beyond INTEGER PRIMARY KEY's (the largest seq plus one) is that a deleted largest
--   seq is not given again; events are never deleted, so seq numbers stay exactly as they were.
CREATE TABLE collaboration_events_0055 (
  seq              INTEGER PRIMARY KEY,
  collaboration_id TEXT NOT NULL REFERENCES collaborations (id),
  at               TEXT NOT NULL,
  actor_kind       TEXT NOT NULL,   -- office_user, customer_admin, support, system, invitation_link
  actor_id         TEXT,            -- NULL for system and the link
  event            TEXT NOT NULL,   -- domain/collab.c's event names
  from_state       TEXT,            -- NULL for the first event
  to_state         TEXT NOT NULL,
  reason           TEXT,
  details          TEXT NOT NULL DEFAULT '{}',  -- JSON object
  actor_name       TEXT,
  actor_role       TEXT
);
INSERT INTO collaboration_events_0055 (seq, collaboration_id, at, actor_kind, actor_id, event,
                                       from_state, to_state, reason, details, actor_name,
                                       actor_role)
  SELECT seq, collaboration_id, at, actor_kind, actor_id, event, from_state, to_state, reason,
         details, actor_name, actor_role FROM collaboration_events;
DROP TABLE collaboration_events;
ALTER TABLE collaboration_events_0055 RENAME TO collaboration_events;
CREATE INDEX collaboration_events_by_collaboration ON collaboration_events (collaboration_id, seq);
DELETE FROM sqlite_sequence WHERE name = 'collaboration_events';
