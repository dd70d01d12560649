"""``iran-russia-claims validate``: exit codes, text and JSON reports, options, no tracebacks."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from claims_files import write_claims
from iran_russia_claims.cli import main
from iran_russia_claims.publish.synth import write_registry, write_synth
from iran_russia_claims.spec.models import Registry, Source
from records import registry, valid_record

REPO = Path(__file__).resolve().parents[2]
EXPORTS = REPO / "exports"


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["validate", *map(str, args)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def small_registry(tmp_path: Path) -> Path:
    """The tests' small registry (records.py) as a dataset directory."""
    directory = tmp_path / "registry"
    write_registry(directory, registry())
    return directory


def records(n: int = 3) -> list[dict[str, Any]]:
    return [valid_record(i, start=10 * i) for i in range(1, n + 1)]


def test_valid_files_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    paths = [EXPORTS / "claims.csv", EXPORTS / "claims.json", EXPORTS / "claims.parquet",
             REPO / "dataset" / "claims.yaml"]  # fmt: skip
    code, out, err = run(capsys, *paths)
    assert code == 0
    assert out.count(": valid,") == 4
    assert err == ""


def test_invalid_files_exit_1_and_list_every_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, small_registry: Path
) -> None:
    rows = records(4)
    rows[1]["theme"] = "weather"
    rows[3]["confidence"] = 1.5
    path = write_claims(rows, tmp_path / "c.csv")
    code, out, _ = run(capsys, path, "--dataset", small_registry)
    assert code == 1
    assert f"{path}, row 3, record IRR-0002, column theme" in out
    assert "[rule: theme_vocabulary]; value: 'weather'" in out
    assert f"{path}, row 5, record IRR-0004, column confidence" in out
    assert "INVALID, 2 problem(s) in 4 records" in out


@pytest.mark.parametrize("name", ["nope.csv", "a_directory", "utf16.csv", "fake.parquet"])
def test_unreadable_inputs_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    (tmp_path / "a_directory").mkdir()
    (tmp_path / "utf16.csv").write_bytes("id,source_id\n".encode("utf-16"))
    (tmp_path / "fake.parquet").write_bytes(b"PAR1 this is not parquet")
    code, out, _ = run(capsys, tmp_path / name)
    assert code == 2
    assert "UNREADABLE" in out
    assert "[rule: readable]" in out


def test_the_worst_outcome_sets_the_exit_code(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, small_registry: Path
) -> None:
    rows = records(2)
    rows[0]["kind"] = "opinion"
    bad = write_claims(rows, tmp_path / "bad.jsonl")
    good = write_claims(records(2), tmp_path / "good.jsonl")
    assert run(capsys, good, bad, "--dataset", small_registry)[0] == 1
    assert run(capsys, good, bad, tmp_path / "missing.jsonl", "--dataset", small_registry)[0] == 2


def test_json_output_is_the_same_report_machine_readably(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, small_registry: Path
) -> None:
    rows = records(3)
    rows[2]["actors"] = "IRN"
    path = write_claims(rows, tmp_path / "c.json")
    code, out, _ = run(capsys, path, "--dataset", small_registry, "--format", "json")
    data = json.loads(out)
    assert code == data["exit_code"] == 1
    assert data["valid"] is False
    (report,) = data["reports"]
    assert (report["target"], report["format"], report["rows"]) == (str(path), "json", 3)
    (problem,) = report["problems"]
    assert problem == {
        "rule": "type",
        "message": "not a list of strings: the value is text",
        "file": str(path),
        "row": 3,
        "record_id": "IRR-0003",
        "column": "actors",
        "value": "IRN",
        "hint": 'write a list of strings, e.g. ["IRN", "RUS"] (or [] for none)',
        "value_truncated": False,
        "value_length": None,
        "record_id_length": None,
        "column_length": None,
    }
    assert report["problems_by_rule"] == {"type": 1}


def test_input_format_overrides_the_extension(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, small_registry: Path
) -> None:
    path = write_claims(records(2), tmp_path / "claims.txt", fmt="jsonl")
    assert run(capsys, path, "--dataset", small_registry)[0] == 2
    code, out, _ = run(capsys, path, "--dataset", small_registry, "--input-format", "jsonl")
    assert code == 0
    assert "(jsonl): valid" in out


