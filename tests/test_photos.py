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
