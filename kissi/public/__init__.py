"""Being found: her public shop page, the cooperative's directory, QR stickers, visit counts.

What a customer sees without an account, built only from what the trader chose to show
(nothing is public until she publishes). The page's record (``shop_pages``) and its slugs
(``shop_slugs``) sync like her other rows, so the hub serves the page from synced data and
stops serving it after the sync that brings her "unpublish".

May import ``kissi.store``, ``kissi.shop``, ``kissi.coop`` and the shared top-level modules
(``errors``, ``languages``); never Flask, ``kissi.web`` nor the command modules.
"""
