-- PostgreSQL form of migrations/0011_collab_invitee_admin.sql (same version; INTEGER is BIGINT here).
-- An office's invitation in ways 1 and 2 now goes to the company's main contact on the customer
-- portal (recorded in administrator_id, as way 3's created administrator is), no longer to the
-- e-mail address in the office's own register. Open invitations sent the old way: their links
-- may have reached an address the office controls, so they stop working; the office's next
-- reminder sends a new link to the main contact.
UPDATE collaborations
   SET administrator_id = (SELECT ca.id FROM customer_admins ca
                            WHERE ca.company_id = collaborations.company_id
                              AND ca.is_main_contact = 1
                            ORDER BY ca.created_at LIMIT 1),
       token_hash = NULL
 WHERE way IN ('subscriber', 'account') AND state = 'invited' AND administrator_id IS NULL;
