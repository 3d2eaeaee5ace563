"""The Caddyfile for a node: Caddy terminates TLS and proxies to waitress on loopback.

Three modes, one per way a phone can come to trust the node (docs/deploy.md):

- ``public``: a hub on the internet; Caddy gets its certificate by ACME and the answers
  carry HSTS (a browser that saw the hub once never talks plain HTTP to it again);
- ``named``: a market box answering for its own name with a certificate the operator
  copies in (obtained while online); nothing is fetched from the box itself;
- ``internal-ca``: the cooperative's own CA, made by Caddy on the box and renewed by it
  offline; its root is served at ``/ca`` (over plain HTTP too: a phone that does not trust
  it yet cannot open it over HTTPS without a warning).

Every mode redirects plain HTTP to HTTPS (but ``/ca``); ``handle`` blocks keep the
branches apart (Caddy orders ``redir`` before ``handle`` otherwise). No HSTS on a market box: a box
whose CA or certificate is replaced must not lock the phones out for a year.
"""
from __future__ import annotations

import re

from ..errors import Invalid

MODES = ("public", "named", "internal-ca")
CA_ID = "kissi"
HSTS = "max-age=31536000"
# A DNS name or an IPv4 address, as Caddy takes a site address.
_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
_ADDRESS = re.compile(r"^[A-Za-z0-9.\-\[\]:]+$")
_PATH = re.compile(r"^/[^\s{}\"#]*$")
_EMAIL = re.compile(r"^[^@\s{}\"]+@[^@\s{}\"]+$")


def _check(value: str, pattern: re.Pattern, field: str) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise Invalid("bad_deploy_setting", "This setting cannot go into the Caddy configuration: %(value)s",
                      field, value=str(value)[:80])
    return value


def caddyfile(mode: str, name: str, upstream: str = "127.0.0.1:8080", *, email: str | None = None,
              cert: str | None = None, key: str | None = None, storage: str = "/var/lib/caddy/.local/share/caddy",
              http_port: int = 80, https_port: int = 443, admin: str | None = None) -> str:
    """The Caddyfile text for ``mode`` serving ``name``; ``cert`` and ``key`` (PEM files) in ``named`` mode.

    ``storage`` is Caddy's data folder (its CA and certificates); the root served at ``/ca``
    is read from it. ``admin`` (``off`` or an address) is Caddy's own admin endpoint.
    Values are checked, so a name or path can never add a directive of its own.
    """
    if mode not in MODES:
        raise Invalid("bad_deploy_setting", "This setting cannot go into the Caddy configuration: %(value)s",
                      "mode", value=mode)
    name = _check(name.lower(), _NAME, "name")
    _check(upstream, _ADDRESS, "upstream")
    _check(storage, _PATH, "storage")
    if mode == "named":
        if not (cert and key):
            raise Invalid("certificate_missing", "A market box with a name needs its certificate and key files",
                          "cert")
        _check(cert, _PATH, "cert")
        _check(key, _PATH, "key")
    options = []
    if admin:
        options.append(f"admin {_check(admin, _ADDRESS, 'admin')}")
    if http_port != 80:
        options.append(f"http_port {int(http_port)}")
    if https_port != 443:
        options.append(f"https_port {int(https_port)}")
    if mode == "public" and email:
        options.append(f"email {_check(email, _EMAIL, 'email')}")
    if mode != "public":
        options.append("auto_https disable_redirects")  # the redirect below keeps /ca on plain HTTP
    if mode == "internal-ca":
        options += ["skip_install_trust", f"storage file_system {{\n\t\troot {storage}\n\t}}",
                    f"pki {{\n\t\tca {CA_ID} {{\n\t\t\tname \"kissi cooperative CA\"\n\t\t}}\n\t}}"]
    port = "" if https_port == 443 else f":{int(https_port)}"
    blocks = ["{\n" + "".join(f"\t{line}\n" for line in options) + "}"]

    site = []
    if mode == "public":
        site.append(f'header Strict-Transport-Security "{HSTS}"')
    elif mode == "named":
        site.append(f"tls {cert} {key}")
    else:
        site.append(f"tls {{\n\t\tissuer internal {{\n\t\t\tca {CA_ID}\n\t\t}}\n\t}}")
        site.append(_ca_handler(storage))
    site.append(f"handle {{\n\t\treverse_proxy {upstream}\n\t}}")
    site.append(AWAY)
    blocks.append(f"{name}{port} {{\n" + "".join(f"\t{line}\n" for line in site) + "}")

    plain = [_ca_handler(storage)] if mode == "internal-ca" else []
    plain.append(f"handle {{\n\t\tredir https://{{host}}{port}{{uri}} permanent\n\t}}")
    http_site = f"http://{name}" + ("" if http_port == 80 else f":{int(http_port)}")
    blocks.append(f"{http_site} {{\n" + "".join(f"\t{line}\n" for line in plain) + "}")
    return "\n\n".join(blocks) + "\n"


# kissi down (restarting, or off after a power cut) while Caddy is up: close the connection
# rather than answer 502. A phone's browser then sees what it sees when the box is out of
# reach, so the service worker opens the pages it kept and a sale waits on the phone; an
# edge syncing with a hub sees "unreachable", not an unsigned answer.
AWAY = ("handle_errors {\n"
        "\t\t@away expression `{err.status_code} in [502, 503, 504]`\n"
        "\t\tabort @away\n"
        "\t}")


def _ca_handler(storage: str) -> str:
    """``/ca``: the cooperative root as a file a phone offers to install (docs/deploy.md)."""
    return ("handle /ca {\n"
            f"\t\troot * {storage}/pki/authorities/{CA_ID}\n"
            "\t\trewrite * /root.crt\n"
            "\t\theader Content-Type application/x-x509-ca-cert\n"
            "\t\theader Content-Disposition \"attachment; filename=kissi-ca.crt\"\n"
            "\t\tfile_server\n"
            "\t}")
