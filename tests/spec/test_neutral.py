"""Text from data is shown safe (``spec.neutral``), and a problem keeps a bounded part of its
value, saying so (``spec.problem``): however large, deep or odd the value, the cost is bounded
by what is kept."""

from __future__ import annotations

import json
import time
import tracemalloc
import unicodedata
from typing import Any

import numpy as np
import pytest

from iran_russia_claims.spec.neutral import UNSAFE_RANGES, json_text, neutral, no_command
from iran_russia_claims.spec.patterns import CONTROL_RANGES, HIDDEN_RANGES
from iran_russia_claims.spec.problem import Problem, json_value, kept_value, shorten

#: Characters no report may hold raw: controls, line separators, format characters (but the
#: joiners), surrogates and noncharacters; stated apart from the module's own ranges.
ALLOWED_FORMAT = {"\u200c", "\u200d"}
HIDDEN = {chr(c) for a, b in HIDDEN_RANGES for c in range(a, b + 1)}


def unsafe(char: str) -> bool:
    if char in ALLOWED_FORMAT:
        return False
    if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp"):
        return True
    return char in HIDDEN or char in ("\ufffe", "\uffff")


def test_the_unsafe_set_is_the_controls_the_hidden_and_what_is_not_text() -> None:
    codes = {c for a, b in UNSAFE_RANGES for c in range(a, b + 1)}
    for ranges in (CONTROL_RANGES, HIDDEN_RANGES):
        assert {c for a, b in ranges for c in range(a, b + 1)} <= codes
    assert {c for c in range(0x110000) if unsafe(chr(c))} == codes


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[2K\rvalid", "\\x1b[2K\\rvalid"),
        ("\x9b31m", "\\x9b31m"),
        ("a\bb\x00\x7f", "a\\x08b\\x00\\x7f"),
        ("tab\there\nnext", "tab\\there\\nnext"),
        ("\u202eevil\u2066", "\\u202eevil\\u2066"),
        ("line\u2028sep\u2029", "line\\u2028sep\\u2029"),
        ("lone \ud800 \udcff", "lone \\ud800 \\udcff"),
        ("zero\u200bwidth\ufeff\u00ad", "zero\\u200bwidth\\ufeff\\xad"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("##[error]old", "##\\x5berror]old"),
        ("###[x", "###\\x5bx"),
        ("##vso[task.setvariable variable=a]b", "##vso\\x5btask.setvariable variable=a]b"),
        ("##teamcity[message]", "##teamcity\\x5bmessage]"),
        ("# [ and #[ and ## [", "# [ and #[ and ## ["),
    ],
)
def test_neutral_shows_each_dangerous_character_as_its_code(text: str, shown: str) -> None:
    assert neutral(text) == shown
    assert neutral(shown) == shown  # shown text is left as it is
    shown.encode("utf-8")  # strictly


@pytest.mark.parametrize(
    "text",
    [
        "ایران و روسیه در زمینه\u200cی انرژی همکاری می\u200cکنند.",
        "تتعاون إيران وروسيا في مجال الطاقة.",
        "Россия и Иран сотрудничают в энергетике.",
        "क्\u200dष and \U0001f469\u200d\U0001f52c, C:\\data\\claims.csv, 100% a::b",
    ],
)
def test_letters_joiners_and_backslashes_stay_as_they_are(text: str) -> None:
    assert neutral(text) == text
    assert json.loads(json_text(text)) == text
    assert "\\u" not in json_text(text)  # readable in JSON too


def test_json_text_is_valid_utf8_json_that_parses_back_to_the_same_data() -> None:
    data = {
        "id\x1b": ["\x1b[2K\rvalid", "\ud800", "\u202e\x9b\x7f\u2028", "##[error]", "\U000e0041"]
    }
    text = json_text(data)
    text.encode("utf-8")  # a lone surrogate is an escape, not a character
    assert json.loads(text) == data
    assert not [c for c in text if c != "\n" and unsafe(c)]
    assert "##[" not in text
    assert json.loads(json_text("##vso[x]")) == "##vso[x]"
    assert "##vso[" not in json_text("##vso[x]")
    assert "\\u001b[2K\\rvalid" in text
    assert "\\udb40\\udc41" in text  # a tag as its surrogate pair
    assert json.loads(json_text(data, indent=None)) == data


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("::error::x", "\\x3a:error::x"),
        ("   ::warning file=a::b", "   \\x3a:warning file=a::b"),
        ("\u3000\u00a0::stop-commands::t", "\u3000\u00a0\\x3a:stop-commands::t"),
        ("a::b", "a::b"),
        (":x", ":x"),
    ],
)
def test_no_command_breaks_a_line_a_runner_would_take_for_a_command(line: str, shown: str) -> None:
    assert no_command(line) == shown


