-- The sweeper's purge of sign-in links and sessions a day past their end
-- (store_sign_in_purge, every --expiry-sweep-interval seconds, in a write transaction) read
-- both tables whole: on SQLite the writer was held for the read of every live session and link.
-- Links go by expires_ms; a session ends no earlier than it was last seen (a touch follows the
-- check that it is live), so the purge looks only at sessions not seen since the cut-off, on
-- sessions_by_last_seen. Neither table is written by an activation; the cost is one index entry
-- per link asked for and per session made, and per session's touch (once a minute at most).
-- test_store_sign_in checks the plans on both engines.
CREATE INDEX sign_in_links_by_expiry ON sign_in_links (expires_ms);
CREATE INDEX sessions_by_last_seen ON sessions (last_seen_ms);
