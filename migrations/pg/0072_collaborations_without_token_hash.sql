-- PostgreSQL form of migrations/0072_collaborations_without_token_hash.sql (same version):
-- collaborations.token_hash, NULL in every row since invitation links got their own table
-- (0030), goes, and its UNIQUE index with it.
ALTER TABLE collaborations DROP COLUMN token_hash;
