"""Turn errors into the API's one error shape or a page with a message, icon and prompt key.

API (``/api/...``): ``{"error": {"code", "message", "field"}}`` with a 4xx status.
Pages: the ``error.html`` template with the translated message, an icon and the audio
prompt key ``error.<code>``. Every 429 says when to come back in ``Retry-After``: the
error's ``seconds`` (a view that renders its own 429 sets ``g.retry_after``), else 1.
"""
from __future__ import annotations

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext, ngettext
from werkzeug.exceptions import HTTPException

from ..errors import DomainError


def wants_json() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, code: str, message: str, field: str | None = None):
    response = jsonify({"error": {"code": code, "message": message, "field": field}})
    response.status_code = status
    return response


def page_error(status: int, code: str, message: str, field: str | None = None):
    return render_template("error.html", code=code, message=message, field=field,
                           prompt=f"error.{code}"), status


def translate(err: DomainError) -> str:
    """A domain error's message in the request's language, in the plural form its number asks."""
    if err.plural and err.count in err.params:
        return ngettext(err.message, err.plural, err.params[err.count], **err.params)
    return gettext(err.message, **err.params)


def respond(status: int, code: str, message: str, field: str | None = None):
    """Answer an error the way the current request expects (JSON for the API, else a page)."""
    return (api_error if wants_json() else page_error)(status, code, message, field)


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        if err.status == 429:
            g.retry_after = err.params.get("seconds")
        return respond(err.status, err.code, translate(err), err.field)

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        code = (err.name or "error").lower().replace(" ", "_")
        return respond(err.code or 500, code, gettext(err.description or err.name))

    @app.after_request
    def _retry_after(response):
        if response.status_code == 429 and "Retry-After" not in response.headers:
            seconds = g.get("retry_after")
            response.headers["Retry-After"] = str(max(1, int(seconds))) if isinstance(seconds, int) else "1"
        return response
