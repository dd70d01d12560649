"""What every peer reads the same way: its arguments and the collection's registries.

Only values: the registries of a collection folder (``actors.yaml``, ``sources.yaml`` and the
id prefix of ``collection.yaml``, read with PyYAML as any user would) and the command line. No
rule is written here; each peer states the rules in its own API. Vocabularies and patterns
come from ``iran_russia_claims.spec`` in each peer, never copied.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from iran_russia_claims.spec.vocab import ID_PREFIX


@dataclass(frozen=True)
class Registry:
    id_prefix: str
    actors: tuple[str, ...]
    #: source id -> length in characters
    lengths: dict[str, int]
    #: (source id, section slug) -> (start, end), end exclusive
    sections: dict[tuple[str, str], tuple[int, int]]


def _load(path: Path) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


def read_registry(directory: Path) -> Registry:
    manifest = directory / "collection.yaml"
    prefix = (_load(manifest) or {}).get("id_prefix", ID_PREFIX) if manifest.is_file() else None
    sources = _load(directory / "sources.yaml")["sources"]
    return Registry(
        id_prefix=prefix or ID_PREFIX,
        actors=tuple(a["code"] for a in _load(directory / "actors.yaml")["actors"]),
        lengths={s["id"]: int(s["length"]) for s in sources},
        sections={
            (s["id"], x["slug"]): (int(x["start"]), int(x["end"]))
            for s in sources
            for x in s["sections"]
        },
    )


def arguments() -> tuple[Path, Registry]:
    """``FILE.csv REGISTRY_DIR`` from the command line (exit 2 on a usage error)."""
    if len(sys.argv) != 3:
        sys.stderr.write(f"usage: python {sys.argv[0]} FILE.csv REGISTRY_DIR\n")
        raise SystemExit(2)
    return Path(sys.argv[1]), read_registry(Path(sys.argv[2]))


def finish(tool: str, rows: int, failures: dict[str, int]) -> None:
    """Print a one-line summary (and the failures by rule) and exit 0 if valid, 1 if not."""
    failed = {k: v for k, v in failures.items() if v}
    total = sum(failed.values())
    by_rule = ", ".join(f"{k} {v:,}" for k, v in sorted(failed.items()))
    print(f"{tool}: {rows:,} rows, {'valid' if not failed else f'{total:,} failures'}"
          + (f" ({by_rule})" if by_rule else ""))  # fmt: skip
    raise SystemExit(1 if failed else 0)
