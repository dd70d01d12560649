"""``validate()``: every format, every rule, every kind of bad input the issue lists.

Each test checks the report, not just a flag: the rule, the row, the record id, the column, and
that bad data never raises. The small registry of ``records.py`` (one source of 1000
characters, sections ``intro`` [0, 400) and ``body`` [400, 1000)) backs the single-rule
mutations; the synthetic generator backs the property tests and the million-row run.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import iran_russia_claims
from claims_files import FORMATS, row_of, write_claims
from iran_russia_claims.publish.synth import synth_registry, synth_table, write_synth
from iran_russia_claims.spec.models import Registry, Source
from iran_russia_claims.spec.vocab import CLAIM_COLUMN_NAMES, FORMULA_PREFIXES
from iran_russia_claims.validation import ValidationReport, validate
from records import MUTATIONS, registry, valid_record

REPO = Path(__file__).resolve().parents[2]
REGISTRY = registry()


def records(n: int = 3) -> list[dict[str, Any]]:
    return [valid_record(i, start=10 * i) for i in range(1, n + 1)]


def check(path: Path, **kwargs: Any) -> ValidationReport:
    kwargs.setdefault("registry", REGISTRY)
    report = validate(path, **kwargs)
    assert isinstance(report, ValidationReport)
    return report


def only(report: ValidationReport, rule: str) -> list[Any]:
    found = [p for p in report.problems if p.rule == rule]
    assert found, f"{rule} not reported:\n{report.render()}"
    return found


# -- valid input -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["claims.csv", "claims.json", "claims.parquet"])
def test_the_shipped_exports_are_valid(name: str) -> None:
    report = validate(REPO / "exports" / name)
    assert report.valid, report.render()
    assert report.rows == len(iran_russia_claims.load())


def test_the_curated_dataset_file_is_valid() -> None:
    report = validate(REPO / "dataset" / "claims.yaml")
    assert report.valid, report.render()
    assert report.format == "yaml"
    assert report.rows == len(iran_russia_claims.load())


@pytest.mark.parametrize("fmt", FORMATS)
def test_valid_records_pass_in_every_format(tmp_path: Path, fmt: str) -> None:
    report = check(write_claims(records(5), tmp_path / f"c.{fmt}"))
    assert report.valid, report.render()
    assert (report.rows, report.format, report.exit_code()) == (5, fmt, 0)


def test_a_dataframe_is_validated_like_a_file() -> None:
    frame = pd.DataFrame.from_records(records(4))
    assert validate(frame, registry=REGISTRY).valid
    frame.loc[2, "theme"] = "weather"
    report = validate(frame, registry=REGISTRY)
    (problem,) = only(report, "theme_vocabulary")
    assert (problem.row, problem.record_id, problem.column) == (3, "IRR-0003", "theme")
    assert report.format == "dataframe"


def test_arrow_backed_and_categorical_frames_are_accepted() -> None:
    table = synth_table(300, seed=3, registry=REGISTRY)
    arrow = table.to_pandas(types_mapper=pd.ArrowDtype)
    categorical = table.to_pandas()  # dictionary columns become categoricals
    for frame in (arrow, categorical):
        report = validate(frame, registry=REGISTRY)
        assert report.valid, report.render()


# -- one broken rule, in every format --------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("rule", sorted(MUTATIONS))
def test_each_rule_is_named_and_located_in_every_format(
    tmp_path: Path, rule: str, fmt: str
) -> None:
    rows = records(3)
    MUTATIONS[rule](rows[1])
    report = check(write_claims(rows, tmp_path / f"c.{fmt}"))
    assert rule in report.rules_broken(), report.render()
    assert report.exit_code() == 1
    located = [p for p in report.problems if p.rule == rule and p.row is not None]
    assert located, report.render()
    assert {p.row for p in located} == {row_of(fmt, 1)}
    assert {p.record_id for p in located} <= {rows[1]["id"], None}


# -- the bad inputs of issue 5, one by one ---------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_file_says_so(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"c.{fmt}"
    path.write_bytes(b"")
    report = check(path)
    assert report.rules_broken() == {"not_empty"}
    assert report.exit_code() == 1
    assert "no claims" in report.render()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("c.csv", ",".join(CLAIM_COLUMN_NAMES) + "\n"),
        ("c.json", "[]\n"),
        ("c.yaml", "claims: []\n"),
    ],
)
def test_a_file_without_records_says_so(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    report = check(path)
    assert report.rules_broken() == {"not_empty"}, report.render()


def test_a_parquet_file_without_rows_still_has_its_columns_checked(tmp_path: Path) -> None:
    path = tmp_path / "c.parquet"
    pq.write_table(
        pa.table({"id": pa.array([], pa.string()), "note": pa.array([], pa.string())}), path
    )
    report = check(path)
    assert {"not_empty", "required", "no_extra_fields"} <= report.rules_broken()
    assert {p.column for p in report.problems if p.rule == "no_extra_fields"} == {"note"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_and_extra_columns_are_named_once(tmp_path: Path, fmt: str) -> None:
    rows = records(4)
    for row in rows:
        del row["theme"]
        row["Kind "] = "x"
    report = check(write_claims(rows, tmp_path / f"c.{fmt}"), chunk_rows=2)
    missing = only(report, "required")
    extra = only(report, "no_extra_fields")
    assert [(p.column, p.row) for p in missing] == [("theme", None)]
    assert [(p.column, p.row) for p in extra] == [("Kind ", None)]
    assert "did you mean 'kind'" in (extra[0].hint or "")


def test_wrong_types_in_a_csv_are_located_cell_by_cell(tmp_path: Path) -> None:
    path = write_claims(records(3), tmp_path / "c.csv")
    text = path.read_text().splitlines()
    cells = next(csv.reader([text[2]]))
    cells[3], cells[4], cells[10] = "ten", "60.5", "likely"
    line = io.StringIO()
    csv.writer(line, lineterminator="").writerow(cells)
    text[2] = line.getvalue()
    path.write_text("\n".join(text) + "\n")
    report = check(path)
    found = {(p.column, p.row, p.value) for p in only(report, "type")}
    assert found == {("start", 3, "ten"), ("end", 3, "60.5"), ("confidence", 3, "likely")}
    # a cell that is not a number is reported once: not again by the rules that read it
    assert report.rules_broken() == {"type"}, report.render()


def test_wrong_types_in_json_are_located(tmp_path: Path) -> None:
    rows = records(3)
    rows[0]["start"] = "10"
    rows[1]["confidence"] = True
    rows[2]["id"] = 7
    report = check(write_claims(rows, tmp_path / "c.json"))
    found = {(p.column, p.row) for p in only(report, "type")}
    assert found == {("start", 1), ("confidence", 2), ("id", 3)}
    assert "offsets_ordered" not in report.rules_broken()


def test_a_parquet_column_of_the_wrong_type_is_one_problem(tmp_path: Path) -> None:
    table = pa.Table.from_pylist(records(50)).set_column(
        3, "start", pa.array([str(i) for i in range(50)])
    )
    path = tmp_path / "c.parquet"
    pq.write_table(table, path)
    report = check(path, chunk_rows=7)
    (problem,) = only(report, "type")
    assert (problem.column, problem.row) == ("start", None)
    assert "whole numbers" in problem.message


def test_floats_in_an_offset_column_of_a_dataframe_get_a_hint() -> None:
    frame = pd.DataFrame.from_records(records(3))
    frame["end"] = frame["end"].astype(float)
    (problem,) = only(validate(frame, registry=REGISTRY), "type")
    assert problem.column == "end"
    assert "Int64" in problem.message


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "yaml"])
def test_a_number_where_a_list_is_expected(tmp_path: Path, fmt: str) -> None:
    rows = records(2)
    rows[1]["actors"] = 5
    report = check(write_claims(rows, tmp_path / f"c.{fmt}"))
    (problem,) = only(report, "type")
    assert (problem.column, problem.row, problem.record_id) == (
        "actors",
        row_of(fmt, 1),
        "IRR-0002",
    )
    assert "[" in (problem.hint or "")
    assert "actors_non_empty" not in report.rules_broken()


@pytest.mark.parametrize(
    ("confidence", "rule"),
    [("nan", "confidence_finite"), ("inf", "confidence_finite"), ("-inf", "confidence_finite"),
     ("1.5", "confidence_range"), ("0", "confidence_range")],
)  # fmt: skip
def test_nan_inf_and_out_of_range_confidence(tmp_path: Path, confidence: str, rule: str) -> None:
    path = write_claims(records(2), tmp_path / "c.csv")
    path.write_text(path.read_text().replace(",0.7,likely,", f",{confidence},likely,", 1))
    report = check(path)
    assert rule in report.rules_broken(), report.render()
    assert {p.row for p in report.problems if p.rule == rule} == {2}


def test_band_disagreeing_with_confidence_names_the_right_band(tmp_path: Path) -> None:
    rows = records(2)
    rows[0]["confidence_band"] = "almost_certain"
    (problem,) = only(check(write_claims(rows, tmp_path / "c.jsonl")), "band_matches_confidence")
    assert "'likely'" in problem.message
    assert "'almost_certain'" in problem.message


@pytest.mark.parametrize("fmt", FORMATS)
def test_duplicate_ids_are_found_across_chunks_with_both_rows(tmp_path: Path, fmt: str) -> None:
    rows = records(7)
    rows[6]["id"] = rows[0]["id"]
    report = check(write_claims(rows, tmp_path / f"c.{fmt}"), chunk_rows=3)
    found = {p.row: p.message for p in only(report, "id_unique")}
    first, last = row_of(fmt, 0), row_of(fmt, 6)
    assert set(found) == {first, last}
    assert str(first) in found[last]
    assert str(last) in found[first]


def test_duplicates_within_and_across_chunks_are_reported_once_per_row(tmp_path: Path) -> None:
    rows = records(8)
    for i in (1, 2, 5, 7):
        rows[i]["id"] = "IRR-0100"
    report = check(write_claims(rows, tmp_path / "c.parquet"), chunk_rows=3)
    problems = only(report, "id_unique")
    assert sorted(p.row for p in problems) == [2, 3, 6, 8]
    assert report.counts["id_unique"] == 4


def test_duplicate_spans_are_found_across_chunks(tmp_path: Path) -> None:
    rows = records(5)
    rows[4].update({k: rows[0][k] for k in ("start", "end", "section", "assertion")})
    report = check(write_claims(rows, tmp_path / "c.csv"), chunk_rows=2)
    assert {p.row for p in only(report, "span_unique")} == {2, 6}


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [("theme", "weather", "theme_vocabulary"), ("kind", "opinion", "kind_vocabulary"),
     ("actors", ["IRN", "CHN"], "actors_registered")],
)  # fmt: skip
def test_unknown_theme_kind_or_actor(tmp_path: Path, field: str, value: Any, rule: str) -> None:
    rows = records(2)
    rows[1][field] = value
    (problem,) = only(check(write_claims(rows, tmp_path / "c.csv")), rule)
    assert (problem.row, problem.column) == (3, field)
    if rule == "actors_registered":
        assert "CHN" in problem.message
        assert "IRN'" not in problem.message


@pytest.mark.parametrize(
    ("start", "end", "rule"),
    [(60, 20, "offsets_ordered"), (-5, 20, "start_non_negative"), (900, 1001, "end_within_source")],
)
def test_offsets_reversed_negative_or_beyond_the_source(
    tmp_path: Path, start: int, end: int, rule: str
) -> None:
    rows = records(2)
    rows[0].update(start=start, end=end, section="body" if start >= 400 else "intro")
    report = check(write_claims(rows, tmp_path / "c.json"))
    (problem,) = only(report, rule)
    assert problem.row == 1
    if rule == "end_within_source":
        assert "1000 characters" in problem.message


def test_a_bad_hash_and_a_wrong_section(tmp_path: Path) -> None:
    rows = records(3)
    rows[0]["span_sha256"] = "ABC"
    rows[2]["section"] = "body"
    report = check(write_claims(rows, tmp_path / "c.parquet"))
    assert only(report, "sha256_pattern")[0].row == 1
    (section,) = only(report, "section_matches_offsets")
    assert section.row == 3
    assert "'intro'" in section.message


@pytest.mark.parametrize(
    ("assertion", "rule"),
    [("", "assertion_length"), ("x" * 241, "assertion_length"),
     ("Iran and Russia\x07 cooperate on energy.", "assertion_no_control_chars"),
     ("=HYPERLINK(\"http://x\") Iran and Russia agree.", "assertion_no_formula"),
     ("@SUM(1) Iran and Russia cooperate on energy.", "assertion_no_formula"),
     (" Iran and Russia cooperate on energy.", "assertion_trimmed")],
)  # fmt: skip
def test_bad_assertions(tmp_path: Path, assertion: str, rule: str) -> None:
    rows = records(2)
    rows[1]["assertion"] = assertion
    (problem,) = only(check(write_claims(rows, tmp_path / "c.jsonl")), rule)
    assert (problem.row, problem.column, problem.record_id) == (2, "assertion", "IRR-0002")
    assert problem.value is not None
    assert len(problem.value) <= 200  # long values are cut in the report ...
    shown = str(problem).split("; value: ")[1].split("; hint")[0]
    assert len(shown.split(" (shortened from ")[0]) <= 80  # ... and more in text
    cut = len(assertion) > 200
    assert (problem.value_truncated, problem.value_length) == (cut, len(assertion) if cut else None)
    assert shown.endswith(f" (shortened from {len(assertion)} characters)") is cut


def test_an_empty_assertion_cell_in_a_csv_is_missing(tmp_path: Path) -> None:
    rows = records(2)
    rows[1]["assertion"] = ""
    (problem,) = only(check(write_claims(rows, tmp_path / "c.csv")), "required")
    assert (problem.row, problem.column) == (3, "assertion")


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path, fmt: str) -> None:
    path = write_claims(records(3), tmp_path / f"c.{fmt}")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    report = check(path)
    assert report.valid, report.render()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "yaml"])
def test_utf16_and_utf32_files_are_named(tmp_path: Path, fmt: str, encoding: str) -> None:
    path = write_claims(records(2), tmp_path / f"c.{fmt}")
    path.write_bytes(path.read_text().encode(encoding))
    (problem,) = check(path).problems
    assert problem.rule == "readable"
    assert encoding.upper() in problem.message
    assert "UTF-8" in (problem.hint or "")


def test_a_latin1_csv_is_located_with_a_remedy(tmp_path: Path) -> None:
    rows = records(3)
    rows[2]["assertion"] = "Iran and Russia sign a café agreement in Tehran."
    path = write_claims(rows, tmp_path / "c.csv")
    path.write_bytes(path.read_text().encode("latin-1"))
    report = check(path)
    (problem,) = report.problems
    assert (problem.rule, problem.row) == ("readable", 4)
    assert "'assertion'" in problem.message
    assert report.exit_code() == 2


def test_a_latin1_json_file_is_unreadable_not_a_crash(tmp_path: Path) -> None:
    rows = records(2)
    rows[1]["assertion"] = "Iran and Russia sign a café agreement in Tehran."
    path = write_claims(rows, tmp_path / "c.json")
    path.write_bytes(path.read_text().encode("latin-1"))
    report = check(path)
    assert report.rules_broken() == {"readable"}
    assert "not UTF-8" in report.problems[0].message


def test_ragged_csv_rows_are_reported_and_the_rest_still_checked(tmp_path: Path) -> None:
    rows = records(4)
    rows[3]["theme"] = "weather"
    path = write_claims(rows, tmp_path / "c.csv")
    lines = path.read_text().splitlines()
    lines[1] = ",".join(lines[1].split(",")[:5])  # too few cells
    lines[2] += ",surplus"  # too many
    path.write_text("\n".join(lines) + "\n")
    report = check(path)
    assert [(p.rule, p.row) for p in report.problems] == [
        ("required", 2),
        ("no_extra_fields", 3),
        ("theme_vocabulary", 5),
    ]
    assert "5 cells" in report.problems[0].message


def test_an_unbalanced_quote_is_named(tmp_path: Path) -> None:
    path = write_claims(records(3), tmp_path / "c.csv")
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace("IRR-0002", '"IRR-0002', 1)
    path.write_text("\n".join(lines) + "\n")
    report = check(path)
    problem = only(report, "readable")[0]
    assert problem.row == 3
    assert "quote" in problem.message
    assert report.exit_code() == 2


def test_malformed_json_is_located_and_earlier_records_are_checked(tmp_path: Path) -> None:
    rows = records(4)
    rows[0]["theme"] = "weather"
    path = write_claims(rows, tmp_path / "c.json")
    text = path.read_text()
    lines = text.splitlines()
    at = [i for i, line in enumerate(lines) if '"kind": "causal",' in line][2]
    lines[at] = lines[at].rstrip(",")  # record 3 loses a comma
    path.write_text("\n".join(lines) + "\n")
    report = check(path)
    problem = only(report, "readable")[0]
    assert problem.row == 3
    assert f"line {at + 2}" in problem.message
    assert "theme_vocabulary" in report.rules_broken()  # records 1 and 2 were checked
    path.write_text(text[:-200])
    report = check(path)
    truncated = only(report, "readable")[0]
    assert "cut short" in truncated.message
    assert truncated.row == 4
    assert "theme_vocabulary" in report.rules_broken()


def test_duplicate_keys_in_json_are_reported_not_silently_dropped(tmp_path: Path) -> None:
    path = write_claims(records(2), tmp_path / "c.json")
    path.write_text(
        path.read_text().replace('"kind": "causal"', '"kind": "causal", "kind": "x"', 1)
    )
    report = check(path)
    (problem,) = only(report, "no_extra_fields")
    assert (problem.row, problem.column) == (1, "kind")
    assert "kind_vocabulary" in report.rules_broken()  # the value json would have kept


def test_malformed_json_lines_are_each_reported(tmp_path: Path) -> None:
    path = write_claims(records(5), tmp_path / "c.jsonl")
    lines = path.read_text().splitlines()
    lines[1] = lines[1][:40]
    lines[3] = "[1, 2]"
    path.write_text("\n".join(lines) + "\n")
    report = check(path)
    assert [(p.rule, p.row) for p in report.problems] == [("readable", 2), ("type", 4)]
    assert report.rows == 3
    assert report.exit_code() == 2


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_truncated_or_fake_parquet_file(tmp_path: Path, cut: float) -> None:
    good = write_claims(records(20), tmp_path / "good.parquet").read_bytes()
    path = tmp_path / "c.parquet"
    path.write_bytes(good[: int(len(good) * cut)])
    (problem,) = check(path).problems
    assert problem.rule == "readable"
    assert "Parquet" in problem.message
    fake = tmp_path / "fake.parquet"
    fake.write_text("id,source_id\nIRR-0001,x\n")
    assert check(fake).rules_broken() == {"readable"}


def test_a_directory_or_a_missing_path(tmp_path: Path) -> None:
    (tmp_path / "claims.csv").write_text("")
    report = check(tmp_path)
    assert report.rules_broken() == {"readable"}
    assert "directory" in report.problems[0].message
    assert "claims.csv" in (report.problems[0].hint or "")
    missing = check(tmp_path / "nope.parquet")
    assert "not found" in missing.problems[0].message
    (tmp_path / "claims.txt").write_text("id\n")
    unknown = check(tmp_path / "claims.txt")
    assert "extension" in unknown.problems[0].message


def test_an_unknown_extension_can_be_overridden(tmp_path: Path) -> None:
    path = write_claims(records(2), tmp_path / "claims.txt", fmt="jsonl")
    assert check(path, format="jsonl").valid


# -- the report ------------------------------------------------------------------------------------
def test_every_problem_is_counted_and_the_list_is_bounded(tmp_path: Path) -> None:
    rows = records(30)
    for row in rows:
        row["theme"] = "weather"
    path = write_claims(rows, tmp_path / "c.csv")
    report = check(path, max_problems=5)
    assert (len(report.problems), report.total, report.omitted) == (5, 30, 25)
    assert report.counts["theme_vocabulary"] == 30
    assert "25 more not listed" in report.render()
    data = report.to_dict()
    assert (data["problem_count"], data["problems_listed"]) == (30, 5)
    assert len(check(path, max_problems=None).problems) == 30
    assert check(path, max_problems=0).rules_broken() == {"theme_vocabulary"}


def test_a_problem_names_file_row_record_column_rule_value_and_hint(tmp_path: Path) -> None:
    rows = records(2)
    rows[1]["actors"] = ["IRN", "XYZ"]
    path = write_claims(rows, tmp_path / "c.csv")
    (problem,) = check(path).problems
    text = str(problem)
    for part in (str(path), "row 3", "record IRR-0002", "column actors", "actors_registered",
                 "XYZ", "hint:"):  # fmt: skip
        assert part in text


def test_wrong_arguments_raise_and_bad_data_does_not(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        validate(42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="format"):
        validate(tmp_path / "c.csv", format="xls")
    with pytest.raises(ValueError, match="engine"):
        validate(tmp_path / "c.csv", engine="spark")
    with pytest.raises(ValueError, match="max_problems"):
        validate(tmp_path / "c.csv", max_problems=-1)
    garbage = tmp_path / "c.json"
    garbage.write_bytes(os.urandom(4096))
    assert not validate(garbage).valid


def test_the_polars_engine_gives_the_same_verdict(tmp_path: Path) -> None:
    pytest.importorskip("polars")
    good = write_claims(records(5), tmp_path / "good.parquet")
    assert check(good, engine="polars").valid
    rows = records(5)
    rows[3]["kind"] = "opinion"
    bad = write_claims(rows, tmp_path / "bad.csv")
    report = check(bad, engine="polars")
    (problem,) = report.problems
    assert (problem.rule, problem.row) == ("kind_vocabulary", 5)


# -- spans against the article ---------------------------------------------------------------------
ARTICLE = ("Iran and Russia draw closer. " * 40)[:1000]


def article_registry(text: str, sha256: str | None = None) -> Registry:
    source = REGISTRY.sources["test-source"].model_dump()
    source.update(sha256=sha256 or hashlib.sha256(text.encode()).hexdigest(), length=len(text))
    return Registry(REGISTRY.actors, {"test-source": Source.model_validate(source)})


def test_spans_are_checked_against_the_article(tmp_path: Path) -> None:
    article = tmp_path / "test.txt"
    article.write_text(ARTICLE)
    rows = records(3)
    for row in rows:
        row["span_sha256"] = hashlib.sha256(ARTICLE[row["start"] : row["end"]].encode()).hexdigest()
    rows[1]["span_sha256"] = hashlib.sha256(b"something else").hexdigest()
    path = write_claims(rows, tmp_path / "c.csv")
    reg = article_registry(ARTICLE)
    report = validate(path, registry=reg, source=article)
    (problem,) = report.problems
    assert (problem.rule, problem.row, problem.column) == ("span_hash_matches", 3, "span_sha256")
    assert "text[20:70]" in problem.message
    assert validate(path, registry=reg).valid  # without the article, hashes are not checked


def test_a_different_article_is_named_and_spans_are_not_checked(tmp_path: Path) -> None:
    article = tmp_path / "test.txt"
    article.write_text(ARTICLE.replace("Iran", "Iraq"))
    path = write_claims(records(3), tmp_path / "c.csv")
    report = validate(path, registry=article_registry(ARTICLE), source=article)
    assert report.rules_broken() == {"source_hash_matches"}
    missing = validate(path, registry=article_registry(ARTICLE), source=tmp_path / "nope.txt")
    assert missing.rules_broken() == {"readable"}


# -- safety: nothing evaluated, spreadsheet-safe CSV -----------------------------------------------
def test_yaml_tags_are_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "c.yaml"
    path.write_text(f'claims:\n  - !!python/object/apply:os.system ["touch {marker}"]\n')
    report = check(path)
    assert report.rules_broken() == {"readable"}
    assert not marker.exists()


def test_parquet_pandas_metadata_is_ignored(tmp_path: Path) -> None:
    frame = pd.DataFrame.from_records(records(3)).set_index("id", drop=False)
    frame.index.name = "claim"
    path = tmp_path / "c.parquet"
    frame.to_parquet(path)  # stores the index as a column and pandas metadata to restore it
    report = check(path)
    assert [(p.rule, p.column) for p in report.problems] == [("no_extra_fields", "claim")]


@pytest.mark.parametrize("name", sorted(p.name for p in (REPO / "exports").glob("*.csv")))
def test_exported_csv_cells_never_start_like_a_formula(name: str) -> None:
    with (REPO / "exports" / name).open(newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert cells
    assert not [c for c in cells if c.startswith(FORMULA_PREFIXES)]


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
@pytest.mark.parametrize("column", CLAIM_COLUMN_NAMES)
def test_a_formula_cell_in_any_column_fails_validation(
    tmp_path: Path, column: str, prefix: str
) -> None:
    path = write_claims(records(2), tmp_path / "c.csv")
    with path.open(newline="") as handle:
        table = list(csv.reader(handle))
    table[2][CLAIM_COLUMN_NAMES.index(column)] = prefix + table[2][CLAIM_COLUMN_NAMES.index(column)]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(table)
    path.write_text(buffer.getvalue(), newline="")
    report = check(path)
    assert not report.valid
    assert {p.row for p in report.problems} == {3}


# -- properties ------------------------------------------------------------------------------------
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FORMS = (*FORMATS, "frame")


def run(rows: list[dict[str, Any]], form: str) -> ValidationReport:
    if form == "frame":
        return validate(pd.DataFrame.from_records(rows), registry=REGISTRY)
    with tempfile.TemporaryDirectory() as directory:
        return check(write_claims(rows, Path(directory) / f"c.{form}"), chunk_rows=4)


@PROPERTY
@given(st.integers(1, 12), st.integers(0, 2**16), st.sampled_from(FORMS))
def test_every_generated_valid_record_set_passes(n: int, seed: int, form: str) -> None:
    rows = synth_table(n, seed=seed, registry=REGISTRY).to_pylist()
    report = run(rows, form)
    assert report.valid, report.render()
    assert report.rows == n


@PROPERTY
@given(
    st.integers(1, 12), st.integers(0, 2**16), st.sampled_from(FORMS),
    st.sampled_from(sorted(MUTATIONS)), st.data(),
)  # fmt: skip
def test_every_single_rule_mutation_fails_with_that_rule(
    n: int, seed: int, form: str, rule: str, data: st.DataObject
) -> None:
    rows = synth_table(n, seed=seed, registry=REGISTRY).to_pylist()
    target = data.draw(st.integers(0, n - 1))
    mutated = copy.deepcopy(rows)
    MUTATIONS[rule](mutated[target])
    report = run(mutated, form)
    assert rule in report.rules_broken(), report.render()
    rows_named = {p.row for p in report.problems if p.rule == rule and p.row is not None}
    assert rows_named in ({row_of(form, target)}, set()), report.render()


# -- import cost and the million-row run -----------------------------------------------------------
def test_validate_is_exported_lazily_and_importing_stays_cheap() -> None:
    code = textwrap.dedent(
        """
        import sys
        import iran_russia_claims
        assert "pandas" not in sys.modules and "pandera" not in sys.modules
        from iran_russia_claims import validate, ValidationReport
        assert "pandas" not in sys.modules
        print(validate.__module__, ValidationReport.__name__)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["iran_russia_claims.validation.run", "ValidationReport"]


