-- PostgreSQL form of migrations/0071_outbox_unsent_index.sql (same version): the index by
-- status and creation time holds only the e-mails still pending or failed.
DROP INDEX outbox_by_status_created;
CREATE INDEX outbox_unsent ON outbox (status, created_at, id)
  WHERE status = 'pending' OR status = 'failed';
