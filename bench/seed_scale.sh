#!/usr/bin/env bash
# bench/seed_scale.sh DB N - adds N collaborations of the database's first office straight into
# DB with SQL (a database made by advisord's own migrations, with an office created by
# `advisord admin create-office`): each with a company of its own, the office's register entry
# and a task for it. States cycle through invited (one in three), active, declined, ended and
# cancelled; variants through all five; creation times one second apart. For timing list pages at
# sizes the API would take hours to reach.
set -euo pipefail
db=$1 n=$2
sqlite3 -cmd ".timeout 10000" "$db" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
CREATE TEMP TABLE seq AS WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < $n)
  SELECT x, x + (SELECT count(*) FROM main.collaborations) AS k FROM s;
CREATE TEMP TABLE who AS SELECT o.id AS office_id, u.id AS user_id FROM offices o
  JOIN office_users u ON u.office_id = o.id ORDER BY o.created_at LIMIT 1;
INSERT INTO companies (id, corporate_id, name, relation, created_at, updated_at)
  SELECT printf('%08x-0001-4000-8000-%012x', k, k), printf('9%05d-%04d', k / 10000, k % 10000),
         'Bolag ' || k, 'none', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z' FROM seq;
INSERT INTO customers (id, office_id, company_id, name, email, created_at, updated_at)
  SELECT printf('%08x-0002-4000-8000-%012x', k, k), who.office_id,
         printf('%08x-0001-4000-8000-%012x', k, k), 'Kund ' || k, 'k' || k || '@kund.test',
         '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z' FROM seq, who;
INSERT INTO tasks (id, office_id, customer_id, name, created_at, updated_at)
  SELECT printf('%08x-0003-4000-8000-%012x', k, k), who.office_id,
         printf('%08x-0002-4000-8000-%012x', k, k), 'Bokföring', '2020-01-01T00:00:00Z',
         '2020-01-01T00:00:00Z' FROM seq, who;
INSERT INTO collaborations (id, office_id, company_id, customer_id, task_id, variant,
    invoice_recipient, agreement_period_months, initiated_by, way, state, inviter_kind,
    inviter_id, expires_at_ms, token_nonce, created_at, updated_at)
  SELECT printf('%08x-0004-4000-8000-%012x', k, k), who.office_id,
         printf('%08x-0001-4000-8000-%012x', k, k), printf('%08x-0002-4000-8000-%012x', k, k),
         printf('%08x-0003-4000-8000-%012x', k, k),
         CASE k % 5 WHEN 0 THEN 'start' WHEN 1 THEN 'bokforing' WHEN 2 THEN 'fakturering'
                    WHEN 3 THEN 'smart' ELSE 'pro' END,
         'office', 12, 'office', 'new_customer',
         CASE k % 6 WHEN 0 THEN 'active' WHEN 1 THEN 'declined' WHEN 2 THEN 'ended'
                    WHEN 3 THEN 'cancelled' ELSE 'invited' END,
         'office_user', who.user_id, 4102444800000, lower(hex(randomblob(16))),
         strftime('%Y-%m-%dT%H:%M:%SZ', '2020-01-01', '+' || k || ' seconds'),
         strftime('%Y-%m-%dT%H:%M:%SZ', '2020-01-01', '+' || k || ' seconds')
    FROM seq, who;
COMMIT;
SQL
