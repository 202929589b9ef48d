-- PostgreSQL form of migrations/0012_collab_service_decision.sql (same version; INTEGER is BIGINT here).
-- When the office ends an active collaboration the company's subscription stays as it is and
-- the customer decides later whether to keep the service on its own (and pay) or deactivate
-- it: 1 while that decision is pending (POST /v1/collaborations/{id}/service-decision).
ALTER TABLE collaborations ADD COLUMN service_decision_pending BIGINT NOT NULL DEFAULT 0
  CHECK (service_decision_pending IN (0, 1));
