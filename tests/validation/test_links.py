"""Link files from strangers: what the reader and the report make of their odd corners."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iran_russia_claims.cli import main
from iran_russia_claims.validation import validate
from link_records import CLAIMS, EXPORTS, shipped

DYADS_CSV = (EXPORTS / "claim_dyads.csv").read_text(encoding="utf-8")


def _problems(claims: Path, **links: Path) -> list[tuple[str, int | None, str | None]]:
    report = validate(claims, links=links, max_problems=None)
    return sorted(
        ((p.rule, p.row, p.column) for p in report.problems if p.file != str(claims)),
        key=repr,
    )


def test_a_claim_id_given_twice_shifts_no_link_problem(tmp_path: Path) -> None:
    """The claims' own repeat is id_unique's; the link rows stay where they are."""
    claims = shipped("claims")
    path = tmp_path / "claims.json"
    path.write_text(json.dumps([*claims, claims[0]]), encoding="utf-8")
    links = {t: EXPORTS / f"{t}.csv" for t in ("claim_dyads", "claim_relations", "claim_coding")}
    report = validate(path, links=links, max_problems=None)
    assert {p.rule for p in report.problems} == {"id_unique", "span_unique"}  # the claims
    assert all(p.file == str(path) for p in report.problems)


def test_a_byte_order_mark_is_no_data(tmp_path: Path) -> None:
    path = tmp_path / "claim_dyads.csv"
    path.write_text("\ufeff" + DYADS_CSV, encoding="utf-8")
    assert _problems(CLAIMS, claim_dyads=path) == []


def test_a_missing_column_is_one_problem_and_a_repeated_one_another(tmp_path: Path) -> None:
    lines = DYADS_CSV.splitlines()
    header = lines[0].split(",")
    at = header.index("quad_class")
    cut = [",".join(c for i, c in enumerate(line.split(",")) if i != at) for line in lines]
    path = tmp_path / "claim_dyads.csv"
    path.write_text("\n".join(cut) + "\n", encoding="utf-8")
    assert _problems(CLAIMS, claim_dyads=path) == [("required", 1, "quad_class")]
    twice = [f"{line},{line.split(',')[-1]}" for line in lines]  # codebook_version again
    path.write_text("\n".join(twice) + "\n", encoding="utf-8")
    assert _problems(CLAIMS, claim_dyads=path) == [("no_extra_fields", 1, "codebook_version")]


def test_rows_count_as_the_claims_csv_counts_them(tmp_path: Path) -> None:
    """The header is row 1; an empty row is one problem at its row; a later record keeps its
    number."""
    lines = DYADS_CSV.splitlines()
    bad = lines[2].replace("verbal_cooperation", "cooperation")
    path = tmp_path / "claim_dyads.csv"
    path.write_text("\n".join([lines[0], lines[1], ",,,,,,", bad]) + "\n", encoding="utf-8")
    assert _problems(CLAIMS, claim_dyads=path) == [
        ("quad_class_vocabulary", 4, "quad_class"),
        ("row_not_empty", 3, None),
    ]


def test_an_empty_cell_is_required(tmp_path: Path) -> None:
    lines = DYADS_CSV.splitlines()
    cells = lines[1].split(",")
    cells[0] = ""
    path = tmp_path / "claim_dyads.csv"
    path.write_text("\n".join([lines[0], ",".join(cells)]) + "\n", encoding="utf-8")
    assert _problems(CLAIMS, claim_dyads=path) == [("required", 2, "claim_id")]


@pytest.mark.parametrize(("true", "false"), [("True", "False"), ("TRUE", "FALSE"), ("1", "0")])
def test_booleans_as_pandas_and_spreadsheets_write_them(
    true: str, false: str, tmp_path: Path
) -> None:
    text = DYADS_CSV.replace(",true,", f",{true},").replace(",false,", f",{false},")
    path = tmp_path / "claim_dyads.csv"
    path.write_text(text, encoding="utf-8")
    assert _problems(CLAIMS, claim_dyads=path) == []
    path.write_text(DYADS_CSV.replace(",true,", ",yes,", 1), encoding="utf-8")
    assert _problems(CLAIMS, claim_dyads=path) == [("type", 2, "mutual")]


def test_claims_without_readable_actors_bring_no_follow_on_problems(tmp_path: Path) -> None:
    claims = shipped("claims")
    for claim in claims:
        claim["actors"] = "IRN"  # not a list: the claims' type problem, once per claim
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(claims), encoding="utf-8")
    assert _problems(path, claim_dyads=EXPORTS / "claim_dyads.csv") == []


def test_github_annotations_point_at_the_link_files_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = DYADS_CSV.splitlines()
    lines[3] = lines[3].replace(",pass1,", ",pass9,")
    path = tmp_path / "claim_dyads.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["validate", str(EXPORTS / "claims.json"), "--dyads", str(path),
                 "--format", "github"]) == 1  # fmt: skip
    out = capsys.readouterr().out
    (annotation,) = [line for line in out.splitlines() if line.startswith("::error")]
    assert f"file={path}" in annotation
    assert ",line=4," in annotation


def test_junit_lists_the_link_rules_only_for_the_tables_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(CLAIMS), "--format", "junit"]) == 0
    alone = capsys.readouterr().out
    assert main(["validate", str(CLAIMS), "--relations", str(EXPORTS / "claim_relations.csv"),
                 "--format", "junit"]) == 0  # fmt: skip
    given = capsys.readouterr().out
    for rule in ("supports_acyclic", "edge_unique", "same_source"):
        assert f'name="{rule}"' not in alone
        assert f'name="{rule}"' in given
    assert 'name="mutual_ordered"' not in given
