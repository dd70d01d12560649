"""Running the hostile corpus: each case in fresh processes, timed, with its memory measured.

Each run is ``python -m iran_russia_claims validate ARGS --format F`` (or an API case's script)
in the case's folder, with this checkout's ``src`` first on ``PYTHONPATH``. Runs are started by
a small spawner process (:class:`Spawner`) that reaps each with ``os.wait4``, so its peak RSS
(``ru_maxrss``) is its own: Linux starts a child's ``ru_maxrss`` at the RSS of the process it
was forked from, and this process grows while it builds the cases. A watchdog polls each run:
over the time limit, or over a hard RSS ceiling far above the allowance, its process group is
killed and the run says so. As a last safety net the run's address space is capped
(``RLIMIT_AS``, set with ``prlimit`` right after the start); Polars and pyarrow reserve about
2.4 GiB of virtual memory in a normal run, so the cap is 8 GiB.

:func:`run_corpus` runs cases on a small thread pool (two workers: the machine has two cores);
:func:`judge` says what is wrong with a case's runs, as text, for the tests and for the table
this module prints when run as a script::

    cd tests && PYTHONPATH=../src python -m hostile.runner [CASE ...]
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import pickle
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hostile.corpus import CASES, FIRST, REPO, Case, Expect, Invocation, Outcome, input_bytes

try:  # the limits the package documents, once it does
    from iran_russia_claims.readers.common import (  # type: ignore[attr-defined]
        MEMORY_ALLOWANCE,
        MEMORY_PER_INPUT_BYTE,
    )
except ImportError:  # not defined yet (issue 16): 512 MiB plus 16 bytes per input byte
    MEMORY_ALLOWANCE = 512 * 1024 * 1024
    MEMORY_PER_INPUT_BYTE = 16

WORKERS = 2
#: The child's address space cap (a safety net: the watchdog acts first).
ADDRESS_SPACE = 8 * 1024**3
#: The watchdog kills a child whose RSS passes max(this, twice its allowance).
RSS_CEILING = 4 * 1024**3
POLL = 0.05

#: Characters no report may print raw: C0 controls but tab and line feed, DEL, C1 controls,
#: the bidirectional controls (which reorder what a terminal or review page shows), and the
#: line and paragraph separators (which break lines where no line feed is).
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
GITHUB_OWN = re.compile(r"^::error file=(?P<file>[^,:\n]*)(?:,line=\d+)?,title=iran-russia-claims")


def env() -> dict[str, str]:
    values = {**os.environ, "PYTHONPATH": str(REPO / "src"), "LC_ALL": "C.UTF-8"}
    values["PYTHONFAULTHANDLER"] = "1"  # a crash shows where it happened
    for name in ("IRAN_RUSSIA_CLAIMS_DEBUG", "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONWARNINGS"):
        values.pop(name, None)
    return values


def budget(case: Case, folder: Path) -> int:
    """Peak RSS allowed: the allowance plus so much per byte of input."""
    size = case.input_bytes if case.input_bytes is not None else input_bytes(folder)
    return MEMORY_ALLOWANCE + MEMORY_PER_INPUT_BYTE * size


@dataclass
class Run:
    """One process: what it printed, how it ended, what it cost."""

    fmt: str
    command: list[str]
    returncode: int | None = None
    stdout: bytes = b""
    stderr: bytes = b""
    wall: float = 0.0
    maxrss: int = 0  # bytes
    vmpeak: int = 0  # bytes, as last polled
    timed_out: bool = False
    killed_for_memory: bool = False


@dataclass
class Result:
    """Every run of one case, and what its folder holds."""

    case: str
    folder: Path
    budget: int = 0
    input_bytes: int = 0
    disk_bytes: int = 0
    build_error: str | None = None
    runs: list[Run] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "input_bytes": self.input_bytes,
            "disk_bytes": self.disk_bytes,
            "budget_mib": self.budget // 2**20,
            "build_error": self.build_error,
            "runs": [
                {k: v for k, v in asdict(r).items() if k not in ("stdout", "stderr")}
                | {"stdout_tail": _tail(r.stdout), "stderr_tail": _tail(r.stderr)}
                for r in self.runs
            ],
        }


def _tail(data: bytes, size: int = 600) -> str:
    return data[-size:].decode("utf-8", "backslashreplace")


#: The spawner: a small process that starts each run and reaps it with wait4. Linux starts a
#: child's ru_maxrss at the RSS of the address space it forked from (its parent's high-water
#: mark, with vfork), so children forked by this process, grown by building a case that holds
#: 200 MB, would all report at least that. The spawner never grows: its children report their
#: own peak. Requests and replies are JSON lines.
SPAWNER = """
import json, os, resource, subprocess, sys, threading

