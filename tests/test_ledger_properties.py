"""Property: whatever the trader does, stock, balances and sales per product equal what the
facts say, and a refused operation leaves no row behind (every table and the change log)."""
from hypothesis import HealthCheck, given, settings, strategies as st

from factories import make_customer, make_product, make_shop, table_counts
from kissi.errors import DomainError
from kissi.shop import credit, products, sales, stock
from kissi.store import changes, db as store

whole = st.integers(1, 9).map(lambda n: n * 1000)
qty = st.one_of(whole, whole, st.integers(min_value=-2000, max_value=9000),
                st.sampled_from([0, 500, 1500, "x"]))
op = st.one_of(
    st.tuples(st.just("restock"), st.integers(0, 2), qty),
    st.tuples(st.just("loss"), st.integers(0, 2), qty),
    st.tuples(st.just("count"), st.integers(0, 2), st.integers(-1000, 9000)),
    st.tuples(st.just("sale"), st.lists(st.tuples(st.integers(0, 2), qty), min_size=1, max_size=3),
              st.integers(0, 2), st.integers(0, 3000), st.integers(-1, 1)),
    st.tuples(st.just("void"), st.integers(0, 30)),
    st.tuples(st.just("repay"), st.integers(0, 1), st.integers(-100, 1500)),
    st.tuples(st.just("archive"), st.integers(0, 2)),
)


def _fresh():
    db = store.connect(":memory:")
    store.migrate(db)
    changes.ensure_node(db)
    shop = make_shop(db)
    items = [make_product(db, shop, name="Savon", price=250),
             make_product(db, shop, name="Riz", unit="kg", price=600),
             make_product(db, shop, name="Huile", unit="litre", price=1000)]
    people = [make_customer(db, shop, name="Awa"), make_customer(db, shop, name="Fanta")]
    return db, shop["id"], [p["id"] for p in items], [c["id"] for c in people]


def _apply(db, shop_id, items, people, sale_ids, step):
    kind = step[0]
    if kind == "restock":
        stock.restock(db, shop_id, items[step[1]], step[2])
    elif kind == "loss":
        stock.record_loss(db, shop_id, items[step[1]], step[2])
    elif kind == "count":
        stock.correct_count(db, shop_id, items[step[1]], step[2])
    elif kind == "sale":
        _, lines, payment, amount, who = step
        customer = None if who < 0 else people[who]
        kwargs = {"customer_id": customer}
        if payment == 1:
            kwargs.update(mobile=amount, mobile_provider="orange")
        elif payment == 2:
            kwargs.update(credit=amount)
        sale = sales.record_sale(db, shop_id, [{"product_id": items[i], "qty": q} for i, q in lines],
                                 **kwargs)
        sale_ids.append(sale["id"])
    elif kind == "void":
        sales.void_sale(db, shop_id, sale_ids[step[1] % len(sale_ids)] if sale_ids else "none", "test")
    elif kind == "repay":
        credit.record_repayment(db, shop_id, people[step[1]], step[2])
    elif kind == "archive":
        products.archive_product(db, shop_id, items[step[1]])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(op, max_size=25))
def test_stock_and_balances_always_equal_the_facts(steps):
    db, shop_id, items, people = _fresh()
    sale_ids: list[str] = []
    try:
        for step in steps:
            before = table_counts(db)
            try:
                _apply(db, shop_id, items, people, sale_ids, step)
            except DomainError:
                assert table_counts(db) == before, step
        for pid in items:
            moved = db.execute("select coalesce(sum(qty), 0) from stock_movements where product_id = ?",
                               [pid]).fetchone()[0]
            sold = db.execute(
                "select coalesce(sum(l.qty), 0) from sale_lines l where l.product_id = ?"
                " and l.sale_id not in (select id from sale_voids)", [pid]).fetchone()[0]
            assert stock.stock_level(db, shop_id, pid) == moved - sold
        for cid in people:
            entries = db.execute(
                "select e.kind, e.amount from credit_entries e where e.customer_id = ?"
                " and (e.sale_id is null or e.sale_id not in (select id from sale_voids))",
                [cid]).fetchall()
            expected = sum(a if k == "credit" else -a for k, a in entries)
            assert credit.customer_balance(db, shop_id, cid) == expected
        cached = db.execute("select product_id, sum(qty), sum(amount) from product_days"
                            " group by product_id having sum(qty) > 0 order by 1").fetchall()
        facts = db.execute(
            "select l.product_id, sum(l.qty), sum(l.amount) from sale_lines l where l.sale_id not in"
            " (select id from sale_voids) group by l.product_id order by 1").fetchall()
        assert cached == facts
        cached = db.execute("select day, count, total, cash, mobile, credit from sale_days"
                            " where count > 0 order by day").fetchall()
        facts = db.execute("select day, count(*), sum(total), sum(cash), sum(mobile), sum(credit)"
                           " from sales where id not in (select id from sale_voids)"
                           " group by day order by day").fetchall()
        assert cached == facts
        # every synced row written has its change-log entry
        for table in changes.SYNCED:
            rows = db.execute(f"select count(*) from [{table}]").fetchone()[0]
            logged = db.execute("select count(distinct row_id) from change_log where tbl = ?",
                                [table]).fetchone()[0]
            assert rows == logged, table
    finally:
        db.conn.close()
