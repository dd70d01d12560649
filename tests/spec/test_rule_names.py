"""Every rule name any code can emit is registered, with its description.

Statically: every string literal given as the rule of a ``Problem``, of ``Sink.cells`` or of a
pydantic error names a rule of the catalogue. At run time: ``Problem`` refuses any other name,
so a dynamic name cannot slip through either.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from iran_russia_claims.spec.problem import Problem
from iran_russia_claims.spec.rules import RULES

SRC = Path(__file__).resolve().parents[2] / "src" / "iran_russia_claims"
#: Calls whose first argument is a rule name.
EMITTERS = {"Problem", "cells", "_fail", "PydanticCustomError"}


def _emitted() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name in EMITTERS and isinstance(first, ast.Constant):
                found.append((str(path.relative_to(SRC)), node.lineno, str(first.value)))
    return found


def test_the_scan_finds_the_emitters() -> None:
    names = {rule for _, _, rule in _emitted()}
    assert {"readable", "required", "type", "not_empty", "span_hash_matches"} <= names


def test_every_literal_rule_name_is_registered() -> None:
    unknown = [(f, line, rule) for f, line, rule in _emitted() if rule not in RULES]
    assert unknown == []


def test_every_registered_rule_has_a_description() -> None:
    for rule in RULES.values():
        assert len(rule.description) >= 8, rule.name


def test_a_problem_with_an_unregistered_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="not a registered rule"):
        Problem("code_unique_typo", "x")
    assert Problem("code_unique", "x").rule == "code_unique"
