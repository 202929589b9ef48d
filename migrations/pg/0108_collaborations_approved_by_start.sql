-- The sweeper's look for approved collaborations whose start date has come
-- (store_collab_due_starts: state = 'approved' AND starts_on <= today, ORDER BY starts_on, id,
-- every --expiry-sweep-interval seconds) found every approved collaboration on
-- collaborations_due (state first) and sorted them all, those starting next year too. This
-- index holds only the approved ones, in that order: the look reads just the due ones, unsorted.
-- state is in it (always 'approved') so that SQLite prefers it to collaborations_due (state=?).
-- Partial: an activation inserts an invited collaboration, which is not in it; approving adds
-- the entry, the start (or end) takes it away. test_store_plans checks the plan.
CREATE INDEX collaborations_approved_by_start ON collaborations (state, starts_on, id)
  WHERE state = 'approved';
