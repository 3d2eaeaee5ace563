import io

import pytest
from PIL import Image

from kissi.errors import Invalid
from kissi.shop import photos


def _image(fmt, size=(1200, 900), mode="RGB", exif=False):
    img = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        e = Image.Exif()
        e[0x0112] = 6  # orientation: rotate 90
        e[0x010F] = "PhoneMaker"
        kwargs["exif"] = e.tobytes()
    img.save(out, fmt, **kwargs)
    return out.getvalue()


@pytest.mark.parametrize("fmt, mode", [("JPEG", "RGB"), ("PNG", "RGBA"), ("WEBP", "RGB")])
def test_photo_is_stored_as_a_small_webp_named_by_content(tmp_path, fmt, mode):
    name = photos.save_photo(tmp_path, _image(fmt, mode=mode))
    path = photos.photo_path(tmp_path, name)
    with Image.open(path) as img:
        assert img.format == "WEBP" and max(img.size) <= 256
    assert photos.save_photo(tmp_path, _image(fmt, mode=mode)) == name  # same content, same name
    assert len(list((tmp_path / "photos").iterdir())) == 1


def test_exif_is_applied_then_stripped(tmp_path):
    name = photos.save_photo(tmp_path, _image("JPEG", size=(400, 200), exif=True))
    with Image.open(photos.photo_path(tmp_path, name)) as img:
        assert img.size[1] > img.size[0]  # turned upright
        assert not img.getexif() and "exif" not in img.info


@pytest.mark.parametrize("data, code", [
    (b"", "photo_empty"),
    (b"GIF89a" + b"\0" * 100, "photo_unreadable"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "photo_unreadable"),
    (b"\xff\xd8\xff" + b"\0" * 50, "photo_unreadable"),  # truncated JPEG
    (b"x" * (5 * 1024 * 1024 + 1), "photo_too_big"),
])
def test_uploads_that_are_not_photos_are_refused(tmp_path, data, code):
    with pytest.raises(Invalid) as err:
        photos.save_photo(tmp_path, data)
    assert err.value.code == code
    assert not (tmp_path / "photos").exists() or not any((tmp_path / "photos").iterdir())


def test_gif_is_refused_even_though_pillow_reads_it(tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    with pytest.raises(Invalid):
        photos.save_photo(tmp_path, out.getvalue())


def test_huge_dimensions_are_refused_before_decoding(tmp_path):
    out = io.BytesIO()
    Image.new("1", (9000, 10)).save(out, "PNG")
    with pytest.raises(Invalid) as err:
        photos.save_photo(tmp_path, out.getvalue())
    assert err.value.code == "photo_too_large"


def test_photo_path_refuses_names_that_are_not_ours(tmp_path):
    assert photos.photo_path(tmp_path, "../secret_key") is None
    assert photos.photo_path(tmp_path, "0" * 64 + ".webp") is None  # well formed, absent


# -- decompression bombs: a few KB that declare a huge canvas ---------------------------------

# VmHWM, the peak resident size of this process's memory; not ru_maxrss, which a child
# inherits from its parent at fork (the test process holds the generated images).
_MEASURE = """
import json, re, sys
def peak():
    return int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
from kissi.errors import Invalid
from kissi.shop import photos
data = open(sys.argv[1], "rb").read()
import PIL.Image, PIL.WebPImagePlugin, PIL.PngImagePlugin, PIL.JpegImagePlugin  # imports out of the figure
before = peak()
try:
    photos.make_thumbnail(data)
    code = "ok"
except Invalid as err:
    code = err.code
print(json.dumps({"code": code, "peak_mb": (peak() - before) / 1024}))
"""


def _saved(size, fmt, **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(out, fmt, **options)
    return out.getvalue()


def _gif_canvas(width: int, height: int) -> bytes:
    """A 1x1 GIF whose logical screen (the canvas) is ``width`` x ``height``."""
    data = bytearray(_saved((1, 1), "GIF"))
    data[6:10] = width.to_bytes(2, "little") + height.to_bytes(2, "little")
    return bytes(data)


def _peak(tmp_path, name: str, data: bytes) -> dict:
    """Decode ``data`` in a fresh process: its refusal code and the memory the attempt cost."""
    import json
    import subprocess
    import sys

    path = tmp_path / name
    path.write_bytes(data)
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True,
                         check=True, timeout=60)
    return json.loads(out.stdout)


@pytest.mark.parametrize("name, make, code", [
    ("webp-8000x5000", lambda: _saved((8000, 5000), "WEBP", lossless=True), "photo_too_large"),
    ("webp-4096x4096", lambda: _saved((4096, 4096), "WEBP", lossless=True), "photo_too_large"),
    ("png-4000x4000", lambda: _saved((4000, 4000), "PNG"), "photo_too_large"),
    ("gif-65535x65535", lambda: _gif_canvas(65535, 65535), "photo_unreadable"),
    ("jpeg-4096x4096", lambda: _saved((4096, 4096), "JPEG"), "ok"),  # decoded at 1/8 scale
    ("png-2000x2000", lambda: _saved((2000, 2000), "PNG"), "ok"),  # a screenshot: decoded whole
])
def test_small_files_declaring_huge_canvases_cost_little_memory(tmp_path, name, make, code):
    data = make()
    assert len(data) < 300 * 1024
    result = _peak(tmp_path, name, data)
    assert result["code"] == code
    assert result["peak_mb"] < 40, f"{name}: {result['peak_mb']:.0f} MB to decode"


def test_pillow_bomb_limit_is_kissis(tmp_path):
    """Pillow's own guard (a warning, then an error at twice the figure) is set to kissi's cap."""
    photos.make_thumbnail(_saved((8, 8), "PNG"))
    from PIL import Image

    assert Image.MAX_IMAGE_PIXELS == photos.MAX_PIXELS
