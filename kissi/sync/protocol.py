"""The sync wire format: a batch of change-log entries, small enough for a 2G link.

A body is raw DEFLATE of ``JSON head`` + ``\\n`` + ``id blob``. The head carries the
batch's metadata (cursor, positions, clocks) and, under ``e``, the entries as columns:

- entries with the same table, operation and field set share a *shape*; ``k`` lists each
  entry's shape and ``c`` holds, per shape, one array per field (``@`` is the row id), so
  equal-looking values sit side by side and compress;
- UUIDv7s (row ids and references) become move-to-front references: ``0`` means "the next
  new id in the blob", ``n > 0`` the n-th most recently used id; the blob stores each new
  id as the varint delta of its time-and-counter prefix plus its 62 random bits (a UUIDv7
  costs 9 to 13 bytes, not 36);
- ISO timestamps become their distance in ms to the entry's HLC; an HLC is written as its
  distance to its new row's UUIDv7 time (or to the previous HLC) plus its counter;
- an integer column that mostly equals an earlier one (``cash`` and ``total``) is written
  as the difference (kind ``d``, base column in the shape's fifth item);
- change ids are left off when they equal :func:`kissi.store.changes.change_id` of the entry's
  node and HLC (always, unless the hub restamped a change from the future).

Decoding checks shapes and lengths and refuses anything malformed with
:class:`ProtocolError`; whether the entries are acceptable is the hub's business.
"""
from __future__ import annotations

import json
import re
import zlib
from calendar import timegm
from datetime import UTC, datetime

from ..errors import Conflict
from ..store.changes import change_id, uuid_text
from ..store.hlc import HLC

VERSION = 1
# Versions this node reads and writes. A new version keeps the one before it here for a
# release, so that an edge and a hub one kissi version apart still sync.
SUPPORTED = (1,)
# Every enroll, push and pull request and every hub answer names its version; a node that
# sends none speaks version 1 (kissi before the header existed).
VERSION_HEADER = "X-Kissi-Sync-Version"
MEDIA_TYPE = "application/x-kissi-sync"
MAX_BODY = 2 * 1024 * 1024         # compressed bytes accepted in one request
MAX_INFLATED = 16 * 1024 * 1024    # guard against compression bombs
MAX_ENTRIES = 5000                 # entries in one batch

_UUID7 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


class ProtocolError(ValueError):
    """The body is not a well-formed kissi sync batch."""


def check_version(header: str | None, at_hub: bool) -> None:
    """Raise :class:`~kissi.errors.Conflict` (``sync_version``) unless ``header``, the other
    side's version, is one this node speaks; ``at_hub`` says which side is checking."""
    theirs = (header or "1").strip()
    if theirs in {str(v) for v in SUPPORTED}:
        return
    params = {"theirs": theirs[:20], "ours": ", ".join(map(str, SUPPORTED))}
    if at_hub:
        raise Conflict("sync_version", "This hub speaks sync protocol version %(ours)s and the device "
                       "%(theirs)s: update kissi on the older of the two, then sync again", None, **params)
    raise Conflict("sync_version", "The hub speaks sync protocol version %(theirs)s and this device "
                   "%(ours)s: update kissi on the older of the two, then sync again", None, **params)


# -- small codecs ----------------------------------------------------------------------

def _is_uuid7(value) -> bool:
    """A canonical UUIDv7 (other UUIDs travel as plain text)."""
    return isinstance(value, str) and _UUID7.fullmatch(value) is not None


def _ts_ms(text: str) -> int:
    moment = datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").timetuple()
    return timegm(moment) * 1000 + int(text[20:23])


def _ms_ts(ms: int) -> str:
    moment = datetime.fromtimestamp(ms // 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


def _varint(out: bytearray, n: int) -> None:
    n = (n << 1) ^ (n >> 63)  # zigzag: small negatives stay small
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)


def _read_varint(blob: bytes, pos: int) -> tuple[int, int]:
    n = shift = 0
    while True:
        if pos >= len(blob) or shift > 70:
            raise ProtocolError("truncated id blob")
        byte = blob[pos]
        pos += 1
        n |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return (n >> 1) ^ -(n & 1), pos


