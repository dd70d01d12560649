"""Benchmarks: validation, files end to end, export and cold start, at 10^4..10^6 claims.

Run from the repository root with the package installed with the ``polars`` extra::

    python bench/run.py                      # N = 10^4, 10^5, 10^6; prints a markdown table
    python bench/run.py --out bench/RESULTS.md
    python bench/run.py --sizes 10000 --repeat 3   # a quick look

Every figure is the median of ``--repeat`` runs, and each is also given as a ratio to a
baseline measured in the same run, so figures from a busy or slow machine still compare. Data
come from ``iran-russia-claims synth`` (reproducible, valid by every rule). The hand-written
checks below implement the same rules as the schemas, vectorised, in plain pandas and Polars:
they are what the schemas' overhead is measured against (the same algorithmic shortcuts, e.g.
counting distinct keys before marking duplicates, are used on both sides).
"""

from __future__ import annotations

import argparse
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
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
from iran_russia_claims.table_rules import (
    BAND_UPPERS,
    BANDS,
    CONTROL,
    CONTROL_RANGES,
    FORMULA_START,
    SPAN_KEY,
    WHITESPACE,
    WHITESPACE_RANGES,
    anchored,
)

from iran_russia_claims.publish.synth import (
    synth_frame,
    synth_registry,
    synth_table,
    write_registry,
)
from iran_russia_claims.publish.synth import write_table as our_writer
from iran_russia_claims.spec.models import Registry
from iran_russia_claims.spec.vocab import (
    ACTOR_CODE_PATTERN,
    ASSERTION_MAX_CHARS,
    ASSERTION_MIN_CHARS,
    CONFIDENCE_MAX,
    CONFIDENCE_MIN,
    HEDGE_MAX_CHARS,
    HEDGE_MAX_WORDS,
    ID_PATTERN,
    SHA256_PATTERN,
    SLUG_PATTERN,
    Kind,
    Theme,
)

PY = sys.executable
THEMES = [t.value for t in Theme]
KINDS = [k.value for k in Kind]


# -- the same rules, written by hand ---------------------------------------------------------------
def _both(ranges: tuple[tuple[int, int], ...]) -> str:
    """A character class both Python's re (pandas checks patterns with it) and RE2 read."""

    def one(code: int) -> str:
        return f"\\x{code:02x}" if code < 0x100 else chr(code)

    return "[" + "".join(one(a) if a == b else f"{one(a)}-{one(b)}" for a, b in ranges) + "]"


PD_WS, PD_CONTROL = _both(WHITESPACE_RANGES), _both(CONTROL_RANGES)
PD_UNTRIMMED = f"^{PD_WS}|{PD_WS}$"


def _rows_all(n: int, parents: np.ndarray, element_ok: np.ndarray) -> np.ndarray:
    ok = np.ones(n, dtype=bool)
    ok[parents[~element_ok]] = False
    return ok


