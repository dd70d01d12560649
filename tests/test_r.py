"""The README's R examples run with ``Rscript`` and read what ``iran_russia_claims.load()`` reads.

Every fenced ``r`` block of the README is run, in order, as one script, from an empty folder
outside the checkout; the ``python3`` the README calls is a shim on ``PATH`` that runs this
interpreter with the worktree's package first. A test-only epilogue writes each frame the
blocks made (CSV, JSON and, where the ``arrow`` package is installed, Parquet) as JSON: rows,
names, each column's R type, factor levels and ordered flag, every value (doubles as 17
significant digits). Each is compared with the pandas frame of ``load()``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import iran_russia_claims as irc
from conftest import REPO
from test_readme import blocks

R_PACKAGES = ("readr", "jsonlite")
INSTALL = "apt-get install r-base-core r-cran-readr r-cran-jsonlite"

#: Appended by the test only: what the README's blocks read, as JSON, for the comparison.
EPILOGUE = r"""
dump_frame <- function(df) {
  df <- as.data.frame(df)
  column <- function(x) {
    if (is.factor(x)) {
      list(kind = "factor", levels = I(levels(x)), ordered = is.ordered(x),
           values = I(as.character(x)))
    } else if (is.list(x)) {
      list(kind = "list", values = lapply(x, function(v) I(as.character(v))))
    } else if (is.integer(x)) {
      list(kind = "integer", values = I(x))
    } else if (is.double(x)) {
      list(kind = "double", values = I(sprintf("%.17g", x)))
    } else {
      list(kind = class(x)[1], values = I(x))
    }
  }
  list(nrow = nrow(df), names = I(names(df)), columns = lapply(df, column))
}
frames <- list(csv = claims, json = claims_json)
if (exists("claims_parquet")) frames$parquet <- claims_parquet
write_json(lapply(frames, dump_frame), Sys.getenv("IRC_R_DUMP"), auto_unbox = TRUE)
"""


def r_code() -> str:
    code = [body for _, body, _ in blocks("r")]
    assert code, "the README has no R example"
    return "\n".join(code)


def _rscript() -> str:
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.skip(f"R is not installed: {INSTALL}")
    probe = "; ".join(f"library({name})" for name in R_PACKAGES)
    found = subprocess.run([rscript, "-e", probe], capture_output=True, text=True, timeout=60)
    if found.returncode != 0:
        pytest.skip(f"the R packages {', '.join(R_PACKAGES)} are not installed: {INSTALL}")
    return rscript


def run_readme_r(tmp_path: Path, code: str) -> dict[str, Any]:
    """Run ``code`` and the epilogue with Rscript; the frames it wrote, by format."""
    rscript = _rscript()
    shim = tmp_path / "bin"
    shim.mkdir()
    python3 = shim / "python3"
    python3.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    python3.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    script = tmp_path / "readme.R"
    script.write_text(code + "\n" + EPILOGUE, encoding="utf-8")
    dump = tmp_path / "frames.json"
    pythonpath = os.pathsep.join(filter(None, [str(REPO / "src"), os.environ.get("PYTHONPATH")]))
    env = {
        **os.environ,
        "PATH": f"{shim}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": pythonpath,
        "IRC_R_DUMP": str(dump),
    }
    result = subprocess.run(
        [rscript, str(script)], cwd=work, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    frames: dict[str, Any] = json.loads(dump.read_text(encoding="utf-8"))
    return frames


def differences(frame: dict[str, Any], expected: pd.DataFrame) -> list[str]:
    """Every way ``frame`` (as the epilogue wrote it) differs from ``expected``."""
    found = []
    if frame["nrow"] != len(expected):
        found.append(f"{frame['nrow']} rows, not {len(expected)}")
    if frame["names"] != list(expected.columns):
        found.append(f"columns {frame['names']}, not {list(expected.columns)}")
    for name in expected.columns:
        column, want = frame["columns"].get(name), expected[name]
        if column is None:
            continue
        kind, values = column["kind"], column["values"]
        if isinstance(want.dtype, pd.CategoricalDtype):
            if kind != "factor":
                found.append(f"{name}: {kind}, not a factor")
                continue
            if column["levels"] != list(want.cat.categories):
                found.append(f"{name}: levels {column['levels']}, not {list(want.cat.categories)}")
            if column["ordered"] != want.cat.ordered:
                found.append(f"{name}: ordered is {column['ordered']}, not {want.cat.ordered}")
            same = values == want.astype(str).tolist()
        elif pd.api.types.is_integer_dtype(want.dtype):
            same = kind == "integer" and values == want.tolist()
        elif pd.api.types.is_float_dtype(want.dtype):
            same = kind == "double" and [float(v) for v in values] == want.tolist()
        elif isinstance(want.iloc[0], list):
            same = kind == "list" and values == [list(v) for v in want]
        else:
            same = kind == "character" and values == want.tolist()
        if not same:
            found.append(f"{name}: {kind} values differ from load()'s")
    return found


def test_the_readme_has_r_for_csv_json_and_parquet() -> None:
    code = r_code()
    for needle in (
        "read_csv(",
        "na = character()",
        "fromJSON(",
        "datapackage.json",
        "field$categories",
        "categoriesOrdered",
        "ordered =",
        'requireNamespace("arrow"',
        "arrow::read_parquet(",
    ):
        assert needle in code, f"the README's R lost {needle}"


def test_the_readme_r_reads_what_load_reads(tmp_path: Path) -> None:
    frames = run_readme_r(tmp_path, r_code())
    expected = irc.load()
    assert {"csv", "json"} <= frames.keys()
    for name, frame in frames.items():
        assert differences(frame, expected) == [], name


def test_the_comparison_sees_a_factor_without_the_descriptors_levels(tmp_path: Path) -> None:
    """Levels in another order than the vocabulary's, as sorting would give, are caught."""
    code = r_code().replace("levels = levels,", "levels = sort(levels),")
    assert code != r_code()
    frames = run_readme_r(tmp_path, code)
    found = differences(frames["csv"], irc.load())
    assert any(d.startswith("theme: levels") for d in found), found
    assert any(d.startswith("confidence_band: levels") for d in found), found