class _Ids:
    """UUIDv7s as move-to-front references (``1`` = the id used last), new ones packed in a blob.

    A sale's lines point at the sale just written (``1``) and the shop's id stays near the
    front, so references are small repeated numbers that DEFLATE squeezes to bits. A new
    id is stored as the varint delta of its 60-bit time-and-counter prefix (a line made in
    the same millisecond as its sale costs one byte) plus its 62 random bits in 8 bytes.
    """

    def __init__(self, blob: bytes = b""):
        self.recent: list[str] = []
        self.blob = bytearray()
        self._in, self._pos, self._prefix = blob, 0, 0

    def ref(self, value: str) -> int:
        try:
            at = self.recent.index(value)
        except ValueError:
            number = int(value.replace("-", ""), 16)
            prefix = (number >> 80) << 12 | (number >> 64) & 0xFFF
            _varint(self.blob, prefix - self._prefix)
            self.blob += (number & ((1 << 62) - 1)).to_bytes(8, "big")
            self._prefix = prefix
            self.recent.insert(0, value)
            return 0
        self.recent.insert(0, self.recent.pop(at))
        return at + 1

    def resolve(self, ref) -> str:
        if not isinstance(ref, int) or ref < 0 or ref > len(self.recent):
            raise ProtocolError(f"bad id reference {ref!r}")
        if ref:
            value = self.recent.pop(ref - 1)
            self.recent.insert(0, value)
            return value
        delta, self._pos = _read_varint(self._in, self._pos)
        self._prefix += delta
        tail = self._in[self._pos:self._pos + 8]
        if len(tail) != 8 or not 0 <= self._prefix < 1 << 60 or tail[0] > 0x3F:
            raise ProtocolError("truncated id blob")
        self._pos += 8
        number = ((self._prefix >> 12) << 80 | 0x7 << 76 | (self._prefix & 0xFFF) << 64
                  | 0b10 << 62 | int.from_bytes(tail, "big"))
        value = uuid_text(number)
        self.recent.insert(0, value)
        return value


# -- encode / decode -------------------------------------------------------------------

def _column_kind(values: list) -> str:
    present = [v for v in values if v is not None]
    if present and all(_is_uuid7(v) for v in present):
        return "u"
    if present and all(isinstance(v, str) and _TS.match(v) for v in present):
        return "t"
    return "j"


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _delta_base(cols: list[list], c: int, kinds: str) -> int:
    """An earlier integer column this one mostly equals (``total`` = ``cash``), or -1."""
    if not all(_is_int(v) for v in cols[c]):
        return -1
    best, best_zeros = -1, len(cols[c]) // 2
    for b in range(1, c):
        if kinds[b] == "j" and all(_is_int(v) for v in cols[b]):
            zeros = sum(x == y for x, y in zip(cols[c], cols[b], strict=False))
            if zeros > best_zeros:
                best, best_zeros = b, zeros
    return best


def _uuid_ms(value: str) -> int:
    return int(value[:8] + value[9:13], 16)


def encode(entries: list[dict], **meta) -> bytes:
    """Encode change-log entries (``id node_id hlc tbl row_id op data``) and metadata."""
    nodes: dict[str, int] = {}
    shapes: dict[tuple, int] = {}
    rows: list[list[dict]] = []
    kinds, owners, walls, counters, explicit, entry_walls = [], [], [], [], {}, []
    for i, entry in enumerate(entries):
        data = entry["data"] if isinstance(entry["data"], dict) else json.loads(entry["data"])
        data = dict(data)
        if entry["op"] == "insert" and data.get("id") == entry["row_id"]:
            del data["id"]
        key = (entry["tbl"], entry["op"], tuple(sorted(data)))
        if key not in shapes:
            shapes[key] = len(shapes)
            rows.append([])
            entry_walls.append([])
        kinds.append(shapes[key])
        rows[shapes[key]].append({"@": entry["row_id"], **data})
        owners.append(nodes.setdefault(entry["node_id"], len(nodes)))
        stamp = HLC.decode(entry["hlc"])
        walls.append(stamp.wall)
        counters.append(stamp.counter)
        entry_walls[shapes[key]].append(stamp.wall)
        if entry["id"] != change_id(entry["node_id"], entry["hlc"]):
            explicit[str(i)] = entry["id"]
    columns, shape_list = [], []
    for (tbl, op, fields), n in sorted(shapes.items(), key=lambda item: item[1]):
        cols = [[row[name] for row in rows[n]] for name in ("@", *fields)]
        col_kinds = "".join(_column_kind(col) for col in cols)
        bases = [_delta_base(cols, c, col_kinds) if kind == "j" else -1 for c, kind in enumerate(col_kinds)]
        col_kinds = "".join("d" if b >= 0 else k for k, b in zip(col_kinds, bases, strict=False))
        shape_list.append([tbl, op, list(fields), col_kinds] + ([bases] if max(bases) >= 0 else []))
        columns.append(cols)
    # a clock is written against its new row's UUIDv7 time (the same moment), else the last clock
    last_wall = 0
    for i, shape in enumerate(kinds):
        wall, spec = walls[i], shape_list[shape]
        walls[i] = wall - (_uuid_ms(entries[i]["row_id"]) if spec[1] == "insert" and spec[3][0] == "u"
                           else last_wall)
        last_wall = wall
    # ids are referenced in entry order so that a sale's lines point a short way back
    ids = _Ids()
    cursors = [0] * len(shape_list)
    encoded = [[list(col) for col in cols] for cols in columns]
    for shape in kinds:
        r = cursors[shape]
        cursors[shape] += 1
        for c, kind in enumerate(shape_list[shape][3]):
            if kind == "u" and columns[shape][c][r] is not None:
                encoded[shape][c][r] = ids.ref(columns[shape][c][r])
    for shape, spec in enumerate(shape_list):
        for c, kind in enumerate(spec[3]):
            if kind == "t":  # a timestamp as its distance to the entry's clock: mostly 0
                encoded[shape][c] = [None if v is None else _ts_ms(v) - w
                                     for v, w in zip(columns[shape][c], entry_walls[shape], strict=False)]
            elif kind == "d":
                base = columns[shape][spec[4][c]]
                encoded[shape][c] = [v - b for v, b in zip(columns[shape][c], base, strict=False)]
    head = {"v": VERSION, **meta}
    if entries:
        body = head["e"] = {"n": list(nodes), "s": shape_list, "k": kinds, "w": walls, "q": counters,
                            "c": encoded}
        if len(nodes) > 1:
            body["o"] = owners
        if explicit:
            body["x"] = explicit
    text = json.dumps(head, separators=(",", ":"), ensure_ascii=False).encode()
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    return packer.compress(text + b"\n" + bytes(ids.blob)) + packer.flush()


