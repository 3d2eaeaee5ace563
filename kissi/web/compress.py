"""gzip for text answers: a page's HTML+CSS must fit one round trip on a slow link.

waitress does not compress, and a phone on a 2G/3G link pays for every byte, so pages,
CSS, JS, JSON and the manifest are gzipped here when the client accepts it. Audio and
images are already compressed and pass as they are.
"""
from __future__ import annotations

import gzip

from flask import Flask, Response, request

TYPES = ("text/", "application/json", "application/manifest+json", "application/javascript",
         "image/svg+xml")
MIN_BYTES = 512


def compress(response: Response) -> Response:
    if (response.status_code in (204, 206, 304) or "gzip" not in request.headers.get("Accept-Encoding", "")
            or "Content-Encoding" in response.headers
            or not (response.mimetype or "").startswith(TYPES)):
        return response
    response.vary.add("Accept-Encoding")
    if response.is_streamed and not response.direct_passthrough:
        return response  # a generator: left as it is
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, _ = response.get_etag()
    if etag:  # other bytes, same content: a weak validator, still good for If-None-Match
        response.set_etag(etag, weak=True)
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress)
