"""The QR code of her page decodes, with a real decoder, to her page's address: PNG and sticker PDF."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image

from kissi.public import pages
from web_helpers import shop_ids  # noqa: F401 (fixtures)


@pytest.fixture
def published(app, db, trader, shop_ids):
    app.config["PUBLIC_URL"] = "https://kissi.example/"
    return pages.update_page(db, trader["shop_id"], published=1, market="Adjamé", stall="B12")


def decoded(image: Image.Image) -> list[tuple[str, str]]:
    return [(r.text, str(r.format)) for r in zxingcpp.read_barcodes(image)]


def test_qr_png_decodes_to_the_short_address_with_high_error_correction(app, published):
    answer = app.test_client().get(f"/s/{published['slug']}/qr.png")
    assert answer.status_code == 200 and answer.mimetype == "image/png"
    image = Image.open(io.BytesIO(answer.data))
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [f"https://kissi.example/s/{published['slug']}"]
    assert results[0].ec_level == "H"


def test_qr_survives_a_dirty_sticker(app, published):
    """A quarter of the code's inside smeared over: high error correction still reads it."""
    image = Image.open(io.BytesIO(app.test_client().get(f"/s/{published['slug']}/qr.png").data)).convert("L")
    w, h = image.size
    image.paste(128, (w // 3, h // 3, w // 3 + w // 5, h // 3 + h // 5))
    assert [t for t, _ in decoded(image)] == [f"https://kissi.example/s/{published['slug']}"]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_sticker_pdf_is_a6_and_its_qr_decodes_after_rendering(app, published, tmp_path):
    answer = app.test_client().get(f"/s/{published['slug']}/sticker.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    pdf = tmp_path / "sticker.pdf"
    pdf.write_bytes(answer.data)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=60)
    rendered = sorted(tmp_path.glob("page*.png"))
    assert len(rendered) == 1
    image = Image.open(rendered[0])
    # A6 is 105 x 148 mm: 620 x 874 pixels at 150 dpi
    assert abs(image.size[0] - 620) <= 2 and abs(image.size[1] - 874) <= 2
    assert [t for t, _ in decoded(image)] == [f"https://kissi.example/s/{published['slug']}"]


def test_no_qr_for_an_unpublished_page(app, db, trader, published):
    pages.update_page(db, trader["shop_id"], published=0)
    client = app.test_client()
    assert client.get(f"/s/{published['slug']}/qr.png").status_code == 404
    assert client.get(f"/s/{published['slug']}/sticker.pdf").status_code == 404


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_a_trainer_prints_every_published_member_of_her_cooperative_only(app, db, trader, published, tmp_path):
    from factories import logged_in, make_cooperative, make_user

    second = make_user(db, cooperative_id=trader["cooperative_id"], name="Fanta Diallo")
    pages.update_page(db, second["shop_id"], published=1)
    make_user(db, cooperative_id=trader["cooperative_id"], name="Mariam")  # not published: no sticker
    stranger = make_user(db, cooperative_id=make_cooperative(db, "Coop B")["id"], name="Salimata")
    pages.update_page(db, stranger["shop_id"], published=1)
    trainer = make_user(db, "trainer", cooperative_id=trader["cooperative_id"], name="Fatou")
    answer = logged_in(app, trainer).get("/coop/stickers.pdf")
    assert answer.status_code == 200
    (tmp_path / "sheet.pdf").write_bytes(answer.data)
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(tmp_path / "sheet.pdf"), str(tmp_path / "p")], check=True,
                   timeout=60)
    texts = sorted(t for path in sorted(tmp_path.glob("p*.png")) for t, _ in decoded(Image.open(path)))
    assert texts == sorted(f"https://kissi.example/s/{slug}" for slug in (published["slug"], "fanta-diallo"))
    assert logged_in(app, trader).get("/coop/stickers.pdf").status_code == 403


def test_link_preview_card_is_a_small_png_with_her_photo_and_named_in_open_graph(app, db, trader, published):
    client = app.test_client()
    html = client.get(f"/s/{published['slug']}").get_data(as_text=True)
    assert f'<meta property="og:image" content="https://kissi.example/s/{published["slug"]}/card.png">' in html
    answer = client.get(f"/s/{published['slug']}/card.png")
    assert answer.status_code == 200 and answer.mimetype == "image/png" and len(answer.data) < 300 * 1024
    image = Image.open(io.BytesIO(answer.data)).convert("RGB")
    assert image.size == (600, 315)
    red, green, blue = image.getpixel((100, 157))  # her photo (web_helpers: orange) on the left
    assert abs(red - 200) < 12 and abs(green - 80) < 12 and abs(blue - 20) < 12
    pages.update_page(db, trader["shop_id"], published=0)
    assert client.get(f"/s/{published['slug']}/card.png").status_code == 404


def test_the_card_font_has_accented_letters():
    """Pillow's own font draws "é" as an empty box; the card's font must not."""
    from PIL import ImageFont

    from kissi.public import card

    if card.font_path() is None:
        pytest.skip("DejaVu Sans (fonts-dejavu-core) is not installed")
    font = ImageFont.truetype(card.font_path(), 40)
    assert font.getbbox("é")[1] < font.getbbox("e")[1]  # the accent rises above the e
    assert font.getbbox("é")[2] == font.getbbox("e")[2]  # and it is an e, not a box of another width


def test_drawn_files_are_rate_limited_per_client(app, published):
    """The QR, card and sticker are drawn per request: a client asking in a loop gets 429 with
    Retry-After once its burst is spent, and another client is still served."""
    app.config.update(PUBLIC_FILES_PER_MINUTE=6, PUBLIC_FILES_BURST=3)
    looping = app.test_client()
    url = f"/s/{published['slug']}/card.png"
    answers = [looping.get(url, environ_base={"REMOTE_ADDR": "203.0.113.7"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1].headers["Retry-After"]) >= 1
    other = app.test_client().get(url, environ_base={"REMOTE_ADDR": "203.0.113.8"})
    assert other.status_code == 200
