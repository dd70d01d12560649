"""The pre-commit hook (``.pre-commit-hooks.yaml``): its manifest, and a real ``pre-commit run``
in a throwaway repository that uses this checkout as its hook repository.

The real run needs the ``pre-commit`` package and, because a test reaches no network, a local
wheelhouse: a folder of wheels for the package's dependencies and its build backend
(hatchling), named by ``IRAN_RUSSIA_CLAIMS_WHEELHOUSE``. ``.ci/run`` builds one; by hand::

    python -m pip download -d /tmp/wheelhouse --only-binary=:all: hatchling>=1.24 \\
        "pandas>=2.2,<3" ...   # build-system.requires and project.dependencies of pyproject
    IRAN_RUSSIA_CLAIMS_WHEELHOUSE=/tmp/wheelhouse python -m pytest tests/test_precommit.py

The hook is installed from the committed HEAD (pre-commit clones repositories at a revision),
so the run tests what is committed, with test data taken from the same commit.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO
from iran_russia_claims.cli import build_parser

HOOKS = REPO / ".pre-commit-hooks.yaml"
HOOK_ID = "iran-russia-claims-validate"
WHEELHOUSE_ENV = "IRAN_RUSSIA_CLAIMS_WHEELHOUSE"


def _hook() -> dict[str, Any]:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    matching = [hook for hook in hooks if hook["id"] == HOOK_ID]
    assert len(matching) == 1, f"{HOOKS.name} should define the hook {HOOK_ID} once"
    hook: dict[str, Any] = matching[0]
    return hook


# --- the manifest (fast, no pre-commit needed) --------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "claims.csv",
        "data/claims.yaml",
        "data/claims.yml",
        "x/claims-2026.parquet",
        "claims_v2.jsonl",
        "exports/claims.json",
        "a/b/claims.ndjson",
    ],
)
def test_files_pattern_takes_claims_files(path: str) -> None:
    assert re.search(_hook()["files"], path), path


@pytest.mark.parametrize(
    "path",
    [
        "README.md",
        "actors.yaml",
        "dataset/sources.yaml",
        "exports/claim_actors.csv",
        "schemas/claims.schema.json",  # the JSON Schema of claims, not claims data
        "claims.py",
        "tests/claims_files.py",
        "claims/actors.yaml",  # a folder named claims is not a claims file
        "myclaims.csv",
    ],
)
def test_files_pattern_leaves_other_files(path: str) -> None:
    assert not re.search(_hook()["files"], path), path


def test_hook_runs_the_validate_command_on_the_files_it_is_given() -> None:
    hook = _hook()
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    script, *argv = shlex.split(hook["entry"])
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert script in pyproject["project"]["scripts"], f"{script} is not a console script"
    # pre-commit appends the file names (and the user's args before them) to the entry.
    try:
        args = build_parser().parse_args([*argv, "--max-problems", "10", "data/claims.csv"])
    except SystemExit as exc:
        pytest.fail(f"the hook's entry {hook['entry']!r} is rejected by the CLI (exit {exc.code})")
    assert args.command == "validate"
    assert args.paths == ["data/claims.csv"]


# --- a real pre-commit run, offline --------------------------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env=_git_env()
    )
    return result.stdout.strip()


def _git_env() -> dict[str, str]:
    """The environment without the variables of a git command or a pre-commit run that may be
    running this test (GIT_DIR, GIT_INDEX_FILE, SKIP, ...)."""
    dropped = ("GIT_", "PRE_COMMIT", "PIP_", "VIRTUALENV_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env.pop("SKIP", None)
    return env


@pytest.fixture
def wheelhouse() -> Path:
    """What the real run needs, or a skip saying which part is missing."""
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed (pip install 'pre-commit>=3', in the test extra)")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    value = os.environ.get(WHEELHOUSE_ENV)
    if not value:
        pytest.skip(
            f"no wheelhouse: set {WHEELHOUSE_ENV} to a folder of wheels of the package's "
            "dependencies and of hatchling (.ci/run builds one in .wheelhouse)"
        )
    path = Path(value)
    if not path.is_dir() or not any(path.glob("hatchling-*.whl")):
        pytest.skip(f"{WHEELHOUSE_ENV}={value} is not a folder holding a hatchling wheel")
    inside = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "HEAD:.pre-commit-hooks.yaml"],
        cwd=REPO,
        capture_output=True,
        env=_git_env(),
    )
    if inside.returncode != 0:
        pytest.skip(f"{REPO} is not a git checkout whose HEAD holds .pre-commit-hooks.yaml")
    return path.resolve()


def _misspell_one_theme(text: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    theme = rows[0].index("theme")
    rows[1][theme] = "nucelar"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _pre_commit(repo: Path, cache: Path, wheelhouse: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **_git_env(),
        "PRE_COMMIT_HOME": str(cache),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheelhouse),
        "PIP_CONFIG_FILE": os.devnull,  # no index, constraint or find-links of this machine's
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "VIRTUALENV_NO_PERIODIC_UPDATE": "1",
        "PYTHONIOENCODING": "utf-8",
    }
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _explain(result: subprocess.CompletedProcess[str], cache: Path) -> str:
    log = cache / "pre-commit.log"
    tail = log.read_text(encoding="utf-8")[-4000:] if log.exists() else "(no pre-commit.log)"
    return f"exit {result.returncode}\n{result.stdout}\n{result.stderr}\n{tail}"


@pytest.mark.slow
def test_pre_commit_runs_the_hook_on_a_repository_s_claims_files(
    tmp_path: Path, wheelhouse: Path
) -> None:
    # The hook repository: a clone of this checkout, used at its committed HEAD.
    hookrepo = tmp_path / "hookrepo"
    _git(tmp_path, "clone", "--quiet", str(REPO), str(hookrepo))
    rev = _git(REPO, "rev-parse", "HEAD")
    _git(hookrepo, "checkout", "--quiet", rev)  # fails if the clone lacks REPO's HEAD
    committed = _git(hookrepo, "show", "HEAD:exports/claims.csv") + "\n"

    # A repository of someone else's with a good and a bad claims file and a README that the
    # hook must leave alone.
    user = tmp_path / "user"
    (user / "data").mkdir(parents=True)
    _git(user, "init", "--quiet")
    _git(user, "config", "user.name", "Test")
    _git(user, "config", "user.email", "test@example.invalid")
    _git(user, "config", "commit.gpgsign", "false")
    (user / "data" / "claims.csv").write_text(committed, encoding="utf-8")
    (user / "data" / "claims-bad.csv").write_text(_misspell_one_theme(committed), encoding="utf-8")
    (user / "README.md").write_text("# claims\n", encoding="utf-8")
    config = {"repos": [{"repo": str(hookrepo), "rev": rev, "hooks": [{"id": HOOK_ID}]}]}
    (user / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _git(user, "add", "-A")
    _git(user, "commit", "--quiet", "-m", "claims")

    cache = tmp_path / "cache"
    result = _pre_commit(user, cache, wheelhouse)
    output = result.stdout + result.stderr
    assert result.returncode == 1, _explain(result, cache)
    assert "validate claims files" in output
    assert "data/claims-bad.csv, row 2, record IRR-0001, column theme" in output, output
    assert "[rule: theme_vocabulary]" in output, output
    assert "'nucelar'" in output, output
    assert "data/claims.csv (csv): valid" in output, output
    assert "data/claims.csv, row" not in output, output
    assert "README.md" not in output, output

    _git(user, "rm", "--quiet", "data/claims-bad.csv")
    _git(user, "commit", "--quiet", "-m", "drop the bad file")
    result = _pre_commit(user, cache, wheelhouse)
    assert result.returncode == 0, _explain(result, cache)
    assert re.search(r"validate claims files\.+Passed", result.stdout), result.stdout
