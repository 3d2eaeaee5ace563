"""``kissi voice install-model``: download from a local HTTP server on loopback (never the
internet), progress, checksum, atomic unpack, and a clear message when offline.

The archive is a small model-shaped zip built by the test; the real French model cannot be
installed on these machines, so this is the French model path's only test.
"""
from __future__ import annotations

import hashlib
import http.server
import io
import json
import socket
import threading
import zipfile

import pytest


def model_zip(name="vosk-model-small-fr-0.22", extra=None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(f"{name}/am/final.mdl", b"acoustic model bytes")
        zf.writestr(f"{name}/conf/model.conf", b"--sample-frequency=16000\n")
        zf.writestr(f"{name}/graph/HCLr.fst", b"graph")
        for path, data in (extra or {}).items():
            zf.writestr(path, data)
    return out.getvalue()


class Server:
    """A loopback HTTP server for the model index and the archive."""

    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.cut_at: int | None = None
        files, server = self.files, self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                data = files.get(self.path)
                if data is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: server.cut_at] if server.cut_at and self.path.endswith(".zip") else data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def publish(self, archive: bytes, md5: str | None = None, name="vosk-model-small-fr-0.22"):
        self.files[f"/{name}.zip"] = archive
        entry = {"lang": "fr", "name": name, "type": "small", "version": "0.22",
                 "size": len(archive), "url": f"{self.url}/{name}.zip",
                 "md5": md5 if md5 is not None else hashlib.md5(archive).hexdigest()}
        self.files["/model-list.json"] = json.dumps([entry]).encode()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


@pytest.fixture
def models(app, tmp_path):
    folder = tmp_path / "voice_models"
    app.config["VOICE_MODELS"] = str(folder)
    return folder


def install(app, server, *args):
    return app.test_cli_runner().invoke(
        args=["voice", "install-model", "fr", "--index-url", f"{server.url}/model-list.json", *args])


def test_install_model_downloads_checks_and_unpacks(app, server, models):
    server.publish(model_zip())
    result = install(app, server)
    assert result.exit_code == 0, result.output
    assert (models / "fr" / "am" / "final.mdl").read_bytes() == b"acoustic model bytes"
    assert "fr model" in result.output and "installed fr" in result.output
    assert [p.name for p in models.iterdir()] == ["fr"]  # no temporary file left behind
    listed = app.test_cli_runner().invoke(args=["voice", "models"])
    assert "fr: fr" in listed.output and "no model (voice tags only): en, ar, wo, bm, dyu, bci" in listed.output


def test_wrong_checksum_is_refused_and_the_old_model_kept(app, server, models):
    server.publish(model_zip())
    assert install(app, server).exit_code == 0
    server.publish(model_zip(extra={"vosk-model-small-fr-0.22/new": b"x"}), md5="0" * 32)
    result = install(app, server)
    assert result.exit_code == 1 and "md5 does not match" in result.output
    assert not (models / "fr" / "new").exists() and (models / "fr" / "am" / "final.mdl").exists()
    assert [p.name for p in models.iterdir()] == ["fr"]


def test_sha256_given_by_the_operator_is_checked(app, server, models):
    archive = model_zip()
    server.publish(archive)
    assert install(app, server, "--sha256", "ab" * 32).exit_code == 1
    assert install(app, server, "--sha256", hashlib.sha256(archive).hexdigest()).exit_code == 0


def test_cut_download_is_refused(app, server, models):
    server.publish(model_zip())
    server.cut_at = 100
    result = install(app, server)
    assert result.exit_code == 1 and ("cut" in result.output or "bytes" in result.output)
    assert not (models / "fr").exists()


def test_archive_that_is_not_a_model_or_unsafe_is_refused(app, server, models):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("readme.txt", b"not a model")
    server.publish(out.getvalue())
    assert "does not hold a Vosk model" in install(app, server).output
    server.publish(model_zip(extra={"../escape.txt": b"x"}))
    assert "unsafe path" in install(app, server).output
    assert not (models / "fr").exists() and not (models.parent / "escape.txt").exists()


def test_offline_says_so_clearly(app, models):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = app.test_cli_runner().invoke(
        args=["voice", "install-model", "fr", "--index-url", f"http://127.0.0.1:{port}/model-list.json"])
    assert result.exit_code == 1 and "offline" in result.output
    assert not (models / "fr").exists()


def test_language_without_an_official_model_points_to_voice_tags(app, models):
    result = app.test_cli_runner().invoke(args=["voice", "install-model", "dyu"])
    assert result.exit_code == 1 and "voice tags" in result.output