def decode(body: bytes) -> tuple[dict, list[dict]]:
    """``(metadata, entries)`` of a body made by :func:`encode`; entries' ``data`` are dicts."""
    if len(body) > MAX_BODY:
        raise ProtocolError("batch too large")
    try:
        inflater = zlib.decompressobj(-15)
        raw = inflater.decompress(body, MAX_INFLATED)
        if inflater.unconsumed_tail or len(raw) >= MAX_INFLATED:
            raise ProtocolError("batch too large once inflated")
        if not inflater.eof:
            raise ProtocolError("truncated batch")
        text, _, blob = raw.partition(b"\n")
        head = json.loads(text)
    except (zlib.error, ValueError) as err:
        if isinstance(err, ProtocolError):
            raise
        raise ProtocolError(f"not a sync batch: {err}") from None
    if not isinstance(head, dict) or head.get("v") not in SUPPORTED:
        raise ProtocolError(f"sync protocol version {str(head.get('v') if isinstance(head, dict) else '?')[:20]}"
                            f" is not one this node speaks ({', '.join(map(str, SUPPORTED))})")
    meta = {k: v for k, v in head.items() if k not in ("v", "e")}
    try:
        return meta, _decode_entries(head.get("e") or {}, blob)
    except (KeyError, IndexError, TypeError, ValueError) as err:
        if isinstance(err, ProtocolError):
            raise
        raise ProtocolError(f"malformed sync batch: {err!r}") from None


def _decode_entries(head: dict, blob: bytes) -> list[dict]:
    kinds = head.get("k", [])
    if not kinds:
        return []
    if len(kinds) > MAX_ENTRIES:
        raise ProtocolError(f"more than {MAX_ENTRIES} entries in one batch")
    nodes, shapes, columns = head["n"], head["s"], head["c"]
    walls, counters = head["w"], head["q"]
    owners = head.get("o") or [0] * len(kinds)
    explicit = head.get("x") or {}
    if not (len(walls) == len(counters) == len(owners) == len(kinds)) or len(columns) != len(shapes):
        raise ProtocolError("column lengths disagree")
    for shape, cols in zip(shapes, columns, strict=False):
        if not isinstance(shape[2], list) or not len(shape[3]) == len(cols) == len(shape[2]) + 1:
            raise ProtocolError("shape and columns disagree")
        if any(k not in "ujtd" for k in shape[3]) or shape[3][:1] == "d":
            raise ProtocolError("unknown column kind")
        for c, kind in enumerate(shape[3]):
            if kind == "d" and not (0 < shape[4][c] < c and shape[3][shape[4][c]] in "jd"):
                raise ProtocolError("bad delta column")
    ids = _Ids(blob)
    resolve = ids.resolve
    cursors = [0] * len(shapes)
    plans = [(shape[0], shape[1], shape[2], shape[3], shape[4] if len(shape) > 4 else None,
              shape[1] == "insert" and shape[3][0] == "u") for shape in shapes]
    entries, wall = [], 0
    for i, shape_no in enumerate(kinds):
        tbl, op, fields, col_kinds, bases, new_row = plans[shape_no]
        r = cursors[shape_no]
        cursors[shape_no] += 1
        cols = columns[shape_no]
        row_id = cols[0][r]
        if row_id is not None and col_kinds[0] == "u":
            row_id = resolve(row_id)
        wall = (_uuid_ms(row_id) if new_row else wall) + walls[i]
        values = [row_id]
        for c in range(1, len(col_kinds)):
            value, kind = cols[c][r], col_kinds[c]
            if kind == "j" or value is None and kind != "d":
                pass
            elif kind == "u":
                value = resolve(value)
            elif kind == "t":
                value = _ms_ts(wall + value)
            else:
                value = value + values[bases[c]]
            values.append(value)
        counter = counters[i]
        if not isinstance(counter, int) or not 0 <= counter <= 0xFFFF or not 0 <= wall < 1 << 63:
            raise ProtocolError(f"bad clock in entry {i}")
        stamp = f"{wall:016x}.{counter:04x}"
        node_id = nodes[owners[i]]
        data = dict(zip(fields, values[1:], strict=False))
        if op == "insert" and "id" not in data:
            data = {"id": row_id, **data}
        entries.append({
            "id": explicit.get(str(i)) or change_id(node_id, stamp), "node_id": node_id,
            "hlc": stamp, "tbl": tbl, "row_id": row_id, "op": op, "data": data,
        })
    return entries
