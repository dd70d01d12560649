"""Export survives SIGKILL at any moment.

A real ``iran-russia-claims export`` process (see kill_runner.py) is killed just before one of
its file-system steps: each mkdir, fsync, hard link, rename and unlink. Afterwards the files are
the old set or the new set exactly, or the next command (``export --check``) restores one of
them before anything else and says so; the staging folders never show in ``git status``;
``SHA256SUMS`` checks. A kill before the commit point gives the old set, one after it the new.
Recovery itself is killed too, and run again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import iran_russia_claims
from conftest import REPO
from iran_russia_claims.publish.atomic import STAGING_PREFIX

pytestmark = pytest.mark.skipif(
    not hasattr(os, "fork") or sys.platform == "win32", reason="needs fork and SIGKILL (POSIX)"
)

RUNNER = Path(__file__).with_name("kill_runner.py")
EXAMPLE = REPO / "docs" / "example" / "kz-kg-water"
EXPORT = ["export", "--collection", "coll", "-q"]
CHECK = ["export", "--check", "--collection", "coll"]
GIT = shutil.which("git")
SHA256SUM = shutil.which("sha256sum")


@dataclass(frozen=True)
class Run:
    returncode: int
    steps: list[str]
    stdout: str
    stderr: str


class Runner:
    """One kill_runner.py process: each call runs a command in a child of its own."""

    def __init__(self) -> None:
        src = Path(iran_russia_claims.__file__).resolve().parents[1]
        path = os.pathsep.join(p for p in (str(src), os.environ.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, str(RUNNER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": path},
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "ready"

    def __call__(self, argv: list[str], cwd: Path, kill_at: int = 0) -> Run:
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        request = {"argv": argv, "cwd": str(cwd), "kill_at": kill_at}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer: dict[str, Any] = json.loads(self.process.stdout.readline())
        return Run(**answer)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


@pytest.fixture(scope="module")
def runner() -> Iterator[Runner]:
    started = Runner()
    yield started
    started.close()


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` but .git, by path: its SHA-256; and every staging folder."""
    found = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if name == ".git" or name.startswith(".git/"):
            continue
        if path.is_file():
            found[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif STAGING_PREFIX in path.name:
            found[name] = "staging folder"
    return found


def git(root: Path, *args: str) -> str:
    assert GIT is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    config = ["-c", "user.name=test", "-c", "user.email=test@example.org"]
    config += ["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null"]
    done = subprocess.run(
        [GIT, *config, *args], cwd=root, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


@dataclass(frozen=True)
class Scenario:
    root: Path  # holds the collection as coll/ (a git repository, where git is installed)
    pristine: Path  # a copy of coll/ with the old exports and the new data
    old: dict[str, str]  # tree(root) before the export
    new: dict[str, str]  # tree(root) after a clean export
    steps: list[str]  # the export's file-system steps, in order
    commit: int  # the number of the step that commits the journal (from 1)

    def reset(self) -> None:
        shutil.rmtree(self.root / "coll")
        shutil.copytree(self.pristine, self.root / "coll")
        assert tree(self.root) == self.old


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory, runner: Runner) -> Scenario:
    """The example collection cut to three claims (every output file, a fast export), exported;
    then new data (a new version, a reworded claim) to export over it."""
    root = tmp_path_factory.mktemp("kill")
    coll = root / "coll"
    shutil.copytree(EXAMPLE, coll)
    claims = coll / "claims.yaml"
    kept = claims.read_text(encoding="utf-8").split("\n  - id: ")[:4]
    claims.write_text("\n  - id: ".join(kept) + "\n", encoding="utf-8")
    first = runner(EXPORT, root)
    assert first.returncode == 0, first.stderr
    _edit(coll / "collection.yaml", "version: 0.1.0", "version: 0.2.0")
    _edit(claims, "rise in the Kyrgyz mountains", "start in the mountains of Kyrgyzstan")
    pristine = tmp_path_factory.mktemp("pristine") / "coll"
    shutil.copytree(coll, pristine)
    if GIT is not None:
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "old exports, new data")
    old = tree(root)
    done = runner(EXPORT, root)
    assert done.returncode == 0, done.stderr
    new = tree(root)
    changed = {name for name in new if old.get(name) != new[name]}
    assert {"coll/exports/SHA256SUMS", "coll/README.md", "coll/CITATION.cff"} <= changed
    commits = [n for n, step in enumerate(done.steps, 1) if re.match(r"replace .*journal", step)]
    scenario = Scenario(root, pristine, old, new, done.steps, commits[0])
    scenario.reset()
    return scenario


