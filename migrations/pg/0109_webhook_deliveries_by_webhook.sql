-- A page of an endpoint's deliveries, newest first (store_webhook_deliveries_list: webhook_id,
-- ORDER BY seq DESC) found them on webhook_deliveries_order (webhook_id, collaboration_id, seq)
-- and sorted all of them before the first row: deliveries are kept, so that grew with every
-- event the endpoint was sent. This index hands them over in that order. It costs one index
-- entry per delivery row, written in the transaction of the event (an activation's too, when
-- an enabled endpoint is told of it; none is in the POST benchmark). test_store_plans
-- checks the plan.
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, seq);
