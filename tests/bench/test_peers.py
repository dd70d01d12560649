"""The benchmark's peers (bench/peers/) pass a valid file and fail a broken one, so that a peer
checking nothing cannot look fast in bench/run.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from conftest import REPO
from iran_russia_claims.publish.synth import synth_table, write_registry, write_table
from iran_russia_claims.spec.vocab import Theme

pytest.importorskip("dataframely")

PEERS = REPO / "bench" / "peers"
ROWS = 300


def run_peer(peer: str, path: Path, registry: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(PEERS / f"{peer}.py"), str(path), str(registry)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("peers")
    registry = folder / "registry"
    write_registry(registry)
    valid = synth_table(ROWS, seed=11)
    # every 100th row's theme outside the vocabulary (bench/run.py's "theme_1pct" case)
    themes = valid.column("theme").cast(pa.string()).to_pylist()
    broken_themes = ["weather" if i % 100 == 99 else t for i, t in enumerate(themes)]
    assert "weather" not in {t.value for t in Theme}
    index = valid.schema.get_field_index("theme")
    broken = valid.set_column(index, "theme", pa.array(broken_themes, pa.string()))
    return {
        "registry": registry,
        "valid": write_table(valid, folder / "valid.csv"),
        "broken": write_table(broken, folder / "broken.csv"),
    }


@pytest.mark.parametrize(
    ("peer", "tool"), [("dfy_peer", "dataframely"), ("pandera_peer", "pandera")]
)
def test_peer_passes_a_valid_file_and_fails_a_broken_one(
    peer: str, tool: str, files: dict[str, Path]
) -> None:
    valid = run_peer(peer, files["valid"], files["registry"])
    assert valid.returncode == 0, valid.stdout + valid.stderr
    assert valid.stdout.strip() == f"{tool}: {ROWS} rows, valid"

    broken = run_peer(peer, files["broken"], files["registry"])
    assert broken.returncode == 1, broken.stdout + broken.stderr
    # the three bad themes, each named by the theme column's check
    assert broken.stdout.startswith(f"{tool}: {ROWS} rows, {ROWS // 100} failures (theme|")
