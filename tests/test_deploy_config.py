"""``kissi deploy``: the Caddyfile passes the real ``caddy validate`` in each mode, the real Caddy
serves kissi over HTTPS with the cooperative CA, and the systemd units pass ``systemd-analyze verify``."""
from __future__ import annotations

import configparser
import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kissi.deploy.caddy import caddyfile
from tests.browser_helpers import KISSI, Node, free_port
from tests.caddy_helpers import NAME, Caddy, needs_caddy, validate


def write_certificate(folder: Path, name: str) -> tuple[Path, Path]:
    """A certificate for ``name`` and its key, as an operator would copy them onto a named box."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=45))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.mark.parametrize("mode", ["public", "named", "internal-ca"])
def test_each_mode_writes_a_caddyfile_that_caddy_validates(app, tmp_path, mode):
    needs_caddy()
    extra = ["--email", "ops@coop.example"] if mode == "public" else []
    if mode == "named":
        cert, key = write_certificate(tmp_path, NAME)
        extra = ["--cert", str(cert), "--key", str(key)]
    out = tmp_path / "Caddyfile"
    result = app.test_cli_runner().invoke(args=["deploy", "caddy", "--mode", mode, "--name", NAME, "--out", str(out),
                                                "--storage", str(tmp_path / "storage"), *extra])
    assert result.exit_code == 0, result.output
    checked = validate(out)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_caddy_validate_catches_a_broken_caddyfile(tmp_path):
    """The check above is a real one: Caddy refuses a file with an unknown directive."""
    needs_caddy()
    out = tmp_path / "Caddyfile"
    out.write_text(caddyfile("public", NAME).replace("reverse_proxy", "reverse_proxxy"))
    assert validate(out).returncode != 0


def test_a_named_box_without_its_certificate_is_refused(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["deploy", "caddy", "--mode", "named", "--name", NAME,
                                                "--out", str(tmp_path / "Caddyfile")])
    assert result.exit_code != 0 and "certificate_missing" in result.output
    assert not (tmp_path / "Caddyfile").exists()


@pytest.mark.parametrize("name", ["market.test {\n\trespond hi", "market.test\nimport /etc/passwd", "-bad-.test"])
def test_a_name_cannot_add_a_directive(app, tmp_path, name):
    result = app.test_cli_runner().invoke(args=["deploy", "caddy", "--mode", "public", "--name", name,
                                                "--out", str(tmp_path / "Caddyfile")])
    assert result.exit_code != 0 and "bad_deploy_setting" in result.output


@pytest.fixture
def served(tmp_path):
    """A real kissi node behind a real Caddy with the cooperative CA, on high loopback ports."""
    needs_caddy()
    subprocess.run([KISSI, "--instance",
                    str(tmp_path / "node"), "init"], check=True, capture_output=True)
    node = Node(tmp_path / "node").start()
    caddy = Caddy(tmp_path, f"127.0.0.1:{node.port}", free_port(), free_port()).start()
    yield node, caddy
    caddy.stop()
    node.stop()


def test_internal_ca_serves_kissi_over_https_with_its_root_at_ca(served):
    node, caddy = served
    status, headers, body = caddy.request("GET", "/ca", https=False)
    assert status == 200 and body.startswith(b"-----BEGIN CERTIFICATE-----")
    assert headers["Content-Type"] == "application/x-x509-ca-cert"
    assert body == caddy.root.read_bytes()
    # the answer comes from kissi, over a certificate for the name, checked against that root
    status, headers, body = caddy.request("GET", "/healthz")
    assert status == 200 and "Strict-Transport-Security" not in headers
    status, headers, _ = caddy.request("GET", "/sell/?x=1", https=False)
    assert status == 301 and headers["Location"] == f"https://{NAME}:{caddy.https_port}/sell/?x=1"


def test_https_is_refused_to_a_phone_that_does_not_trust_the_cooperative_root(served, tmp_path):
    import ssl

    node, caddy = served
    other = tmp_path / "other.crt"
    other.write_bytes(write_certificate(tmp_path, "elsewhere.test")[0].read_bytes())
    with pytest.raises(ssl.SSLCertVerificationError):
        caddy.request("GET", "/healthz", trust=other)


# -- systemd ---------------------------------------------------------------------------------

def written_units(app, tmp_path) -> Path:
    out = tmp_path / "units"
    result = app.test_cli_runner().invoke(args=["deploy", "systemd", "--out", str(out), "--keep", "7"])
    assert result.exit_code == 0, result.output
    return out


def test_systemd_units_pass_systemd_analyze_verify(app, tmp_path):
    out = written_units(app, tmp_path)
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is missing (not a systemd system): the units were written, not verified")
    if shutil.which("caddy") is None:
        pytest.skip("the caddy command is missing, which kissi-caddy.service runs: install the Debian package caddy")
    units = sorted(str(p) for p in out.glob("*.service")) + sorted(str(p) for p in out.glob("*.timer"))
    result = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True, timeout=120)
    # a unit naming a user that does not exist on this machine is not an error of the unit
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if line.strip() and "Special user" not in line]
    assert result.returncode == 0 and not problems, "\n".join(problems)


def test_kissi_restarts_always_and_starts_at_boot_as_its_own_user(app, tmp_path):
    out = written_units(app, tmp_path)
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(out / "kissi.service")
    assert unit["Service"]["Restart"] == "always" and unit["Unit"]["StartLimitIntervalSec"] == "0"
    assert unit["Service"]["User"] == "kissi" and unit["Install"]["WantedBy"] == "multi-user.target"
    assert "--host 127.0.0.1" in unit["Service"]["ExecStart"]
    assert "u kissi " in (out / "sysusers.d" / "kissi.conf").read_text()
    backup = configparser.ConfigParser(strict=False, interpolation=None)
    backup.read([out / "kissi-backup.service", out / "kissi-backup.timer"])
    assert backup["Service"]["ExecStart"].endswith("backup --into /var/lib/kissi/backups --keep 7")
    assert backup["Timer"]["Persistent"] == "true"  # a box that was off at night backs up at boot


def test_the_backup_unit_command_writes_and_rotates(app, tmp_path):
    """What the nightly unit runs, run here: dated copies, only the newest kept."""
    import sqlite3

    runner = app.test_cli_runner()
    folder = tmp_path / "backups"
    for stamp in ("20260101-023000", "20260102-023000", "20260103-023000"):
        sqlite3.connect(folder.mkdir(exist_ok=True) or folder / f"kissi-{stamp}.sqlite3").close()
    result = runner.invoke(args=["backup", "--into", str(folder), "--keep", "2"])
    assert result.exit_code == 0, result.output
    kept = sorted(p.name for p in folder.iterdir())
    assert len(kept) == 2 and kept[0] == "kissi-20260103-023000.sqlite3" and kept[1].startswith("kissi-2026")
    assert sqlite3.connect(folder / kept[1]).execute("select count(*) from _migrations").fetchone()[0] > 0


def test_with_kissi_down_caddy_closes_the_connection_instead_of_answering_502(served):
    """A phone's browser must see the box as out of reach (its worker then opens the kept pages)."""
    import http.client

    node, caddy = served
    node.stop()
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        caddy.request("GET", "/")
    status, _, _ = caddy.request("GET", "/ca", https=False)  # the root is still there to install
    assert status == 200
