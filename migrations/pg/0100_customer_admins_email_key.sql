-- A company's customer administrators are one person per e-mail address compared in any case
-- of its ASCII letters (people type addresses in any case; sign-in already compares lower()).
-- This index serves that lookup (store_customer_admin_get_by_email: company, lower(email), the
-- oldest first). Under the "C" collation lower() folds only ASCII letters, as SQLite's does
-- (under the database's own collation it would fold "Ä" to "ä" too), so both engines find the
-- same administrator; the query uses the same expression, so that this index serves it.
-- Not UNIQUE: a deployed database may already hold two administrators of one company whose
-- addresses differ only in case; both stay (the index is built over them without failing), and
-- the lookup finds the oldest of them. New ones are not added: the server looks the address up
-- before it inserts (safe: writes run at SERIALIZABLE and a lost race runs again, pg_db.c).
CREATE INDEX customer_admins_by_email_key
  ON customer_admins (company_id, lower(email COLLATE "C"), created_at, id);
