-- kissi core schema.
-- Synced tables carry text UUIDv7 ids and are written only through kissi.store.changes.
-- Records (editable, merged per field): cooperatives, shops, users, products, customers.
-- Facts (append-only events): price_changes, stock_movements, sales, sale_lines,
-- sale_voids, credit_entries.
-- Money is integer F CFA. Quantities are integer thousandths of the product's unit
-- (1 piece = 1000), so that divisible units (kg, litre) stay exact.
-- `at` is UTC ISO-8601 text; `day` is the shop's local date (YYYY-MM-DD) of the fact.

create table node (
  singleton integer primary key check (singleton = 1),
  id text not null,
  role text not null default 'edge' check (role in ('edge', 'hub')),
  hlc text not null default '0000000000000000.0000',
  clock_offset_ms integer not null default 0,
  created_at text not null
);

create table cooperatives (
  id text primary key,
  name text not null,
  region text,
  created_at text not null,
  deleted integer not null default 0
);

create table shops (
  id text primary key,
  cooperative_id text references cooperatives(id),
  name text not null,
  timezone text not null default 'Africa/Abidjan',
  language text not null default 'fr',
  created_at text not null,
  deleted integer not null default 0
);
create index shops_cooperative on shops(cooperative_id);

create table users (
  id text primary key,
  role text not null check (role in ('trader', 'trainer', 'admin')),
  phone text not null unique,
  name text not null,
  pin_hash text not null,
  language text not null default 'fr',
  cooperative_id text references cooperatives(id),
  shop_id text references shops(id),
  created_at text not null,
  deleted integer not null default 0
);
create index users_shop on users(shop_id);
create index users_cooperative on users(cooperative_id);

create table products (
  id text primary key,
  shop_id text not null references shops(id),
  name text not null,
  unit text not null default 'piece',
  price integer not null check (price > 0),
  cost_price integer check (cost_price is null or cost_price >= 0),
  icon text,
  photo text,
  voice_label text,
  low_stock integer not null default 0,
  archived integer not null default 0,
  created_at text not null,
  deleted integer not null default 0
);
create index products_shop on products(shop_id, archived);

create table price_changes (
  id text primary key,
  shop_id text not null references shops(id),
  product_id text not null references products(id),
  price integer not null,
  cost_price integer,
  at text not null,
  day text not null
);
create index price_changes_product on price_changes(product_id, at);

create table stock_movements (
  id text primary key,
  shop_id text not null references shops(id),
  product_id text not null references products(id),
  kind text not null check (kind in ('restock', 'loss', 'correction')),
  qty integer not null,
  counted integer,
  cost integer check (cost is null or cost >= 0),
  supplier text,
  note text,
  user_id text,
  at text not null,
  day text not null
);
create index stock_movements_product on stock_movements(product_id);
create index stock_movements_shop_day on stock_movements(shop_id, day);

create table customers (
  id text primary key,
  shop_id text not null references shops(id),
  name text not null,
  phone text,
  photo text,
  voice_label text,
  created_at text not null,
  deleted integer not null default 0
);
create index customers_shop on customers(shop_id);

create table sales (
  id text primary key,
  shop_id text not null references shops(id),
  user_id text,
  customer_id text references customers(id),
  subtotal integer not null,
  discount integer not null default 0,
  total integer not null,
  cash integer not null default 0,
  mobile integer not null default 0,
  mobile_provider text,
  mobile_ref text,
  credit integer not null default 0,
  beyond_stock integer not null default 0,
  at text not null,
  day text not null,
  check (cash >= 0 and mobile >= 0 and credit >= 0 and cash + mobile + credit = total)
);
create index sales_shop_day on sales(shop_id, day);

create table sale_lines (
  id text primary key,
  sale_id text not null references sales(id),
  shop_id text not null references shops(id),
  product_id text not null references products(id),
  qty integer not null check (qty > 0),
  unit_price integer not null check (unit_price > 0),
  amount integer not null
);
create index sale_lines_sale on sale_lines(sale_id);
create index sale_lines_product on sale_lines(product_id);

-- A void's id is the id of the sale it voids: one void per sale, even when two devices
-- void the same sale offline (the second is a replay and changes nothing).
create table sale_voids (
  id text primary key references sales(id),
  shop_id text not null references shops(id),
  reason text not null,
  user_id text,
  at text not null,
  day text not null
);
create index sale_voids_shop_day on sale_voids(shop_id, day);

create table credit_entries (
  id text primary key,
  shop_id text not null references shops(id),
  customer_id text not null references customers(id),
  kind text not null check (kind in ('credit', 'repayment')),
  amount integer not null check (amount > 0),
  sale_id text references sales(id),
  method text check (method is null or method in ('cash', 'mobile')),
  mobile_provider text,
  mobile_ref text,
  user_id text,
  at text not null,
  day text not null
);
create index credit_entries_customer on credit_entries(customer_id);
create index credit_entries_shop_day on credit_entries(shop_id, day);

-- The change log: every write to a synced table appends here in the same transaction.
-- `seq` orders this node's log locally and never leaves the node.
create table change_log (
  seq integer primary key autoincrement,
  id text not null unique,
  node_id text not null,
  hlc text not null,
  tbl text not null,
  row_id text not null,
  op text not null check (op in ('insert', 'update', 'delete')),
  data text not null,
  shop_id text,
  cooperative_id text
);
create index change_log_scope on change_log(cooperative_id, shop_id, seq);

-- Last-writer-wins versions of record fields ("hlc/node_id"), for per-field merges.
create table field_versions (
  tbl text not null,
  row_id text not null,
  field text not null,
  version text not null,
  primary key (tbl, row_id, field)
) without rowid;
