"""Runs ``iran-russia-claims`` commands, each in a process of its own that can SIGKILL itself
just before a chosen file-system step: test code for tests/publish/test_kill.py, not a test.

It reads one JSON request per line on stdin, ``{"argv": [...], "cwd": "...", "kill_at": N}``,
and answers each with one JSON line on stdout: ``{"returncode": R, "steps": [...], "stdout":
"...", "stderr": "..."}``. For each request it forks a child that counts its calls of the
functions below (``os.replace``, ``os.unlink``, ``os.fsync``, ...), SIGKILLs itself just before
call ``kill_at`` (0: never) and otherwise runs the command's ``main`` and exits with its code;
``R`` is the child's exit code, or minus the signal that ended it (-9). ``steps`` names every
call made (for the child that was not killed: a killed one cannot tell).

The heavy modules are imported once here, before any fork, and this process never runs a
command itself: each child starts as a fresh ``iran-russia-claims`` process would, without
paying the imports again (an export of a small collection takes a third of a second instead of
two).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
from collections.abc import Callable
from typing import Any

STEPS = ("replace", "rename", "unlink", "rmdir", "mkdir", "link", "fsync")


def _name(value: Any) -> str:
    if isinstance(value, int):  # fsync's file descriptor: name its file where /proc can tell
        try:
            return os.readlink(f"/proc/self/fd/{value}")
        except OSError:
            return f"fd {value}"
    return os.fspath(value)


def _hook(kill_at: int, log: list[str]) -> None:
    count = 0

    def counted(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            nonlocal count
            count += 1
            if count == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            paths = args[:1] if name in ("mkdir", "unlink", "rmdir", "fsync") else args[:2]
            log.append(" ".join([name, *(_name(a) for a in paths)]))
            return real(*args, **kwargs)

        return call

    for name in STEPS:
        setattr(os, name, counted(name, getattr(os, name)))


def _child(request: dict[str, Any], out: str, err: str, steps: str) -> None:
    from iran_russia_claims.cli import main

    os.chdir(request["cwd"])
    for fd, path in ((1, out), (2, err)):
        os.dup2(os.open(path, os.O_WRONLY | os.O_TRUNC), fd)
    log: list[str] = []
    _hook(request["kill_at"], log)
    try:
        code = main(request["argv"])
    except SystemExit as error:  # argparse
        code = error.code if isinstance(error.code, int) else 2
    sys.stdout.flush()
    sys.stderr.flush()
    with open(steps, "w", encoding="utf-8") as handle:
        handle.write("\n".join(log))
    os._exit(code)


def run(request: dict[str, Any]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        out, err, steps = (os.path.join(scratch, n) for n in ("out", "err", "steps"))
        for path in (out, err, steps):
            open(path, "w").close()
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                _child(request, out, err, steps)
            finally:
                os._exit(70)
        _, status = os.waitpid(pid, 0)
        with open(out, encoding="utf-8") as o, open(err, encoding="utf-8") as e:
            stdout, stderr = o.read(), e.read()
        with open(steps, encoding="utf-8") as s:
            log = s.read().splitlines()
    code = os.waitstatus_to_exitcode(status)
    return {"returncode": code, "steps": log, "stdout": stdout, "stderr": stderr}


def serve() -> None:
    # what `export` and `export --check` import (the package imports most lazily), so that no
    # child imports it again; nothing here starts a thread, so forking stays safe
    import importlib

    for module in (
        "numpy",
        "pandas",
        "polars",
        "pyarrow",
        "pyarrow.parquet",
        "narwhals",
        "iran_russia_claims.cli",
        "iran_russia_claims.curation.dataset",
        "iran_russia_claims.describe.metadata",
        "iran_russia_claims.describe.summary",
        "iran_russia_claims.publish.drift",
        "iran_russia_claims.publish.export",
        "iran_russia_claims.readers.article",
        "iran_russia_claims.spec.evaluate",
        "iran_russia_claims.validation.run",
    ):
        importlib.import_module(module)
    print("ready", flush=True)
    for line in sys.stdin:
        print(json.dumps(run(json.loads(line))), flush=True)


if __name__ == "__main__":
    serve()