MILLION = 1_000_000
#: Peak resident memory allowed for validating 10^6 rows (the target is 1.5 GiB).
RSS_BOUND_MIB = 1536


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["pandas", "auto"])
def test_a_million_row_parquet_file_validates_in_bounded_memory(
    tmp_path: Path, engine: str
) -> None:
    """pandas streams the file in chunks; auto (the default) may hand it to Polars whole."""
    if engine == "auto":
        pytest.importorskip("polars")
    path = write_synth(tmp_path / "million.parquet", MILLION, seed=5)
    code = textwrap.dedent(
        f"""
        import json, resource, time
        start = time.perf_counter()
        from iran_russia_claims.publish.synth import synth_registry
        from iran_russia_claims.validation import validate
        report = validate({str(path)!r}, registry=synth_registry(), engine={engine!r})
        print(json.dumps({{"valid": report.valid, "rows": report.rows,
                           "seconds": time.perf_counter() - start,
                           "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                           "problems": report.render()[:2000]}}))
        """
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - started
    children_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result = json.loads(out.stdout)
    assert result["valid"], result["problems"]
    assert result["rows"] == MILLION
    peak_mib = result["peak_kib"] / 1024
    assert peak_mib < RSS_BOUND_MIB, f"peak RSS {peak_mib:.0f} MiB"
    if before < RSS_BOUND_MIB:  # RUSAGE_CHILDREN is the peak of every child so far
        assert children_mib < RSS_BOUND_MIB, f"peak RSS of children {children_mib:.0f} MiB"
    assert elapsed < 60, f"{elapsed:.1f} s"
    print(f"10^6 rows, {engine}: {result['seconds']:.1f} s, peak RSS {peak_mib:.0f} MiB")


@pytest.mark.slow
def test_a_million_row_file_with_a_late_duplicate_is_caught(tmp_path: Path) -> None:
    table = synth_table(MILLION, seed=6)
    ids = table.column("id").combine_chunks()
    table = table.set_column(0, "id", pa.concat_arrays([ids.slice(0, MILLION - 1), ids[:1]]))
    path = tmp_path / "million.parquet"
    pq.write_table(table, path)
    report = validate(path, registry=synth_registry(), engine="pandas")
    assert [(p.rule, p.row) for p in report.problems] == [("id_unique", 1), ("id_unique", MILLION)]
    assert f"row {MILLION}" in report.problems[0].message
    assert report.rows == MILLION
