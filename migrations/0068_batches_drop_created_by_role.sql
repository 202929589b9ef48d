-- A batch no longer keeps the role of the office user who uploaded it (issue 18's clean-up):
-- only a user with full rights may upload, so the column always held 'full', and no query
-- read it. What a row may do is decided when it runs, by the uploader's role then (the runner
-- reads the user at each claim; a user removed or no longer with full rights gets every row
-- still pending refused): a role kept from the upload would let a batch go on with rights its
-- uploader has lost. Who uploaded it stays in created_by_id and created_by_email.
ALTER TABLE collab_batches DROP COLUMN created_by_role;