lock = threading.Lock()


def say(message):
    with lock:
        sys.stdout.write(json.dumps(message) + "\\n")
        sys.stdout.flush()


def serve(request):
    try:
        with open(request["stdout"], "wb") as out, open(request["stderr"], "wb") as err:
            child = subprocess.Popen(
                [os.fsencode(a) for a in request["argv"]], cwd=request["cwd"],
                env=request["env"], stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                start_new_session=True,
            )
    except OSError as exc:
        say({"id": request["id"], "error": str(exc)})
        return
    limit = request["address_space"]
    try:
        resource.prlimit(child.pid, resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError):
        pass
    say({"id": request["id"], "pid": child.pid})
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    say({"id": request["id"], "status": child.returncode, "maxrss": usage.ru_maxrss})


for line in sys.stdin:
    threading.Thread(target=serve, args=(json.loads(line),)).start()
"""


class Spawner:
    """The spawner process, shared by the worker threads."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", SPAWNER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lock = threading.Lock()
        self.replies: dict[int, list[dict[str, Any]]] = {}
        self.arrived = threading.Condition()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            message = json.loads(line)
            with self.arrived:
                self.replies.setdefault(message["id"], []).append(message)
                self.arrived.notify_all()

    def _reply(self, ident: int) -> dict[str, Any]:
        with self.arrived:
            while not self.replies.get(ident):
                if not self.arrived.wait(timeout=5) and self.process.poll() is not None:
                    raise RuntimeError("the spawner died")
            return self.replies[ident].pop(0)

    def start(self, argv: list[str], cwd: Path, out: str, err: str) -> tuple[int, int | None]:
        """Start a run: its request id and pid (None if it could not start)."""
        with self.lock:
            ident, self.next_id = self.next_id, self.next_id + 1
            request = {
                "id": ident,
                "argv": argv,
                "cwd": str(cwd),
                "env": env(),
                "stdout": out,
                "stderr": err,
                "address_space": ADDRESS_SPACE,
            }
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        reply = self._reply(ident)
        return ident, reply.get("pid")

    def wait(self, ident: int) -> tuple[int, int]:
        """The run's exit status (negative: a signal) and ru_maxrss in KiB."""
        reply = self._reply(ident)
        return reply["status"], reply["maxrss"]

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def _watch(pid: int, run: Run, limit: float, ceiling: int) -> threading.Event:
    """Kill the run's process group on time-out or over the RSS ceiling; note its peak VM."""
    done = threading.Event()
    started = time.monotonic()

    def watch() -> None:
        status = Path(f"/proc/{pid}/status")
        while not done.wait(POLL):
            try:
                text = status.read_text()
            except OSError:
                continue
            rss = re.search(r"VmRSS:\s+(\d+) kB", text)
            peak = re.search(r"VmPeak:\s+(\d+) kB", text)
            if peak:
                run.vmpeak = max(run.vmpeak, int(peak.group(1)) * 1024)
            if rss and int(rss.group(1)) * 1024 > ceiling:
                run.killed_for_memory = True
                _kill(pid)
                return
            if time.monotonic() - started > limit:
                run.timed_out = True
                _kill(pid)
                return

    threading.Thread(target=watch, daemon=True).start()
    return done


def _kill(pid: int) -> None:
    """Kill the run's process group (its leader is the run: start_new_session)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def run_once(
    spawner: Spawner, command: list[str | bytes], folder: Path, fmt: str, case: Case, allowance: int
) -> Run:
    argv = [os.fsdecode(c) for c in command]
    run = Run(fmt, argv)
    ceiling = max(RSS_CEILING, 2 * allowance)
    with tempfile.TemporaryDirectory(prefix="hostile-out-") as where:
        out, err = os.path.join(where, "stdout"), os.path.join(where, "stderr")
        started = time.monotonic()
        ident, pid = spawner.start(argv, folder, out, err)
        if pid is None:  # pragma: no cover - the interpreter could not start
            run.stderr = b"the run could not start"
            return run
        done = _watch(pid, run, case.timeout, ceiling)
        run.returncode, maxrss = spawner.wait(ident)
        done.set()
        run.wall = time.monotonic() - started
        run.maxrss = maxrss * 1024  # KiB on Linux
        run.stdout, run.stderr = Path(out).read_bytes(), Path(err).read_bytes()
    return run


def disk_usage(folder: Path) -> int:
    """Bytes the case's files take on disk (a sparse file takes little)."""
    return sum(
        f.lstat().st_blocks * 512 for f in folder.rglob("*") if f.is_file() and not f.is_symlink()
    )


