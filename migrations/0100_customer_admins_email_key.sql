-- A company's customer administrators are one person per e-mail address compared in any case
-- of its ASCII letters (people type addresses in any case; sign-in already compares lower()).
-- This index serves that lookup (store_customer_admin_get_by_email: company, lower(email), the
-- oldest first). SQLite's lower() folds only ASCII letters; PostgreSQL's migration indexes
-- lower(email COLLATE "C"), which folds the same, so both engines find the same administrator.
-- Not UNIQUE: a deployed database may already hold two administrators of one company whose
-- addresses differ only in case; both stay (the index is built over them without failing), and
-- the lookup finds the oldest of them. New ones are not added: the server looks the address up
-- before it inserts (safe: SQLite has one writer; PostgreSQL writes run at SERIALIZABLE).
-- test_store_list_plan checks that the lookup uses this index.
CREATE INDEX customer_admins_by_email_key
  ON customer_admins (company_id, lower(email), created_at, id);
