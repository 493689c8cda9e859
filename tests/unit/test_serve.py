"""`csa-companion serve`: loopback by default, a token in every URL, a page that loads nothing
from another host, a warning for other hosts, a clean stop."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from csa_companion.cli import main
from csa_companion.web.serve import app_command, is_loopback
from tests.helpers_serve import serving

TIMEOUT = 10.0


# A proxy set in the environment must not carry a loopback request.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get(url: str) -> tuple[int, str]:
    try:
        with DIRECT.open(url, timeout=TIMEOUT) as response:
            return int(response.status), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return int(error.code), ""


def test_serve_answers_with_the_token_only_and_stops_cleanly(data_dir: Path) -> None:
    with serving(data_dir) as (url, process):
        assert url.startswith("http://127.0.0.1:")
        status, page = get(url)
        assert status == 200 and 'id="terminal"' in page
        base = url.rsplit("/", 2)[0]
        token = url.rsplit("/", 2)[1]
        assert len(token) >= 20
        assert get(base + "/")[0] == 404
        assert get(f"{base}/not-the-token/")[0] == 404
        assert get(f"{base}/static/js/textual.js")[0] == 404
        assert get(f"{url}static/js/textual.js")[0] == 200
        # Every URL on the page is on this server: no web fonts or scripts from elsewhere.
        hosts = set(re.findall(r"(?:https?|wss?)://([^/\"'\s]+)", page))
        assert hosts == {base.split("://")[1]}, hosts
        assert "googleapis" not in page
    assert process.returncode == 0


def test_serve_refuses_unknown_practice(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(data_dir), "serve", "--practice", "nope"]) == 2
    assert "no practice has the id 'nope'" in capsys.readouterr().err


def test_a_port_out_of_range_is_a_usage_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--port 99999 ended in OverflowError from bind()."""
    with pytest.raises(SystemExit) as ended:
        main(["--data-dir", str(data_dir), "serve", "--port", "99999"])
    assert ended.value.code == 2
    err = capsys.readouterr().err
    assert err.endswith("argument --port: must be 1 to 65535\n") and "Traceback" not in err


def test_other_hosts_get_a_warning(data_dir: Path) -> None:
    with serving(data_dir, "--host", "0.0.0.0") as (_url, process):
        pass
    assert process.stderr is not None
    err = process.stderr.read()
    assert "warning: serving on 0.0.0.0: anyone who can reach this computer" in err
    with serving(data_dir) as (_url, process):
        pass
    assert process.stderr is not None
    assert "warning" not in process.stderr.read()


def test_loopback_and_the_served_command() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")
    assert not is_loopback("example.org")
    command = app_command(Path("/d ir"), [], ["practice", "arrival"])
    assert command.endswith("--data-dir '/d ir' present practice arrival")
    assert " present " not in app_command(Path("/d"), [], None)
