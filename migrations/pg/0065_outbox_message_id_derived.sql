-- PostgreSQL form of migrations/0065_outbox_message_id_derived.sql (same version): the
-- Message-ID is derived from the row's id ("<id@advisord>"), so the column and its UNIQUE
-- index go.
ALTER TABLE outbox DROP COLUMN message_id;
