-- PostgreSQL form of migrations/0013_collab_renewal_requests.sql (same version; INTEGER is BIGINT here).
-- A request for a new invitation after expiry no longer reopens the expired invitation: it is
-- recorded (renewal_requested event, expired -> expired) and the inviter is told to invite
-- again. One request per collaboration: when it was made.
ALTER TABLE collaborations ADD COLUMN renewal_requested_at TEXT;
