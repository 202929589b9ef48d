-- PostgreSQL form of migrations/0020_outbox_delivery.sql (same version; INTEGER is BIGINT here).
-- The mailer's lease on a row it is delivering (unix ms; NULL when no mailer holds it). A
-- claim moves next_attempt_at past the lease too, so a mailer that dies mid-send leaves the
-- row pending and due again once the lease ends; a clean stop gives the row back at once.
ALTER TABLE outbox ADD COLUMN leased_until BIGINT;
-- Support lists rows newest first, by status or all of them (GET /v1/outbox).
CREATE INDEX outbox_by_status_created ON outbox (status, created_at, id);
CREATE INDEX outbox_by_created ON outbox (created_at, id);
