-- PostgreSQL form of migrations/0003_identity.sql (same version; INTEGER is BIGINT here).
-- Identity and tenancy: offices and their users, the vendor's companies and their customer
-- administrators, support staff, administrators, bearer tokens (hashed), each office's
-- customer register and tasks, and the idempotency keys of creating POSTs.
-- Ids are UUIDs in text form. Times are ISO 8601 UTC text unless named *_ms (unix ms).
-- Corporate IDs are stored in the one normalised form "NNNNNN-NNNN" (domain/corporate_id.c).

CREATE TABLE offices (
  id           TEXT PRIMARY KEY,
  corporate_id TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  email        TEXT NOT NULL,
  created_at   TEXT NOT NULL
);

CREATE TABLE office_users (
  id         TEXT PRIMARY KEY,
  office_id  TEXT NOT NULL REFERENCES offices (id),
  email      TEXT NOT NULL,
  name       TEXT,
  role       TEXT NOT NULL CHECK (role IN ('full', 'limited')),
  created_at TEXT NOT NULL,
  UNIQUE (office_id, email)
);

-- One row per business known to the vendor, shared by every office that serves it. A
-- subscriber has a subscription (the sub_* columns); no other relation has one.
CREATE TABLE companies (
  id                          TEXT PRIMARY KEY,
  corporate_id                TEXT NOT NULL UNIQUE,
  name                        TEXT NOT NULL,
  relation                    TEXT NOT NULL CHECK (relation IN ('none', 'account', 'subscriber')),
  sub_variant                 TEXT REFERENCES variants (code),
  sub_invoice_recipient       TEXT CHECK (sub_invoice_recipient IN ('office', 'customer')),
  sub_agreement_period_months BIGINT CHECK (sub_agreement_period_months IN (3, 12)),
  sub_starts_on               TEXT,   -- YYYY-MM-DD
  sub_renews_on               TEXT,   -- YYYY-MM-DD
  version                     BIGINT NOT NULL DEFAULT 1,
  created_at                  TEXT NOT NULL,
  updated_at                  TEXT NOT NULL,
  CHECK ((relation = 'subscriber') = (sub_variant IS NOT NULL)),
  CHECK (sub_variant IS NULL OR (sub_invoice_recipient IS NOT NULL
         AND sub_agreement_period_months IS NOT NULL AND sub_starts_on IS NOT NULL
         AND sub_renews_on IS NOT NULL))
);

-- People who log in to the customer portal for a company. is_main_contact marks the one the
-- vendor talks to (ending a collaboration needs one).
CREATE TABLE customer_admins (
  id              TEXT PRIMARY KEY,
  company_id      TEXT NOT NULL REFERENCES companies (id),
  name            TEXT NOT NULL,
  email           TEXT NOT NULL,
  phone           TEXT,
  is_main_contact BIGINT NOT NULL DEFAULT 0 CHECK (is_main_contact IN (0, 1)),
  created_at      TEXT NOT NULL,
  UNIQUE (company_id, email)
);

CREATE TABLE support_users (
  id         TEXT PRIMARY KEY,
  email      TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);

CREATE TABLE admins (
  id         TEXT PRIMARY KEY,
  email      TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);

-- Bearer tokens: only the SHA-256 of the token is kept; the token itself is shown once.
CREATE TABLE tokens (
  id             TEXT PRIMARY KEY,
  token_hash     TEXT NOT NULL UNIQUE,   -- 64 hex digits
  principal_kind TEXT NOT NULL
                 CHECK (principal_kind IN ('office_user', 'customer_admin', 'support', 'admin')),
  principal_id   TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  expires_at     TEXT,                   -- YYYY-MM-DDTHH:MM:SSZ, NULL: never
  revoked_at     TEXT
);
CREATE INDEX tokens_by_principal ON tokens (principal_id);

-- An office's customer register: its own name, contact and notes for a company.
CREATE TABLE customers (
  id         TEXT PRIMARY KEY,
  office_id  TEXT NOT NULL REFERENCES offices (id),
  company_id TEXT NOT NULL REFERENCES companies (id),
  name       TEXT NOT NULL,
  email      TEXT NOT NULL,
  notes      TEXT,
  version    BIGINT NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (office_id, company_id)
);
CREATE INDEX customers_by_office_name ON customers (office_id, name, id);
CREATE INDEX customers_by_company ON customers (company_id);

CREATE TABLE tasks (
  id          TEXT PRIMARY KEY,
  office_id   TEXT NOT NULL REFERENCES offices (id),
  customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  name        TEXT NOT NULL,
  assignee_id TEXT REFERENCES office_users (id),
  status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  version     BIGINT NOT NULL DEFAULT 1,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX tasks_by_customer ON tasks (customer_id, created_at, id);
CREATE INDEX tasks_by_office ON tasks (office_id, status);

-- Customers with an open collaboration (invited, approved or active). Empty until the
-- collaborations migration replaces this view with one over its table; the customer list
-- filter and the delete check read only this view (store_customer_has_open_collaboration).
CREATE VIEW customer_open_collaborations (customer_id) AS
  SELECT NULL::text WHERE false;

-- Idempotency-Key records of creating POSTs, per principal, kept at least 24 hours.
CREATE TABLE idempotency_keys (
  principal_id  TEXT NOT NULL,
  key           TEXT NOT NULL,
  fingerprint   TEXT NOT NULL,   -- SHA-256 of method, path and canonical body
  state         TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
  status        BIGINT,
  response      TEXT,            -- the JSON body replayed
  location      TEXT,
  etag          TEXT,
  created_ms    BIGINT NOT NULL,
  PRIMARY KEY (principal_id, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_ms);
