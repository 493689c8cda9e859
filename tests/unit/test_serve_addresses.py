"""`serve` answers only requests and websockets addressed to it (Host) from its own page
(Origin), warns when it serves the whole app, and prints addresses others can open."""

from __future__ import annotations

import http.client
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from csa_companion.web.serve import CompanionServer, network_addresses, served_hosts
from tests.helpers_serve import serving

TIMEOUT = 10.0
WEBSOCKET = {
    "Upgrade": "websocket",
    "Connection": "Upgrade",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version": "13",
}


def status(url: str, path: str = "", **headers: str) -> int:
    """The status of a GET of `url` + `path`, with these headers (Host as given, if given)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=TIMEOUT)
    try:
        connection.putrequest("GET", parts.path + path, skip_host="Host" in headers)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> object:
    with serving(tmp_path_factory.mktemp("serve") / "data") as (url, _process):
        yield url


def test_its_own_address_is_answered(served: str) -> None:
    port = urlsplit(served).port
    assert status(served) == 200
    assert status(served, Origin=f"http://127.0.0.1:{port}") == 200
    assert status(served, Host=f"localhost:{port}", Origin=f"http://localhost:{port}") == 200
    assert status(served, "static/js/textual.js") == 200


def test_another_host_name_is_refused_dns_rebinding(served: str) -> None:
    """A page at evil.example whose name was made to point at 127.0.0.1 sends its own name."""
    port = urlsplit(served).port
    for path in ("", "static/js/textual.js", "ws", "download/x"):
        assert status(served, path, Host=f"evil.example:{port}") == 403, path
    assert status(served, Host="127.0.0.1:1") == 403  # another port
    assert status(served, Host="") == 403


@pytest.mark.parametrize(
    "origin",
    ["http://evil.example", "http://127.0.0.1:1", "null", "https://127.0.0.1:{port}", "x"],
)
def test_a_request_from_another_page_is_refused(served: str, origin: str) -> None:
    port = urlsplit(served).port
    origin = origin.format(port=port)
    assert status(served, Origin=origin) == 403
    assert status(served, "ws", Origin=origin, **WEBSOCKET) == 403


def test_the_websocket_is_opened_only_from_its_own_page(served: str) -> None:
    assert status(served, "ws", **WEBSOCKET) == 403  # no Origin: no page of ours


def test_served_hosts_and_printed_addresses() -> None:
    assert served_hosts("127.0.0.1")[0] == "127.0.0.1" and "localhost" in served_hosts("::1")
    assert served_hosts("192.168.1.5") == ["192.168.1.5"]
    wildcard = CompanionServer("x", "0.0.0.0", 8642, token="t", hosts=["192.168.1.5", "10.0.0.2"])
    assert wildcard.urls == ["http://192.168.1.5:8642/t/", "http://10.0.0.2:8642/t/"]
    offline = CompanionServer("x", "0.0.0.0", 8642, token="t", hosts=["127.0.0.1"])
    assert offline.urls == ["http://127.0.0.1:8642/t/"]
    v6 = CompanionServer("x", "::", 8642, token="t", hosts=["fd00::2"])
    assert v6.urls == ["http://[fd00::2]:8642/t/"]
    for address in network_addresses():
        assert not address.startswith(("127.", "0.")), address


def test_a_wildcard_host_prints_addresses_others_can_open(data_dir: Path) -> None:
    with serving(data_dir, "--host", "0.0.0.0") as (url, process):
        assert "0.0.0.0" not in url
        if network_addresses():
            assert urlsplit(url).hostname in network_addresses()
            assert status(url) == 200  # the printed address is answered
    assert process.stdout is not None
    rest = process.stdout.read()
    assert "0.0.0.0" not in rest
    assert re.search(r"http://0\.0\.0\.0", url + rest) is None


def test_serving_the_whole_app_warns(data_dir: Path) -> None:
    with serving(data_dir, "--app") as (_url, process):
        pass
    assert process.stderr is not None
    err = process.stderr.read()
    assert "serving the whole app, your personal journal" in err
    with serving(data_dir) as (_url, process):
        pass
    assert process.stderr is not None
    assert "whole app" not in process.stderr.read()
