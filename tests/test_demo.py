from kissi.cli import demo
from kissi.shop import credit, day, products, stock


def test_demo_command_loads_once_and_prints_the_logins(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    for login in (demo.TRAINER, *demo.TRADERS):
        assert f"{login['phone']} / {login['pin']}" in first.output
    users = db.execute("select count(*) from users").fetchone()[0]
    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "nothing loaded" in again.output
    assert db.execute("select count(*) from users").fetchone()[0] == users == 3


def test_demo_shops_have_icons_two_weeks_of_sales_and_debts(app, db):
    loaded = demo.load_demo(db)
    for login in loaded["logins"][1:]:
        shop_id = login["shop_id"]
        items = products.list_products(db, shop_id)
        assert items and all(p["icon"] in products.ICONS for p in items)
        days = db.execute("select count(distinct day) from sales where shop_id = ?", [shop_id]).fetchone()[0]
        assert days == demo.DAYS
        assert credit.debtors(db, shop_id)
        assert day.period_summary(db, shop_id, *db.execute(
            "select min(day), max(day) from sales where shop_id = ?", [shop_id]).fetchone())["total"] > 0
        for p in items:
            assert stock.stock_level(db, shop_id, p["id"]) == stock.derived_level(db, p["id"])


def test_demo_trader_can_log_in_and_read_her_day(app, client, db):
    demo.load_demo(db)
    awa = demo.TRADERS[0]
    client.post("/login", data={"phone": awa["phone"], "pin": awa["pin"]})
    summary = client.get("/api/v1/day").get_json()
    assert summary["count"] > 0 and summary["total"] > 0


def test_export_command_writes_the_csv_files(app, db, tmp_path):
    loaded = demo.load_demo(db)
    shop_id = loaded["logins"][1]["shop_id"]
    result = app.test_cli_runner().invoke(args=["export", "--shop", shop_id, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "sales.csv").read_text().count("\n") > 100
    by_phone = app.test_cli_runner().invoke(
        args=["export", "--shop", demo.TRADERS[0]["phone"], "--out", str(tmp_path / "awa")])
    assert by_phone.exit_code == 0 and (tmp_path / "awa" / "sales.csv").read_text() == \
        (tmp_path / "sales.csv").read_text()
    bad = app.test_cli_runner().invoke(args=["export", "--shop", "nope", "--out", str(tmp_path)])
    assert bad.exit_code != 0 and "not_found" in bad.output
