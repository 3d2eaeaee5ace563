-- Idempotency keys of page form posts (the phone's offline queue replays them).
-- Local to this node, never synced: a key only means something to the node the phone
-- posted to, and the facts the post created travel through the change log as usual.
create table page_idempotency (
  scope text not null,
  key text not null,
  fingerprint text not null,
  status integer not null,
  location text,
  body text,
  at text not null,
  primary key (scope, key)
) without rowid;
create index page_idempotency_at on page_idempotency(at);
