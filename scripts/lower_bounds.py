"""Print a pip constraints file pinning every runtime dependency to its lowest allowed version.

CI installs the package twice: once with the newest release of every dependency, once with
these pins, so that the lower end of each range in ``pyproject.toml`` is tested, not guessed.
The pins are read from ``pyproject.toml`` (``name>=X`` becomes ``name==X``), never written twice.

    python scripts/lower_bounds.py > lower-bounds.txt
    pip install -e ".[dev]" -c lower-bounds.txt
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
_SPEC = re.compile(r"^\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*(.*)$")


def lower_bounds(requirements: list[str]) -> dict[str, str]:
    """``name -> lowest version`` for each requirement with a ``>=`` bound."""
    pins: dict[str, str] = {}
    for requirement in requirements:
        match = _SPEC.match(requirement.split(";")[0])
        if match is None:
            continue
        name, spec = match.groups()
        floor = re.search(r">=\s*([0-9][^,\s]*)", spec)
        if floor is not None:
            pins[name.lower()] = floor.group(1)
    return pins


def main() -> int:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    pins = lower_bounds(list(project["dependencies"]))
    for name, version in sorted(pins.items()):
        print(f"{name}=={version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
