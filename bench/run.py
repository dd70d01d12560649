"""Benchmarks: validation in memory and of files (valid and broken), export and cold start.

Run from the repository root with the package installed with the ``polars`` and ``bench``
extras::

    python bench/run.py                      # N = 10^4, 10^5, 10^6; prints markdown tables
    python bench/run.py --out bench/RESULTS.md
    python bench/run.py --sizes 10000 --repeat 1   # a quick look
    python bench/run.py --sizes "" --skip cold,flat --peer-size 100000   # the peers only

Every figure is the median of ``--repeat`` runs, and each is also given as a ratio to a
baseline measured in the same run, so figures from a busy or slow machine still compare. Data
come from ``publish.synth`` (reproducible, valid by every rule); the broken files are the same
tables with one systematic mistake (see ``CASES``). No rule is written here: every check timed
is the package's own (``spec/rules.py``, run by ``spec/evaluate.find_failures``); the baselines
are plain Polars operations that read the same data without checking anything.

Each end-to-end run is a fresh ``iran-russia-claims validate PATH --dataset REGISTRY --format
json`` process; the bench checks its exit code and its problem counts, by rule, against what
the mutation must produce, so a fast wrong answer is reported as a failed check (and the
script exits 1) rather than as a good figure.

Sections (each skippable with ``--skip NAME``):

- ``cold``: ``import`` + ``load()``, ``--help`` (target < 0.1 s), a small file (``validate
  exports/claims.csv`` against a process that only imports Polars and reads it, target <= 2x),
  and which of pandas, Polars, pyarrow and narwhals ``import iran_russia_claims`` imports
  (target: none);
- ``memory``, ``files``, ``export``: per size of ``--sizes``, as above;
- ``peers``: on one valid CSV file of ``--peer-size`` rows (default 10^6), ours against the
  peer scripts of ``bench/peers/`` (a dataframely schema on a Polars frame, a pandera schema of
  built-in checks on a pandas frame, Frictionless with our exported Table Schema), each a
  fresh process, runs interleaved; a peer whose first run takes over a minute is timed once.
  The peers state our rules in their own APIs (the rules each cannot state are listed in its
  docstring); "rules checked" counts the rules of ``spec/rules.py`` each states. Every tool is
  also run once on the "theme_1pct" broken file and must reject it, so that a tool checking
  nothing cannot look fast. Targets: ours/dataframely <= 1, ours at least 3x faster than
  pandera and 20x faster than Frictionless. Needs the ``bench`` extra;
- ``flat``: peak RSS of ``validate`` on valid Parquet files of ``--memory-sizes`` rows (default
  10^5, 10^6, 10^7) as Polars writes them by default (``write_parquet`` with
  ``row_group_size=None``, slices of 10^6 rows numbered on with ``synth_table(offset=...)``
  and streamed into one file by ``sink_parquet``, so the bench never holds 10^7 rows). Targets:
  peak < 1 GiB, and at 10^7 no more than 1.5x the 10^6 file's peak.
"""

from __future__ import annotations

import argparse
import ast
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

from iran_russia_claims.publish.synth import (
    synth_frame,
    synth_registry,
    synth_table,
    write_registry,
)
from iran_russia_claims.publish.synth import write_table as our_writer
from iran_russia_claims.spec.models import Registry

PY = sys.executable


