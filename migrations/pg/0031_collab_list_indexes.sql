-- PostgreSQL form of migrations/0031_collab_list_indexes.sql (same version; INTEGER is BIGINT here).
-- A page of collaborations walks an index in the list's order and stops after the page
-- (store/collab_list.c): one customer's or task's collaborations, and every collaboration
-- (support's list), newest first.
DROP INDEX IF EXISTS collaborations_by_customer;
CREATE INDEX collaborations_by_customer ON collaborations (customer_id, created_at, id);
DROP INDEX IF EXISTS collaborations_by_task;
CREATE INDEX collaborations_by_task ON collaborations (task_id, created_at, id);
CREATE INDEX collaborations_by_created ON collaborations (created_at, id);
