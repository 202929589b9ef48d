-- Webhook endpoints' changes in the audit log: who added, changed, deleted an endpoint or
-- rotated its secret (the SQLite twin rebuilds its table; here the constraint is replaced).
ALTER TABLE audit_events DROP CONSTRAINT audit_events_action_check;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_check CHECK (action IN ('sign_in',
  'sign_out', 'session_ended', 'user_added', 'user_removed', 'user_role_changed',
  'token_created', 'token_revoked', 'webhook_created', 'webhook_changed', 'webhook_deleted',
  'webhook_secret_rotated'));
