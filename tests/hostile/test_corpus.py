"""The hostile corpus (issue 16): every case in fresh processes, judged against the README.

For each case of :mod:`hostile.corpus`: no death by a signal, no traceback, no "this is a bug",
the documented exit code, a JSON report naming the file, row, column and rule the case expects,
output that is UTF-8 and holds no raw control, bidirectional or workflow-command text, a peak
RSS within the allowance (:data:`hostile.runner.MEMORY_ALLOWANCE` plus
:data:`hostile.runner.MEMORY_PER_INPUT_BYTE` per input byte), and the time limit.

The cases selected in a session run once, together, on two workers (a session fixture), and the
end of the session prints each one's wall time and peak RSS.
"""

from __future__ import annotations

import contextlib
import json
import time
from typing import Any

import pytest

from hostile.corpus import CASES, Case
from hostile.runner import Invocation, Result, judge, run_corpus

pytestmark = pytest.mark.slow


def _selected(session: pytest.Session) -> list[Case]:
    names = {
        item.callspec.params["case"].name
        for item in session.items
        if item.module is not None
        and item.module.__name__ == __name__
        and hasattr(item, "callspec")
    }
    return [c for c in CASES if c.name in names]


@pytest.fixture(scope="session")
def corpus_runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Every selected case built and run once, two at a time."""
    base = tmp_path_factory.mktemp("hostile")
    started = time.monotonic()
    results = run_corpus(_selected(request.session), base)
    wall = time.monotonic() - started
    yield results
    (base / "results.json").write_text(
        json.dumps([r.summary() for r, _ in results.values()], indent=1, default=str)
    )
    reporter = request.config.pluginmanager.getplugin("terminalreporter")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if reporter is None:
        return
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        reporter.write_line("")
        reporter.write_sep("-", f"hostile corpus: {len(results)} cases in {wall:.0f} s wall")
        for name, (result, _) in results.items():
            walls = " ".join(f"{r.fmt}={r.wall:.1f}s" for r in result.runs)
            rss = max((r.maxrss for r in result.runs), default=0) / 2**20
            reporter.write_line(f"{name:<44} {rss:>6.0f} MiB  {walls}")
        reporter.write_line(f"runs saved in {base / 'results.json'}")


def _param(case: Case) -> Any:
    marks = [pytest.mark.skip(reason=case.skip)] if case.skip else []
    return pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_hostile_input(
    case: Case, corpus_runs: dict[str, tuple[Result, Invocation | None]]
) -> None:
    result, invocation = corpus_runs[case.name]
    failures = judge(case, result, invocation)
    assert not failures, f"{case.name}: {case.why}\n" + "\n".join(f"- {f}" for f in failures)


def test_corpus_is_large_and_covers_every_input_kind() -> None:
    groups = {c.group for c in CASES}
    assert len(CASES) >= 70
    assert {"csv", "json", "jsonl", "parquet", "yaml", "api", "dataset", "names", "fs"} <= groups
    assert len({c.name for c in CASES}) == len(CASES)


def test_cases_stay_small_on_disk(
    corpus_runs: dict[str, tuple[Result, Invocation | None]],
) -> None:
    """Tiny files must not cost much: only a case that needs more (a limit that cannot be
    reached with less) writes over about 2 MB: the 16 MiB CSV row, the millions of empty
    records whose cost per byte only shows against the allowance past some 10 MB, and the
    Parquet file of 60,000 columns, whose cost grew with the square of their number."""
    big = {n: r.disk_bytes for n, (r, _) in corpus_runs.items() if r.disk_bytes > 2_200_000}
    needed = {
        "csv_row_over_16mib",
        "json_5m_empty_objects",
        "jsonl_5m_empty_objects",
        "parquet_60000_columns",
    }
    assert set(big) <= needed, big
