"""Voice input: a short recording becomes an intent the trader confirms with a tap.

Two engines: Vosk (speaker-independent, constrained to a grammar of the shop's words)
for languages with an installed model, and voice tags (speaker-dependent matching of the
trader's own recordings) for the languages no model knows. Neither writes anything: the
result is an intent, read back and committed by the same domain call as the taps.

May import ``store``, ``shop`` (``act`` commits through its functions), ``voice`` (audio
decoding, number words) and the shared modules; no Flask but in ``cli``; never ``web``.
"""