def hand_pandas(df: pd.DataFrame, registry: Registry) -> dict[str, np.ndarray]:
    """Every rule in plain pandas/NumPy: Arrow-backed string and list columns, vector ops."""
    n = len(df)
    text = pd.ArrowDtype(pa.string())
    s = {c: df[c].astype(text) for c in ("id", "source_id", "section", "span_sha256", "assertion")}
    out: dict[str, Any] = {}
    out["id_pattern"] = s["id"].str.fullmatch(ID_PATTERN[1:-1])
    out["id_unique"] = ~s["id"].duplicated(keep=False)
    out["section_pattern"] = s["section"].str.fullmatch(SLUG_PATTERN[1:-1])
    out["start_non_negative"] = df["start"] >= 0
    out["offsets_ordered"] = df["start"] < df["end"]
    out["sha256_pattern"] = s["span_sha256"].str.fullmatch(SHA256_PATTERN[1:-1])
    out["theme_vocabulary"] = df["theme"].isin(THEMES)
    out["kind_vocabulary"] = df["kind"].isin(KINDS)
    out["band_vocabulary"] = df["confidence_band"].isin(BANDS)
    a = s["assertion"]
    length = a.str.len()
    out["assertion_length"] = (length >= ASSERTION_MIN_CHARS) & (length <= ASSERTION_MAX_CHARS)
    out["assertion_trimmed"] = ~a.str.contains(PD_UNTRIMMED)
    out["assertion_no_control_chars"] = ~a.str.contains(PD_CONTROL)
    out["assertion_no_formula"] = ~a.str.match("[=+@\t\r-]")
    conf = df["confidence"].to_numpy()
    out["confidence_finite"] = np.isfinite(conf)
    out["confidence_range"] = ~np.isfinite(conf) | (
        (conf >= CONFIDENCE_MIN) & (conf <= CONFIDENCE_MAX)
    )
    bins = [CONFIDENCE_MIN - 1e-12, *BAND_UPPERS]
    expected = pd.cut(df["confidence"], bins=bins, labels=list(BANDS), right=True)
    out["band_matches_confidence"] = expected.isna() | (
        expected.astype(object) == df["confidence_band"].astype(object)
    )
    # lists: flattened once per column, rows found again through the list lengths
    lists = {c: df[c].astype(pd.ArrowDtype(pa.list_(pa.string()))) for c in ("actors", "hedges")}
    actors = lists["actors"]
    lengths = actors.list.len().to_numpy()
    parents = np.repeat(np.arange(n), lengths)
    flat = actors.list.flatten()
    out["actors_non_empty"] = lengths > 0
    codes = flat.str.fullmatch(ACTOR_CODE_PATTERN[1:-1]).to_numpy(dtype=bool)
    out["actors_pattern"] = _rows_all(n, parents, codes)
    pairs = pd.DataFrame({"row": parents, "code": flat.to_numpy()})
    out["actors_unique"] = _rows_all(n, parents, ~pairs.duplicated(keep=False).to_numpy())
    out["actors_registered"] = _rows_all(n, parents, flat.isin(list(registry.actors)).to_numpy())
    hedges = lists["hedges"]
    h_parents = np.repeat(np.arange(n), hedges.list.len().to_numpy())
    h = hedges.list.flatten()
    h_len = h.str.len()
    h_ok = (
        (h_len > 0)
        & (h_len <= HEDGE_MAX_CHARS)
        & ~h.str.contains(PD_UNTRIMMED)
        & (h.str.count(f"{PD_WS}+") < HEDGE_MAX_WORDS)
        & ~h.str.contains(PD_CONTROL)
    )
    out["hedges_words"] = _rows_all(n, h_parents, h_ok.to_numpy(dtype=bool))
    # duplicates of the whole span: only rows sharing offsets can share the span
    same_offsets = df.duplicated(["start", "end"], keep=False).to_numpy()
    span_ok = np.ones(n, dtype=bool)
    if same_offsets.any():
        sub = df.loc[same_offsets, list(SPAN_KEY)].astype(
            {"assertion": object, "source_id": object}
        )
        span_ok[np.flatnonzero(same_offsets)[sub.duplicated(keep=False).to_numpy()]] = False
    out["span_unique"] = span_ok
    # registries
    lengths_of = {sid: src.length for sid, src in registry.sources.items()}
    out["source_registered"] = s["source_id"].isin(list(lengths_of))
    limit = s["source_id"].astype(object).map(lengths_of).to_numpy(dtype=float)
    out["end_within_source"] = np.isnan(limit) | (df["end"].to_numpy() <= limit)
    section_ok = np.ones(n, dtype=bool)
    sections = s["section"].to_numpy(dtype=object)
    starts = df["start"].to_numpy()
    sources = s["source_id"].to_numpy(dtype=object)
    for sid, src in registry.sources.items():
        rows = np.flatnonzero(sources == sid)
        bounds = np.array([sec.start for sec in src.sections])
        slugs = np.array([sec.slug for sec in src.sections], dtype=object)
        where = np.clip(np.searchsorted(bounds, starts[rows], side="right") - 1, 0, None)
        inside = (starts[rows] >= 0) & (starts[rows] < src.length)
        section_ok[rows] = inside & (sections[rows] == slugs[where])
    out["section_matches_offsets"] = section_ok
    return {rule: np.asarray(v, dtype=bool) for rule, v in out.items()}


