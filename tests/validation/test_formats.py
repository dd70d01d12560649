"""Reports for machines: JSON (against its published schema), GitHub annotations on the lines
of the file, JUnit XML, the Markdown summary, and the GitHub Action's step that writes them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from claims_files import FORMATS, write_claims
from iran_russia_claims.cli import main
from iran_russia_claims.publish.synth import write_registry
from iran_russia_claims.validation.report import REPORT_VERSION
from iran_russia_claims.validation.report_schema import report_schema
from records import registry, valid_record

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "schemas" / "report.schema.json"


@pytest.fixture
def reg(tmp_path: Path) -> str:
    directory = tmp_path / "registry"
    write_registry(directory, registry())
    return str(directory)


def records(n: int = 4) -> list[dict[str, Any]]:
    return [valid_record(i, start=10 * i) for i in range(1, n + 1)]


def broken(path: Path) -> Path:
    """Three records: the first's assertion holds a line break and workflow-command syntax, the
    third's theme is misspelt."""
    rows = records(3)
    rows[0]["assertion"] = "Iran, Russia: 100% agree\non everything, says ::error::"
    rows[2]["theme"] = "nucelar"
    return write_claims(rows, path)


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str]:
    code = main(["validate", *map(str, argv)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out


def test_the_published_report_schema_is_the_generated_one() -> None:
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == report_schema()


@pytest.mark.parametrize("fmt", FORMATS)
def test_json_reports_hold_real_values_and_validate_against_the_schema(
    fmt: str, tmp_path: Path, reg: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import jsonschema

    bad = broken(tmp_path / f"bad.{fmt}")
    good = write_claims(records(), tmp_path / f"good.{fmt}")
    missing = tmp_path / "missing.csv"
    code, out = run(capsys, good, bad, missing, "--collection", reg, "--format", "json")
    data = json.loads(out)
    jsonschema.Draft202012Validator(report_schema()).validate(data)
    assert (code, data["exit_code"], data["report_version"]) == (2, 2, REPORT_VERSION)
    good_report, bad_report, missing_report = data["reports"]
    assert good_report["valid"] is True
    assert missing_report["readable"] is False
    theme = next(p for p in bad_report["problems"] if p["rule"] == "theme_vocabulary")
    assert theme["value"] == "nucelar"  # the value itself, not its Python repr
    assert bad_report["row_means"]
    assert theme["row"] == (4 if fmt == "csv" else 3)


def test_the_schema_can_fail() -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(report_schema())
    wrong_code = {"report_version": REPORT_VERSION, "valid": True, "exit_code": 3, "reports": []}
    assert not validator.is_valid(wrong_code)
    assert not validator.is_valid({"valid": True, "exit_code": 0, "reports": []})


@pytest.mark.parametrize("fmt", FORMATS)
def test_github_annotations_point_at_the_line_and_escape_the_message(
    fmt: str, tmp_path: Path, reg: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = broken(tmp_path / f"bad.{fmt}")
    code, out = run(capsys, bad, "--collection", reg, "--format", "github")
    assert code == 1
    commands = [entry for entry in out.splitlines() if entry.startswith("::error ")]
    theme = next(c for c in commands if "theme_vocabulary" in c)
    props, message = theme[len("::error ") :].split("::", 1)
    if fmt == "csv":  # row 4, but the first record's line break pushes it a line down
        assert "line=5" in props
    elif fmt == "jsonl":
        assert "line=3" in props
    elif fmt in ("yaml", "json"):  # the line the record starts on
        number = int(props.split("line=")[1].split(",")[0])
        text = bad.read_text(encoding="utf-8").splitlines()
        assert text[number - 1].lstrip().startswith(("-", "{"))
        assert "IRR-0003" in "\n".join(text[number - 1 : number + 14])
    else:
        assert "line=" not in props  # Parquet has no lines
    assert "title=iran-russia-claims%3A theme_vocabulary" in props
    assert "record IRR-0003" in message
    hostile = next(c for c in commands if "assertion_no_control_chars" in c)
    assert "100%25 agree" in hostile
    # one line: the value's "::error::" stays inside the message, it cannot start a command
    assert len(hostile.splitlines()) == 1


def test_github_output_of_valid_files_is_one_line_each(
    tmp_path: Path, reg: str, capsys: pytest.CaptureFixture[str]
) -> None:
    good = write_claims(records(), tmp_path / "good.csv")
    code, out = run(capsys, good, "--collection", reg, "--format", "github")
    assert code == 0
    assert out.strip() == f"{good}: valid in 4 records"


def test_junit_has_a_case_per_file_and_rule(
    tmp_path: Path, reg: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = broken(tmp_path / "bad.jsonl")
    bad.write_text(bad.read_text(encoding="utf-8").replace("nucelar", "nuc\\u0007lar"), "utf-8")
    good = write_claims(records(), tmp_path / "good.jsonl")
    missing = tmp_path / "missing.csv"
    code, out = run(capsys, good, bad, missing, "--collection", reg, "--format", "junit")
    assert code == 2
    root = ET.fromstring(out.encode("utf-8"))  # well-formed, control characters and all
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [str(good), str(bad), str(missing)]
    good_suite, bad_suite, missing_suite = suites
    assert good_suite.get("failures") == "0"
    assert int(good_suite.get("tests", "0")) > 20
    failed = {c.get("name") for c in bad_suite.iter("testcase") if c.find("failure") is not None}
    assert failed == {"theme_vocabulary", "assertion_no_control_chars"}
    assert missing_suite.get("errors") == "1"
    case = next(c for c in bad_suite.iter("testcase") if c.get("name") == "theme_vocabulary")
    failure = case.find("failure")
    assert failure is not None
    assert "record IRR-0003" in (failure.text or "")
    assert "\\x07" in (failure.text or "")
    assert root.get("tests") == str(sum(int(s.get("tests", "0")) for s in suites))


def test_the_summary_is_appended_even_when_stdout_is_json(
    tmp_path: Path, reg: str, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    bad = broken(tmp_path / "bad.csv")
    run(capsys, bad, "--collection", reg, "--format", "json", "--summary", summary)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n### iran-russia-claims validate: 0 of 1 input(s) valid")
    assert "`theme_vocabulary` 1" in text
    assert f"| `{bad}` | 3 |" in text


@pytest.mark.skipif(shutil.which("bash") is None, reason="the action's step is a bash script")
def test_the_actions_validate_step_annotates_and_summarises(tmp_path: Path, reg: str) -> None:
    """The Validate step of action.yml, run as GitHub would: inputs as environment variables."""
    import yaml

    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("name") == "Validate")
    assert "${{ inputs" not in step["run"]  # inputs reach the script only as variables
    assert set(step["env"]) == {"PATHS", "COLLECTION", "SOURCE"}
    (tmp_path / "data").mkdir()
    broken(tmp_path / "data" / "claims-bad.csv")
    write_claims(records(), tmp_path / "data" / "claims.csv")
    summary = tmp_path / "summary.md"
    env = {
        **os.environ,
        "PATHS": "data/claims*.csv",
        "COLLECTION": reg,
        "SOURCE": "",
        "GITHUB_STEP_SUMMARY": str(summary),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(REPO / "src"),
    }
    script = REPO / ".github" / "action-validate.sh"
    done = subprocess.run(
        ["bash", str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1, done.stderr
    expected = (
        "::error file=data/claims-bad.csv,line=5,title=iran-russia-claims%3A theme_vocabulary"
    )
    assert expected in done.stdout
    assert "data/claims.csv: valid in 4 records" in done.stdout
    assert "1 of 2 input(s) valid" in summary.read_text(encoding="utf-8")
