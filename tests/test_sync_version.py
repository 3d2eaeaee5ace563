"""The sync protocol carries its version: a node that speaks another one is refused with a clear
error that says what to do, and nothing is exchanged; a node that sends none speaks version 1."""
from __future__ import annotations

import http.client
import json
import re

import pytest

from kissi.sync import client, hub, protocol
from tests.fakehub import FakeHub
from tests.sync_helpers import Node, hub_with_shop, sell


@pytest.fixture
def net(tmp_path):
    h, _, shop, soap = hub_with_shop(tmp_path / "hub")
    edge = Node(tmp_path / "edge")
    edge.enroll(h, "shop", shop["id"])
    edge.sync()
    yield h, edge, shop, soap
    edge.close()
    h.close()


def push_as(url: str, token: str, body: bytes, version: str | None):
    host, port = url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": protocol.MEDIA_TYPE}
    if version is not None:
        headers[protocol.VERSION_HEADER] = version
    conn.request("POST", "/api/v1/sync/push", body, headers)
    response = conn.getresponse()
    answer = (response.status, response.getheader(protocol.VERSION_HEADER), response.read())
    conn.close()
    return answer


def test_the_hub_refuses_a_device_of_another_protocol_version_and_writes_nothing(net):
    h, edge, shop, soap = net
    sale = sell(edge.db, shop["id"], soap)
    rows = [dict(r) for r in edge.db.query("select * from change_log where node_id = ?", [edge.node_id])]
    body = protocol.encode(rows, to=rows[-1]["seq"], t=0)
    status, version, data = push_as(h.url, client.state(edge.db)["token"], body, "2")
    error = json.loads(data)["error"]
    assert status == 409 and version == str(protocol.VERSION)
    # in the hub's language (French by default), naming both versions
    assert error["code"] == "sync_version" and re.search(r"\b1\b.*\b2\b", error["message"])
    assert h.count("sales", id=sale["id"]) == 0


def test_a_device_that_names_no_version_speaks_version_1(net):
    """An edge of the kissi before the header existed still syncs with this hub."""
    h, edge, shop, soap = net
    sale = sell(edge.db, shop["id"], soap)
    rows = [dict(r) for r in edge.db.query("select * from change_log where node_id = ?", [edge.node_id])]
    status, _, _ = push_as(h.url, client.state(edge.db)["token"], protocol.encode(rows, to=rows[-1]["seq"]), None)
    assert status == 200 and h.count("sales", id=sale["id"]) == 1


def test_every_request_of_the_edge_names_its_version(tmp_path):
    fake = FakeHub("shop", "0195aaaa-0000-7000-8000-000000000001")
    edge = Node(tmp_path / "edge")
    try:
        client.enroll(edge.db, fake.url, "CODE", None, fake.fingerprint)
        edge.sync()
        assert {path.rsplit("/", 1)[1] for _, path, _ in fake.requests} == {"enroll", "pull"}
        assert set(fake.versions) == {str(protocol.VERSION)}
    finally:
        edge.close()
        fake.close()


def test_an_edge_refuses_a_hub_of_another_protocol_version_and_does_not_retry(tmp_path):
    shop_id = "0195aaaa-0000-7000-8000-000000000001"
    fake = FakeHub("shop", shop_id)
    edge = Node(tmp_path / "edge")
    try:
        client.enroll(edge.db, fake.url, "CODE", None, fake.fingerprint)
        fake.extra_headers[protocol.VERSION_HEADER] = "2"
        with pytest.raises(client.SyncError) as err:
            edge.sync()
        assert err.value.code == "sync_version" and not err.value.retry
        assert "The hub speaks sync protocol version 2" in str(err.value)
        assert client.state(edge.db)["last_error"].startswith("sync_version:")
        assert not fake.pushed
    finally:
        edge.close()
        fake.close()


def test_hub_devices_keep_their_position_after_a_refused_version(net):
    h, edge, shop, soap = net
    before = hub.list_devices(h.db)[0]["push_acked"]
    sell(edge.db, shop["id"], soap)
    rows = [dict(r) for r in edge.db.query("select * from change_log where node_id = ?", [edge.node_id])]
    push_as(h.url, client.state(edge.db)["token"], protocol.encode(rows, to=rows[-1]["seq"]), "0")
    assert hub.list_devices(h.db)[0]["push_acked"] == before
