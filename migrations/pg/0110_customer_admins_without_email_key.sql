-- The lookup of a company's administrator by e-mail in any case of its ASCII letters
-- (store_customer_admin_get_by_email: lower(email COLLATE "C")) searches the UNIQUE (company_id,
-- email) index for the company and compares the addresses of its rows, then sorts the matches
-- (one, or the few that differed only in case before 0100) oldest first: the same company search
-- the list of its confirmed administrators makes in every notification. So 0100's
-- customer_admins_by_email_key served nothing the unique index does not, and every administrator
-- a way-3 activation names wrote an entry into it (bench/HISTORY.md, twelfth step).
DROP INDEX IF EXISTS customer_admins_by_email_key;
