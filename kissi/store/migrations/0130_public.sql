-- Her public shop page (issue 13, kissi/public/). Synced, written only through kissi.store.changes.
-- shop_pages: one record per shop (its id is derived from the shop's, so two devices that
--   create it offline make the same row and merge per field): published flag, slug, where
--   to find her, opening days (seven 0/1 digits, Monday first), what shows.
-- shop_slugs: facts, every slug a shop ever had; an old slug redirects to the current one.
-- products.on_page: whether the product shows on her public page (archived ones never do).
-- page_visits: views and WhatsApp taps per shop and day on this node; no cookie, no address.
-- product_search: FTS5 over product names (accents removed), kept by triggers, so rows that
--   arrive by sync are indexed like local ones.

create table shop_pages (
  id text primary key,
  shop_id text not null references shops(id),
  published integer not null default 0,
  slug text not null,
  market text,
  stall text,
  landmark text,
  open_days text not null default '1111110',
  show_prices integer not null default 1,
  show_phone integer not null default 0,
  greeting text,
  created_at text not null,
  deleted integer not null default 0
);
create index shop_pages_shop on shop_pages(shop_id);
create index shop_pages_slug on shop_pages(slug);

create table shop_slugs (
  id text primary key,
  shop_id text not null references shops(id),
  slug text not null,
  at text not null
);
create index shop_slugs_slug on shop_slugs(slug);

alter table products add column on_page integer not null default 1;

create table page_visits (
  shop_id text not null,
  day text not null,
  views integer not null default 0,
  taps integer not null default 0,
  primary key (shop_id, day)
);

create virtual table product_search using fts5(
  name, content='products', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
);
insert into product_search(product_search) values ('rebuild');

create trigger product_search_insert after insert on products begin
  insert into product_search(rowid, name) values (new.rowid, new.name);
end;

create trigger product_search_delete after delete on products begin
  insert into product_search(product_search, rowid, name) values ('delete', old.rowid, old.name);
end;

create trigger product_search_update after update of name on products begin
  insert into product_search(product_search, rowid, name) values ('delete', old.rowid, old.name);
  insert into product_search(rowid, name) values (new.rowid, new.name);
end;
