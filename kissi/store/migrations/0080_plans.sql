-- Plans and subscriptions. All four tables are synced (kissi.store.changes.SYNCED) and written
-- only through kissi.store.changes.
-- plans: records managed at the hub; no shop_id nor cooperative_id, so they are global
--   and flow down to every device (and no device can push one).
-- subscriptions: one record per shop (its plan, active or stopped), shop scope.
-- subscription_payments: facts, append-only (what a trainer collected, for which month).
-- subscription_reversals: facts; a reversal's id is the id of the payment it cancels
--   (one reversal per payment, even when two devices reverse it offline), as sale_voids.
-- A shop's state for a month (paid / due / late) is derived from the payments, never stored.

create table plans (
  id text primary key,
  code text not null,
  name text not null,
  price integer not null check (price > 0),
  size text not null default 'small' check (size in ('small', 'medium', 'large')),
  active integer not null default 1,
  created_at text not null,
  deleted integer not null default 0
);
create index plans_code on plans(code);

create table subscriptions (
  id text primary key,
  shop_id text not null references shops(id),
  plan_id text not null references plans(id),
  status text not null default 'active' check (status in ('active', 'stopped')),
  start_month text not null,
  created_at text not null,
  deleted integer not null default 0
);
create index subscriptions_shop on subscriptions(shop_id);

create table subscription_payments (
  id text primary key,
  shop_id text not null references shops(id),
  plan_id text not null references plans(id),
  month text not null,
  amount integer not null check (amount > 0),
  method text not null check (method in ('cash', 'mobile')),
  mobile_provider text,
  mobile_ref text,
  collected_by text,
  at text not null,
  day text not null
);
create index subscription_payments_shop_month on subscription_payments(shop_id, month);

create table subscription_reversals (
  id text primary key references subscription_payments(id),
  shop_id text not null references shops(id),
  reason text not null,
  user_id text,
  at text not null,
  day text not null
);
create index subscription_reversals_shop on subscription_reversals(shop_id);