def command_of(invocation: Invocation, fmt: str) -> list[str | bytes]:
    if invocation.script is not None:
        return [sys.executable, invocation.script]
    return [
        sys.executable,
        "-m",
        "iran_russia_claims",
        "validate",
        *invocation.args,
        "--format",
        fmt,
    ]


def _build(name: str, folder: str) -> Invocation:
    """Build case ``name`` in ``folder``: run in a process of its own (see run_corpus)."""
    from hostile.corpus import CASES

    return next(c for c in CASES if c.name == name).build(Path(folder))


def run_case(
    spawner: Spawner, case: Case, folder: Path, builders: Executor
) -> tuple[Result, Invocation | None]:
    """Build the case in ``folder`` (in one of the ``builders`` processes, so that what a
    builder allocates, up to hundreds of MB, never swells the test process: Linux starts a
    child's peak RSS at its parent's) and run it in each of its formats."""
    result = Result(case.name, folder)
    try:
        invocation = builders.submit(_build, case.name, str(folder)).result()
    except Exception as exc:  # a broken builder is the corpus's bug: say so in the result
        result.build_error = f"{type(exc).__name__}: {exc}"
        return result, None
    result.input_bytes = case.input_bytes if case.input_bytes is not None else input_bytes(folder)
    result.budget = budget(case, folder)
    result.disk_bytes = disk_usage(folder)
    formats = ("json",) if invocation.script is not None else case.formats
    for fmt in formats:
        command = command_of(invocation, fmt)
        result.runs.append(run_once(spawner, command, folder, fmt, case, result.budget))
    return result, invocation


def run_corpus(
    cases: Iterable[Case], base: Path, workers: int = WORKERS
) -> dict[str, tuple[Result, Invocation | None]]:
    """Every case in its own folder under ``base``, ``workers`` processes at a time."""
    chosen = [c for c in cases if c.skip is None]
    folders = {}
    for c in chosen:
        folders[c.name] = base / c.name
        folders[c.name].mkdir(parents=True)
    spawner = Spawner()
    spawn = multiprocessing.get_context("spawn")
    try:
        with (
            ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as builders,
            ThreadPoolExecutor(max_workers=workers) as pool,
        ):
            futures = {
                c.name: pool.submit(run_case, spawner, c, folders[c.name], builders) for c in chosen
            }
            return {name: future.result() for name, future in futures.items()}
    finally:
        spawner.close()


# --- judging -------------------------------------------------------------------------------------


def _decode(data: bytes, what: str, failures: list[str]) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        failures.append(f"{what} is not UTF-8 ({exc.reason} at byte {exc.start})")
        return data.decode("utf-8", "backslashreplace")


def _excerpt(text: str, size: int = 400) -> str:
    text = text.strip()
    return (
        (text if len(text) <= size else "..." + text[-size:])
        .encode("unicode_escape")
        .decode("ascii")
    )


