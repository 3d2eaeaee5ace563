"""The link preview card: her shop's name, where she is, and one of her photos, as a small PNG.

WhatsApp and other apps show ``og:image`` beside a shared link; a card with her name is read
at a glance where a bare product photo is not. It is drawn with Pillow from what her page
already shows (nothing more), 600 x 315 pixels (the 1.91:1 shape previews use), a palette
image well under 300 KB. Text is drawn with DejaVu Sans (Debian's ``fonts-dejavu-core``:
accents, Arabic letters); Pillow's own font, the fallback, has no accented letters.
"""
from __future__ import annotations

import io
from pathlib import Path

WIDTH, HEIGHT = 600, 315
BACKGROUND, INK, SOFT = (246, 227, 196), (27, 27, 27), (90, 70, 40)
PHOTO = 220
FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def font_path() -> str | None:
    """The first installed font of :data:`FONTS` (None: Pillow's own)."""
    return next((f for f in FONTS if Path(f).is_file()), None)


def _font(size: int):
    from PIL import ImageFont

    path = font_path()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size=size)


def _fit(draw, text: str, size: int, width: int):
    while size > 14:
        font = _font(size)
        if draw.textlength(text, font=font) <= width:
            return font, text
        size -= 2
    font = _font(size)
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return font, text + "…"


def preview_card(name: str, place: str, photo: Path | None = None) -> bytes:
    """The card as PNG bytes: ``photo`` (one of her product photos) on the left when given."""
    from PIL import Image, ImageDraw

    card = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    left = 32
    if photo is not None:
        with Image.open(photo) as picture:
            picture.thumbnail((PHOTO, PHOTO))
            card.paste(picture.convert("RGB"), (32, (HEIGHT - picture.height) // 2))
            left = 32 + picture.width + 28
    draw = ImageDraw.Draw(card)
    room = WIDTH - left - 28
    font, text = _fit(draw, name, 44, room)
    draw.text((left, 90), text, font=font, fill=INK)
    font, text = _fit(draw, place, 26, room)
    draw.text((left, 160), text, font=font, fill=SOFT)
    font, _ = _fit(draw, "kissi", 22, room)
    draw.text((left, 240), "kissi", font=font, fill=SOFT)
    out = io.BytesIO()
    card.convert("P", palette=Image.ADAPTIVE, colors=128).save(out, "PNG", optimize=True)
    return out.getvalue()
