"""Domain errors: a stable code the API and pages map to a status, a message and a prompt.

The domain never imports Flask; the web layer turns these into
``{"error": {"code", "message", "field"}}`` (4xx) or a page with an icon and an audio
prompt key (``error.<code>``). Messages stay plain English source text here and are translated by
the web layer (:mod:`kissi.web.errors`); ``./dev.sh i18n`` extracts them from the second
argument of these classes' constructors.
"""


class DomainError(Exception):
    """Something the user asked for cannot be done as asked. Nothing was written."""

    status = 400

    def __init__(self, code: str, message: str, field: str | None = None, *,
                 plural: str | None = None, count: str | None = None, **params):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.params = params
        # a message with a number in it has a plural form; ``count`` names the number's
        # param, so the web layer picks the form the language's plural rules ask for
        self.plural = plural
        self.count = count

    @property
    def prompt(self) -> str:
        """The audio prompt key a page plays for this error."""
        return f"error.{self.code}"


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message and its plural for extraction (``./dev.sh i18n``); returns both."""
    return singular, plural


class Invalid(DomainError):
    status = 422


class NotFound(DomainError):
    """Also raised for rows outside the caller's scope: another shop's id is 'not found'.

    The message does not say which kind of row, so that it has one translation; ``what``
    stays in ``params`` for logs and tests.
    """

    status = 404

    def __init__(self, what: str, field: str | None = None):
        super().__init__("not_found", "This was not found.", field, what=what)


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class TooMany(DomainError):
    status = 429
