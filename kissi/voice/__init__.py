"""Voice output: prompt clips per language, spoken amounts, the recording studio.

May import ``store`` and the shared modules at the top of the package (``languages``, the
prompt catalog); no Flask but in ``cli`` (its commands); never ``web``, never ``listen``
(which stands on it for audio decoding and number words). ``web`` never imports ``build``:
building clips takes minutes and talks to a web service, so it runs from the command line.
"""
