"""`kissi serve` on every interface tells which addresses phones can use."""
import pytest


def test_serve_on_every_interface_prints_the_addresses_phones_can_use(tmp_path):
    """Not 127.0.0.1 alone: each non-loopback IPv4 address of the machine (as `ip` lists them)."""
    import shutil
    import subprocess

    from tests.served_process import Served

    if shutil.which("ip") is None:
        pytest.skip("no ip command to compare with")
    listed = subprocess.run(["ip", "-4", "-o", "addr", "show"], capture_output=True, text=True).stdout
    addresses = [line.split()[3].split("/")[0] for line in listed.splitlines() if " lo " not in line]
    served = Served(tmp_path / "i", host="0.0.0.0", SYNC_ENABLED="false").start()
    try:
        said = served.log.read_text().splitlines()[0]
    finally:
        served.kill()
    assert "every interface" in said and f"this machine: http://127.0.0.1:{served.port}/" in said
    for address in addresses:
        assert f"http://{address}:{served.port}/" in said
    if not addresses:
        assert "no network interface is up" in said