def hand_polars(df: pl.DataFrame, registry: Registry) -> pl.DataFrame:
    """Every rule as Polars expressions, evaluated together in one ``select``."""
    c = pl.col
    ids = list(registry.sources)
    lengths = [s.length for s in registry.sources.values()]
    starts, slugs, bases, base = [], [], [], 0
    for src in registry.sources.values():
        bases.append(base)
        starts += [base + sec.start for sec in src.sections]
        slugs += [sec.slug for sec in src.sections]
        base += src.length
    which = c("source_id").replace_strict(ids, list(range(len(ids))), default=None)
    offset = c("start")
    glob = pl.lit(pl.Series(bases)).gather(which) + offset.clip(0)
    sec_at = pl.lit(pl.Series(slugs)).gather(
        (pl.lit(pl.Series(starts)).search_sorted(glob, side="right") - 1).clip(0)
    )
    inside = (offset >= 0) & (offset < pl.lit(pl.Series(lengths)).gather(which))
    conf = c("confidence")
    band_at = pl.lit(pl.Series(BANDS)).gather(
        pl.lit(pl.Series(BAND_UPPERS)).search_sorted(conf, side="left").clip(0, len(BANDS) - 1)
    )
    a = c("assertion")
    ws = f"^{WHITESPACE}|{WHITESPACE}$"
    hedge = pl.element()
    exprs = {
        "id_pattern": c("id").str.contains(anchored(ID_PATTERN[1:-1])),
        "section_pattern": c("section").str.contains(anchored(SLUG_PATTERN[1:-1])),
        "start_non_negative": c("start") >= 0,
        "offsets_ordered": c("start") < c("end"),
        "sha256_pattern": c("span_sha256").str.contains(anchored(SHA256_PATTERN[1:-1])),
        "theme_vocabulary": c("theme").cast(pl.String).is_in(THEMES),
        "kind_vocabulary": c("kind").cast(pl.String).is_in(KINDS),
        "band_vocabulary": c("confidence_band").cast(pl.String).is_in(list(BANDS)),
        "actors_non_empty": c("actors").list.len() > 0,
        "actors_pattern": c("actors")
        .list.eval(hedge.str.contains(anchored(ACTOR_CODE_PATTERN[1:-1])))
        .list.all(),
        "actors_unique": c("actors").list.n_unique() == c("actors").list.len(),
        "assertion_length": a.str.len_chars().is_between(ASSERTION_MIN_CHARS, ASSERTION_MAX_CHARS),
        "assertion_trimmed": ~a.str.contains(ws),
        "assertion_no_control_chars": ~a.str.contains(CONTROL),
        "assertion_no_formula": ~a.str.contains(FORMULA_START),
        "confidence_finite": conf.is_finite(),
        "confidence_range": ~conf.is_finite() | conf.is_between(CONFIDENCE_MIN, CONFIDENCE_MAX),
        "band_matches_confidence": ~conf.is_between(CONFIDENCE_MIN, CONFIDENCE_MAX)
        | (c("confidence_band").cast(pl.String) == band_at),
        "hedges_words": c("hedges")
        .list.eval(
            (hedge.str.len_chars() > 0)
            & (hedge.str.len_chars() <= HEDGE_MAX_CHARS)
            & ~hedge.str.contains(ws)
            & (hedge.str.count_matches(f"{WHITESPACE}+") < HEDGE_MAX_WORDS)
            & ~hedge.str.contains(CONTROL)
        )
        .list.all(),
        "source_registered": c("source_id").is_in(ids),
        "actors_registered": c("actors").list.eval(hedge.is_in(list(registry.actors))).list.all(),
        "end_within_source": (c("end") <= pl.lit(pl.Series(lengths)).gather(which)).fill_null(True),
        "section_matches_offsets": which.is_null() | (inside & (c("section") == sec_at)),
    }
    # duplicates: count distinct keys first; mark rows only if some key repeats
    if df.select(c("id").n_unique()).item() != df.height:
        exprs["id_unique"] = ~c("id").is_duplicated()
    out = df.select(**exprs)
    # only rows sharing their offsets can share the whole span
    same = df.with_row_index("row").filter(pl.struct("start", "end").is_duplicated())
    repeated = same.filter(pl.struct(SPAN_KEY).is_duplicated())["row"]
    return out.with_columns(span_unique=~pl.int_range(df.height).is_in(repeated.to_list()))


