"""The trader's ledger: products, stock, sales, credit, the day and the month, export, photos.

Plain functions over a ``sqlite_utils.Database`` and plain values; they raise
:class:`kissi.errors.DomainError`. May import ``store`` and the shared modules at the top of
the package (``errors``, ``languages``); never Flask, and never ``coop``, ``sync``, ``voice``,
``listen``, ``web`` or ``cli`` (they stand on the shop, not the reverse). ``ledger`` holds
the checks every module here shares.
"""
