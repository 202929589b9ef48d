-- Webhooks (issue 16): endpoints an office (or a company's administrator) registers, and one
-- delivery row per event and endpoint, written in the transaction of the history event that
-- causes it. The signing secret is never stored: it is derived from the server's secret and
-- secret_nonce (as invitation tokens are); during a rotation the previous nonce stays valid
-- until old_valid_until_ms.
CREATE TABLE webhooks (
  id                 TEXT PRIMARY KEY,
  office_id          TEXT REFERENCES offices (id),    -- an office's endpoint, or
  company_id         TEXT REFERENCES companies (id),  -- a company's (its administrators')
  created_by_kind    TEXT NOT NULL,
  created_by_id      TEXT NOT NULL,
  owner_email        TEXT NOT NULL,   -- told when the endpoint is disabled for failing
  url                TEXT NOT NULL,
  events             TEXT NOT NULL,   -- ",collaboration.approved,...," or "*"
  description        TEXT NOT NULL DEFAULT '',
  enabled            INTEGER NOT NULL DEFAULT 1,
  disabled_reason    TEXT NOT NULL DEFAULT '',
  secret_nonce       TEXT NOT NULL,
  old_secret_nonce   TEXT,
  old_valid_until_ms INTEGER,
  failing_since_ms   INTEGER,         -- first failure since the last success
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  CHECK ((office_id IS NULL) <> (company_id IS NULL))
);
CREATE INDEX webhooks_by_office ON webhooks (office_id);
CREATE INDEX webhooks_by_company ON webhooks (company_id);

-- seq orders the deliveries of one endpoint and collaboration: a row is sent only when no
-- earlier pending row of the same endpoint and collaboration is left.
CREATE TABLE webhook_deliveries (
  id               TEXT PRIMARY KEY,
  seq              INTEGER NOT NULL UNIQUE,
  webhook_id       TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event_id         TEXT NOT NULL,   -- the same on every try and redelivery
  event_type       TEXT NOT NULL,
  collaboration_id TEXT NOT NULL,   -- '' for a ping
  payload          TEXT NOT NULL,   -- the JSON body, exactly as sent
  status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms  INTEGER NOT NULL,
  lease_until_ms   INTEGER,         -- a worker holds it until then
  response_code    INTEGER,
  last_error       TEXT NOT NULL DEFAULT '',
  created_ms       INTEGER NOT NULL,
  created_at       TEXT NOT NULL,
  delivered_at     TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_ms);
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (webhook_id, collaboration_id, seq);
