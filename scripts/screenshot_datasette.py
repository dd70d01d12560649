"""Serve claims.sqlite with ``iran-russia-claims browse`` and take the README's screenshot of it.

Usage::

    python scripts/screenshot_datasette.py [--out docs/img/datasette-claims.png]

The server is the real command, started on a free port of 127.0.0.1 and stopped afterwards;
the page is drawn by headless Chromium (Debian's ``chromium`` package) at 1280 x 1500, tall
enough for the column descriptions, the row count, the facets and the first rows. The
helpers here (:func:`serving`, :func:`dump_dom`) are also what ``tests/publish/test_datasette.py``
uses to load Datasette's pages in the browser.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "docs" / "img" / "datasette-claims.png"
#: The page shown: the claims table with the facets of its metadata.
PAGE = "/claims/claims"
#: Headless, and nothing that reaches the network or a desktop session.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",  # 127.0.0.1 directly, whatever proxy the environment names
    "--disable-dev-shm-usage",  # containers often have a small /dev/shm
    "--hide-scrollbars",
)
INSTALL_CHROMIUM = "apt-get install chromium"


def chromium() -> str | None:
    """The Chromium executable, if one is installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


#: Straight to 127.0.0.1: an ``http_proxy`` of the environment is not asked.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _wait(url: str, process: subprocess.Popen[bytes], timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(
                f"browse ended (exit {process.returncode}) before serving {url}: {said}"
            )
        try:
            with _DIRECT.open(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    said = log.read_text(encoding="utf-8", errors="replace")[-2000:]
    raise TimeoutError(f"nothing served at {url} after {timeout:.0f} s: {said}")


@contextmanager
def serving(exports: Path | None = None, timeout: float = 30) -> Iterator[str]:
    """``iran-russia-claims browse`` on a free port, until the block ends; yields its base URL.

    The command runs in a session of its own, so that stopping it stops Datasette too."""
    port = free_port()
    argv = [sys.executable, "-m", "iran_russia_claims", "browse", "--port", str(port)]
    if exports is not None:
        argv += ["--exports", str(exports)]
    path = os.pathsep.join(filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")]))
    log = tempfile.NamedTemporaryFile(prefix="irc-browse-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        argv,
        env={**os.environ, "PYTHONPATH": path},
        stdout=log,
        stderr=subprocess.STDOUT,  # to a file: a pipe nobody reads would stall the server
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base + PAGE + ".json", process, timeout, Path(log.name))
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
        os.unlink(log.name)


def _chromium(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    executable = chromium()
    if executable is None:
        raise FileNotFoundError(f"Chromium is not installed: {INSTALL_CHROMIUM}")
    with tempfile.TemporaryDirectory(prefix="irc-chromium-") as profile:
        return subprocess.run(
            [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )


def dump_dom(url: str) -> str:
    """The page at ``url`` as the browser built it."""
    return _chromium("--dump-dom", url).stdout


def screenshot(url: str, out: Path, width: int = 1280, height: int = 1500) -> Path:
    """A PNG of the page at ``url``, ``width`` x ``height``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    _chromium(f"--screenshot={out.resolve()}", f"--window-size={width},{height}", url)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the PNG to write")
    args = parser.parse_args(argv)
    if chromium() is None:
        print(f"error: Chromium is not installed: {INSTALL_CHROMIUM}", file=sys.stderr)
        return 2
    with serving() as base:
        written = screenshot(base + PAGE, args.out)
    print(f"wrote {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
