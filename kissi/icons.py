"""The app's launcher icons, drawn with Pillow (no binary files in the repository).

A market-stall awning over a coin, in the theme colours: readable at 48 px on a home
screen, and with everything inside the central 80 % circle so the ``maskable`` variant
survives any launcher mask (Android crops maskable icons to a circle or squircle).
"""
from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw

THEME = "#0b5d3b"  # deep green: the manifest's theme colour and the icon's ground
ACCENT = "#ffc629"  # coin gold
WHITE = "#ffffff"
SIZES = (192, 512)


@lru_cache(maxsize=8)
def icon_png(size: int, maskable: bool = False) -> bytes:
    """The icon as PNG bytes, ``size`` x ``size``; ``maskable`` keeps a full-bleed ground."""
    scale = 4  # draw large, then downsample: cheap anti-aliasing
    s = size * scale
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle([0, 0, s, s], fill=THEME)
        inset = s * 0.16  # keep the motif inside the safe zone
    else:
        draw.rounded_rectangle([0, 0, s - 1, s - 1], radius=s * 0.18, fill=THEME)
        inset = s * 0.1
    box = s - 2 * inset
    left, top = inset, inset
    # awning: five alternating stripes with a scalloped edge
    stripe = box / 5
    awning_h = box * 0.3
    for i in range(5):
        colour = WHITE if i % 2 == 0 else ACCENT
        x0 = left + i * stripe
        draw.rectangle([x0, top, x0 + stripe, top + awning_h], fill=colour)
        draw.pieslice([x0, top + awning_h - stripe / 2, x0 + stripe, top + awning_h + stripe / 2],
                      0, 180, fill=colour)
    # coin under the awning
    r = box * 0.26
    cx, cy = left + box / 2, top + box * 0.7
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=ACCENT, outline=WHITE, width=int(s * 0.015))
    draw.ellipse([cx - r * 0.55, cy - r * 0.55, cx + r * 0.55, cy + r * 0.55], outline=THEME,
                 width=int(s * 0.02))
    image = image.resize((size, size), Image.LANCZOS)
    # a small palette keeps the anti-aliased edges at a fifth of the bytes
    image = image.quantize(48, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