# -- measuring -------------------------------------------------------------------------------------
def median_time(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


#: Runs a command and reports its wall time, peak RSS and exit code. A small process of its own:
#: on Linux a child's max RSS starts from its parent's at fork, so forking from this (large)
#: process directly would report our memory, not the command's. The command's stdout goes to
#: the file named by the first argument ("-": discarded).
_LAUNCHER = (
    "import json, resource, subprocess, sys, time\n"
    "out = subprocess.DEVNULL if sys.argv[1] == '-' else open(sys.argv[1], 'wb')\n"
    "start = time.perf_counter()\n"
    "code = subprocess.call(sys.argv[2:], stdout=out)\n"
    "elapsed = time.perf_counter() - start\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024\n"
    "print(json.dumps({'seconds': elapsed, 'peak': peak, 'code': code}))\n"
)


@dataclass
class Run:
    seconds: float
    peak: int
    code: int
    stdout: str = ""
    stderr: str = ""


def run_process(argv: list[str], capture: bool = False) -> Run:
    """Wall time, peak RSS (bytes), exit code (and stdout, if ``capture``) of one fresh process."""
    with tempfile.NamedTemporaryFile(suffix=".out", delete=False) as handle:
        out = handle.name
    try:
        done = subprocess.run(
            [PY, "-c", _LAUNCHER, out if capture else "-", *argv], capture_output=True, text=True
        )
        stdout = Path(out).read_text(encoding="utf-8") if capture else ""
    finally:
        os.unlink(out)
    if done.returncode != 0 or not done.stdout.strip():
        return Run(float("nan"), 0, done.returncode or 1, stdout, done.stderr[-2000:])
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return Run(
        float(result["seconds"]), int(result["peak"]), int(result["code"]), stdout, done.stderr
    )


def median_process(argv: list[str], repeat: int) -> tuple[float, int]:
    """Median wall time and peak RSS of ``repeat`` runs of a command that must exit 0."""
    runs = [run_process(argv) for _ in range(repeat)]
    failed = [r for r in runs if r.code != 0]
    if failed:
        sys.stderr.write(failed[0].stderr)
        raise SystemExit(f"benchmark command failed (exit {failed[0].code}): {' '.join(argv)}")
    return statistics.median(r.seconds for r in runs), max(r.peak for r in runs)


def head_argv() -> list[str]:
    """The package's command: the installed script, else ``python -m iran_russia_claims``."""
    cli = shutil.which("iran-russia-claims")
    return [cli] if cli else [PY, "-m", "iran_russia_claims"]


def _validate_argv(path: Path, registry_dir: Path) -> list[str]:
    """The package's own validate command, with the synthetic registry, reporting JSON."""
    return [*head_argv(), "validate", str(path), "--dataset", str(registry_dir), "--format", "json"]


_READERS = {
    ".parquet": "pl.read_parquet",
    ".csv": "pl.read_csv",
    ".jsonl": "pl.read_ndjson",
}


def _read_argv(path: Path) -> list[str]:
    return [PY, "-c", f"import sys, polars as pl; {_READERS[path.suffix]}(sys.argv[1])", str(path)]


# -- the broken files ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """A file to validate: how it is made from a valid table, and what the report must say."""

    name: str
    label: str
    mutate: Callable[[pl.DataFrame], pl.DataFrame]
    expected: Callable[[int], dict[str, int]]  # rows -> problems by rule


def _iran_for_irn(frame: pl.DataFrame) -> pl.DataFrame:
    """Every row's IRN written Iran; in a row without IRN, its first actor replaced by Iran."""
    actors = pl.col("actors")
    renamed = actors.list.eval(
        pl.when(pl.element() == "IRN").then(pl.lit("Iran")).otherwise(pl.element())
    )
    first_replaced = pl.concat_list(pl.lit(["Iran"]), actors.list.slice(1))
    return frame.with_columns(
        actors=pl.when(actors.list.contains("IRN")).then(renamed).otherwise(first_replaced)
    )


def _every_100th_theme(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows 100, 200, ... (1-based; positions 99, 199, ...) get the theme "weather"."""
    hit = (pl.int_range(pl.len()) % 100) == 99
    theme = pl.col("theme").cast(pl.String)
    return frame.with_columns(theme=pl.when(hit).then(pl.lit("weather")).otherwise(theme))


CASES = (
    Case("valid", "valid file", lambda f: f, lambda n: {}),
    Case(
        "actor_iran",
        "every row: actor IRN written `Iran`",
        _iran_for_irn,
        lambda n: {"actors_pattern": n},  # actors_registered requires actors_pattern
    ),
    Case(
        "unknown_source",
        "every row: source_id `unknown-article`",
        lambda f: f.with_columns(source_id=pl.lit("unknown-article")),
        # end_within_source and section_matches_offsets require source_registered
        lambda n: {"source_registered": n},
    ),
    Case(
        "theme_1pct",
        "1% of rows: theme `weather`",
        _every_100th_theme,
        lambda n: {"theme_vocabulary": n // 100},
    ),
)


def _as_table(frame: pl.DataFrame, schema: pa.Schema) -> pa.Table:
    """A mutated frame back in the export's Arrow schema (dictionary columns stay dictionary)."""
    table = frame.to_arrow()
    columns = [table.column(f.name).cast(f.type) for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def _path_taken(path: Path) -> str:
    """Which reader ``validate --engine auto`` uses on this file (found outside the timing)."""
    from iran_russia_claims.readers.strict import Declined, strict_batches

    try:
        for _ in strict_batches(str(path), path.suffix[1:]):
            pass
    except Declined as exc:
        return f"careful, chunked (strict reader declined: {exc})"
    return "strict, streamed"


def _check(run: Run, rows: int, expected: dict[str, int]) -> str:
    """'' when the run's exit code and report are right; else what is wrong."""
    want_code = 1 if expected else 0
    if run.code != want_code:
        return f"exit {run.code}, expected {want_code}: {run.stderr.strip()[-300:]}"
    try:
        report = json.loads(run.stdout)["reports"][0]
    except (ValueError, KeyError, IndexError) as exc:
        return f"no JSON report ({exc})"
    if report["rows"] != rows:
        return f"{report['rows']} rows read, expected {rows}"
    if report["problems_by_rule"] != expected or report["problem_count"] != sum(expected.values()):
        return (
            f"problems {report['problem_count']} {report['problems_by_rule']}, "
            f"expected {sum(expected.values())} {expected}"
        )
    return ""


# -- report ----------------------------------------------------------------------------------------
def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_mib(size: int) -> str:
    return f"{size / 2**20:.0f} MiB"


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []

    def add(
        self, what: str, n: int, ours: float, base_name: str, base: float, target: str = ""
    ) -> None:
        ratio = ours / base if base else float("nan")
        self.rows.append(
            (
                what,
                f"{n:,}",
                fmt_s(ours),
                base_name,
                f"{fmt_s(base)}",
                f"{ratio:.2f}x {target}".strip(),
            )
        )

    def note(self, what: str, value: str, target: str) -> None:
        """A row that is a finding rather than a timing."""
        self.rows.append((what, "", value, "", "", target))

    def markdown(self) -> str:
        head = "| measurement | N | ours (median) | baseline | baseline (median) | ratio |\n"
        head += "|---|---:|---:|---|---:|---|\n"
        return head + "\n".join("| " + " | ".join(r) + " |" for r in self.rows)


class FileTable:
    """End to end: one row per file validated, broken files as a ratio to the valid one."""

    HEAD = (
        "| file | N | case | size | reader (auto) | validate (median) | vs valid file "
        "| vs Polars read | exit | problems (by rule) | check | peak RSS |\n"
        "|---|---:|---|---:|---|---:|---|---|---:|---|---|---:|\n"
    )

    def __init__(self) -> None:
        self.rows: list[tuple[str, ...]] = []
        self.failed: list[str] = []

    def add(self, *cells: str) -> None:
        self.rows.append(cells)

    def markdown(self) -> str:
        return self.HEAD + "\n".join("| " + " | ".join(r) + " |" for r in self.rows)


class RowsTable:
    """A table of text cells under a given header."""

    def __init__(self, *columns: str) -> None:
        self.columns = columns
        self.rows: list[tuple[str, ...]] = []
        self.failed: list[str] = []

    def add(self, *cells: str) -> None:
        assert len(cells) == len(self.columns)
        self.rows.append(cells)

    def markdown(self) -> str:
        head = "| " + " | ".join(self.columns) + " |\n"
        head += "|" + "|".join("---" for _ in self.columns) + "|\n"
        return head + "\n".join("| " + " | ".join(r) + " |" for r in self.rows)


def machine() -> str:
    import narwhals
    import pandera

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 2**20:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"- CPU: {cpu}, {os.cpu_count()} cores (nproc)\n"
        f"- memory: {memory}\n"
        f"- OS: {platform.platform()}\n"
        f"- Python {platform.python_version()}; pandas {pd.__version__}, "
        f"Polars {pl.__version__}, narwhals {narwhals.__version__}, "
        f"pyarrow {pa.__version__}, pandera {pandera.__version__}, NumPy {np.__version__}, "
        f"dataframely {_version('dataframely')}, frictionless {_version('frictionless')}"
    )


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "not installed"


# -- the benchmark ---------------------------------------------------------------------------------
def bench_memory(table: Table, n: int, repeat: int, registry: Registry) -> None:
    from iran_russia_claims.engines.pandera_pandas import claims_schema
    from iran_russia_claims.engines.pandera_polars import polars_schema
    from iran_russia_claims.spec.evaluate import find_failures, plain_strings
    from iran_russia_claims.spec.rules import Context
    from iran_russia_claims.validation import validate_frame

    ctx = Context.of(registry)
    frame = synth_frame(n, seed=1)  # the dtypes load() returns
    # what the whole-file reader hands to find_failures: plain strings, no categoricals
    read = pl.from_arrow(synth_table(n, seed=1))
    assert isinstance(read, pl.DataFrame)
    polars_frame = plain_strings(read)
    pandas_schema, pl_schema = claims_schema(registry), polars_schema(registry)
    assert not find_failures(polars_frame, ctx), "synthetic data should be valid"
    assert validate_frame(frame, registry).valid
    pandas_schema.validate(frame, lazy=True)  # raises SchemaErrors if anything fails
    pl_schema.validate(polars_frame, lazy=True)

    nulls = median_time(lambda: polars_frame.select(pl.all().null_count()), repeat)
    scan = median_time(lambda: polars_frame.hash_rows(), repeat)
    ours = median_time(lambda: find_failures(polars_frame, ctx), repeat)
    full_pd = median_time(lambda: validate_frame(frame, registry), repeat)
    schema_pd = median_time(lambda: pandas_schema.validate(frame, lazy=True), repeat)
    schema_pl = median_time(lambda: pl_schema.validate(polars_frame, lazy=True), repeat)
    base = "Polars scan (hash_rows)"
    table.add("in memory: Polars null_count (reads metadata only)", n, nulls, base, scan)
    table.add("in memory: find_failures on Polars (every rule, one pass)", n, ours, base, scan)
    table.add(
        "in memory: validate_frame on pandas (typing + rules + report)", n, full_pd, base, scan
    )
    table.add("in memory: pandera schema on pandas (claims_schema)", n, schema_pd, base, scan)
    table.add("in memory: pandera schema on Polars (polars_schema)", n, schema_pl, base, scan)
    # the same figures against our one pass: what the typing, the report or pandera add to it
    one_pass = "find_failures"
    table.add("in memory: validate_frame on pandas", n, full_pd, one_pass, ours)
    table.add("in memory: pandera schema on pandas", n, schema_pd, one_pass, ours)
    table.add("in memory: pandera schema on Polars", n, schema_pl, one_pass, ours)


def bench_files(table: FileTable, n: int, repeat: int, work: Path, registry_dir: Path) -> None:
    """Each format: the valid file and every broken case, runs interleaved (valid, broken...,
    valid, broken...) so that a change of load on the machine hits all of them alike."""
    valid = synth_table(n, seed=2)
    source = pl.from_arrow(valid)
    assert isinstance(source, pl.DataFrame)
    for suffix, target in (
        (".parquet", "(target <= 2x at 10^6)"),
        (".csv", "(target <= 2.5x at 10^6)"),
        (".jsonl", "(target <= 2.5x at 10^6)"),
    ):
        paths = {}
        for case in CASES:
            path = work / f"{case.name}-{n}{suffix}"
            data = valid if case.name == "valid" else _as_table(case.mutate(source), valid.schema)
            our_writer(data, path)
            paths[case.name] = path
        taken = {name: _path_taken(path) for name, path in paths.items()}
        runs: dict[str, list[Run]] = {case.name: [] for case in CASES}
        reads: list[Run] = []
        for _ in range(repeat):
            for case in CASES:
                runs[case.name].append(
                    run_process(_validate_argv(paths[case.name], registry_dir), capture=True)
                )
            reads.append(run_process(_read_argv(paths["valid"])))
        if any(r.code != 0 for r in reads):
            raise SystemExit(f"the Polars read-only baseline failed: {reads[0].stderr}")
        read = statistics.median(r.seconds for r in reads)
        fmt = suffix[1:]
        table.add(
            fmt, f"{n:,}", "Polars read only (baseline)", "", "", fmt_s(read), "", "1.00x",
            "", "", "", fmt_mib(max(r.peak for r in reads)),
        )  # fmt: skip
        valid_s = statistics.median(r.seconds for r in runs["valid"])
        for case in CASES:
            case_runs = runs[case.name]
            expected = case.expected(n)
            problems = [_check(r, n, expected) for r in case_runs]
            wrong = next((p for p in problems if p), "")
            if wrong:
                table.failed.append(f"{fmt}, {n:,}, {case.name}: {wrong}")
            seconds = statistics.median(r.seconds for r in case_runs)
            try:
                counts = json.loads(case_runs[0].stdout)["reports"][0]
                shown = f"{counts['problem_count']:,}"
                if counts["problems_by_rule"]:
                    by_rule = ", ".join(f"{k} {v:,}" for k, v in counts["problems_by_rule"].items())
                    shown += f" ({by_rule})"
            except (ValueError, KeyError, IndexError):
                shown = "?"
            vs_valid = "" if case.name == "valid" else f"{seconds / valid_s:.2f}x (target <= 1.5x)"
            vs_read = f"{seconds / read:.2f}x" + (f" {target}" if case.name == "valid" else "")
            codes = sorted({r.code for r in case_runs})
            table.add(
                fmt,
                f"{n:,}",
                case.label,
                fmt_mib(paths[case.name].stat().st_size),
                taken[case.name],
                fmt_s(seconds),
                vs_valid,
                vs_read,
                ",".join(map(str, codes)),
                shown,
                "ok" if not wrong else "**WRONG**",
                fmt_mib(max(r.peak for r in case_runs)),
            )
        for path in paths.values():
            path.unlink()


def bench_export(table: Table, n: int, repeat: int, work: Path) -> None:
    data = synth_table(n, seed=3)
    polars_frame = pl.from_arrow(data)
    pandas_frame = data.to_pandas()
    assert isinstance(polars_frame, pl.DataFrame)
    # CSV has no lists: both plain writers get them as JSON arrays first, as ours writes them
    joined = {c: pl.format('["{}"]', pl.col(c).list.join('","')) for c in ("actors", "hedges")}
    as_json = {
        c: pl.when(pl.col(c).list.len() == 0).then(pl.lit("[]")).otherwise(e)
        for c, e in joined.items()
    }

    def pandas_csv(path: Path) -> None:
        lists = {
            c: pandas_frame[c].map(lambda v: json.dumps(list(v))) for c in ("actors", "hedges")
        }
        pandas_frame.assign(**lists).to_csv(path, index=False)

    writers = {
        ".parquet": (lambda p: polars_frame.write_parquet(p), lambda p: pandas_frame.to_parquet(p)),
        ".csv": (lambda p: polars_frame.with_columns(**as_json).write_csv(p), pandas_csv),
        ".json": (
            lambda p: polars_frame.write_json(p),
            lambda p: pandas_frame.to_json(p, orient="records"),
        ),
    }
    for suffix, (polars_writer, pandas_writer) in writers.items():
        target = work / f"export{suffix}"
        ours = median_time(partial(our_writer, data, target), repeat)
        base_pl = median_time(partial(polars_writer, target), repeat)
        base_pd = median_time(partial(pandas_writer, target), repeat)
        table.add(
            f"export {suffix[1:]} (publish.writer, via synth.write_table)",
            n,
            ours,
            "Polars writer",
            base_pl,
            "(target <= 1.5x at 10^6)",
        )
        table.add(
            f"export {suffix[1:]} (publish.writer, via synth.write_table)",
            n,
            ours,
            "pandas writer",
            base_pd,
        )
        target.unlink(missing_ok=True)


def bench_cold_start(table: Table, repeat: int) -> None:
    import pyarrow.parquet as pq

    from iran_russia_claims.api import CLAIMS_PARQUET
    from iran_russia_claims.resources import exported

    shipped = str(exported(CLAIMS_PARQUET))
    rows = pq.read_metadata(shipped).num_rows
    ours, _ = median_process(
        [PY, "-c", "import iran_russia_claims; iran_russia_claims.load()"], repeat
    )
    base, _ = median_process([PY, "-c", f"import pandas; pandas.read_parquet({shipped!r})"], repeat)
    table.add(
        "cold start: import + load()",
        rows,
        ours,
        "import pandas + read_parquet",
        base,
        "(target <= 1.3x)",
    )
    helped, _ = median_process([*head_argv(), "--help"], repeat)
    bare, _ = median_process([PY, "-c", "pass"], repeat)
    table.add("`iran-russia-claims --help`", 0, helped, "python -c pass", bare, "(target < 0.1 s)")

    # a small file: the shipped claims.csv, validated against the shipped collection
    small = str(exported("claims.csv"))
    small_rows = pl.read_csv(small).height
    check = run_process([*head_argv(), "validate", small])
    if check.code != 0:
        raise SystemExit(f"validate {small} failed (exit {check.code}): {check.stderr[-500:]}")
    ours, _ = median_process([*head_argv(), "validate", small], repeat)
    base, _ = median_process([PY, "-c", f"import polars; polars.read_csv({small!r})"], repeat)
    table.add(
        "small file: `iran-russia-claims validate exports/claims.csv`",
        small_rows,
        ours,
        "import polars + read_csv",
        base,
        "(target <= 2x)",
    )
    heavy = ("pandas", "polars", "pyarrow", "narwhals")
    probe = (
        f"import sys, iran_russia_claims; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
    done = subprocess.run([PY, "-c", probe], capture_output=True, text=True, check=True)
    found = done.stdout.strip()
    table.note(
        f"`import iran_russia_claims` imports any of {', '.join(heavy)}",
        found.replace(",", ", ") if found else "none",
        "(target: none)" + ("" if not found else " **missed**"),
    )


#: The peers: a script each in bench/peers/, run as ``python SCRIPT FILE.csv REGISTRY_DIR``.
PEERS_DIR = Path(__file__).resolve().parent / "peers"
PEERS = (
    ("dataframely", "dfy_peer.py", "(target <= 1.0x)", 1.0),
    ("pandera (pandas)", "pandera_peer.py", "(target <= 0.33x: 3x faster)", 1 / 3),
    ("frictionless", "frictionless_peer.py", "(target <= 0.05x: 20x faster)", 1 / 20),
)
#: A peer whose first run takes longer than this is timed once.
SLOW_PEER_SECONDS = 60.0


def peer_rules(script: Path) -> tuple[str, ...]:
    """The ``RULES`` a peer script declares (read from its source: nothing is imported)."""
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "RULES" for t in node.targets
        ):
            return tuple(ast.literal_eval(node.value))
    raise SystemExit(f"{script} declares no RULES")


def our_rules() -> tuple[str, ...]:
    """What ``validate`` checks on a claims file: every rule with a check, and the readers'."""
    from iran_russia_claims.spec.rules import RULES

    return tuple(r.name for r in RULES.values() if r.check is not None or r.scope == "read")


def bench_peers(table: RowsTable, n: int, repeat: int, work: Path, registry_dir: Path) -> None:
    """Ours and each peer on the same valid CSV file, a fresh process per run (runs
    interleaved), and each on the "theme_1pct" broken file, which every one must reject."""
    valid = synth_table(n, seed=4)
    source = pl.from_arrow(valid)
    assert isinstance(source, pl.DataFrame)
    case = next(c for c in CASES if c.name == "theme_1pct")
    valid_path = our_writer(valid, work / f"peers-valid-{n}.csv")
    broken_path = our_writer(_as_table(case.mutate(source), valid.schema), work / "peers-bad.csv")
    del valid, source
    gc.collect()

    def peer_argv(script: str, path: Path) -> list[str]:
        return [PY, str(PEERS_DIR / script), str(path), str(registry_dir)]

    # the broken file first, outside the timing: a tool that passes it checks too little
    rejects = {"ours": _check(run_process(_validate_argv(broken_path, registry_dir), capture=True),
                              n, case.expected(n))}  # fmt: skip
    for name, script, _, _ in PEERS:
        run = run_process(peer_argv(script, broken_path), capture=True)
        rejects[name] = "" if run.code == 1 else f"exit {run.code}: {run.stdout.strip()[-200:]}"
    broken_path.unlink()

    runs: dict[str, list[Run]] = {"ours": [], **{name: [] for name, *_ in PEERS}}
    argv = {"ours": _validate_argv(valid_path, registry_dir)}
    argv |= {name: peer_argv(script, valid_path) for name, script, *_ in PEERS}
    wanted = dict.fromkeys(runs, repeat)
    for round_ in range(repeat):
        for name in runs:
            if round_ >= wanted[name]:
                continue
            run = run_process(argv[name], capture=name == "ours")
            runs[name].append(run)
            if run.seconds > SLOW_PEER_SECONDS and name != "ours":
                wanted[name] = len(runs[name])  # a peer this slow is timed once
    valid_path.unlink()
    for name, name_runs in runs.items():
        wrong = next((r for r in name_runs if r.code != 0), None)
        if wrong is not None:
            table.failed.append(f"peers: {name} on the valid file exited {wrong.code}")
        if name == "ours":
            problem = next((_check(r, n, {}) for r in name_runs if _check(r, n, {})), "")
            if problem:
                table.failed.append(f"peers: ours on the valid file: {problem}")
        if rejects[name]:
            table.failed.append(f"peers: {name} did not reject the broken file: {rejects[name]}")

    ours = statistics.median(r.seconds for r in runs["ours"])
    rules = {"ours": our_rules()}
    rules |= {name: peer_rules(PEERS_DIR / script) for name, script, *_ in PEERS}
    targets = {name: (target, bound) for name, _, target, bound in PEERS}
    for name, name_runs in runs.items():
        seconds = statistics.median(r.seconds for r in name_runs)
        label = "ours: `iran-russia-claims validate`" if name == "ours" else name
        if name == "ours":
            ratio = "1.00x"
        else:
            target, bound = targets[name]
            met = "met" if ours / seconds <= bound else "**missed**"
            ratio = f"{ours / seconds:.2f}x {target} {met}"
        table.add(
            label,
            f"{n:,}",
            str(len(rules[name])),
            str(len(name_runs)) + ("" if len(name_runs) == repeat else " (slow: fewer runs)"),
            fmt_s(seconds),
            fmt_mib(max(r.peak for r in name_runs)),
            ratio,
            "yes" if not rejects[name] else "**no**",
        )


def _write_polars_parquet(path: Path, rows: int, work: Path, slice_rows: int = 1_000_000) -> None:
    """A valid synthetic Parquet file of ``rows`` rows written by Polars with its default
    row groups: slices of at most ``slice_rows`` rows (numbered on with ``offset``, so ids and
    spans stay unique), each written by ``DataFrame.write_parquet``, then streamed into one
    file by ``scan_parquet(...).sink_parquet`` (so the bench never holds the whole table)."""
    sizes = [min(slice_rows, rows - start) for start in range(0, rows, slice_rows)]
    parts = []
    for i, size in enumerate(sizes):
        frame = pl.from_arrow(synth_table(size, seed=20 + i, offset=i * slice_rows))
        assert isinstance(frame, pl.DataFrame)
        part = path if len(sizes) == 1 else work / f"{path.stem}-part{i}.parquet"
        frame.write_parquet(part)  # Polars' defaults: zstd, row_group_size=None
        parts.append(part)
        del frame
        gc.collect()
    if len(parts) > 1:
        pl.scan_parquet(parts).sink_parquet(path)
        for part in parts:
            part.unlink()


def bench_flat_memory(
    table: RowsTable, sizes: list[int], repeat: int, work: Path, registry_dir: Path
) -> None:
    """Peak RSS of ``validate`` on ever larger valid Parquet files: flat if it reads by row
    group rather than whole."""
    import pyarrow.parquet as pq

    measured: list[tuple[int, int, int, str, float, int]] = []
    for n in sizes:
        path = work / f"flat-{n}.parquet"
        _write_polars_parquet(path, n, work)
        meta = pq.read_metadata(path)
        groups = f"{meta.num_row_groups} x {meta.row_group(0).num_rows:,}"
        runs = [
            run_process(_validate_argv(path, registry_dir), capture=True) for _ in range(repeat)
        ]
        wrong = next((p for p in (_check(r, n, {}) for r in runs) if p), "")
        if wrong:
            table.failed.append(f"flat memory, {n:,}: {wrong}")
        seconds = statistics.median(r.seconds for r in runs)
        measured.append((n, path.stat().st_size, meta.num_rows, groups, seconds,
                         max(r.peak for r in runs)))  # fmt: skip
        path.unlink()
        print(f"... flat memory N = {n:,} done", file=sys.stderr)
    by_n = {m[0]: m[5] for m in measured}
    base_n = 1_000_000 if 1_000_000 in by_n else measured[0][0]
    for n, size, rows, groups, seconds, peak in measured:
        ratio = by_n[n] / by_n[base_n]
        target = ""
        if n > base_n:
            target = f" (target <= 1.5x) {'met' if ratio <= 1.5 else '**missed**'}"
        met = "met" if peak < 2**30 else "**missed**"
        table.add(
            f"{n:,}", fmt_mib(size), groups, fmt_s(seconds), fmt_mib(peak),
            f"{ratio:.2f}x{target}", f"< 1 GiB: {met}",
        )  # fmt: skip
        assert rows == n


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--out", type=Path, default=None, help="also write RESULTS.md here")
    parser.add_argument(
        "--skip", default="", help="comma-separated: memory,files,export,cold,peers,flat"
    )
    parser.add_argument(
        "--peer-size", type=int, default=1_000_000, help="rows of the CSV file the peers check"
    )
    parser.add_argument(
        "--memory-sizes",
        default="100000,1000000,10000000",
        help="rows of the Parquet files of the flat memory section",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    memory_sizes = [int(s) for s in args.memory_sizes.split(",") if s]
    skip = set(args.skip.split(","))
    registry = synth_registry()
    table = Table()
    files = FileTable()
    peers = RowsTable(
        "tool", "N", "rules checked", "runs", "median", "peak RSS", "ours / peer",
        "rejects the broken file",
    )  # fmt: skip
    flat = RowsTable(
        "N", "file size", "row groups (x rows)", "validate (median)", "peak RSS",
        f"peak vs the {1_000_000 if 1_000_000 in memory_sizes else memory_sizes[0]:,}-row file"
        if memory_sizes else "", "target",
    )  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="irc-bench-"))
    started = time.perf_counter()
    try:
        registry_dir = work / "registry"
        write_registry(registry_dir, registry)
        if "cold" not in skip:
            bench_cold_start(table, max(args.repeat, 5))
        for n in sizes:
            if "memory" not in skip:
                bench_memory(table, n, args.repeat, registry)
            if "files" not in skip:
                bench_files(files, n, args.repeat, work, registry_dir)
            if "export" not in skip:
                bench_export(table, n, args.repeat, work)
            print(f"... N = {n:,} done", file=sys.stderr)
        if "peers" not in skip:
            bench_peers(peers, args.peer_size, args.repeat, work, registry_dir)
            print("... peers done", file=sys.stderr)
        if "flat" not in skip and memory_sizes:
            bench_flat_memory(flat, memory_sizes, args.repeat, work, registry_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = table.markdown() if table.rows else ""
    if files.rows:
        text += (
            "\n\nFiles end to end: `iran-russia-claims validate FILE --dataset REGISTRY "
            "--format json`, a fresh process per run:\n\n" + files.markdown()
        )
    if peers.rows:
        text += (
            "\n\nPeers: the same valid CSV file checked by `iran-russia-claims validate FILE "
            "--dataset REGISTRY --format json` and by each peer script of `bench/peers/`, a "
            "fresh process per run:\n\n" + peers.markdown()
        )
    if flat.rows:
        text += (
            "\n\nFlat memory: `iran-russia-claims validate FILE.parquet --dataset REGISTRY "
            "--format json` on valid Parquet files written with Polars' default row groups, a "
            "fresh process per run:\n\n" + flat.markdown()
        )
    failed = files.failed + peers.failed + flat.failed
    if failed:
        text += "\n\nFAILED CHECKS (exit code or problem counts not as expected):\n\n"
        text += "\n".join(f"- {f}" for f in failed)
    elapsed = time.perf_counter() - started
    print(text)
    if args.out is not None:
        header = (
            "# Benchmark results\n\n"
            f"`python bench/run.py --sizes {args.sizes} --repeat {args.repeat} "
            f"--peer-size {args.peer_size} --memory-sizes {args.memory_sizes}`, "
            f"{time.strftime('%Y-%m-%d')}, {elapsed / 60:.1f} min in all.\n\n"
            f"Machine:\n\n{machine()}\n\n"
        )
        # the notes written by hand below the tables are kept (update their figures by hand)
        old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        notes = old[old.index(NOTES) :] if NOTES in old else ""
        args.out.write_text(
            header + text + "\n" + (f"\n{notes}" if notes else ""), encoding="utf-8"
        )
    print(json.dumps({"seconds": round(elapsed)}), file=sys.stderr)
    if failed:
        raise SystemExit(1)


#: The heading that starts the hand-written notes of RESULTS.md.
NOTES = "## Reading the tables"


if __name__ == "__main__":
    main()
