-- Bulk activation (issue 18): a batch is one upload (a CSV file or a JSON array) of an office
-- user; each of its rows becomes one activation, run in the background, each in a transaction
-- of its own that also writes the row's result (outcome, collaboration_id), so that after a
-- crash the runner goes on with the rows still pending and never does a row twice. A row
-- refused before the run (its shape) is stored refused at once.
CREATE TABLE collab_batches (
  id              TEXT PRIMARY KEY,
  office_id       TEXT NOT NULL REFERENCES offices (id),
  created_by_id   TEXT NOT NULL,   -- the office user who uploaded it (the rows' inviter)
  created_by_role TEXT NOT NULL,   -- 'full' (only a full user may upload)
  created_by_email TEXT NOT NULL,
  format          TEXT NOT NULL CHECK (format IN ('csv', 'json')),
  delimiter       TEXT NOT NULL,   -- of the CSV answer: the upload's (JSON: ',')
  columns         TEXT NOT NULL,   -- JSON array of the uploaded column names, in order
  state           TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done')),
  rows_total      INTEGER NOT NULL,
  lease_until_ms  INTEGER,         -- a runner holds it until then
  created_ms      INTEGER NOT NULL,
  created_at      TEXT NOT NULL,
  finished_at     TEXT
);
CREATE INDEX collab_batches_by_office ON collab_batches (office_id, created_at, id);
CREATE INDEX collab_batches_by_creator ON collab_batches (created_by_id, created_at);
CREATE INDEX collab_batches_open ON collab_batches (state, created_ms);

CREATE TABLE collab_batch_rows (
  batch_id         TEXT NOT NULL REFERENCES collab_batches (id) ON DELETE CASCADE,
  row_no           INTEGER NOT NULL,  -- 1-based, in upload order
  line             INTEGER,           -- the CSV line it starts on; NULL for JSON
  cells            TEXT NOT NULL,     -- JSON object: column -> the text uploaded (no empties)
  outcome          TEXT NOT NULL DEFAULT 'pending'
                     CHECK (outcome IN ('pending', 'invited', 'refused')),
  collaboration_id TEXT REFERENCES collaborations (id),
  problem_column   TEXT,
  problem          TEXT,
  PRIMARY KEY (batch_id, row_no)
);
CREATE INDEX collab_batch_rows_pending ON collab_batch_rows (batch_id, outcome, row_no);
CREATE INDEX collab_batch_rows_by_collab ON collab_batch_rows (collaboration_id);
