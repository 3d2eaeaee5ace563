-- Shop ledger: indexes for the day and period summaries, the derived stock totals kept
-- by triggers, and the API's idempotency keys.

-- Covering indexes so a day or 30-day summary reads only index pages.
create index sales_shop_day_totals on sales(shop_id, day, total, cash, mobile, credit, discount);
create index sale_lines_sale_product on sale_lines(sale_id, product_id, qty, amount);
create index credit_entries_shop_day_kind on credit_entries(shop_id, day, kind, method, amount);
create index credit_entries_sale on credit_entries(sale_id);

-- Stock totals per product: a LOCAL cache derived from the facts (stock_movements,
-- sale_lines, sale_voids), never synced. Triggers keep it true whoever inserts the facts
-- (this node's domain code or sync applying another node's changes), so the stock level
-- stays "sum of movements minus non-voided sale lines" without scanning every sale.
-- `kissi.shop.stock.rebuild_totals` recomputes it from scratch.
create table stock_totals (
  product_id text primary key,
  moved integer not null default 0,
  sold integer not null default 0
) without rowid;

insert into stock_totals (product_id, moved, sold)
select p.id,
       coalesce((select sum(m.qty) from stock_movements m where m.product_id = p.id), 0),
       coalesce((select sum(l.qty) from sale_lines l where l.product_id = p.id
                 and not exists (select 1 from sale_voids v where v.id = l.sale_id)), 0)
from products p;

create trigger stock_totals_movement after insert on stock_movements
begin
  insert into stock_totals (product_id, moved) values (new.product_id, new.qty)
  on conflict (product_id) do update set moved = moved + new.qty;
end;

create trigger stock_totals_line after insert on sale_lines
when not exists (select 1 from sale_voids v where v.id = new.sale_id)
begin
  insert into stock_totals (product_id, sold) values (new.product_id, new.qty)
  on conflict (product_id) do update set sold = sold + new.qty;
end;

create trigger stock_totals_void after insert on sale_voids
begin
  update stock_totals set sold = sold - coalesce(
    (select sum(l.qty) from sale_lines l where l.sale_id = new.id and l.product_id = stock_totals.product_id), 0)
  where product_id in (select product_id from sale_lines where sale_id = new.id);
end;

-- Idempotency keys of the JSON API: LOCAL to the node that answered the request (a retry
-- goes to the same node), so never synced. A replay returns the stored response.
create table idempotency_keys (
  user_id text not null,
  key text not null,
  method text not null,
  path text not null,
  body_hash text not null,
  status integer not null,
  response text not null,
  created_at text not null,
  primary key (user_id, key)
) without rowid;
create index idempotency_keys_created on idempotency_keys(created_at);
