"""Product and customer photos: checked by content, re-encoded small, named by content.

An upload is never stored as it came: it is decoded with Pillow (JPEG, PNG or WebP only,
whatever its name or declared type says), turned upright, shrunk to a thumbnail of at
most 256 px, and re-encoded as WebP without metadata (so no EXIF, no GPS position leaves
the phone's picture). The file name is the SHA-256 of the thumbnail: the same photo is
stored once and a name never changes meaning, so it can be cached forever.

Decoding is bounded before it starts, because a few kilobytes of WebP or PNG can declare
a canvas that costs hundreds of megabytes to decode on a board with 1 GB:

- the header's size is checked first (Pillow opens lazily): at most ``MAX_SIDE`` a side and
  ``MAX_PIXELS`` in all, what a phone's camera gives; Pillow's own bomb limit is set to the
  same figure and its warning is a refusal;
- a JPEG is then decoded at reduced size (``Image.draft``: 1/2 to 1/8 scale in the decoder);
- what would still be decoded at full size (PNG, WebP, a small JPEG) must stay under
  ``MAX_DECODED_PIXELS`` (16 MB as RGBA); screenshots and shared pictures fit.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
from pathlib import Path

from ..errors import Invalid
from .ledger import N_

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 4096
MAX_PIXELS = 4096 * 4096
MAX_DECODED_PIXELS = 2048 * 2048
THUMB = 256
FORMATS = {"JPEG", "PNG", "WEBP"}
FOLDER = "photos"
_NAME = re.compile(r"^[0-9a-f]{64}\.webp$")


def make_thumbnail(data: bytes) -> bytes:
    """The WebP thumbnail of an uploaded image, or :class:`Invalid` when it is not one."""
    if not data:
        raise Invalid("photo_empty", N_("The photo is empty"), "photo")
    if len(data) > MAX_BYTES:
        raise Invalid("photo_too_big", N_("The photo is too big (5 MB at most)"), "photo")
    from PIL import Image, UnidentifiedImageError  # loaded on first use

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # process-wide: no kissi image needs more
    too_large = Invalid("photo_too_large", N_("The photo has too many pixels"), "photo")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=sorted(FORMATS))
        with img:
            width, height = img.size
            if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                raise too_large
            img.draft("RGB", (THUMB * 2, THUMB * 2))  # JPEG: decode at reduced size
            if img.size[0] * img.size[1] > MAX_DECODED_PIXELS:
                raise too_large
            return _thumbnail(img)
    except Invalid:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise Invalid("photo_unreadable", N_("This is not a JPEG, PNG or WebP photo"), "photo") from None


def _thumbnail(img) -> bytes:
    """Upright, at most ``THUMB`` a side, flattened on white, as WebP without metadata."""
    from PIL import Image, ImageOps

    img = ImageOps.exif_transpose(img)
    img.thumbnail((THUMB, THUMB))
    if img.mode in ("RGBA", "LA", "P"):
        img = img.convert("RGBA")
        flat = Image.new("RGB", img.size, (255, 255, 255))
        flat.paste(img, mask=img.getchannel("A"))
        img = flat
    elif img.mode != "RGB":
        img = img.convert("RGB")
    out = io.BytesIO()
    img.save(out, "WEBP", quality=75, method=4)
    return out.getvalue()


def save_photo(instance_path: str | os.PathLike, data: bytes) -> str:
    """Store the thumbnail of ``data`` under ``<instance>/photos/`` and return its file name."""
    thumb = make_thumbnail(data)
    name = hashlib.sha256(thumb).hexdigest() + ".webp"
    folder = Path(instance_path) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(thumb)
        tmp.replace(path)
    return name


def photo_path(instance_path: str | os.PathLike, name: str) -> Path | None:
    """The file of a stored photo name, or None for a name that is not one of ours."""
    if not isinstance(name, str) or not _NAME.match(name):
        return None
    path = Path(instance_path) / FOLDER / name
    return path if path.is_file() else None