# -- values kept bounded ---------------------------------------------------------------------------
class NotWhole(str):
    """A text that must not be rendered whole (slices of it are plain texts)."""

    def __repr__(self) -> str:
        raise AssertionError("the whole value was rendered")


class Counted(list[Any]):
    """A list that counts the items read, and must not be rendered whole."""

    read = 0

    def __iter__(self) -> Any:
        for item in super().__iter__():
            Counted.read += 1
            yield item

    def __getitem__(self, index: Any) -> Any:
        Counted.read += 1
        return super().__getitem__(index)

    def __repr__(self) -> str:
        raise AssertionError("the whole value was rendered")


def test_a_long_text_is_shortened_without_being_rendered_whole() -> None:
    text = NotWhole("x" * 10_000_000)
    assert len(shorten(text)) <= 80
    value, cut, length = kept_value(text)
    assert (len(value), cut, length) == (199, True, 10_000_000)
    big = "é" * 20_000_000
    tracemalloc.start()
    shorten(big)
    Problem("theme_vocabulary", "m", value=big)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 1_000_000  # a few kilobytes, not the 20 MB and more the value takes


def test_a_long_list_is_read_only_as_far_as_it_is_kept() -> None:
    Counted.read = 0
    items = Counted(range(1_000_000))
    assert shorten(items).startswith("[0, 1, 2")
    assert shorten(items).endswith("999998, 999999]")
    value, cut, length = kept_value(items)
    assert (value[-1], cut, length) == ("...", True, 1_000_000)
    assert Counted.read < 200


@pytest.mark.parametrize(
    "make",
    [lambda: np.arange(10_000_000), lambda: list(range(5_000_000)),
     lambda: {i: i for i in range(1_000_000)}, lambda: set(range(1_000_000)),
     lambda: b"\x00" * 50_000_000, lambda: 10**100_000, lambda: (1,) * 3_000_000],
    ids=["ndarray", "list", "dict", "set", "bytes", "int", "tuple"],
)  # fmt: skip
def test_large_values_cost_little(make: Any) -> None:
    value = make()
    start = time.perf_counter()
    for _ in range(10):
        shorten(value)
        problem = Problem("theme_vocabulary", "m", value=value)
    assert time.perf_counter() - start < 0.5  # whole renderings take seconds
    assert problem.value_truncated
    json.dumps(problem.to_dict())
    assert len(str(problem)) < 400


def test_self_referential_and_deep_values_are_cut_at_a_depth() -> None:
    loop: list[Any] = []
    loop.append(loop)
    mapping: dict[str, Any] = {}
    mapping["self"] = mapping
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    for value in (loop, mapping, deep):
        assert "..." in shorten(value)
        problem = Problem("theme_vocabulary", "m", value=value)
        assert problem.value_truncated
        json.dumps(problem.to_dict())
    assert shorten(loop) == "[[[[...]]]]"
    assert json_value(loop) == [[[["..."]]]]  # four levels, then "..."
    assert json_value(mapping) == {"self": {"self": {"self": {"self": "..."}}}}


def _count(value: Any) -> int:
    if isinstance(value, list):
        return len(value) + sum(_count(v) for v in value)
    if isinstance(value, dict):
        return len(value) + sum(_count(v) for v in value.values())
    return 0


def test_a_value_is_kept_bounded_in_all_not_only_per_list() -> None:
    grid = [[[i] * 50 for i in range(50)] for _ in range(50)]  # 127 550 values
    problem = Problem("theme_vocabulary", "m", value=grid)
    assert problem.value_truncated
    assert _count(problem.value) <= 200 + 50  # the values kept, and a "..." per cut list
    json.dumps(problem.to_dict())


