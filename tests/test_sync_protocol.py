"""The wire format alone: lossless, compact, and refusing what is malformed."""
from __future__ import annotations

import json
import zlib

import pytest
from hypothesis import given, settings, strategies as st

from kissi.store import changes
from kissi.store.ids import uuid7
from kissi.sync import protocol

NODE = uuid7()


def _entry(tbl="sales", op="insert", data=None, node=NODE, stamp="0000018f3a2b4c5d.0000", row_id=None):
    row_id = row_id or uuid7()
    data = {"id": row_id, **(data or {})} if op == "insert" else data
    return {"id": changes.change_id(node, stamp), "node_id": node, "hlc": stamp, "tbl": tbl,
            "row_id": row_id, "op": op, "data": data}


VALUES = st.one_of(st.none(), st.integers(-2**40, 2**40), st.text(max_size=12),
                   st.just("2026-11-26T13:55:55.123Z"), st.builds(uuid7))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["sales", "products"]), st.sampled_from(["insert", "update"]),
                          st.dictionaries(st.sampled_from(["a", "b", "at", "ref"]), VALUES, min_size=1),
                          st.integers(0, 5000), st.integers(0, 3), st.booleans()), max_size=30))
def test_any_batch_survives_the_round_trip(specs):
    entries, wall = [], 1_700_000_000_000
    nodes = [NODE, uuid7()]
    for tbl, op, data, step, counter, other in specs:
        wall += step
        entry = _entry(tbl, op, data, nodes[other], f"{wall:016x}.{counter:04x}")
        if step % 7 == 0:
            entry["id"] = uuid7()  # a restamped change keeps an id that is not derived
        entries.append(entry)
    meta, back = protocol.decode(protocol.encode(entries, c=7, m=False))
    assert meta == {"c": 7, "m": False}
    assert back == entries


def test_a_sale_costs_a_few_dozen_bytes_on_the_wire():
    shop, products = uuid7(), [uuid7() for _ in range(10)]
    entries, wall = [], 1_700_000_000_000
    for i in range(500):
        wall += 1000 + i % 7
        sale = uuid7(wall)
        at = protocol._ms_ts(wall)
        entries.append(_entry("sales", data={"shop_id": shop, "total": 500 * (i % 4 + 1), "cash": 500 * (i % 4 + 1),
                                             "at": at, "day": at[:10]}, stamp=f"{wall:016x}.0000", row_id=sale))
        entries.append(_entry("sale_lines", data={"sale_id": sale, "shop_id": shop, "product_id": products[i % 10],
                                                  "qty": 1000 * (i % 4 + 1), "amount": 500 * (i % 4 + 1)},
                              stamp=f"{wall:016x}.0001", row_id=uuid7(wall)))
    size = len(protocol.encode(entries, to=1))
    plain = len(zlib.compress(json.dumps(entries).encode(), 9))
    assert size / 500 < 32 and size * 3 < plain


@pytest.mark.parametrize("body, why", [
    (b"not deflate at all", "not a sync batch"),
    (protocol.encode([_entry()])[:-5], "truncated"),
    (zlib.compress(b'{"v":9}\n')[2:-4], "version"),
    (zlib.compress(b'{"v":1,"e":{"n":["x"],"s":[["sales","insert",[],"u"]],"k":[0],"w":[1],"q":[0],'
                   b'"c":[[[7]]]}}\n')[2:-4], "bad id reference"),
    (zlib.compress(b'{"v":1,"e":{"n":["x"],"s":[["sales","insert",["a"],"uj"]],"k":[0,0],"w":[1],'
                   b'"q":[0],"c":[[[0],[1]]]}}\n')[2:-4], "lengths disagree"),
])
def test_malformed_bodies_are_refused(body, why):
    with pytest.raises(protocol.ProtocolError, match=why):
        protocol.decode(body)


def test_a_compression_bomb_is_refused():
    bomb = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = bomb.compress(b'{"v":1,"x":"' + b"a" * (protocol.MAX_INFLATED + 10)) + bomb.flush()
    with pytest.raises(protocol.ProtocolError, match="too large"):
        protocol.decode(body)


def test_change_ids_are_derived_and_time_ordered():
    first = changes.change_id(NODE, "0000018f3a2b4c5d.0000")
    assert first == changes.change_id(NODE, "0000018f3a2b4c5d.0000")
    assert first != changes.change_id(uuid7(), "0000018f3a2b4c5d.0000")
    assert first < changes.change_id(NODE, "0000018f3a2b4c5e.0000")
    assert first[14] == "7"  # a UUIDv7 shape
