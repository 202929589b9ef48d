-- The language of the e-mail that tells a webhook's owner the endpoint was disabled for failing
-- (POST and PATCH /v1/webhooks take `language`, sv or en). Endpoints made before it keep
-- Swedish, which every such e-mail was until now.
ALTER TABLE webhooks ADD COLUMN language TEXT NOT NULL DEFAULT 'sv' CHECK (language IN ('sv', 'en'));
