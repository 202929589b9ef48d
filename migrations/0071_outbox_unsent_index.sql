-- Fewer WAL pages per e-mail (issue 12). outbox_by_status_created (status, created_at, id) held
-- every e-mail ever queued, and each one's entry was written twice: at the activation's INSERT
-- (among the pending ones) and again when the mailer marked it sent (moved among the sent
-- ones): about 7 of the 90 pages an activation commit wrote, the most of any index. What read
-- it needs only the e-mails not sent: /metrics counts the pending and failed ones, and support
-- lists them by status (GET /v1/outbox?status=); the list of sent ones, nearly every row,
-- walks outbox_by_created and keeps the sent ones, as the list of all does. So the index now
-- holds only the rows still pending or failed: a few pages, the same ones written by every
-- commit, and an e-mail sent leaves it. Its WHERE is written as the queries that use it state
-- it (store/outbox.c, metrics_counts.c), so that SQLite sees they may.
DROP INDEX outbox_by_status_created;
CREATE INDEX outbox_unsent ON outbox (status, created_at, id)
  WHERE status = 'pending' OR status = 'failed';
