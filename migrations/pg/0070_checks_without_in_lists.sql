-- PostgreSQL form of migrations/0070_checks_without_in_lists.sql (same version). SQLite built a
-- temporary b-tree for every IN list of three or more values in a CHECK or a partial index at
-- every write; PostgreSQL does not, so its CHECKs stay as they are. The one-open index states
-- its condition as the reads that use it now do (store/collab_sql.h, COLLAB_OPEN_STATE).
DROP INDEX collaborations_one_open;
CREATE UNIQUE INDEX collaborations_one_open ON collaborations (office_id, company_id)
  WHERE state = 'invited' OR state = 'approved' OR state = 'active';