# -- measuring -------------------------------------------------------------------------------------
def median_time(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


#: Runs a command and reports its wall time and peak RSS. A small process of its own: on Linux a
#: child's max RSS starts from its parent's at fork, so forking from this (large) process
#: directly would report our memory, not the command's.
_LAUNCHER = (
    "import json, resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "elapsed = time.perf_counter() - start\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024\n"
    "print(json.dumps({'seconds': elapsed, 'peak': peak, 'code': code}))\n"
)


def run_process(argv: list[str]) -> tuple[float, int, int]:
    """Wall time, peak RSS (bytes) and exit code of one fresh process."""
    done = subprocess.run([PY, "-c", _LAUNCHER, *argv], capture_output=True, text=True)
    if done.returncode != 0 or not done.stdout.strip():
        sys.stderr.write(done.stderr[-2000:])
        return float("nan"), 0, done.returncode or 1
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        sys.stderr.write(done.stderr[-2000:])
    return float(result["seconds"]), int(result["peak"]), int(result["code"])


def median_process(argv: list[str], repeat: int) -> tuple[float, int]:
    """Median wall time and peak RSS of ``repeat`` successful runs (a run that crashes, e.g.
    while another process rewrites its input, is retried twice, then the benchmark stops)."""
    runs = []
    failures = 0
    while len(runs) < repeat:
        elapsed, peak, code = run_process(argv)
        if code == 0:
            runs.append((elapsed, peak))
            continue
        failures += 1
        print(f"retrying after exit code {code}: {' '.join(argv)}", file=sys.stderr)
        if failures > 2:
            raise SystemExit(f"benchmark command failed: {' '.join(argv)}")
    return statistics.median(t for t, _ in runs), max(m for _, m in runs)


def _validate_argv(path: Path, registry_dir: Path) -> list[str]:
    """The package's own validate command, with the synthetic registry."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from iran_russia_claims.dataset import read_registry\n"
        "from iran_russia_claims.validation import validate\n"
        "report = validate(sys.argv[1], registry=read_registry(Path(sys.argv[2])))\n"
        "print(report.render())\n"
        "sys.exit(0 if report.valid else 1)\n"
    )
    help_text = subprocess.run(
        [PY, "-m", "iran_russia_claims", "validate", "--help"], capture_output=True, text=True
    ).stdout
    if "--registry" in help_text:
        return [
            PY,
            "-m",
            "iran_russia_claims",
            "validate",
            str(path),
            "--registry",
            str(registry_dir),
        ]
    return [PY, "-c", script, str(path), str(registry_dir)]


_READERS = {
    ".parquet": "pl.read_parquet",
    ".csv": "pl.read_csv",
    ".jsonl": "pl.read_ndjson",
}


def _read_argv(path: Path) -> list[str]:
    return [PY, "-c", f"import sys, polars as pl; {_READERS[path.suffix]}(sys.argv[1])", str(path)]


# -- report ----------------------------------------------------------------------------------------
def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_mib(size: int) -> str:
    return f"{size / 2**20:.0f} MiB"


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str, str]] = []

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

    def note(self, what: str, n: int, value: str, target: str = "") -> None:
        self.rows.append((what, f"{n:,}", value, "", "", target))

    def markdown(self) -> str:
        head = "| measurement | N | ours (median) | baseline | baseline (median) | ratio |\n"
        head += "|---|---:|---:|---|---:|---|\n"
        return head + "\n".join("| " + " | ".join(r) + " |" for r in self.rows)


def machine() -> str:
    import pandera
    import polars

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
        f"Polars {polars.__version__}, "
        f"pyarrow {pa.__version__}, pandera {pandera.__version__}, NumPy {np.__version__}"
    )


# -- the benchmark ---------------------------------------------------------------------------------
def bench_memory(table: Table, n: int, repeat: int, registry: Registry) -> None:
    from iran_russia_claims.engines.pandera_pandas import claims_schema, prepare_frame
    from iran_russia_claims.engines.pandera_polars import validate_polars_frame
    from iran_russia_claims.validation import validate_frame

    frame = synth_frame(n, seed=1)
    polars_frame = pl.from_arrow(synth_table(n, seed=1))
    assert isinstance(polars_frame, pl.DataFrame)
    assert all(v.all() for v in hand_pandas(frame, registry).values())
    assert all(hand_polars(polars_frame, registry).select(pl.all().all()).row(0))
    assert validate_frame(frame, registry).valid
    assert validate_polars_frame(polars_frame, registry).valid

    def schema_pandas() -> None:  # the schema alone: what validate_frame runs per chunk
        claims_schema(registry).validate(prepare_frame(frame), lazy=True, inplace=True)

    hand_pl = median_time(lambda: hand_polars(polars_frame, registry), repeat)
    hand_pd = median_time(lambda: hand_pandas(frame, registry), repeat)
    ours_pd = median_time(schema_pandas, repeat)
    full_pd = median_time(lambda: validate_frame(frame, registry), repeat)
    ours_pl = median_time(lambda: validate_polars_frame(polars_frame, registry), repeat)
    table.add("in memory: hand-written Polars check", n, hand_pl, "-", hand_pl)
    table.add("in memory: hand-written pandas check", n, hand_pd, "hand-written Polars", hand_pl)
    table.add(
        "in memory: pandera schema on pandas",
        n,
        ours_pd,
        "hand-written pandas",
        hand_pd,
        "(target <= 1.3x)",
    )
    table.add("in memory: pandera schema on pandas", n, ours_pd, "hand-written Polars", hand_pl)
    table.add(
        "in memory: validate_frame (schema + typing + report)",
        n,
        full_pd,
        "hand-written pandas",
        hand_pd,
    )
    table.add(
        "in memory: pandera schema on Polars",
        n,
        ours_pl,
        "hand-written Polars",
        hand_pl,
        "(target <= 1.5x)",
    )


def bench_files(
    table: Table, n: int, repeat: int, work: Path, registry_dir: Path, peaks: dict[str, int]
) -> None:
    big = synth_table(n, seed=2)
    for suffix, target in (
        (".parquet", "(target <= 3x, < 5 s)"),
        (".csv", "(target < 10 s)"),
        (".jsonl", "(target < 10 s)"),
    ):
        path = work / f"claims-{n}{suffix}"
        our_writer(big, path)
        argv = _validate_argv(path, registry_dir)
        ours, peak = median_process(argv, repeat)
        base, _ = median_process(_read_argv(path), repeat)
        table.add(
            f"validate {suffix[1:]} end to end (fresh process)",
            n,
            ours,
            f"Polars read only ({_READERS[suffix]})",
            base,
            target,
        )
        peaks[f"{suffix[1:]}, {n:,} rows"] = peak
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
        table.add(f"export {suffix[1:]} (synth.write_table)", n, ours, "Polars writer", base_pl)
        table.add(f"export {suffix[1:]} (synth.write_table)", n, ours, "pandas writer", base_pd)
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
    cli = shutil.which("iran-russia-claims") or ""
    argv = [cli, "--help"] if cli else [PY, "-m", "iran_russia_claims", "--help"]
    helped, _ = median_process(argv, repeat)
    bare, _ = median_process([PY, "-c", "pass"], repeat)
    table.add("`iran-russia-claims --help`", 0, helped, "python -c pass", bare, "(target < 0.3 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--out", type=Path, default=None, help="also write RESULTS.md here")
    parser.add_argument("--skip", default="", help="comma-separated: memory,files,export,cold")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    skip = set(args.skip.split(","))
    registry = synth_registry()
    table = Table()
    peaks: dict[str, int] = {}
    work = Path(tempfile.mkdtemp(prefix="irc-bench-"))
    started = time.perf_counter()
    try:
        registry_dir = work / "registry"
        write_registry(registry_dir, registry)
        if "cold" not in skip:
            bench_cold_start(table, max(args.repeat, 5))
        for n in sizes:
            repeat = args.repeat if n < 1_000_000 else max(3, args.repeat - 2)
            if "memory" not in skip:
                bench_memory(table, n, repeat, registry)
            if "files" not in skip:
                bench_files(table, n, max(3, repeat - 2), work, registry_dir, peaks)
            if "export" not in skip:
                bench_export(table, n, max(3, repeat - 2), work)
            print(f"... N = {n:,} done", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = table.markdown()
    if peaks:
        text += "\n\nPeak memory (max RSS) of `validate` in a fresh process (target < 1.5 GiB):\n\n"
        text += "\n".join(f"- {what}: {fmt_mib(size)}" for what, size in peaks.items())
    elapsed = time.perf_counter() - started
    print(text)
    if args.out is not None:
        header = (
            "# Benchmark results\n\n"
            f"`python bench/run.py --sizes {args.sizes} --repeat {args.repeat}`, "
            f"{time.strftime('%Y-%m-%d')}, {elapsed / 60:.1f} min in all.\n\n"
            f"Machine:\n\n{machine()}\n\n"
        )
        args.out.write_text(header + text + "\n", encoding="utf-8")
    print(json.dumps({"seconds": round(elapsed)}), file=sys.stderr)


if __name__ == "__main__":
    main()
