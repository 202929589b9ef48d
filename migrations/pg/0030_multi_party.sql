-- PostgreSQL form of migrations/0030_multi_party.sql (same version; INTEGER is BIGINT here).
-- Many parties (issue 9). Invitation links are one per recipient: every administrator of the
-- company gets a link of its own (the office's address in way 4); the first to act wins and
-- every link of the collaboration then dies. Only the SHA-256 of a link's token is kept.
CREATE TABLE invitation_links (
  token_hash       TEXT PRIMARY KEY,
  collaboration_id TEXT NOT NULL REFERENCES collaborations (id),
  holder_kind      TEXT NOT NULL CHECK (holder_kind IN ('customer_admin', 'office')),
  holder_id        TEXT NOT NULL,
  created_at       TEXT NOT NULL
);
CREATE INDEX invitation_links_by_collaboration ON invitation_links (collaboration_id);
INSERT INTO invitation_links (token_hash, collaboration_id, holder_kind, holder_id, created_at)
  SELECT token_hash, id,
         CASE WHEN way = 'customer_invite' THEN 'office' ELSE 'customer_admin' END,
         CASE WHEN way = 'customer_invite' THEN office_id ELSE administrator_id END, updated_at
    FROM collaborations
   WHERE token_hash IS NOT NULL AND (way = 'customer_invite' OR administrator_id IS NOT NULL);
UPDATE collaborations SET token_hash = NULL WHERE token_hash IS NOT NULL;

-- An administrator the office named in a way-3 activation is unconfirmed (0) until it approves
-- through its link; a withdrawn, declined or expired way-3 invitation removes it again. Every
-- administrator that existed before is confirmed.
ALTER TABLE customer_admins ADD COLUMN confirmed BIGINT NOT NULL DEFAULT 1
  CHECK (confirmed IN (0, 1));
-- ... except those named by a way-3 invitation still waiting for an answer, with no token and
-- named by nothing that went further: nobody confirmed them yet, and they are no main contact.
UPDATE customer_admins SET confirmed = 0, is_main_contact = 0
 WHERE id IN (SELECT administrator_id FROM collaborations
               WHERE way = 'new_customer' AND state = 'invited')
   AND id NOT IN (SELECT administrator_id FROM collaborations
                   WHERE administrator_id IS NOT NULL AND state <> 'invited')
   AND id NOT IN (SELECT principal_id FROM tokens);

-- The history names who acted: display name and role, as they were when it happened.
ALTER TABLE collaboration_events ADD COLUMN actor_name TEXT;
ALTER TABLE collaboration_events ADD COLUMN actor_role TEXT;

-- Every open collaboration of a company, for telling the other parties of a change.
CREATE INDEX collaborations_open_by_company ON collaborations (company_id, state);
