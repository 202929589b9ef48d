-- PostgreSQL form of migrations/0055_fewer_writes_per_activation.sql (same version): the same
-- indexes dropped and narrowed. SQLite's other two changes have nothing to change here: a
-- PostgreSQL table is always its heap plus its primary key's index (invitation_links), and
-- collaboration_events.seq comes from a sequence, not from a table written on every insert.
-- * collaborations_open_by_company (company_id, state): collaborations_by_company (company_id,
--   created_at, id) finds a company's few collaborations for every query that used it.
DROP INDEX collaborations_open_by_company;

-- * outbox_due (status, next_attempt_at) held every e-mail ever sent: now only the pending
--   rows, in the mailer's pick order (next_attempt_at, created_at), status first as in SQLite's.
DROP INDEX outbox_due;
CREATE INDEX outbox_pending ON outbox (status, next_attempt_at, created_at)
  WHERE status = 'pending';
