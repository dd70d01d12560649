"""The wheel carries the exports it loads from, and ``load()`` works from an installed wheel.

The wheel is built without network (``--no-isolation``) and installed with ``--no-deps
--no-index`` into a fresh virtual environment; the dependencies come from this interpreter's
site-packages through PYTHONPATH. Python does not process ``.pth`` files found on PYTHONPATH,
so the checkout's editable install stays invisible: the test proves it by where the package
was imported from.
"""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import DATASET, EXPORTS, REPO
from iran_russia_claims.publish.frame import apply_dtypes

pytestmark = pytest.mark.slow

_PROBE = """
import json, sys
import iran_russia_claims as irc
frame = irc.load()
frame.to_pickle(sys.argv[1])
print(json.dumps({"file": irc.__file__, "version": irc.__version__,
                  "actors": len(irc.actors()), "sources": len(irc.sources())}))
"""


def _run(
    args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        args, capture_output=True, text=True, check=False, timeout=300, cwd=cwd, env=env
    )
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    _run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(REPO),
        ]
    )
    (built,) = dist.glob("*.whl")
    return built


def test_the_wheel_carries_every_export_and_the_dataset(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for path in sorted(EXPORTS.iterdir()):
            member = f"iran_russia_claims/data/exports/{path.name}"
            assert member in names, f"{path.name} is not in the wheel"
            assert archive.read(member) == path.read_bytes(), f"{path.name} differs in the wheel"
        for path in sorted(DATASET.glob("*.yaml")):
            assert f"iran_russia_claims/data/dataset/{path.name}" in names
        shipped = {n for n in names if n.startswith("iran_russia_claims/data/exports/")}
        assert len(shipped) == len(list(EXPORTS.iterdir()))


def test_the_wheel_tells_the_truth_about_typing_and_licences(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (metadata,) = (n for n in names if n.endswith(".dist-info/METADATA"))
        text = archive.read(metadata).decode("utf-8")
    assert "iran_russia_claims/py.typed" in names  # the classifiers say "Typing :: Typed"
    assert "Typing :: Typed" in text
    assert "License-Expression: MIT AND CC-BY-4.0" in text.splitlines()  # code and data
    assert {"License-File: LICENSE", "License-File: LICENSE-DATA"} <= set(text.splitlines())


@dataclass(frozen=True)
class Installed:
    venv: Path
    python: Path
    env: dict[str, str]
    #: an empty folder outside the checkout, to run from
    work: Path


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel installed in a fresh virtual environment, its dependencies on PYTHONPATH."""
    root = tmp_path_factory.mktemp("installed")
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ]
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = os.pathsep.join(site.getsitepackages())
    work = root / "elsewhere"
    work.mkdir()
    return Installed(venv, python, env, work)


def test_load_from_an_installed_wheel_equals_the_committed_parquet(
    installed: Installed, tmp_path: Path
) -> None:
    pickle = tmp_path / "frame.pkl"
    result = _run(
        [str(installed.python), "-c", _PROBE, str(pickle)], cwd=installed.work, env=installed.env
    )
    facts = json.loads(result.stdout)
    assert Path(facts["file"]).is_relative_to(installed.venv), (
        f"imported from {facts['file']}, not the wheel"
    )
    assert facts["actors"] > 0
    assert facts["sources"] > 0

    committed = apply_dtypes(pq.read_table(EXPORTS / "claims.parquet").to_pandas())
    pd.testing.assert_frame_equal(pd.read_pickle(pickle), committed, check_exact=True)

    command = installed.venv / "bin" / "iran-russia-claims"
    version = _run([str(command), "--version"], cwd=installed.work, env=installed.env)
    assert facts["version"] in version.stdout


_README_RUNNER = """
import sys
import iran_russia_claims as irc
assert irc.__file__.startswith(sys.argv[1]), irc.__file__
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as handle:
        exec(compile(handle.read(), path, "exec"), {"__name__": "__readme__"})
print("ran", len(sys.argv) - 2)
"""


def test_the_readme_examples_run_from_a_plain_install(installed: Installed) -> None:
    from test_readme import PYTHON

    paths = []
    for line, body, needs_article in PYTHON:
        if needs_article:
            continue
        path = installed.work.parent / f"readme-line{line}.py"
        path.write_text(body, encoding="utf-8")
        paths.append(str(path))
    assert len(paths) >= 6
    result = _run(
        [str(installed.python), "-c", _README_RUNNER, str(installed.venv), *paths],
        cwd=installed.work,
        env=installed.env,
    )
    assert result.stdout.rstrip().endswith(f"ran {len(paths)}")
