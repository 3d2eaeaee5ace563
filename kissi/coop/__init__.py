"""The cooperative: members and their logins, cooperatives and their trainers, plans,
subscriptions and payments.

May import ``store``, ``shop`` and the shared modules at the top of the package; never Flask,
and never ``sync``, ``voice``, ``listen``, ``web`` or ``cli``. The shop never imports it.
"""
