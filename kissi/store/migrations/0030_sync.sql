-- Sync state, devices and enrollments. Every table here is local to its node (never synced
-- itself): positions, tokens and alerts describe this node's relation to the others.

-- Edge side: which hub, which token, how far each direction has gone (one row).
create table sync_state (
  singleton integer primary key check (singleton = 1),
  hub_url text,
  token text,
  scope_kind text check (scope_kind is null or scope_kind in ('shop', 'cooperative')),
  scope_id text,
  push_acked integer not null default 0,   -- local change_log seq the hub has committed
  pull_cursor integer not null default 0,  -- hub change_log seq this node has committed
  last_success_at text,
  last_attempt_at text,
  last_error text,
  hub_skew_ms integer
);
insert into sync_state (singleton) values (1);

-- Hub side: one-time enrollment codes (only their hash is kept).
create table sync_enrollments (
  code_hash text primary key,
  scope_kind text not null check (scope_kind in ('shop', 'cooperative')),
  scope_id text not null,
  created_by text,
  created_at text not null,
  expires_at text not null,
  redeemed_at text,
  device_id text
);

-- Hub side: enrolled devices. `id` is the device's node id; `push_acked` is the device's
-- own change_log seq up to which the hub has committed its pushes.
create table sync_devices (
  id text primary key,
  token_hash text not null unique,
  name text,
  scope_kind text not null check (scope_kind in ('shop', 'cooperative')),
  scope_id text not null,
  enrolled_at text not null,
  enrolled_by text,
  last_contact_at text,
  skew_ms integer,
  push_acked integer not null default 0,
  pull_cursor integer not null default 0,
  last_hlc text,                           -- latest clock of its changes (restamps stay above it)
  seen_hlc text,                           -- latest clock among the changes it has pulled
  revoked_at text
);
create index sync_devices_scope on sync_devices(scope_kind, scope_id);

-- Both sides: stock levels found negative after merging other devices' changes.
create table stock_alerts (
  product_id text primary key,
  shop_id text not null,
  level integer not null,
  detected_at text not null
);
create index stock_alerts_shop on stock_alerts(shop_id);

create index change_log_node on change_log(node_id, seq);
