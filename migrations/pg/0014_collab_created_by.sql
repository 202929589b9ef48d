-- PostgreSQL form of migrations/0014_collab_created_by.sql (same version; INTEGER is BIGINT here).
-- Collaborations and office invitations one principal started in the last hour are counted
-- (--collaboration-create-limit): by inviter and creation time.
CREATE INDEX collaborations_by_inviter ON collaborations (inviter_id, created_at);
