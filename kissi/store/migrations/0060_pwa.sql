-- The phone's offline queue replays page form posts with an Idempotency-Key: the same
-- local idempotency_keys table as the API, plus where a page post's success redirected.
alter table idempotency_keys add column location text;
