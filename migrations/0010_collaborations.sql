-- Collaborations between an office and a company (DOMAIN.md): the current state and terms of
-- each, and its shared history. The rules live in domain/collab.c; every change of a row here
-- is one transaction that checks `version`, bumps it and adds a collaboration_events row.
-- Times are ISO 8601 UTC text unless named *_ms (unix milliseconds); dates are YYYY-MM-DD.
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
  way                     TEXT NOT NULL
                          CHECK (way IN ('subscriber', 'account', 'new_customer',
                                         'customer_invite')),
  state                   TEXT NOT NULL
                          CHECK (state IN ('invited', 'approved', 'active', 'declined',
                                           'cancelled', 'expired', 'ended')),
  language                TEXT NOT NULL DEFAULT 'sv' CHECK (language IN ('sv', 'en')),
  -- who sent the invitation (an office user or a customer admin)
  inviter_kind            TEXT NOT NULL CHECK (inviter_kind IN ('office_user', 'customer_admin')),
  inviter_id              TEXT NOT NULL,
  -- way 3: the administrator the activation created
  administrator_id        TEXT REFERENCES customer_admins (id),
  -- the customer administrator who first approved (or the link)
  approved_by_kind        TEXT,
  approved_by_id          TEXT,
  keep_service            INTEGER CHECK (keep_service IN (0, 1)),
  -- the invitation: only SHA-256 of the link's token (NULL once used) and the nonce it is
  -- derived from (the mailer rebuilds the link from it); never the token itself
  expires_at_ms           INTEGER NOT NULL,
  token_hash              TEXT UNIQUE,
  token_nonce             TEXT NOT NULL,
  accept_attempts         INTEGER NOT NULL DEFAULT 0,
  reminder_count          INTEGER NOT NULL DEFAULT 0,
  last_reminder_ms        INTEGER,
  version                 INTEGER NOT NULL DEFAULT 1,
  created_at              TEXT NOT NULL,
  updated_at              TEXT NOT NULL
);

-- At most one open collaboration per office and company.
CREATE UNIQUE INDEX collaborations_one_open ON collaborations (office_id, company_id)
  WHERE state IN ('invited', 'approved', 'active');
CREATE INDEX collaborations_by_office ON collaborations (office_id, created_at, id);
CREATE INDEX collaborations_by_company ON collaborations (company_id, created_at, id);
CREATE INDEX collaborations_by_customer ON collaborations (customer_id);
CREATE INDEX collaborations_by_task ON collaborations (task_id);
CREATE INDEX collaborations_due ON collaborations (state, expires_at_ms);

-- The shared history: one row per transition or change, never updated or deleted.
CREATE TABLE collaboration_events (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  collaboration_id TEXT NOT NULL REFERENCES collaborations (id),
  at               TEXT NOT NULL,
  actor_kind       TEXT NOT NULL,   -- office_user, customer_admin, support, system, invitation_link
  actor_id         TEXT,            -- NULL for system and the link
  event            TEXT NOT NULL,   -- domain/collab.c's event names
  from_state       TEXT,            -- NULL for the first event
  to_state         TEXT NOT NULL,
  reason           TEXT,
  details          TEXT NOT NULL DEFAULT '{}'  -- JSON object
);
CREATE INDEX collaboration_events_by_collaboration ON collaboration_events (collaboration_id, seq);

-- Customers with an open collaboration, now read from the real table (an invitation past its
-- expiry is no longer open even before a sweep records it).
DROP VIEW IF EXISTS customer_open_collaborations;
CREATE VIEW customer_open_collaborations (customer_id) AS
  SELECT cu.id FROM customers cu
  JOIN collaborations co ON co.office_id = cu.office_id AND co.company_id = cu.company_id
  WHERE co.state IN ('approved', 'active')
     OR (co.state = 'invited'
         AND co.expires_at_ms > CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
