-- PostgreSQL form of migrations/0001_variants.sql (same version; INTEGER is BIGINT here).
-- The five service variants and their features (DOMAIN.md, Variants). Data, not code: the
-- upgrade/downgrade rule in domain/variant.c works on whatever sets are stored here.
CREATE TABLE variants (
  code        TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  description TEXT NOT NULL,
  rank        BIGINT NOT NULL UNIQUE
);

CREATE TABLE variant_features (
  variant_code TEXT NOT NULL REFERENCES variants (code),
  feature      TEXT NOT NULL,
  PRIMARY KEY (variant_code, feature)
);

INSERT INTO variants (code, name, description, rank) VALUES
  ('start', 'Visma eEkonomi Start', 'Basic bookkeeping and invoicing for the smallest businesses', 1),
  ('bokforing', 'Visma eEkonomi Bokföring', 'Start plus full bookkeeping', 2),
  ('fakturering', 'Visma eEkonomi Fakturering', 'Start plus full invoicing', 3),
  ('smart', 'Visma eEkonomi Smart', 'Full bookkeeping and full invoicing', 4),
  ('pro', 'Visma eEkonomi Pro', 'Smart plus supplier invoices, approval flows and several users; what accounting offices work in', 5);

INSERT INTO variant_features (variant_code, feature) VALUES
  ('start', 'bookkeeping.basic'), ('start', 'invoicing.basic'),
  ('bokforing', 'bookkeeping.basic'), ('bokforing', 'invoicing.basic'),
  ('bokforing', 'bookkeeping.full'),
  ('fakturering', 'bookkeeping.basic'), ('fakturering', 'invoicing.basic'),
  ('fakturering', 'invoicing.full'),
  ('smart', 'bookkeeping.basic'), ('smart', 'invoicing.basic'), ('smart', 'bookkeeping.full'),
  ('smart', 'invoicing.full'),
  ('pro', 'bookkeeping.basic'), ('pro', 'invoicing.basic'), ('pro', 'bookkeeping.full'),
  ('pro', 'invoicing.full'), ('pro', 'supplier_invoices'), ('pro', 'approval_flow'),
  ('pro', 'multi_user');
