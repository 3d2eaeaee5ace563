"""The trader's phone, form by form: what a slow link, Back and a reload must not break.

Driven through the real app and a real SQLite file (Flask's test client): the order in
which answers land, a form sent twice, a page reloaded.
"""
from __future__ import annotations

import re

from web_helpers import awa, shop_ids  # noqa: F401 (fixtures)


def test_basket_survives_a_late_answer_carrying_the_old_cookie(awa, shop_ids):  # noqa: F811
    """A clip or sw.js answer that left before she added a product lands after it: the
    cookie it carries is the old one, and the basket must still be there."""
    before = awa.get_cookie("session").value
    assert awa.post(f"/sell/{shop_ids['soap']}", data={"qty": "2", "pay": "basket"}).status_code == 302
    assert awa.post(f"/sell/{shop_ids['rice']}", data={"qty": "1", "pay": "basket"}).status_code == 302
    awa.set_cookie("session", before)  # the late answer's Set-Cookie
    page = awa.get("/sell/").get_data(as_text=True)
    assert 'data-prompt="sale.basket"' in page and "🧺 2 ·" in page


def test_a_form_sent_twice_records_one_sale(awa, db, shop_ids):  # noqa: F811
    """Back then send again, without JavaScript: the same one-time token, the first answer."""
    page = awa.get(f"/sell/{shop_ids['soap']}").get_data(as_text=True)
    token = re.search(r'name="once" value="([^"]+)"', page).group(1)
    before = db.execute("select count(*) from sales").fetchone()[0]
    first = awa.post(f"/sell/{shop_ids['soap']}", data={"once": token, "qty": "1", "pay": "cash"})
    again = awa.post(f"/sell/{shop_ids['soap']}", data={"once": token, "qty": "1", "pay": "cash"})
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    changed = awa.post(f"/sell/{shop_ids['soap']}", data={"once": token, "qty": "2", "pay": "cash"})
    assert changed.status_code == 422 and "error.form_already_sent" in changed.get_data(as_text=True)
    assert db.execute("select count(*) from sales").fetchone()[0] == before + 1


def test_each_step_of_a_form_keeps_its_token(awa, shop_ids):  # noqa: F811
    """The mobile money step answers with the token it was sent: a resubmitted step, then
    the provider, is still the first sale."""
    page = awa.get(f"/sell/{shop_ids['soap']}").get_data(as_text=True)
    token = re.search(r'name="once" value="([^"]+)"', page).group(1)
    step = awa.post(f"/sell/{shop_ids['soap']}", data={"once": token, "pay": "mobile"}).get_data(as_text=True)
    assert f'name="once" value="{token}"' in step
    fresh = awa.get(f"/sell/{shop_ids['soap']}").get_data(as_text=True)
    assert f'value="{token}"' not in fresh


def test_reloading_the_pin_answer_issues_no_other_pin_and_the_shown_pin_stays_valid(app, db):
    """Post/redirect/get: the PIN is shown once on a page a reload only reads."""
    from coop_helpers import coops  # noqa: F401
    from factories import login, make_cooperative, make_user
    coop = make_cooperative(db, "Coop R")
    fatou = make_user(db, "trainer", cooperative_id=coop["id"], name="Fatou", language="en")
    awa = make_user(db, cooperative_id=coop["id"], name="Awa")
    trainer = app.test_client()
    trainer.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    assert login(trainer, fatou).status_code == 302
    posted = trainer.post(f"/coop/members/{awa['id']}/pin", data={"pin": ""})
    assert posted.status_code == 302
    shown = trainer.get(posted.headers["Location"])
    pin = re.search(r'<p class="pin"[^>]*>(\d+)</p>', shown.get_data(as_text=True)).group(1)
    reloaded = trainer.get(posted.headers["Location"]).get_data(as_text=True)
    assert pin not in reloaded and 'data-prompt="coop.pin_shown"' in reloaded
    phone = app.test_client()
    phone.environ_base["HTTP_SEC_FETCH_SITE"] = "same-origin"
    assert login(phone, {**awa, "pin": pin}).status_code == 302


def test_credit_sale_to_a_new_customer_without_a_name_says_so(awa, db, shop_ids):  # noqa: F811
    before = db.execute("select count(*) from sales").fetchone()[0]
    answer = awa.post(f"/sell/{shop_ids['soap']}", data={"qty": "1", "pay": "credit", "new_name": " ",
                                                         "new_customer": "1"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'class="err"' in page and 'data-prompt="error.name_required"' in page
    assert 'name="new_name"' in page  # the same step, to type her name
    assert db.execute("select count(*) from sales").fetchone()[0] == before


def test_days_ago_and_plan_names_speak_french(app):
    from flask import g

    from kissi.web.ui import days_ago, plan_name
    with app.test_request_context("/"):
        g.language = "fr"
        assert days_ago(0) == "aujourd’hui" and days_ago(1) == "il y a 1 jour" and days_ago(3) == "il y a 3 jours"
        assert plan_name({"name": "Small stall"}) == "Petit étal" and plan_name({"name": "Mon plan"}) == "Mon plan"


def _queued_sale(client, product_id, key, tapped):
    return client.post(f"/sell/{product_id}", data={"qty": "1", "pay": "cash"},
                       headers={"Idempotency-Key": key, "Kissi-Tapped-At": tapped})


def test_a_queued_sale_is_stamped_with_the_time_of_the_tap_within_bounds(awa, db, shop_ids):  # noqa: F811
    from datetime import UTC, datetime, timedelta
    now = datetime.now(UTC)
    stamp = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.000Z")  # noqa: E731
    cases = {"late-55s": now - timedelta(seconds=55), "late-1d": now - timedelta(days=1),
             "future": now + timedelta(hours=1), "too-old": now - timedelta(days=30)}
    at = {}
    for key, tapped in cases.items():
        answer = _queued_sale(awa, shop_ids["soap"], key, stamp(tapped))
        sale_id = answer.headers["Location"].rsplit("/", 1)[1]
        at[key] = datetime.fromisoformat(db.execute("select at from sales where id = ?", [sale_id])
                                         .fetchone()[0].replace("Z", "+00:00"))
    assert abs((at["late-55s"] - cases["late-55s"]).total_seconds()) < 1
    assert abs((at["late-1d"] - cases["late-1d"]).total_seconds()) < 1
    for refused in ("future", "too-old"):  # not believed: the node's own time
        assert abs((at[refused] - now).total_seconds()) < 30
