"""docs/architecture.md stays true: every module of the package is listed there, and no other."""

from __future__ import annotations

import ast
import re

from conftest import REPO

SRC = REPO / "src" / "iran_russia_claims"


def listed_modules() -> set[str]:
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text.split("## Modules, one line each", 1)[1].split("\n## ", 1)[0]
    found: set[str] = set()
    for line in table.splitlines():
        if not line.startswith("| `"):
            continue
        names = re.findall(r"`([^`]+\.py)`", line.split("|")[1])
        folder = ""
        for name in names:
            if "/" in name:
                folder = name.rsplit("/", 1)[0] + "/"
                found.add(name)
            else:
                found.add(folder + name)
    return found


def package_modules() -> set[str]:
    """Every module but the subpackages' ``__init__.py`` files that hold only a docstring."""
    return {
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if p.name != "__init__.py" or p.parent == SRC or len(ast.parse(p.read_text()).body) > 1
    }


def test_every_module_is_listed_once() -> None:
    assert listed_modules() == package_modules()


def test_the_parser_sees_the_table() -> None:
    assert {"spec/rules.py", "readers/json.py", "describe/plot.py"} <= listed_modules()
