-- One b-tree less per activation (issue 12): collaborations.token_hash has been NULL in every
-- row since invitation links got their own table (0030), but its UNIQUE index still took an
-- entry at every INSERT. SQLite cannot drop a UNIQUE column, so the table is made again
-- without it: the same rows (and rowids), columns, CHECKs (0070's), indexes and view.
--
-- Three tables refer to collaborations (events, links, batch rows), and foreign keys are
-- enforced inside this transaction. With them deferred to the commit, the DROP counts every
-- row that refers to a collaboration as a violation, and each collaboration put back into the
-- new table of the same name takes its own back off the count: at the commit none is left (a
-- row that referred to nothing before would still be counted, and the migration would fail
-- rather than hide it). The rows wait in a copy meanwhile; the view over the table is made
-- again after it.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE collaborations_0072 AS SELECT rowid AS row_0072, * FROM collaborations;
DROP VIEW customer_open_collaborations;
DROP TABLE collaborations;
CREATE TABLE collaborations (
  id                      TEXT PRIMARY KEY,
  office_id               TEXT NOT NULL REFERENCES offices (id),
  company_id              TEXT NOT NULL REFERENCES companies (id),
  -- the office's register entry; NULL in way 4 until the office connects a task
  customer_id             TEXT REFERENCES customers (id) ON DELETE SET NULL,
  task_id                 TEXT REFERENCES tasks (id) ON DELETE SET NULL,
  variant                 TEXT NOT NULL REFERENCES variants (code),
  invoice_recipient       TEXT NOT NULL CHECK (invoice_recipient IN ('office', 'customer')),
  agreement_period_months INTEGER NOT NULL CHECK (agreement_period_months IN (3, 12)),
  agreement_continues     INTEGER NOT NULL DEFAULT 0 CHECK (agreement_continues IN (0, 1)),
  starts_on               TEXT,
  renews_on               TEXT,
  initiated_by            TEXT NOT NULL CHECK (initiated_by IN ('office', 'customer')),
  -- IN lists of three or more values as comparisons (see 0070)
  way                     TEXT NOT NULL
                          CHECK (way = 'subscriber' OR way = 'account' OR way = 'new_customer'
                                 OR way = 'customer_invite'),
  state                   TEXT NOT NULL
                          CHECK (state = 'invited' OR state = 'approved' OR state = 'active'
                                 OR state = 'declined' OR state = 'cancelled'
                                 OR state = 'expired' OR state = 'ended'),
  language                TEXT NOT NULL DEFAULT 'sv' CHECK (language IN ('sv', 'en')),
  -- who sent the invitation (an office user or a customer admin)
  inviter_kind            TEXT NOT NULL CHECK (inviter_kind IN ('office_user', 'customer_admin')),
  inviter_id              TEXT NOT NULL,
  -- ways 1-3: the customer administrator the invitation goes to
  administrator_id        TEXT REFERENCES customer_admins (id),
  -- the customer administrator who first approved (or the link)
  approved_by_kind        TEXT,
  approved_by_id          TEXT,
  keep_service            INTEGER CHECK (keep_service IN (0, 1)),
  -- the invitation's expiry and the nonce of its latest link (the mailer rebuilds the link
  -- from it); the links themselves: invitation_links
  expires_at_ms           INTEGER NOT NULL,
  token_nonce             TEXT NOT NULL,
  accept_attempts         INTEGER NOT NULL DEFAULT 0,
  reminder_count          INTEGER NOT NULL DEFAULT 0,
  last_reminder_ms        INTEGER,
  version                 INTEGER NOT NULL DEFAULT 1,
  created_at              TEXT NOT NULL,
  updated_at              TEXT NOT NULL,
  service_decision_pending INTEGER NOT NULL DEFAULT 0
                          CHECK (service_decision_pending IN (0, 1)),
  renewal_requested_at    TEXT
);
INSERT INTO collaborations (rowid, id, office_id, company_id, customer_id, task_id, variant,
                            invoice_recipient, agreement_period_months, agreement_continues,
                            starts_on, renews_on, initiated_by, way, state, language,
                            inviter_kind, inviter_id, administrator_id, approved_by_kind,
                            approved_by_id, keep_service, expires_at_ms, token_nonce,
                            accept_attempts, reminder_count, last_reminder_ms, version,
                            created_at, updated_at, service_decision_pending,
                            renewal_requested_at)
  SELECT row_0072, id, office_id, company_id, customer_id, task_id, variant, invoice_recipient,
         agreement_period_months, agreement_continues, starts_on, renews_on, initiated_by, way,
         state, language, inviter_kind, inviter_id, administrator_id, approved_by_kind,
         approved_by_id, keep_service, expires_at_ms, token_nonce, accept_attempts,
         reminder_count, last_reminder_ms, version, created_at, updated_at,
         service_decision_pending, renewal_requested_at
    FROM collaborations_0072 ORDER BY row_0072;
DROP TABLE collaborations_0072;
CREATE UNIQUE INDEX collaborations_one_open ON collaborations (office_id, company_id)
  WHERE state = 'invited' OR state = 'approved' OR state = 'active';
CREATE INDEX collaborations_by_office ON collaborations (office_id, created_at, id);
CREATE INDEX collaborations_by_company ON collaborations (company_id, created_at, id);
CREATE INDEX collaborations_by_customer ON collaborations (customer_id, created_at, id);
CREATE INDEX collaborations_by_task ON collaborations (task_id, created_at, id);
CREATE INDEX collaborations_due ON collaborations (state, expires_at_ms);
CREATE INDEX collaborations_by_inviter ON collaborations (inviter_id, created_at);
CREATE INDEX collaborations_by_created ON collaborations (created_at, id);
CREATE VIEW customer_open_collaborations (customer_id) AS
  SELECT cu.id FROM customers cu
  JOIN collaborations co ON co.office_id = cu.office_id AND co.company_id = cu.company_id
  WHERE co.state IN ('approved', 'active')
     OR (co.state = 'invited'
         AND co.expires_at_ms > CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