def _property(text: str) -> str:
    """A workflow command's property, escaped as GitHub documents it."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C")


def _shown(text: str) -> str:
    """``text`` as the README says reports show it: each character no report may print raw
    as its code (``\\x1b``, ``\\u202e``)."""

    def code(match: re.Match[str]) -> str:
        n = ord(match.group())
        return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"

    return FORBIDDEN.sub(code, text)


def _hygiene(run: Run, text: str, what: str, case: Case, names: tuple[str, ...]) -> list[str]:
    failures = []
    files = {_property(n) for n in names} | {_property(_shown(n)) for n in names}
    bad = FORBIDDEN.search(text)
    if bad:
        line = text[: bad.start()].count("\n") + 1
        failures.append(
            f"{what} ({run.fmt}) holds the raw character U+{ord(bad.group()):04X} on line {line}: "
            f"{_excerpt(text.splitlines()[line - 1] if text else '', 160)}"
        )
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.startswith("::"):
            continue
        own = GITHUB_OWN.match(line) if run.fmt == "github" and what == "stdout" else None
        if own and (not case.exact_names or own.group("file") in files):
            continue
        failures.append(
            f"{what} ({run.fmt}) line {number} starts a workflow command: {_excerpt(line, 160)}"
        )
        break
    return failures


def _matches(expect: Expect, problem: dict[str, Any], first: str | None) -> bool:
    if problem.get("rule") not in expect.rules():
        return False
    if expect.row is not None and problem.get("row") != expect.row:
        return False
    if expect.column is not None and problem.get("column") != expect.column:
        return False
    wanted = first if expect.file == FIRST else expect.file
    return wanted is None or problem.get("file") == wanted


def _problems_of(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for r in report.get("reports", []) for p in r.get("problems", [])]


def _outcome_fails(
    outcome: Outcome, code: int | None, report: dict[str, Any] | None, stderr: str, first: str
) -> list[str]:
    """Why ``outcome`` is not what happened ([] when it is)."""
    why = []
    if code != outcome.exit:
        why.append(f"exit {code}, not {outcome.exit}")
    if report is not None:
        problems = _problems_of(report)
        for expect in outcome.problems:
            if not any(_matches(expect, p, first) for p in problems):
                why.append(f"no problem {expect}")
    if report is not None:
        counted: dict[str, int] = {}
        for r in report.get("reports", []):
            for rule, n in r.get("problems_by_rule", {}).items():
                counted[rule] = counted.get(rule, 0) + n
        for rule, n in outcome.counts:
            if counted.get(rule, 0) < n:
                why.append(f"{counted.get(rule, 0)} {rule} counted, not >= {n}")
    for text in outcome.stderr_has:
        if text not in stderr:
            why.append(f"stderr does not name {text!r}")
    return why


def _crash_site(stderr: bytes, frames: int = 4) -> str:
    """The innermost frames faulthandler printed (most recent call first)."""
    text = stderr.decode("utf-8", "backslashreplace")
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("File ")]
    return " < ".join(lines[:frames]) or _excerpt(text[-300:])


def _listed(report: dict[str, Any] | None, limit: int = 6) -> str:
    if report is None:
        return "no report"
    problems = _problems_of(report)
    shown = [
        f"{p.get('rule')} row={p.get('row')} column={p.get('column')!r}" for p in problems[:limit]
    ]
    more = f" (+{len(problems) - limit} more)" if len(problems) > limit else ""
    return "; ".join(shown) + more if shown else "no problems listed"


def judge(case: Case, result: Result, invocation: Invocation | None) -> list[str]:
    """Everything wrong with a case's runs, as lines of text ([] when all is as documented)."""
    if result.build_error is not None or invocation is None:
        return [f"the case could not be built: {result.build_error}"]
    names = invocation.inputs
    first = names[0] if case.exact_names and names else None
    failures: list[str] = []
    documented = {o.exit for o in case.outcomes}
    json_run = next(r for r in result.runs if r.fmt == "json")
    for run in result.runs:
        tag = f"[{run.fmt}]"
        if run.timed_out:
            failures.append(f"{tag} timed out after {case.timeout:.0f} s and was killed")
        if run.killed_for_memory:
            failures.append(f"{tag} killed by the harness: RSS over the ceiling")
        if (
            run.returncode is not None
            and run.returncode < 0
            and not (run.timed_out or run.killed_for_memory)
        ):
            name = signal.Signals(-run.returncode).name
            failures.append(f"{tag} died of {name}: {_crash_site(run.stderr)}")
        out = _decode(run.stdout, f"{tag} stdout", failures)
        err = _decode(run.stderr, f"{tag} stderr", failures)
        for what, text in (("stdout", out), ("stderr", err)):
            at = text.find("Traceback (most recent call last)")
            if at >= 0:
                failures.append(f"{tag} a traceback on {what}: {_excerpt(text[at:])}")
            at = text.find("this is a bug")
            if at >= 0:  # the line that says it (no regex: a 1 MB line must stay cheap)
                line = text[text.rfind("\n", 0, at) + 1 : text.find("\n", at) % (len(text) + 1)]
                failures.append(f"{tag} reported as a bug: {_excerpt(line, 300)}")
            failures += _hygiene(run, text, what, case, (*names, *invocation.links))
        if run.maxrss > result.budget:
            failures.append(
                f"{tag} peak RSS {run.maxrss / 2**20:.0f} MiB over the allowance of "
                f"{result.budget / 2**20:.0f} MiB for {result.input_bytes} input bytes"
            )
        if (
            run is not json_run
            and run.returncode is not None
            and run.returncode >= 0
            and run.returncode not in documented
            and not run.timed_out
        ):
            failures.append(f"{tag} exit {run.returncode}, documented: {sorted(documented)}")
        if run.fmt == "junit" and run.returncode in (0, 1, 2) and out.strip() and case.report:
            try:
                ET.fromstring(run.stdout)
            except ET.ParseError as exc:
                failures.append(f"{tag} stdout is not well-formed XML: {exc}")
    report = None
    out = json_run.stdout.decode("utf-8", "replace")
    if case.report or out.strip():
        try:
            report = json.loads(out)
        except ValueError:
            failures.append(
                f"[json] stdout is not a JSON report ({_excerpt(out[:200]) or 'empty'}); "
                f"stderr: {_excerpt(_tail(json_run.stderr), 300) or 'empty'}"
            )
    if report is not None:
        count = len(report.get("reports", []))
        if case.report and count != len(names):
            failures.append(f"[json] {count} report(s) for {len(names)} input(s)")
        if report.get("exit_code") != json_run.returncode:
            failures.append(
                f"[json] the report says exit {report.get('exit_code')}, "
                f"the process exited {json_run.returncode}"
            )
    err = json_run.stderr.decode("utf-8", "replace")
    if not (json_run.timed_out or json_run.killed_for_memory):
        reasons = [
            _outcome_fails(o, json_run.returncode, report, err, first or "") for o in case.outcomes
        ]
        if first is None:  # names are not compared: drop the file from every expectation
            reasons = [
                _outcome_fails(
                    Outcome(
                        o.exit,
                        tuple(Expect(e.rule, e.row, e.column, None) for e in o.problems),
                        o.stderr_has,
                        o.counts,
                    ),
                    json_run.returncode,
                    report,
                    err,
                    "",
                )
                for o in case.outcomes
            ]
        if all(reasons):
            failures.append(
                f"[json] not as documented: exit {json_run.returncode}, {_listed(report)}; "
                + " / ".join(
                    f"expected {o} ({'; '.join(r)})" for o, r in zip(case.outcomes, reasons)
                )
            )
    if case.after is not None:
        failures += case.after(result.folder)
    return failures


