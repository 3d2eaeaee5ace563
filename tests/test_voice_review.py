"""Translations awaiting a native speaker's review: the convention and the trainer's list."""
import io

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from factories import login, make_cooperative, make_user
from kissi.voice import review

PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"

# review: awaiting a native speaker
msgid "Sold"
msgstr "Feere"

msgid "Home"
msgstr "So"

#, fuzzy
msgid "Stock"
msgstr "Marifa"

msgid "Debts"
msgstr ""
"""


@pytest.fixture
def locales(tmp_path, monkeypatch):
    folder = tmp_path / "dyu" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(PO)
    monkeypatch.setattr(review, "LOCALES_DIR", tmp_path)
    return tmp_path


def test_unreviewed_fuzzy_and_missing_strings_are_listed(locales):
    assert review.awaiting("dyu") == [
        {"msgid": "Sold", "msgstr": "Feere", "state": "unreviewed"},
        {"msgid": "Stock", "msgstr": "Marifa", "state": "fuzzy"},
        {"msgid": "Debts", "msgstr": "", "state": "missing"},
    ]
    assert review.summary("dyu") == {"missing": 1, "fuzzy": 1, "unreviewed": 1}
    assert review.awaiting("bci") == []


def test_the_review_mark_survives_a_catalog_update(locales):
    with (locales / "dyu" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=None)
    template = Catalog(locale=None)
    for msgid in ("Sold", "Home", "Stock", "Debts", "Sell again"):
        template.add(msgid)
    catalog.update(template)
    out = io.BytesIO()
    write_po(out, catalog)
    assert "# review: awaiting a native speaker\nmsgid \"Sold\"" in out.getvalue().decode()


def test_a_trainer_sees_the_strings_to_review(client, db, locales):
    trainer = make_user(db, "trainer", cooperative_id=make_cooperative(db)["id"])
    assert login(client, trainer).status_code == 302
    page = client.get("/voice/translations/dyu").get_data(as_text=True)
    assert "Feere" in page and "Marifa" in page and "Debts" in page and "Home" not in page.split("<main>")[1]
    assert client.get("/voice/translations/xx").status_code == 404