def assert_whole(scenario: Scenario) -> str:
    """The files are the old set or the new one, SHA256SUMS checks, and git sees no staging;
    returns which set."""
    found = tree(scenario.root)
    assert found in (scenario.old, scenario.new), _mix(scenario, found)
    exports = scenario.root / "coll" / "exports"
    for line in (exports / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((exports / name).read_bytes()).hexdigest() == digest, name
    if SHA256SUM is not None:
        checked = subprocess.run(
            [SHA256SUM, "-c", "--quiet", "SHA256SUMS"], cwd=exports, capture_output=True
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    return "new" if found == scenario.new else "old"


def _mix(scenario: Scenario, found: dict[str, str]) -> str:
    """Which files are new, which are old, which are neither."""
    names = sorted(found.keys() | scenario.old.keys() | scenario.new.keys())
    changed = [n for n in names if scenario.old.get(n) != scenario.new.get(n)]
    new = [n for n in changed if found.get(n) == scenario.new.get(n)]
    old = [n for n in changed if found.get(n) == scenario.old.get(n)]
    other = [n for n in names if found.get(n) not in (scenario.old.get(n), scenario.new.get(n))]
    return f"a mix: new {new}; old {old}; neither {other}"


def assert_git_sees_no_staging(scenario: Scenario) -> None:
    if GIT is None:
        return
    status = git(scenario.root, "status", "--porcelain", "--untracked-files=all")
    assert STAGING_PREFIX not in status, status
    assert "journal" not in status, status


def kill_export(scenario: Scenario, runner: Runner, kill_at: int) -> str:
    """Kill an export just before step ``kill_at``, then run the next command; returns which
    set the files are afterwards."""
    step = scenario.steps[kill_at - 1] if kill_at <= len(scenario.steps) else "(no kill)"
    where = f"killed before step {kill_at}: {step}"
    scenario.reset()
    killed = runner(EXPORT, scenario.root, kill_at)
    if kill_at <= len(scenario.steps):
        assert killed.returncode == -signal.SIGKILL, where
    else:
        assert killed.returncode == 0, killed.stderr
    assert_git_sees_no_staging(scenario)
    seen = tree(scenario.root)
    after = runner(CHECK, scenario.root)
    notes = [line for line in after.stderr.splitlines() if line.startswith("note: ")]
    if seen in (scenario.old, scenario.new):
        assert notes == [], where
    else:  # the next command restored a whole set first, and said so in one line
        assert len(notes) == 1, (where, after.stderr)
    outcome = assert_whole(scenario)
    assert after.returncode == (0 if outcome == "new" else 1), (where, after.stderr)
    assert_git_sees_no_staging(scenario)
    expected = "old" if kill_at <= scenario.commit else "new"
    assert outcome == expected, f"{where}: the {outcome} set, not the {expected} one"
    return outcome


def _renames(scenario: Scenario) -> list[int]:
    """The steps that rename a staged file over its target (outside any staging folder)."""
    steps = enumerate(scenario.steps, 1)
    return [
        n
        for n, step in steps
        if step.startswith("replace") and STAGING_PREFIX not in step.split(" ")[-1]
    ]


def _sample(scenario: Scenario) -> list[int]:
    """Kill points that meet every state: staging, the commit point, the renames, the clean-up,
    and no kill at all."""
    renames = _renames(scenario)
    unlinks = [n for n, step in enumerate(scenario.steps, 1) if step.startswith("unlink")]
    commit = scenario.commit
    middle = renames[len(renames) // 2]
    ignored = _after_gitignore(scenario.steps)
    return [commit // 2, commit, commit + 1, middle, unlinks[0], ignored, len(scenario.steps) + 1]


def _after_gitignore(steps: list[str]) -> int:
    """The step after a staging folder's .gitignore is deleted: the folder must be empty."""
    return next(n for n, step in enumerate(steps, 1) if step.endswith(".gitignore")
                and step.startswith("unlink")) + 1  # fmt: skip


def test_a_killed_export_leaves_the_old_or_the_new_set(scenario: Scenario, runner: Runner) -> None:
    outcomes = [kill_export(scenario, runner, n) for n in _sample(scenario)]
    assert "old" in outcomes
    assert "new" in outcomes


@pytest.mark.slow
def test_an_export_killed_at_every_step_leaves_the_old_or_the_new_set(
    scenario: Scenario, runner: Runner
) -> None:
    for kill_at in range(1, len(scenario.steps) + 2):
        kill_export(scenario, runner, kill_at)


def kill_recovery(scenario: Scenario, runner: Runner, export_at: int, every: bool) -> None:
    """Kill an export before step ``export_at``, then the recovery at each of its steps (or a
    few), then run the next command again: it completes the recovery."""
    scenario.reset()
    assert runner(EXPORT, scenario.root, export_at).returncode == -signal.SIGKILL
    recovery = runner(CHECK, scenario.root)
    assert recovery.stderr.startswith("note: ")
    total = len(recovery.steps)
    ignored = _after_gitignore(recovery.steps)
    points = range(1, total + 1) if every else sorted({1, total // 2, ignored, total})
    expected = "old" if export_at <= scenario.commit else "new"
    for recover_at in points:
        scenario.reset()
        assert runner(EXPORT, scenario.root, export_at).returncode == -signal.SIGKILL
        killed = runner(CHECK, scenario.root, recover_at)
        where = f"export killed at {export_at}, recovery at {recover_at}: {recovery.steps}"
        assert killed.returncode == -signal.SIGKILL, where
        assert_git_sees_no_staging(scenario)
        again = runner(CHECK, scenario.root)
        assert again.returncode == (0 if expected == "new" else 1), (where, again.stderr)
        assert assert_whole(scenario) == expected, where
        assert_git_sees_no_staging(scenario)


def test_a_killed_recovery_is_completed_by_the_next_command(
    scenario: Scenario, runner: Runner
) -> None:
    renames = _renames(scenario)
    kill_recovery(scenario, runner, renames[len(renames) // 2], every=False)


@pytest.mark.slow
def test_recovery_killed_at_every_step_is_completed_by_the_next_command(
    scenario: Scenario, runner: Runner
) -> None:
    kill_recovery(scenario, runner, _renames(scenario)[0], every=True)  # committed
    kill_recovery(scenario, runner, scenario.commit - 1, every=True)  # not committed
