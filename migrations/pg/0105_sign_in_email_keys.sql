-- Sign-in finds every account of an address, its ASCII letters compared in any case
-- (store_sign_in_accounts: lower(email COLLATE "C") = lower(:email COLLATE "C") over office
-- users, confirmed customer administrators and support users). No index served that: each
-- request for a link read all three tables (a million administrators: a million rows per
-- request). These three do, one search each. Under the "C" collation lower() folds only ASCII
-- letters, as SQLite's does (under the database's own collation it folded "Ä" to "ä" too, so
-- the engines disagreed about who signs in); the query uses the same expression, so that these
-- indexes serve it. The administrators' index holds only the confirmed ones (the only ones that
-- sign in): the activation that names a new administrator (unconfirmed) does not write it;
-- accepting the invitation (confirmed = 1) does. test_store_sign_in checks the plans and the
-- folding.
CREATE INDEX office_users_by_email_key ON office_users (lower(email COLLATE "C"));
CREATE INDEX customer_admins_confirmed_by_email_key ON customer_admins (lower(email COLLATE "C"))
  WHERE confirmed = 1;
CREATE INDEX support_users_by_email_key ON support_users (lower(email COLLATE "C"));