# --- the table -----------------------------------------------------------------------------------


def table(results: dict[str, tuple[Result, Invocation | None]]) -> str:
    lines = [
        "| case | exit | wall s | peak RSS MiB | allowance MiB | verdict |",
        "|---|---|---:|---:|---:|---|",
    ]
    by_name = {c.name: c for c in CASES}
    for name, (result, invocation) in results.items():
        failures = judge(by_name[name], result, invocation)
        exits = ",".join(
            "T" if r.timed_out else "M" if r.killed_for_memory else str(r.returncode)
            for r in result.runs
        )
        wall = max((r.wall for r in result.runs), default=0.0)
        rss = max((r.maxrss for r in result.runs), default=0) / 2**20
        verdict = "ok" if not failures else "FAIL: " + " | ".join(failures)
        verdict = verdict.replace("\n", " ").replace("|", "\\|")
        lines.append(
            f"| {name} | {exits} | {wall:.1f} | {rss:.0f} | {result.budget / 2**20:.0f} | "
            f"{verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Run the cases named (default: all) and print the table; ``--rejudge`` judges the runs
    saved by the last call again, without running anything."""
    saved = Path(tempfile.gettempdir()) / "hostile-runs.pickle"
    if argv[:1] == ["--rejudge"]:
        results = pickle.loads(saved.read_bytes())
        wanted = set(argv[1:])
        print(table({n: r for n, r in results.items() if not wanted or n in wanted}))
        return 0
    wanted = set(argv)
    cases = [c for c in CASES if not wanted or c.name in wanted]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hostile-") as base:
        results = run_corpus(cases, Path(base))
        wall = time.monotonic() - started
        saved.write_bytes(pickle.dumps(results))
        print(table(results))
    print(f"\n{len(results)} cases in {wall:.0f} s wall; runs saved in {saved}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
