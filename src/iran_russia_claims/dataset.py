"""Reading the hand-curated ``dataset/`` directory: safely, completely, with exact locations.

``dataset/`` is the source of truth (YAML, one record per claim, comments allowed). Reading it
validates the registries with pydantic and the claims with ``validate`` (every rule, as the
``validate`` command checks them), and raises one
:class:`~iran_russia_claims.spec.problem.DataError` listing every problem, so a curator fixes
them all in one round.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from iran_russia_claims.readers.safe_yaml import read_yaml
from iran_russia_claims.spec.models import Actor, Claim, Filler, Registry, Source, errors_to_rules
from iran_russia_claims.spec.problem import DataError, Problem, shorten
from iran_russia_claims.spec.rules import RULES

CLAIMS_FILE = "claims.yaml"
ACTORS_FILE = "actors.yaml"
SOURCES_FILE = "sources.yaml"
FILLER_FILE = "filler.yaml"

M = TypeVar("M", bound=BaseModel)


def _records(path: Path, key: str) -> list[Any]:
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise DataError(
            [Problem("readable", f"expected a mapping with a list under {key!r}", str(path))]
        )
    return list(data[key])


def _validate_each(
    path: Path,
    items: list[Any],
    model: type[M],
    label: Callable[[Any], str | None],
    context: Any = None,
) -> tuple[list[M], list[Problem]]:
    good: list[M] = []
    problems: list[Problem] = []
    for number, item in enumerate(items, start=1):
        try:
            good.append(model.model_validate(item, context=context))
        except ValidationError as exc:
            record = label(item)
            for rule, column, message in errors_to_rules(exc):
                value = item.get(column) if isinstance(item, dict) and column else None
                problems.append(
                    Problem(
                        rule,
                        message,
                        str(path),
                        row=number,
                        record_id=record,
                        column=column or None,
                        value=shorten(value) if value is not None else None,
                    )
                )
    return good, problems


def _key(field: str) -> Callable[[Any], str | None]:
    return lambda item: str(item.get(field)) if isinstance(item, dict) and field in item else None


@dataclass(frozen=True)
class Dataset:
    """The curated dataset: claims, the registries they refer to, and the filler decisions."""

    claims: tuple[Claim, ...]
    registry: Registry
    filler: tuple[Filler, ...]


def read_registry(directory: Path) -> Registry:
    """The actor and source registries of a dataset directory."""
    actors, p1 = _validate_each(
        directory / ACTORS_FILE, _records(directory / ACTORS_FILE, "actors"), Actor, _key("code")
    )
    sources, p2 = _validate_each(
        directory / SOURCES_FILE, _records(directory / SOURCES_FILE, "sources"), Source, _key("id")
    )
    problems = p1 + p2
    problems += _duplicates(directory / ACTORS_FILE, [a.code for a in actors], "code_unique")
    problems += _duplicates(
        directory / SOURCES_FILE, [s.id for s in sources], "source_unique", "id"
    )
    if problems:
        raise DataError(problems)
    return Registry({a.code: a for a in actors}, {s.id: s for s in sources})


def _duplicates(path: Path, keys: list[str], rule: str, column: str | None = None) -> list[Problem]:
    column = column or RULES[rule].column or ""
    seen: set[str] = set()
    out = []
    for key in keys:
        if key in seen:
            out.append(
                Problem(
                    rule,
                    f"{column} {key!r} appears more than once",
                    str(path),
                    record_id=key,
                    column=column,
                )
            )
        seen.add(key)
    return out


def read_dataset(directory: str | Path) -> Dataset:
    """Read and fully validate a dataset directory; raise DataError listing every problem.

    The claims file is checked by :func:`~iran_russia_claims.validation.validate`, exactly as
    ``iran-russia-claims validate dataset/claims.yaml`` checks it, so both report the same.
    """
    from iran_russia_claims.validation.run import validate

    directory = Path(directory)
    registry = read_registry(directory)
    claims_path = directory / CLAIMS_FILE
    report = validate(claims_path, registry=registry, format="yaml", max_problems=None)
    problems = list(report.problems)
    claims: list[Claim] = []
    if not problems:  # the table engine and the models agree (tests/spec/test_conformance.py)
        items = _records(claims_path, "claims")
        claims, problems = _validate_each(claims_path, items, Claim, _key("id"), registry)
    filler_path = directory / FILLER_FILE
    filler: list[Filler] = []
    if filler_path.exists():
        filler, more = _validate_each(
            filler_path, _records(filler_path, "filler"), Filler, lambda item: None
        )
        problems += more
    if problems:
        raise DataError(problems)
    return Dataset(tuple(claims), registry, tuple(filler))
