-- Day summaries without scanning sales: two LOCAL caches derived from the facts by
-- triggers, like stock_totals (0010): whoever inserts sales, lines and voids (this node's
-- domain code or sync applying another node's), the caches follow. Never synced;
-- `kissi.shop.day.rebuild_summaries` recomputes both from scratch.

-- Non-voided sales per shop and local day: count and money split.
create table sale_days (
  shop_id text not null,
  day text not null,
  count integer not null default 0,
  total integer not null default 0,
  cash integer not null default 0,
  mobile integer not null default 0,
  credit integer not null default 0,
  discount integer not null default 0,
  primary key (shop_id, day)
) without rowid;

insert into sale_days (shop_id, day, count, total, cash, mobile, credit, discount)
select shop_id, day, count(*), sum(total), sum(cash), sum(mobile), sum(credit), sum(discount)
from sales s where not exists (select 1 from sale_voids v where v.id = s.id)
group by shop_id, day;

create trigger sale_days_sale after insert on sales
when not exists (select 1 from sale_voids v where v.id = new.id)
begin
  insert into sale_days (shop_id, day, count, total, cash, mobile, credit, discount)
  values (new.shop_id, new.day, 1, new.total, new.cash, new.mobile, new.credit, new.discount)
  on conflict (shop_id, day) do update
  set count = count + 1, total = total + excluded.total, cash = cash + excluded.cash,
      mobile = mobile + excluded.mobile, credit = credit + excluded.credit,
      discount = discount + excluded.discount;
end;

create trigger sale_days_void after insert on sale_voids
begin
  update sale_days
  set count = count - 1,
      total = total - (select total from sales where id = new.id),
      cash = cash - (select cash from sales where id = new.id),
      mobile = mobile - (select mobile from sales where id = new.id),
      credit = credit - (select credit from sales where id = new.id),
      discount = discount - (select discount from sales where id = new.id)
  where shop_id = (select shop_id from sales where id = new.id)
    and day = (select day from sales where id = new.id);
end;

-- Quantity and amount sold per shop, local day and product, for the best products.
create table product_days (
  shop_id text not null,
  day text not null,
  product_id text not null,
  qty integer not null default 0,
  amount integer not null default 0,
  primary key (shop_id, day, product_id)
) without rowid;

insert into product_days (shop_id, day, product_id, qty, amount)
select s.shop_id, s.day, l.product_id, sum(l.qty), sum(l.amount)
from sales s join sale_lines l on l.sale_id = s.id
where not exists (select 1 from sale_voids v where v.id = s.id)
group by s.shop_id, s.day, l.product_id;

create trigger product_days_line after insert on sale_lines
when not exists (select 1 from sale_voids v where v.id = new.sale_id)
begin
  insert into product_days (shop_id, day, product_id, qty, amount)
  values (new.shop_id, (select day from sales where id = new.sale_id), new.product_id, new.qty,
          new.amount)
  on conflict (shop_id, day, product_id) do update
  set qty = qty + excluded.qty, amount = amount + excluded.amount;
end;

create trigger product_days_void after insert on sale_voids
begin
  update product_days
  set qty = qty - coalesce((select sum(l.qty) from sale_lines l
                            where l.sale_id = new.id and l.product_id = product_days.product_id), 0),
      amount = amount - coalesce((select sum(l.amount) from sale_lines l
                                  where l.sale_id = new.id and l.product_id = product_days.product_id), 0)
  where shop_id = (select shop_id from sales where id = new.id)
    and day = (select day from sales where id = new.id)
    and product_id in (select product_id from sale_lines where sale_id = new.id);
end;

-- sale_days now answers the totals: the covering index of 0010 only cost every sale a write.
drop index sales_shop_day_totals;
