-- PostgreSQL form of migrations/0040_sign_in.sql (same version; INTEGER is BIGINT here).
-- Sign-in by e-mail link and browser sessions (issue 13). Neither a link's token nor a
-- session's cookie value is kept: only their SHA-256. A link's token is derived from the
-- server secret and a nonce that only the outbox row holds (the mailer rebuilds the link).
CREATE TABLE sign_in_links (
  token_hash     TEXT PRIMARY KEY,     -- 64 hex digits
  principal_kind TEXT NOT NULL
                 CHECK (principal_kind IN ('office_user', 'customer_admin', 'support')),
  principal_id   TEXT NOT NULL,
  expires_ms     BIGINT NOT NULL,     -- unix ms
  used_ms        BIGINT,              -- set once, when a session is made from it
  created_at     TEXT NOT NULL
);
CREATE INDEX sign_in_links_by_principal ON sign_in_links (principal_id);

-- A browser's session: the cookie holds a random secret, the row its hash. It lapses when
-- unused for the idle time or at expires_ms, whichever comes first; ended_at: signed out.
CREATE TABLE sessions (
  id             TEXT PRIMARY KEY,     -- public id (GET/DELETE /v1/sessions/{id})
  secret_hash    TEXT NOT NULL UNIQUE, -- SHA-256 of the cookie value
  principal_kind TEXT NOT NULL
                 CHECK (principal_kind IN ('office_user', 'customer_admin', 'support')),
  principal_id   TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  last_seen_ms   BIGINT NOT NULL,
  expires_ms     BIGINT NOT NULL,
  user_agent     TEXT,
  ended_at       TEXT
);
CREATE INDEX sessions_by_principal ON sessions (principal_id, created_at);
