"""`iran-russia-claims browse`: Datasette serves claims.sqlite, and its pages, loaded in headless
Chromium, show the counts of the data; without Datasette, one line names the extra to install.

The browser test starts the real command on a free port (``scripts/screenshot_datasette.py``
holds the helpers the README's screenshot is taken with) and compares every count it reads
with ``iran_russia_claims.load()``.
"""

from __future__ import annotations

import html
import importlib.util
import re
import shlex
import socket
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest

import iran_russia_claims as irc
from conftest import EXPORTS, REPO
from iran_russia_claims.cli import main
from iran_russia_claims.publish import datasette, sqlite


def _load_script():
    path = REPO / "scripts" / "screenshot_datasette.py"
    spec = importlib.util.spec_from_file_location("screenshot_datasette", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


shots = _load_script()
HAS_DATASETTE = importlib.util.find_spec("datasette") is not None
needs_datasette = pytest.mark.skipif(
    not HAS_DATASETTE, reason=f"Datasette is not installed: {datasette.INSTALL_HINT}"
)


# -- the command ---------------------------------------------------------------------------------
@needs_datasette
def test_dry_run_prints_the_datasette_command_and_the_url(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["browse", "--dry-run", "--port", "8123", "--exports", str(EXPORTS)]) == 0
    command, url = capsys.readouterr().out.splitlines()
    argv = shlex.split(command)
    assert argv[:4] == [sys.executable, "-m", "datasette", "serve"]
    assert argv[argv.index("--immutable") + 1] == str(EXPORTS / sqlite.FILENAME)
    assert argv[argv.index("--metadata") + 1] == str(EXPORTS / datasette.FILENAME)
    assert argv[argv.index("--host") + 1] == "127.0.0.1"
    assert argv[argv.index("--port") + 1] == "8123"
    assert url == "http://127.0.0.1:8123/claims"


def test_without_datasette_one_line_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *args: object) -> object:
        return None if name == "datasette" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    assert main(["browse", "--dry-run"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert "pip install 'iran-russia-claims[browse]'" in err


@needs_datasette
def test_exports_without_the_database_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["browse", "--exports", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert sqlite.FILENAME in err
    assert "iran-russia-claims export" in err


@needs_datasette
def test_a_port_in_use_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["browse", "--port", str(port)]) == 2
    assert f"port {port} of 127.0.0.1 is in use" in capsys.readouterr().err


# -- the pages, in a browser ---------------------------------------------------------------------
def _rows_shown(dom: str) -> int:
    match = re.search(r"<h3>\s*([\d,]+) rows?\b", dom)
    assert match, "no row count on the page"
    return int(match.group(1).replace(",", ""))


def _facet(dom: str, column: str) -> dict[str, int]:
    """The values and counts of the first facet of ``column`` on the page."""
    block = re.search(rf'data-column="{re.escape(column)}">(.*?)</ul>', dom, re.S)
    assert block, f"no facet of {column} on the page"
    items = re.findall(r'<li><a href="[^"]*">([^<]*)</a>\s*([\d,]+)\s*</li>', block.group(1))
    return {html.unescape(value): int(count.replace(",", "")) for value, count in items}


@needs_datasette
@pytest.mark.skipif(shots.chromium() is None, reason=f"needs Chromium: {shots.INSTALL_CHROMIUM}")
def test_the_claims_pages_show_the_counts_of_the_data() -> None:
    claims = irc.load(as_frame=False)
    themes = Counter(c["theme"] for c in claims)
    actors = Counter(code for c in claims for code in c["actors"])
    theme, in_theme = themes.most_common(1)[0]
    actor, with_actor = actors.most_common(1)[0]
    manifest = irc.manifest()

    with shots.serving(EXPORTS) as base:
        table = base + shots.PAGE
        page = shots.dump_dom(table)
        faceted = shots.dump_dom(f"{table}?_facet=theme")
        filtered = shots.dump_dom(f"{table}?theme={quote(theme)}")
        containing = shots.dump_dom(f"{table}?actors__arraycontains={quote(actor)}")

    # the whole table, with the metadata's licence and its array facet over the actors
    assert _rows_shown(page) == len(claims)
    assert html.escape(manifest.license.title or manifest.license.id) in page
    assert _facet(page, "actors") == dict(actors)
    # a facet asked for in the URL
    assert _rows_shown(faceted) == len(claims)
    assert _facet(faceted, "theme") == dict(themes)
    # filtered by a value, and by an element of the actors array
    assert _rows_shown(filtered) == in_theme
    kinds = Counter(c["kind"] for c in claims if c["theme"] == theme)
    assert _facet(filtered, "kind") == dict(kinds)
    assert _rows_shown(containing) == with_actor


@needs_datasette
def test_sigterm_to_the_command_stops_the_server(tmp_path: Path) -> None:
    """``kill PID`` of ``browse`` (as a service manager or a CI step's timeout sends it) stops
    Datasette too: the command becomes Datasette, so no server is left serving on its own."""
    import os
    import signal
    import subprocess
    import time

    port = shots.free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    log = (tmp_path / "browse.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "iran_russia_claims", "browse", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        shots._wait(f"http://127.0.0.1:{port}/claims.json", process, 30, tmp_path / "browse.log")
        os.kill(process.pid, signal.SIGTERM)  # the command only, not its process group
        process.wait(timeout=20)
        time.sleep(0.2)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, "something still serves the port"
        with pytest.raises(ProcessLookupError):
            os.killpg(process.pid, 0)  # nothing of the session is left
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