class Refusing:
    def __repr__(self) -> str:
        raise RuntimeError("no")


class Enormous:
    def __repr__(self) -> str:
        return "<" + "e" * 1_000_000 + ">"


def test_objects_whose_repr_fails_or_is_huge() -> None:
    assert shorten(Refusing()) == "<Refusing object whose repr failed: RuntimeError>"
    assert json_value(Refusing()) == "<Refusing object whose repr failed: RuntimeError>"
    problem = Problem("theme_vocabulary", "m", value=Enormous())
    assert (problem.value_truncated, problem.value_length) == (True, 1_000_002)
    assert len(problem.value) == 199
    assert len(shorten(Enormous())) <= 80


@pytest.mark.parametrize(
    ("value", "kept", "length", "note"),
    [
        ("a" * 200_000, None, 200_000, "(shortened from 200000 characters)"),
        (list(range(1000)), [*range(50), "..."], 1000, "(shortened from 1000 items)"),
        (["short", "b" * 1000], None, 2, "(parts of its 2 items shortened)"),
        ({str(i): i for i in range(60)}, None, 60, "(shortened from 60 items)"),
        ("short", "short", None, None),
        ([1, [2, [3]]], [1, [2, [3]]], None, None),
        (float("nan"), "nan", None, None),
    ],
)
def test_a_shortened_value_says_so_with_its_full_length(
    value: Any, kept: Any, length: int | None, note: str | None
) -> None:
    problem = Problem("theme_vocabulary", "m", value=value)
    if kept is not None:
        assert problem.value == kept
    assert problem.value_truncated is (length is not None)
    assert problem.value_length == length
    assert (problem.to_dict()["value_truncated"], problem.to_dict()["value_length"]) == (
        problem.value_truncated,
        length,
    )
    shown = str(problem).split("; value: ")[1]
    if note is None:
        assert "shortened" not in shown
    else:
        assert shown.endswith(f" {note}")
        assert len(shown[: -len(note)]) <= 81


def test_a_copied_problem_keeps_its_flag_and_length() -> None:
    from iran_russia_claims.validation.report import with_changes

    problem = Problem("theme_vocabulary", "m", value=list(range(1000)))
    copy = with_changes(problem, file="x.csv")
    assert (copy.value, copy.value_truncated, copy.value_length) == (
        problem.value,
        True,
        1000,
    )
    plain = with_changes(Problem("theme_vocabulary", "m", value=[1, 2]), file="x.csv")
    assert (plain.value, plain.value_truncated, plain.value_length) == ([1, 2], False, None)


def test_numpy_values_read_as_python_ones() -> None:
    assert shorten(np.int64(5)) == "5"
    assert json_value(np.float64("nan")) == "nan"
    assert json_value(np.array(["a", "b"], dtype=object)) == ["a", "b"]
    assert shorten(np.array([1, 2])) == "[1, 2]"


@pytest.mark.parametrize("field", ["record_id", "column"])
def test_a_long_record_id_or_column_name_is_cut_and_says_from_what(field: str) -> None:
    """A hostile file may name a column (or a record) with megabytes of text: the problem keeps
    its ends, its full length beside it, and every report stays small."""
    from iran_russia_claims.spec.problem import MAX_NAME_CHARS

    name = "\x1b[2J" + "n" * 5_000_000 + "end"
    problem = Problem("no_extra_fields", "m", "f.parquet", **{field: name})
    kept = getattr(problem, field)
    assert len(kept) <= MAX_NAME_CHARS
    assert kept.startswith("\x1b[2J")
    assert kept.endswith("end")
    assert problem.to_dict()[f"{field}_length"] == len(name)
    text = str(problem)
    assert len(text) < 2 * MAX_NAME_CHARS + 200
    assert f"(shortened from {len(name)} characters)" in text
    assert "\x1b" not in text
    short = Problem("no_extra_fields", "m", "f.parquet", **{field: "n" * MAX_NAME_CHARS})
    assert (getattr(short, field), short.to_dict()[f"{field}_length"]) == (
        "n" * MAX_NAME_CHARS,
        None,
    )
