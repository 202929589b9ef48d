-- The two foreign keys whose referencing column had no index: deleting the row they point at (a
-- customer administrator, removed when a way-3 invitation that made it is withdrawn, declined
-- or expires; an office user) made the foreign-key check read every collaboration or task: 38 ms
-- at 300,000 collaborations, on the one writer thread every write waits behind. Partial: only
-- the rows that point somewhere are indexed (most collaborations have no administrator_id).
-- test_store_list_plan checks that every foreign key's lookup has an index.
CREATE INDEX collaborations_by_administrator ON collaborations (administrator_id)
  WHERE administrator_id IS NOT NULL;
CREATE INDEX tasks_by_assignee ON tasks (assignee_id) WHERE assignee_id IS NOT NULL;