def test_another_registry_with_dataset(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_synth(tmp_path / "synth.parquet", 500, seed=2)
    code, out, _ = run(capsys, path)  # the shipped registry knows no synthetic source
    assert code == 1
    assert "source_registered" in out
    write_registry(tmp_path / "synth-registry")
    assert run(capsys, path, "--dataset", tmp_path / "synth-registry")[0] == 0


def test_a_registry_that_cannot_be_read_is_bad_usage(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, EXPORTS / "claims.csv", "--dataset", tmp_path / "nowhere")
    assert code == 2
    assert "nowhere: the collection folder is not found [rule: readable]" in err
    assert "nothing was checked" in err
    assert out == ""


def test_spans_are_checked_with_source(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = ("Iran and Russia draw closer in many ways. " * 30)[:1000]
    article = tmp_path / "test.txt"
    article.write_text(text)
    base = registry()
    source = base.sources["test-source"].model_dump()
    source.update(sha256=hashlib.sha256(text.encode()).hexdigest())
    write_registry(tmp_path / "reg", Registry(base.actors, {"test-source": Source(**source)}))
    rows = records(3)
    for row in rows:
        row["span_sha256"] = hashlib.sha256(text[row["start"] : row["end"]].encode()).hexdigest()
    path = write_claims(rows, tmp_path / "c.csv")
    assert run(capsys, path, "--dataset", tmp_path / "reg", "--source", article)[0] == 0
    rows[0]["end"] = 61  # the hash no longer fits the span
    write_claims(rows, path)
    code, out, _ = run(capsys, path, "--dataset", tmp_path / "reg", "--source", article)
    assert code == 1
    assert "row 2, record IRR-0001, column span_sha256" in out
    assert "span_hash_matches" in out


def test_the_shipped_exports_match_the_article(
    capsys: pytest.CaptureFixture[str], article_path: Path
) -> None:
    code, out, _ = run(capsys, EXPORTS / "claims.csv", "--source", article_path)
    assert code == 0, out


def test_max_problems_bounds_the_list_not_the_count(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, small_registry: Path
) -> None:
    rows = records(12)
    for row in rows:
        row["kind"] = "opinion"
    path = write_claims(rows, tmp_path / "c.parquet")
    code, out, _ = run(capsys, path, "--dataset", small_registry, "--max-problems", "3")
    assert code == 1
    assert out.count("[rule: kind_vocabulary]") == 3
    assert "12 problem(s)" in out
    assert "9 more not listed" in out
    code, out, _ = run(capsys, path, "--dataset", small_registry, "--max-problems", "0")
    assert out.count("[rule: kind_vocabulary]") == 12


@pytest.mark.parametrize(
    "args",
    [[], ["x.csv", "--max-problems", "-1"], ["x.csv", "--format", "xml"],
     ["x.csv", "--input-format", "xlsx"]],
)  # fmt: skip
def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", *args])
    assert exit_info.value.code == 2
    assert "usage:" in capsys.readouterr().err


@pytest.mark.parametrize("suffix", [".csv", ".json", ".jsonl", ".parquet", ".yaml"])
@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_random_bytes_never_give_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    for seed in range(5):
        path = tmp_path / f"noise{seed}{suffix}"
        data = hashlib.sha256(str(seed).encode()).digest() * (seed * 40 + 1)
        path.write_bytes(data if seed % 2 else b"id,start\n" + data)
        code, out, _ = run(capsys, path)
        assert code in (1, 2)
        assert "valid," not in out


def test_the_polars_engine(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, small_registry: Path
) -> None:
    pytest.importorskip("polars")
    path = write_claims(records(4), tmp_path / "c.csv")
    assert run(capsys, path, "--dataset", small_registry, "--engine", "polars")[0] == 0


def test_the_installed_command(tmp_path: Path) -> None:
    rows = records(2)
    rows[1]["theme"] = "weather"
    bad = write_claims(rows, tmp_path / "c.csv")
    env = {**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning:iran_russia_claims"}
    for path, expected in ((EXPORTS / "claims.parquet", 0), (bad, 1), (tmp_path / "no.csv", 2)):
        done = subprocess.run(
            [sys.executable, "-m", "iran_russia_claims", "validate", str(path)],
            capture_output=True,
            text=True,
            env=env,
        )
        assert done.returncode == expected, done.stdout + done.stderr
        assert "Traceback" not in done.stderr


def test_an_input_that_fails_for_another_reason_is_named_and_the_run_goes_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug of ours, a disk error or no memory left while checking one input is that input's
    problem, with its name; the inputs after it are still checked, and the output (here JSON)
    is whole."""
    import iran_russia_claims.validation as validation

    real = validation.validate
    failures = {"a.csv": RuntimeError("boom"), "b.csv": OSError(5, "Input/output error")}

    def flaky(path: Any, **kwargs: Any) -> Any:
        if Path(path).name in failures:
            raise failures[Path(path).name]
        return real(path, **kwargs)

    monkeypatch.setattr(validation, "validate", flaky)
    monkeypatch.delenv("IRAN_RUSSIA_CLAIMS_DEBUG", raising=False)
    paths = [str(tmp_path / name) for name in ("a.csv", "b.csv")] + [str(EXPORTS / "claims.csv")]
    code = main(["validate", *paths, "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 2
    first, second, third = out["reports"]
    assert first["target"].endswith("a.csv")
    assert not first["readable"]
    assert (
        "this is a bug in iran-russia-claims (RuntimeError: boom)"
        in first["problems"][0]["message"]
    )
    assert second["problems"][0]["message"] == "cannot read: Input/output error"
    assert "bug" not in second["problems"][0]["message"]
    assert third["valid"]
