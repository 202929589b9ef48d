-- Collaborations and office invitations one principal started in the last hour are counted
-- (--collaboration-create-limit): by inviter and creation time.
CREATE INDEX collaborations_by_inviter ON collaborations (inviter_id, created_at);
