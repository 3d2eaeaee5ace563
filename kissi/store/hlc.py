"""Hybrid logical clock (Kulkarni et al., 2014), encoded as sortable text.

A timestamp is ``(wall_ms, counter)``. It never goes backwards on a node even when the
wall clock does, and after receiving a remote timestamp the node's next one is larger,
so causally later edits always win last-writer-wins merges. Encoded as fixed-width hex
(``"0000018f3a2b4c5d.0000"``) so that SQL ``max()`` and string comparison order them; a
tie between nodes is broken by node id, which callers append (:func:`version`).
"""
from __future__ import annotations

import time
from typing import NamedTuple


class HLC(NamedTuple):
    wall: int
    counter: int

    def encode(self) -> str:
        return f"{self.wall:016x}.{self.counter:04x}"

    @classmethod
    def decode(cls, text: str) -> HLC:
        wall, _, counter = text.partition(".")
        return cls(int(wall, 16), int(counter, 16))


ZERO = HLC(0, 0)


def now_ms() -> int:
    return int(time.time() * 1000)


def tick(last: HLC, wall_ms: int) -> HLC:
    """The timestamp of a local event that happens after ``last``."""
    if wall_ms > last.wall:
        return HLC(wall_ms, 0)
    return HLC(last.wall, last.counter + 1)


def receive(last: HLC, remote: HLC, wall_ms: int) -> HLC:
    """The local clock after merging a timestamp received from another node."""
    wall = max(last.wall, remote.wall, wall_ms)
    if wall == last.wall == remote.wall:
        counter = max(last.counter, remote.counter) + 1
    elif wall == last.wall:
        counter = last.counter + 1
    elif wall == remote.wall:
        counter = remote.counter + 1
    else:
        counter = 0
    return HLC(wall, counter)


def version(hlc_text: str, node_id: str) -> str:
    """The total order used by last-writer-wins: HLC first, node id breaks ties."""
    return f"{hlc_text}/{node_id}"
