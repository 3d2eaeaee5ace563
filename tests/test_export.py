import csv

from factories import make_customer, make_product
from kissi.shop import credit, export, sales, stock
from ledger_helpers import other_shop, shop  # noqa: F401


def _rows(path):
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_export_writes_every_table_of_the_shop_and_nothing_of_others(db, shop, other_shop, tmp_path):
    soap = make_product(db, shop, name="Savon")
    stranger = make_product(db, other_shop, name="Pagne")
    awa = make_customer(db, shop, name="Awa")
    stock.restock(db, shop["id"], soap["id"], 5000, supplier="Grossiste")
    sale = sales.record_sale(db, shop["id"], [{"product_id": soap["id"], "qty": 2000}],
                             credit=500, customer_id=awa["id"])
    credit.record_repayment(db, shop["id"], awa["id"], 200)
    sales.void_sale(db, shop["id"], sales.record_sale(
        db, shop["id"], [{"product_id": soap["id"], "qty": 1000}])["id"], "oops")
    sales.record_sale(db, other_shop["id"], [{"product_id": stranger["id"], "qty": 1000}])
    files = {p.stem: p for p in export.export_shop(db, shop["id"], tmp_path / "out")}
    assert set(files) == set(export.TABLES)
    assert [r["name"] for r in _rows(files["products"])] == ["Savon"]
    assert len(_rows(files["sales"])) == 2 and len(_rows(files["sale_lines"])) == 2
    assert _rows(files["sale_voids"])[0]["reason"] == "oops"
    assert {r["kind"] for r in _rows(files["credit_entries"])} == {"credit", "repayment"}
    assert _rows(files["stock_movements"])[0]["supplier"] == "Grossiste"
    assert _rows(files["sales"])[0]["id"] == sale["id"]
    assert "Pagne" not in "".join(p.read_text() for p in files.values())
